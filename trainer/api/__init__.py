"""The JSON API (/api/v1/) and personal API tokens."""

from .views import bp

__all__ = ["bp"]
