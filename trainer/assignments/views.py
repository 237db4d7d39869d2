"""Setting work for teams and trainees, and following it up."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..auth.access import role_required
from ..auth.models import Role, Team, User, UserRole
from ..extensions import db
from ..i18n import current_language
from . import services
from .forms import AssignmentForm
from .models import Kind

bp = Blueprint("assignments", __name__, url_prefix="/assignments", template_folder="templates")


def _form(lang: str) -> AssignmentForm:
    form = AssignmentForm()
    labels = {
        Kind.MODULE: _("Module"),
        Kind.LESSON: _("Lesson"),
        Kind.QUIZ: _("Quiz"),
        Kind.ROLEPLAY: _("Role-play"),
    }
    form.what.choices = [
        SelectChoice(f"{kind.value}:{ident}", title, optgroup=labels[kind])
        for kind, items in services.targets(lang).items()
        for ident, title in items
    ]
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    form.team.choices = [
        SelectChoice(0, _("— no team —")),
        *(SelectChoice(t.id, t.name) for t in teams),
    ]
    trainees = db.session.scalars(
        select(User)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.TRAINEE.value))
        .where(User.active.is_(True))
        .order_by(User.display_name)
    ).all()
    form.trainees.choices = [SelectChoice(u.id, f"{u.display_name} ({u.email})") for u in trainees]
    return form


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR, Role.ADMIN)
def index() -> str | Response:
    lang = current_language()
    form = _form(lang)
    if form.validate_on_submit():
        kind, _sep, target = (form.what.data or "").partition(":")
        # The end of the chosen day in the instructor's own time zone.
        zone = ZoneInfo(current_user.timezone)
        assert form.due.data is not None
        due = datetime.combine(form.due.data, time(23, 59), tzinfo=zone).astimezone(UTC)
        try:
            services.create(
                Kind(kind),
                target,
                due,
                current_user,
                form.team.data or None,
                list(form.trainees.data or []),
                lang,
            )
        except (services.AssignmentError, ValueError) as exc:
            message = (
                exc.message
                if isinstance(exc, services.AssignmentError)
                else _("Choose something to assign.")
            )
            form.what.errors = [str(message)]
        else:
            flash(_("Assignment set."), "success")
            return redirect(url_for("assignments.index"))
    return render_template("assignments/index.html", form=form, reports=services.reports(lang))
