"""Forms of the certification and HR pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason for revoking the certificate.")),
            Length(max=1000),
        ],
    )


class ActionForm(FlaskForm):
    """Sign-off: nothing but the CSRF token."""


class ReinstateForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason for reinstating the certificate.")),
            Length(max=1000),
        ],
    )
