"""The curriculum: course, modules and lessons as versioned data, progress, glossary, search."""

from .views import bp

__all__ = ["bp"]
