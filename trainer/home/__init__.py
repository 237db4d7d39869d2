"""The home page of each role and the health check."""

from .views import bp

__all__ = ["bp"]
