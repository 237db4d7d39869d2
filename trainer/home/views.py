"""The home page of each role, and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from ..assignments.services import overdue_by_team
from ..auth.access import any_signed_in, public
from ..auth.models import Role
from ..i18n import current_language
from ..lessons.services import course_overview
from ..quizzes.services import grading_queue as quiz_grading_queue
from ..quizzes.services import quizzes_for
from ..roleplay.services import grading_queue as call_grading_queue
from ..roleplay.services import scenarios_for
from . import services

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@any_signed_in
def index() -> str:
    roles = current_user.roles
    lang = current_language()
    is_trainee = Role.TRAINEE in roles
    course = course_overview(current_user.id, lang) if is_trainee else None
    quizzes = [q for q in quizzes_for(current_user.id) if not q.passed][:3] if is_trainee else []
    calls = [s for s in scenarios_for(current_user.id) if not s.passed][:3] if is_trainee else []
    plan = services.trainee_plan(current_user, lang) if is_trainee else None
    overdue = overdue_by_team() if current_user.has_role(Role.HR, Role.ADMIN) else {}
    grading = None
    if current_user.has_role(Role.INSTRUCTOR, Role.ADMIN):
        grading = {"essays": len(quiz_grading_queue()), "calls": len(call_grading_queue())}
    sees_teams = bool(roles & {Role.INSTRUCTOR, Role.HR})
    return render_template(
        "home/index.html",
        is_trainee=is_trainee,
        course=course,
        plan=plan,
        quizzes=quizzes,
        overdue=overdue,
        calls=calls,
        grading=grading,
        is_hr=current_user.has_role(Role.HR, Role.ADMIN),
        lang=lang,
        sees_teams=sees_teams,
        is_admin=Role.ADMIN in roles,
        teams=services.team_summaries() if sees_teams else [],
        people=services.people_by_role() if Role.ADMIN in roles else {},
        audit_events=services.recent_audit_events() if Role.ADMIN in roles else [],
    )


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    if services.database_answers():
        return jsonify(status="ok"), 200
    return jsonify(status="unavailable", detail="database does not answer"), 503
