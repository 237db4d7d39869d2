"""Certification: rules, standings, certificates (PDF, verification), HR dashboard and exports."""

from .views import bp

__all__ = ["bp"]
