"""People: accounts, roles, teams, signing in, and their administration."""

from .admin_views import bp as admin_bp
from .views import bp

__all__ = ["admin_bp", "bp"]
