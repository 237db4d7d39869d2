"""Authorisation at the route: every view says which roles may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

from .models import Role

P = ParamSpec("P")
R = TypeVar("R")


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Signed in and holding at least one of `roles`; otherwise the login page or 403."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.__dict__["required_roles"] = frozenset(roles)
        return login_required(wrapped)

    return decorator


def public(view: Callable[P, R]) -> Callable[P, R]:
    """Marks a view as deliberately open to everyone (a test checks every route is marked)."""
    view.__dict__["is_public"] = True
    return view


def any_signed_in(view: Callable[P, R]) -> Callable[P, R]:
    """Any signed-in person, whatever their roles (own account pages)."""
    return role_required(*Role)(view)
