"""Forms of the lesson pages."""

from __future__ import annotations

from flask_wtf import FlaskForm


class CompleteForm(FlaskForm):
    """'Mark as complete': nothing but the CSRF token."""
