"""Forms of the quiz pages (answers are read by the question types, not by WTForms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

GIFT_MAX_BYTES = 5 * 1024 * 1024


class ActionForm(FlaskForm):
    """Start, submit: nothing but the CSRF token."""


class GiftImportForm(FlaskForm):
    bank = StringField(
        _l("Bank"),
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(
                r"^[a-z0-9][a-z0-9-]*$", message=_l("Lower-case letters, digits and hyphens only.")
            ),
        ],
    )
    encoding = SelectField(
        _l("Encoding"),
        choices=[SelectChoice("utf-8", "UTF-8"), SelectChoice("gbk", "GBK (GB18030)")],
        default="utf-8",
    )
    file = FileField(
        _l("GIFT file"),
        validators=[FileRequired(), FileSize(GIFT_MAX_BYTES, message=_l("The file is over 5 MB."))],
    )


class GradeForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the trainee"), validators=[Length(max=2000)])


class ExportForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=[("zh", "中文"), ("en", "English")])
