"""Role-play pages: scenarios, the player (one page per turn; no reload with JavaScript),
the debrief, the grading queue and scenario analytics."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..auth.access import any_signed_in, role_required
from ..auth.models import Role, User
from ..competency.services import competencies_by_id
from ..extensions import db
from ..i18n import current_language
from ..phrases import PhraseBook, load_phrase_book
from . import presentation, services
from .graph import draw
from .models import PlaySession, SessionState

bp = Blueprint("roleplay", __name__, url_prefix="/roleplay", template_folder="templates")
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


@lru_cache(maxsize=4)
def _phrase_book(root: str) -> PhraseBook:
    return load_phrase_book(Path(root), [])


def phrase_book() -> PhraseBook:
    return _phrase_book(str(current_app.config["TRAINER_CONTENT_DIR"]))


def _own(session_id: int) -> PlaySession:
    try:
        return services.get_session(session_id, current_user.id)
    except services.NotFound:
        abort(404)


@bp.route("/")
@any_signed_in
def index() -> str:
    return render_template(
        "roleplay/index.html",
        summaries=services.scenarios_for(current_user.id),
        can_analyse=current_user.has_role(*STAFF),
        lang=current_language(),
    )


@bp.route("/<key>")
@any_signed_in
def scenario(key: str) -> str:
    try:
        row = services.get_scenario(key)
    except services.NotFound:
        abort(404)
    comps = competencies_by_id([c["competency"] for c in row.data["rubric"]])
    return render_template(
        "roleplay/scenario.html",
        scenario=row,
        data=row.data,
        lang=current_language(),
        form=FlaskForm(),
        competencies=comps,
        open_session=services.open_session(row, current_user.id),
        past=services.past_calls(key, current_user.id),
    )


@bp.route("/<key>/start", methods=["POST"])
@any_signed_in
def start(key: str) -> Response:
    try:
        row = services.get_scenario(key)
    except services.NotFound:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    restart = request.form.get("restart") == "1"
    session = services.start_session(row, current_user.id, restart=restart)
    return redirect(url_for("roleplay.play", session_id=session.id))


@bp.route("/session/<int:session_id>")
@any_signed_in
def play(session_id: int) -> str | Response:
    session = _own(session_id)
    if services.expire(session):
        flash(_("The customer hung up while waiting for your reply."), "error")
    if session.state != SessionState.IN_PROGRESS:
        return redirect(url_for("roleplay.debrief", session_id=session.id))
    lang = current_language()
    return render_template(
        "roleplay/play.html",
        session=session,
        data=session.scenario.data,
        lang=lang,
        lines=presentation.transcript(session, lang, with_feedback=False),
        prompt=presentation.current_prompt(session, lang),
        form=FlaskForm(),
        max_length=services.MAX_FREE_TEXT,
        clock=services.clock(session),
    )


@bp.route("/session/<int:session_id>/turn", methods=["POST"])
@any_signed_in
def turn(session_id: int) -> Response:
    session = _own(session_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    expected = request.form.get("turn", type=int)
    try:
        if expected is None:
            raise services.PlayError(_("The reply could not be read; please try again."))
        if "choice" in request.form:
            services.choose_token(session, expected, request.form.get("choice", ""))
        else:
            services.write(
                session, expected, request.form.get("text", ""), phrase_book(), current_language()
            )
    except services.PlayError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("roleplay.play", session_id=session.id))


@bp.route("/session/<int:session_id>/debrief")
@any_signed_in
def debrief(session_id: int) -> str | Response:
    session = _own(session_id)
    if session.state == SessionState.IN_PROGRESS:
        return redirect(url_for("roleplay.play", session_id=session.id))
    return _debrief_page(session, template="roleplay/debrief.html")


def _debrief_page(session: PlaySession, template: str, **extra: object) -> str:
    lang = current_language()
    data = session.scenario.data
    typed = services.definition(session.scenario)
    best = typed.best_ending()
    errors = {e.id: e.name.get(lang) for e in typed.critical_errors}
    previous = services.previous_call(session)
    rows = presentation.rubric_rows(session, lang, previous.criterion_scores if previous else None)
    comps = competencies_by_id([r.competency for r in rows])
    return render_template(
        template,
        session=session,
        data=data,
        lang=lang,
        rows=rows,
        previous=previous,
        competencies=comps,
        lines=presentation.transcript(session, lang, with_feedback=True),
        ending=data["nodes"][session.ending] if session.ending else None,
        best_ending=data["nodes"][best] if best else None,
        reached_best=best == session.ending,
        critical=[errors.get(e, e) for e in session.critical_errors],
        separator=presentation.separator(lang),
        **extra,
    )


@bp.route("/grading/<int:session_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def grade(session_id: int) -> str | Response:
    session = db.session.get(PlaySession, session_id)
    if session is None:
        abort(404)
    form = FlaskForm()
    error = None
    if form.validate_on_submit():
        number = request.form.get("turn", type=int) or 0
        turn = next((t for t in session.turns if t.number == number and t.text is not None), None)
        if turn is None:
            abort(404)
        criteria = session.scenario.data["nodes"][turn.node]["free_text"]["criteria"]
        try:
            points = {c: float(request.form.get(f"points-{c}", "")) for c in criteria}
            services.grade_turn(
                session, number, current_user.id, points, request.form.get("comment", "")[:2000]
            )
        except ValueError:
            error = _("Give each criterion a score.")
        except services.PlayError as exc:
            error = str(exc.message)
        else:
            flash(_("Grade saved."), "success")
            if session.state == SessionState.FINISHED:
                following = services.grading_queue(limit=1)
                if following:
                    return redirect(url_for("roleplay.grade", session_id=following[0].session_id))
                return redirect(url_for("inbox.index"))
            return redirect(url_for("roleplay.grade", session_id=session.id))
    trainee = db.session.get(User, session.user_id)
    lang = current_language()
    criteria = {c["id"]: presentation.t(c["name"], lang) for c in session.scenario.data["rubric"]}
    written = [
        {
            "number": t.number,
            "text": t.text,
            "needs_grading": t.needs_grading,
            "points": t.points,
            "comment": t.comment or "",
            "prompt": presentation.t(
                session.scenario.data["nodes"][t.node]["free_text"]["prompt"], lang
            ),
            "model": presentation.t(
                session.scenario.data["nodes"][t.node]["free_text"]["model_answer"], lang
            ),
            "criteria": session.scenario.data["nodes"][t.node]["free_text"]["criteria"],
        }
        for t in session.turns
        if t.text is not None
    ]
    return _debrief_page(
        session,
        template="roleplay/grade.html",
        trainee=trainee,
        form=form,
        written=written,
        criterion_names=criteria,
        error=error,
    )


@bp.route("/<key>/analytics")
@role_required(*STAFF)
def analytics(key: str) -> str:
    try:
        row = services.get_scenario(key)
    except services.NotFound:
        abort(404)
    lang = current_language()
    counts = services.choice_counts(key)
    stats = services.scenario_stats(key)
    typed = services.definition(row)
    nodes = []
    for node_id, node in typed.nodes.items():
        if node.choices:
            total = sum(counts.get((node_id, i), 0) for i in range(len(node.choices)))
            best = typed.best_choice(node)
            options = [
                {
                    "reply": c.reply.get(lang),
                    "count": counts.get((node_id, i), 0),
                    "share": round(100 * counts.get((node_id, i), 0) / total) if total else 0,
                    "best": i == best,
                }
                for i, c in enumerate(node.choices)
            ]
            nodes.append(
                {
                    "id": node_id,
                    "customer": node.customer.get(lang),
                    "total": total,
                    "options": options,
                }
            )
    means = {}
    if stats and stats.sessions:
        means = {
            c["id"]: round(stats.criterion_sums.get(c["id"], 0) / stats.sessions, 1)
            for c in row.data["rubric"]
        }
    return render_template(
        "roleplay/analytics.html",
        scenario=row,
        data=row.data,
        lang=lang,
        nodes=nodes,
        stats=stats,
        means=means,
        graph=draw(row.data, counts),
    )
