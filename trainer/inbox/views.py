"""The grading inbox page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from ..auth.access import role_required
from ..auth.models import Role, Team
from ..extensions import db
from ..i18n import current_language
from .services import checked_calls, inbox

bp = Blueprint("inbox", __name__, template_folder="templates")


@bp.route("/grading/")
@role_required(Role.INSTRUCTOR, Role.ADMIN)
def index() -> str:
    kind = request.args.get("kind") if request.args.get("kind") in ("essay", "call") else None
    team_id = request.args.get("team", type=int)
    days = request.args.get("older", type=int)
    items = inbox(current_language(), team_id, kind, days if days and days > 0 else None)
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    checked = checked_calls(current_language(), team_id) if kind in (None, "call") else []
    return render_template(
        "inbox/index.html",
        items=items,
        checked=checked,
        teams=teams,
        kind=kind,
        team_id=team_id,
        days=days,
    )
