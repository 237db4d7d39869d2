"""Authoring: instructors edit content in the browser through the same checker as the files."""

from .views import bp

__all__ = ["bp"]
