"""Forms of the QA pages. The evaluation form's criteria come from the scorecard, so its level
fields are read by the view from the request (the CSRF token comes from a FlaskForm here)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .transcripts import MAX_BYTES


def channel_choices() -> list[tuple[str, str]]:
    return [
        ("voice", str(_l("Voice call"))),
        ("chat", str(_l("Chat"))),
        ("email", str(_l("E-mail"))),
    ]


class InteractionForm(FlaskForm):
    agent_email = EmailField(_l("Agent's email"), validators=[DataRequired(), Length(max=254)])
    channel = SelectField(_l("Channel"), choices=channel_choices, validators=[DataRequired()])
    occurred_on = DateField(_l("Date of the contact"), validators=[DataRequired()])
    reference = StringField(
        _l("Reference (call or ticket id)"), validators=[DataRequired(), Length(max=120)]
    )
    transcript = TextAreaField(
        _l("Transcript"), validators=[Optional(), Length(max=MAX_BYTES)], render_kw={"rows": 12}
    )
    upload = FileField(
        _l("…or upload it (.txt, .csv or .jsonl)"),
        validators=[
            FileAllowed(["txt", "csv", "jsonl", "json"], _l("Upload a .txt, .csv or .jsonl file."))
        ],
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
    )


class DisputeForm(FlaskForm):
    criterion = SelectField(_l("Criterion"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why the score is wrong"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 4},
    )


class ResolveForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=lambda: [
            SelectChoice("uphold", str(_l("Uphold the score"))),
            SelectChoice("change", str(_l("Change the level"))),
        ],
        validators=[DataRequired()],
    )
    level = SelectField(_l("New level"), validators=[Optional()], validate_choice=False)
    note = TextAreaField(
        _l("Note to the agent"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 3},
    )
