"""Quiz pages: the list, taking an attempt (autosave, timer), review, grading, analysis, GIFT."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..auth.access import any_signed_in, role_required
from ..auth.models import Role, User
from ..extensions import db
from ..i18n import current_language
from . import analysis, services
from .forms import ActionForm, GiftImportForm, GradeForm
from .gift import GiftEncodingError, decode_gift
from .models import Attempt, AttemptState, QuestionBank
from .presentation import attempt_view, slot_view

bp = Blueprint("quizzes", __name__, template_folder="templates")
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def _own_attempt(attempt_id: int) -> Attempt:
    try:
        return services.get_attempt(attempt_id, current_user.id)
    except services.NotFound:
        abort(404)


def _quiz_or_404(slug: str) -> services.Quiz:
    try:
        return services.get_quiz(slug)
    except services.NotFound:
        abort(404)


@bp.route("/quizzes/")
@any_signed_in
def index() -> str:
    return render_template(
        "quizzes/index.html",
        summaries=services.quizzes_for(current_user.id),
        can_analyse=current_user.has_role(*STAFF),
    )


@bp.route("/quizzes/<slug>")
@any_signed_in
def quiz(slug: str) -> str:
    quiz = _quiz_or_404(slug)
    summary = next(s for s in services.quizzes_for(current_user.id) if s.quiz.id == quiz.id)
    attempts = db.session.scalars(
        db.select(Attempt)
        .where(Attempt.quiz_id == quiz.id, Attempt.user_id == current_user.id)
        .order_by(Attempt.number)
    ).all()
    return render_template(
        "quizzes/quiz.html", quiz=quiz, summary=summary, attempts=attempts, form=ActionForm()
    )


@bp.route("/quizzes/<slug>/start", methods=["POST"])
@any_signed_in
def start(slug: str) -> BaseResponse:
    quiz = _quiz_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(quiz, current_user.id)
    except services.QuizError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("quizzes.quiz", slug=slug))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.route("/quizzes/attempt/<int:attempt_id>")
@any_signed_in
def attempt(attempt_id: int) -> tuple[str, int] | BaseResponse:
    attempt = _own_attempt(attempt_id)
    services.close_if_expired(attempt)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    services.ensure_tokens(attempt)
    return _attempt_page(attempt)


def _attempt_page(
    attempt: Attempt, errors: dict[int, str] | None = None, status: int = 200
) -> tuple[str, int]:
    quiz = db.session.get(services.Quiz, attempt.quiz_id)
    reveal = quiz is not None and services.feedback_visible(quiz, attempt)
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        quiz=quiz,
        slots=attempt_view(attempt, current_language(), reveal),
        seconds_left=services.time_left(attempt),
        form=ActionForm(),
        errors=errors or {},
    ), status


@bp.route("/quizzes/attempt/<int:attempt_id>/save", methods=["POST"])
@any_signed_in
def save(attempt_id: int) -> tuple[Response, int] | tuple[str, int] | BaseResponse:
    attempt = _own_attempt(attempt_id)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    form = {k: request.form.getlist(k) for k in request.form if k != "csrf_token"}
    try:
        result = services.save_answers(attempt, form)
    except services.AnswerRefused as exc:
        # Nothing was stored; the attempt goes on. Say why, and let the trainee reload.
        if wants_json:
            return jsonify(type="about:blank", title=str(exc.message), status=422), 422
        flash(str(exc.message), "error")
        return _attempt_page(attempt, status=422)
    except services.QuizError as exc:
        if wants_json:
            return jsonify(
                type="about:blank",
                title=str(exc.message),
                status=409,
                redirect=url_for("quizzes.review", attempt_id=attempt.id),
            ), 409
        flash(str(exc.message), "error")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    if wants_json:
        return jsonify(
            saved=result.saved,
            errors={str(k): str(v) for k, v in result.errors.items()},
            seconds_left=services.time_left(attempt),
        ), 200
    if request.form.get("then") == "submit" and not result.errors:
        services.submit_attempt(attempt)
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    if result.errors:
        flash(_("Some answers could not be saved; see the messages below."), "error")
        return _attempt_page(
            attempt, errors={k: str(v) for k, v in result.errors.items()}, status=422
        )
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.route("/quizzes/attempt/<int:attempt_id>/submit", methods=["POST"])
@any_signed_in
def submit(attempt_id: int) -> BaseResponse:
    attempt = _own_attempt(attempt_id)
    form = {k: request.form.getlist(k) for k in request.form if k != "csrf_token"}
    try:
        if form and attempt.state == AttemptState.IN_PROGRESS:
            services.save_answers(attempt, form)
        services.submit_attempt(attempt)
    except services.AnswerRefused as exc:  # not submitted: nothing of this request was kept
        flash(str(exc.message), "error")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    except services.QuizError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("quizzes.review", attempt_id=attempt.id))


@bp.route("/quizzes/attempt/<int:attempt_id>/review")
@any_signed_in
def review(attempt_id: int) -> str | BaseResponse:
    attempt = _own_attempt(attempt_id)
    services.close_if_expired(attempt)
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    quiz = db.session.get(services.Quiz, attempt.quiz_id)
    reveal = quiz is not None and services.feedback_visible(quiz, attempt)
    return render_template(
        "quizzes/review.html",
        attempt=attempt,
        quiz=quiz,
        reveal=reveal,
        slots=attempt_view(attempt, current_language(), reveal),
        moved=services.competencies_moved(attempt, current_language()),
    )


# --- instructors ----------------------------------------------------------------------------


@bp.route("/quizzes/<slug>/analysis")
@role_required(*STAFF)
def quiz_analysis(slug: str) -> str:
    quiz = _quiz_or_404(slug)
    return render_template("quizzes/analysis.html", quiz=quiz, items=analysis.quiz_report(quiz.id))


@bp.route("/grading/attempt/<int:attempt_id>/<int:position>", methods=["GET", "POST"])
@role_required(*STAFF)
def grade(attempt_id: int, position: int) -> str | BaseResponse:
    attempt = db.session.get(Attempt, attempt_id)
    slot = next((s for s in attempt.slots if s.position == position), None) if attempt else None
    if attempt is None or slot is None or slot.question.type != "essay":
        abort(404)
    form = GradeForm()
    error = None
    if form.validate_on_submit():
        try:
            scores = [
                float(request.form.get(f"score-{i}", ""))
                for i in range(len(services.essay_rubric(slot.question)))
            ]
        except ValueError:
            error = _("Give each criterion a score.")
        else:
            try:
                services.grade_essay(
                    attempt, position, current_user.id, scores, form.comment.data or ""
                )
            except services.QuizError as exc:
                error = str(exc.message)
            else:
                flash(_("Grade saved."), "success")
                following = services.grading_queue(limit=1)
                if following:
                    return redirect(
                        url_for(
                            "quizzes.grade",
                            attempt_id=following[0].attempt_id,
                            position=following[0].position,
                        )
                    )
                return redirect(url_for("inbox.index"))
    trainee = db.session.get(User, attempt.user_id)
    return render_template(
        "quizzes/grade.html",
        attempt=attempt,
        slot=slot_view(slot, current_language(), True),
        rubric=services.essay_rubric(slot.question),
        scores=slot.rubric_scores or [],
        trainee=trainee,
        form=form,
        error=error,
        lang=current_language(),
    )


@bp.route("/quizzes/banks/", methods=["GET", "POST"])
@role_required(*STAFF)
def banks() -> str:
    form = GiftImportForm()
    report = None
    error = None
    if form.validate_on_submit():
        try:
            text = decode_gift(form.file.data.read(), form.encoding.data or "utf-8")
        except GiftEncodingError as exc:
            error = _(
                "Line %(line)d: the file is not %(encoding)s text; choose its encoding.",
                line=exc.line,
                encoding=(form.encoding.data or "utf-8").upper(),
            )
        else:
            report = services.import_gift(text, form.bank.data or "")
    rows = db.session.execute(
        db.select(QuestionBank, db.func.count(services.Question.id))
        .outerjoin(
            services.Question,
            db.and_(
                services.Question.bank_id == QuestionBank.id, services.Question.archived.is_(False)
            ),
        )
        .group_by(QuestionBank.id)
        .order_by(QuestionBank.slug)
    ).all()
    return render_template("quizzes/banks.html", form=form, report=report, error=error, rows=rows)


@bp.route("/quizzes/banks/<slug>/export.gift")
@role_required(*STAFF)
def export(slug: str) -> Response:
    lang = request.args.get("lang", current_language())
    try:
        text, _skipped = services.export_gift(slug, "en" if lang == "en" else "zh")
    except services.NotFound:
        abort(404)
    return Response(
        text,
        mimetype="text/plain; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={slug}-{lang}.gift.txt"},
    )
