"""Calibration: blind double grading and agreement between instructors."""

from .views import bp

__all__ = ["bp"]
