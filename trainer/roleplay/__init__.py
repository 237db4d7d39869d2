"""Role-play: scenarios as graphs, the player, scoring by rubric, grading and analytics."""

from .views import bp

__all__ = ["bp"]
