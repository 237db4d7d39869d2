"""The grading inbox: everything waiting for an instructor, oldest first."""

from .views import bp

__all__ = ["bp"]
