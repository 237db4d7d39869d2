"""Assignments: work set for teams or trainees with a due date, and who has done it."""

from .views import bp

__all__ = ["bp"]
