"""The JSON API under /api/v1/: the same services and role rules as the pages, bearer tokens
instead of the session, errors as application/problem+json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..auth.access import any_signed_in, public, role_required
from ..auth.models import Role
from ..certification import services as certification
from ..competency.profile import profile
from ..lessons import services as lessons
from ..quizzes import services as quizzes
from ..xapi import services as xapi
from . import schemas
from . import services as tokens_service
from .spec import api_spec, document, responses

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _lang() -> str:
    # Already validated against the operation's query model by spectree.
    return request.args.get("lang") or "zh"


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(document())


@bp.route("/me")
@api_spec.validate(query=schemas.Query, resp=responses(schemas.Me), tags=["api"])
@any_signed_in
def me() -> Response:
    """The signed-in person."""
    return jsonify(
        id=current_user.id,
        email=current_user.email,
        display_name=current_user.display_name,
        roles=sorted(r.value for r in current_user.roles),
        team=current_user.team.name if current_user.team else None,
    )


@bp.route("/lessons")
@api_spec.validate(query=schemas.Query, resp=responses(schemas.Course), tags=["api"])
@any_signed_in
def course() -> Response:
    """The course with this person's progress."""
    overview = lessons.course_overview(current_user.id, _lang())
    if overview is None:
        return jsonify(modules=[])
    return jsonify(
        title=overview.title,
        percent=overview.percent,
        modules=[
            {
                "id": m.id,
                "title": m.title,
                "status": m.status.value,
                "percent": m.percent,
                "lessons": [
                    {
                        "id": lesson.id,
                        "title": lesson.title,
                        "minutes": lesson.minutes,
                        "status": lesson.status.value,
                    }
                    for lesson in m.lessons
                ],
            }
            for m in overview.modules
        ],
    )


@bp.route("/lessons/<lesson_id>")
@api_spec.validate(
    query=schemas.Query, resp=responses(schemas.Lesson, not_found=True), tags=["api"]
)
@any_signed_in
def lesson(lesson_id: str) -> Response:
    """One lesson, its text in the asked language and whether this person finished it."""
    try:
        page = lessons.lesson_page(lesson_id, current_user.id, _lang())
    except lessons.LessonNotFound:
        abort(404)
    return jsonify(
        id=page.id,
        version=page.version,
        title=page.text.title,
        objectives=page.text.objectives,
        key_terms=page.text.key_terms,
        summary=page.text.summary,
        body_html=page.text.body_html,
        minutes=page.minutes,
        completed=page.completed,
        competencies=[c.id for c in page.competencies],
        sources=page.sources,
    )


@bp.route("/quizzes")
@api_spec.validate(query=schemas.Query, resp=responses(schemas.Quizzes), tags=["api"])
@any_signed_in
def quiz_list() -> Response:
    """The open quizzes with this person's results."""
    lang = _lang()
    return jsonify(
        quizzes=[
            {
                "id": s.quiz.slug,
                "title": s.quiz.title(lang),
                "attempts_used": s.attempts_used,
                "attempts_allowed": s.quiz.attempts_allowed,
                "best_percent": s.best_percent,
                "passed": s.passed,
                "awaiting_grading": s.awaiting_grading,
                "in_progress_attempt": s.in_progress_id,
            }
            for s in quizzes.quizzes_for(current_user.id)
        ]
    )


@bp.route("/attempts/<int(min=1, max=2147483647):attempt_id>")
@api_spec.validate(
    query=schemas.Query, resp=responses(schemas.Attempt, not_found=True), tags=["api"]
)
@any_signed_in
def attempt(attempt_id: int) -> Response:
    """One's own attempt: its questions as the page shows them, under the attempt's tokens
    (options, rows and steps in this attempt's order; never the key before it may be shown)."""
    from ..extensions import db
    from ..quizzes.models import AttemptState, Quiz
    from ..quizzes.presentation import attempt_view, slot_json

    try:
        found = quizzes.get_attempt(attempt_id, current_user.id)
    except quizzes.NotFound:
        abort(404)
    quizzes.close_if_expired(found)
    quizzes.ensure_tokens(found)
    quiz = db.session.get(Quiz, found.quiz_id)
    reveal = quiz is not None and quizzes.feedback_visible(quiz, found)
    running = found.state == AttemptState.IN_PROGRESS
    lang = _lang()
    return jsonify(
        id=found.id,
        quiz=quiz.slug if quiz else None,
        number=found.number,
        state=str(found.state),
        seconds_left=quizzes.time_left(found) if running else None,
        percent=None if running else found.percent,
        passed=found.passed,
        questions=[slot_json(v) for v in attempt_view(found, lang, reveal)],
    )


@bp.route("/profile")
@api_spec.validate(query=schemas.Query, resp=responses(schemas.Profile), tags=["api"])
@any_signed_in
def my_profile() -> Response:
    """This person's competency levels."""
    data = profile(current_user.id, _lang(), own=False)
    return jsonify(
        competencies=[
            {
                "id": v.competency.id,
                "level": v.estimate.level_id,
                "estimate": v.estimate.score,
                "confidence": v.estimate.confidence,
                "evidence": v.estimate.evidence,
            }
            for v in data.competencies
        ]
    )


@bp.route("/certificates")
@api_spec.validate(query=schemas.Query, resp=responses(schemas.Certificates), tags=["api"])
@any_signed_in
def my_certificates() -> Response:
    """This person's certification standings and certificates."""
    standings = certification.standings_of(current_user.id)
    return jsonify(
        standings=[
            {
                "certification": c.id,
                "status": certification.status_of(standings.get(c.id)).value,
                "missing": standings[c.id].missing if c.id in standings else [],
            }
            for c in certification.all_certifications()
        ],
        certificates=[
            {
                "code": c.code,
                "certification": c.certification_id,
                "issued": c.issued_at.isoformat(),
                "expires": c.expires_at.isoformat(),
                "status": certification.certificate_status(c),
            }
            for c in certification.certificates_of(current_user.id)
        ],
    )


@bp.route("/hr/certifications")
@api_spec.validate(query=schemas.HrQuery, resp=responses(schemas.Matrix), tags=["api"])
@role_required(Role.HR, Role.ADMIN)
def hr_matrix() -> Response:
    """People × certifications, filtered and paged (HR and administrators).

    Pages are linked with an RFC 8288 `Link` header (first, prev, next, last)."""
    query = schemas.HrQuery.model_validate(request.args.to_dict())
    filters = certification.Filters(
        team_id=query.team,
        certification_id=query.certification,
        status=query.status,
        expiring_days=query.expiring,
    )
    board = certification.dashboard(filters, query.page, per_page=query.per_page)
    rows: list[dict[str, Any]] = [
        {
            "id": r.user.id,
            "name": r.user.display_name,
            "email": r.user.email,
            "team": r.team,
            "certifications": {cid: cell[0].value for cid, cell in r.cells.items()},
        }
        for r in board.rows
    ]
    response = jsonify(
        total=board.total,
        page=board.page,
        pages=board.pages,
        per_page=query.per_page,
        counts=board.counts,
        people=rows,
    )
    response.headers["Link"] = _page_links(board.page, board.pages)
    return response


@bp.route("/xapi/statements")
@api_spec.validate(query=schemas.XapiQuery, resp=responses(schemas.XapiStatements), tags=["api"])
@role_required(Role.HR, Role.ADMIN)
def xapi_statements() -> Response:
    """The platform's xAPI 1.0.3 statements, oldest first, as an LRS serves them (HR and
    administrators). Voided statements are left out; their voiding statements are listed.

    Pages are linked with an RFC 8288 `Link` header and by `more`."""
    query = schemas.XapiQuery.model_validate(request.args.to_dict())
    found = xapi.statements(
        since=query.since,
        until=query.until,
        agent=query.agent,
        verb=query.verb,
        page=query.page,
        per_page=query.per_page,
    )
    more = ""
    if found.page < found.pages:
        more = url_for(
            "api.xapi_statements",
            **{**request.args.to_dict(), "page": str(found.page + 1)},
            _external=True,
        )
    response = jsonify(statements=found.statements, more=more)
    response.headers["Link"] = _page_links(found.page, found.pages, "api.xapi_statements")
    response.headers["X-Experience-API-Version"] = "1.0.3"
    return response


def _page_links(page: int, pages: int, endpoint: str = "api.hr_matrix") -> str:
    """RFC 8288 links to the neighbouring pages, keeping every other parameter as sent."""
    args = request.args.to_dict()
    targets = {"first": 1, "prev": page - 1, "next": page + 1, "last": pages}
    return ", ".join(
        f'<{url_for(endpoint, **{**args, "page": str(n)}, _external=True)}>; rel="{rel}"'
        for rel, n in targets.items()
        if 1 <= n <= pages
    )


# --- managing tokens in the browser ---------------------------------------------------------

tokens_bp = Blueprint("api_tokens", __name__, template_folder="templates")


@tokens_bp.route("/account/api-tokens", methods=["GET", "POST"])
@any_signed_in
def tokens() -> str | Response | BaseResponse:
    from flask import flash, redirect, render_template, url_for
    from flask_babel import gettext as _
    from flask_wtf import FlaskForm

    services = tokens_service

    form = FlaskForm()
    secret = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("revoke"):
            if services.revoke_token(current_user, request.form.get("revoke", type=int) or 0):
                flash(_("Token revoked."), "success")
            return redirect(url_for("api_tokens.tokens"))
        _token, secret = services.create_token(current_user, request.form.get("name", ""))
    return render_template(
        "api/tokens.html", tokens=services.tokens_of(current_user), secret=secret, form=form
    )
