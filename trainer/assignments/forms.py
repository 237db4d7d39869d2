"""The form for setting work."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired


class AssignmentForm(FlaskForm):
    what = SelectField(_l("What"), validators=[DataRequired()])
    team = SelectField(_l("Team"), coerce=int)
    trainees = SelectMultipleField(_l("Or named trainees"), coerce=int)
    due = DateField(_l("Due date"), validators=[DataRequired(message=_l("Give a due date."))])
