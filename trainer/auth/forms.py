"""Forms for signing in, the own account and user administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, EqualTo, Length

from .models import Role
from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


class PreferencesForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("As my browser asks")),
            SelectChoice("zh", "中文"),
            SelectChoice("en", "English"),
        ],
    )
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def role_choices() -> list[SelectChoice]:
    labels = {
        Role.TRAINEE: _l("Trainee"),
        Role.INSTRUCTOR: _l("Instructor"),
        Role.HR: _l("HR"),
        Role.ADMIN: _l("Administrator"),
        Role.QA: _l("QA reviewer"),
    }
    return [SelectChoice(role.value, str(labels[role])) for role in Role]


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired()])
    team = SelectField(_l("Team"), coerce=int)


class EditUserForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired()])
    team = SelectField(_l("Team"), coerce=int)
    active = BooleanField(_l("Active (may sign in)"))


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])


class ImportUsersForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
    )
