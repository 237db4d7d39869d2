"""Competencies: the framework, the evidence behind every profile, proficiency and profiles."""

from .views import bp

__all__ = ["bp"]
