"""Profile pages: a trainee's own, and (read-only) any trainee's for instructors and HR."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import any_signed_in, role_required
from ..auth.models import Role, User
from ..extensions import db
from ..i18n import current_language
from .charts import radar, sparkline
from .profile import profile, team_heat_map

bp = Blueprint("competency", __name__, template_folder="templates")


def _page(user: User, own: bool) -> str:
    lang = current_language()
    data = profile(user.id, lang, own=own)
    chart = radar(
        [v.competency.name(lang) for v in data.competencies],
        [v.estimate.score for v in data.competencies],
        _("Competency profile of %(name)s", name=user.display_name),
    )
    sparks = {
        v.competency.id: sparkline(
            v.trend, _("Recent evidence for %(c)s", c=v.competency.name(lang))
        )
        for v in data.competencies
    }
    return render_template(
        "competency/profile.html",
        person=user,
        data=data,
        chart=chart,
        sparks=sparks,
        own=own,
        lang=lang,
        names={v.competency.id: v.competency.name(lang) for v in data.competencies},
    )


@bp.route("/profile")
@any_signed_in
def own_profile() -> str:
    return _page(current_user, own=True)


@bp.route("/profile/<int:user_id>")
@role_required(Role.INSTRUCTOR, Role.HR, Role.ADMIN)
def trainee_profile(user_id: int) -> str:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return _page(user, own=user.id == current_user.id)


@bp.route("/analytics/teams")
@role_required(Role.INSTRUCTOR, Role.HR, Role.ADMIN)
def teams() -> str:
    return render_template("competency/teams.html", heat=team_heat_map(), lang=current_language())
