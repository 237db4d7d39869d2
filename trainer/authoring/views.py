"""Editing lessons in the browser: both languages side by side, preview, check, draft,
publish, history, diff and restore."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import and_, select
from werkzeug.wrappers import Response

from .. import safe_yaml
from ..auth.access import role_required
from ..auth.models import Role
from ..content import Problem
from ..extensions import db
from ..i18n import current_language
from ..lessons.models import Lesson, LessonText, LessonVersion, Module
from ..markup import render_markdown
from ..quizzes.types import TYPES
from . import questions, services

bp = Blueprint("authoring", __name__, url_prefix="/authoring", template_folder="templates")
EDITORS = (Role.INSTRUCTOR, Role.ADMIN)
MAX_FILE = 200_000


def _files() -> dict[str, str]:
    return {
        lang: (request.form.get(f"file_{lang}") or "")[:MAX_FILE].replace("\r\n", "\n")
        for lang in services.LANGS
    }


def _by_language(problems: list[Problem]) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = {"zh": [], "en": [], "other": []}
    for problem in problems:
        lang = (
            "zh"
            if problem.path.endswith(".zh.md")
            else "en"
            if problem.path.endswith(".en.md")
            else "other"
        )
        out[lang].append(problem)
    return out


@bp.route("/lessons")
@role_required(*EDITORS)
def lessons() -> str:
    lang = current_language()
    rows = db.session.execute(
        select(Lesson.id, Lesson.version, LessonText.title, Module.title_zh, Module.title_en)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .join(LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang))
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.archived.is_(False))
        .order_by(Module.position, Lesson.position)
    ).all()
    drafts = set(
        db.session.scalars(select(services.Draft.key).where(services.Draft.kind == "lesson"))
    )
    return render_template("authoring/lessons.html", rows=rows, drafts=drafts, lang=lang)


@bp.route("/lessons/<lesson_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(lesson_id: str) -> str | Response:
    try:
        state = services.editing(lesson_id)
    except LookupError:
        abort(404)
    form = FlaskForm()
    files = state.files
    problems: list[Problem] = []
    checked = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        files = _files()
        action = request.form.get("action")
        try:
            if action == "check":
                problems, checked = services.check(lesson_id, files), True
            elif action == "draft":
                services.save_draft(
                    lesson_id, files, request.form.get("revision", type=int), current_user
                )
                flash(_("Draft saved. Learners still see the published version."), "success")
                return redirect(url_for("authoring.edit", lesson_id=lesson_id))
            elif action == "publish":
                number = services.publish(
                    lesson_id, files, request.form.get("base", type=int) or 0, current_user
                )
                flash(_("Published as version %(n)d.", n=number), "success")
                return redirect(url_for("authoring.edit", lesson_id=lesson_id))
            elif action == "discard":
                services.discard_draft(lesson_id)
                flash(_("Draft discarded."), "info")
                return redirect(url_for("authoring.edit", lesson_id=lesson_id))
        except services.AuthoringError as exc:
            flash(str(exc.message), "error")
            problems = exc.problems
        state = services.editing(lesson_id)
    return render_template(
        "authoring/edit.html",
        state=state,
        files=files,
        form=form,
        problems=_by_language(problems),
        checked=checked,
        version=state.lesson.version,
        lang=current_language(),
    )


@bp.route("/preview", methods=["POST"])
@role_required(*EDITORS)
def preview() -> Response:
    """The body of a lesson file rendered and sanitised exactly as the lesson page does."""
    text = (request.form.get("text") or "")[:MAX_FILE]
    body = (
        text.split("\n---", 1)[1].split("\n", 1)[1]
        if text.startswith("---") and "\n---" in text[3:]
        else text
    )
    return jsonify(html=render_markdown(body))


@bp.route("/lessons/<lesson_id>/history")
@role_required(*EDITORS)
def history(lesson_id: str) -> str:
    asked = request.args.get("lang") or ""
    lang = asked if asked in ("zh", "en") else current_language()
    versions = services.history(lesson_id, lang)
    if not versions:
        abort(404)
    a = request.args.get("a", type=int)
    b = request.args.get("b", type=int)
    table = None
    if a and b:
        try:
            table = services.diff(lesson_id, a, b, lang)
        except LookupError:
            abort(404)
    return render_template(
        "authoring/history.html",
        lesson_id=lesson_id,
        versions=versions,
        table=table,
        a=a,
        b=b,
        diff_lang=lang,
        form=FlaskForm(),
    )


@bp.route("/lessons/<lesson_id>/restore/<int:number>", methods=["POST"])
@role_required(*EDITORS)
def restore(lesson_id: str, number: int) -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        new = services.restore(lesson_id, number, current_user)
    except LookupError:
        abort(404)
    except services.AuthoringError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("authoring.history", lesson_id=lesson_id))
    flash(_("Version %(old)d restored as version %(new)d.", old=number, new=new), "success")
    return redirect(url_for("authoring.history", lesson_id=lesson_id))


# --- scenarios ------------------------------------------------------------------------------


def _scenario_or_404(key: str) -> tuple[str, int, services.Draft | None]:
    try:
        return services.scenario_text(key)
    except LookupError:
        abort(404)


@bp.route("/scenarios")
@role_required(*EDITORS)
def scenarios() -> str:
    from ..roleplay.models import Scenario

    rows = db.session.scalars(
        select(Scenario).where(Scenario.archived.is_(False)).order_by(Scenario.position)
    ).all()
    drafts = set(
        db.session.scalars(select(services.Draft.key).where(services.Draft.kind == "scenario"))
    )
    return render_template(
        "authoring/scenarios.html", rows=rows, drafts=drafts, lang=current_language()
    )


@bp.route("/scenarios/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_scenario() -> str | Response:
    key = (request.values.get("key") or "").strip()
    text = services.scenario_template(key or "new-scenario")
    problems: list[Problem] = []
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        text = (request.form.get("yaml") or "")[:MAX_FILE].replace("\r\n", "\n")
        try:
            services.create_scenario(key, text, current_user)
        except services.AuthoringError as exc:
            flash(str(exc.message), "error")
            problems = exc.problems
        else:
            flash(_("Scenario published."), "success")
            return redirect(url_for("authoring.edit_scenario", key=key))
    return render_template(
        "authoring/scenario_new.html", key=key, text=text, form=form, problems=problems
    )


@bp.route("/scenarios/<key>", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_scenario(key: str) -> str | Response:
    import yaml

    from ..roleplay.graph import draw
    from ..roleplay.services import choice_counts

    text, version_id, draft = _scenario_or_404(key)
    form = FlaskForm()
    problems: list[Problem] = []
    checked = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        text = (request.form.get("yaml") or "")[:MAX_FILE].replace("\r\n", "\n")
        action = request.form.get("action")
        try:
            if action == "check":
                problems, checked = services.check_scenario_text(key, text)[1], True
            elif action == "draft":
                services.save_scenario_draft(
                    key, text, request.form.get("revision", type=int), current_user
                )
                flash(_("Draft saved. Learners still play the published version."), "success")
                return redirect(url_for("authoring.edit_scenario", key=key))
            elif action == "publish":
                services.publish_scenario(
                    key, text, request.form.get("base", type=int) or 0, current_user
                )
                flash(
                    _("Published. New calls use this version; calls already played keep theirs."),
                    "success",
                )
                return redirect(url_for("authoring.edit_scenario", key=key))
        except services.AuthoringError as exc:
            flash(str(exc.message), "error")
            problems = exc.problems
        _text, version_id, draft = _scenario_or_404(key)
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError:
        data = None
    graph = draw(data, choice_counts(key)) if isinstance(data, dict) else None
    return render_template(
        "authoring/scenario.html",
        key=key,
        text=text,
        form=form,
        problems=problems,
        checked=checked,
        graph=graph,
        draft=draft,
        version_id=version_id,
    )


@bp.route("/scenarios/<key>/preview")
@role_required(*EDITORS)
def preview_scenario(key: str) -> str:
    """Play the scenario (its draft, if there is one) as a trainee would; nothing is recorded:
    where the call is and the mood travel in the address, not in the database."""

    from ..roleplay import engine
    from ..roleplay.definition import Scenario as Typed
    from ..roleplay.presentation import ROUTE_WHEN, t

    text, _version, _draft = _scenario_or_404(key)
    scenario, _problems = services.check_scenario_text(key, text)
    if scenario is None:
        flash(_("The draft has problems; fix them before previewing."), "error")
        abort(400)
    data = safe_yaml.load(text)
    lang = current_language()
    typed = Typed.model_validate(data)
    node_id = request.args.get("node") or data["start"]
    if node_id not in data["nodes"]:
        abort(404)
    mood = request.args.get("mood", type=int)
    mood = data["persona"]["mood"] if mood is None else engine.clamp_mood(mood)
    node = data["nodes"][node_id]
    options = []
    if "choices" in node:
        for i, choice in enumerate(node["choices"]):
            step = engine.choose(typed, node_id, i, mood)
            options.append(
                {
                    "reply": t(choice["reply"], lang),
                    "node": step.next_node,
                    "mood": step.mood,
                    "feedback": t(choice["feedback"], lang),
                    "points": choice["points"],
                    "critical": choice.get("critical"),
                }
            )
    nxt = None
    if "free_text" in node:
        nxt = {
            "node": node["free_text"]["next"],
            "prompt": t(node["free_text"]["prompt"], lang),
            "model": t(node["free_text"]["model_answer"], lang),
            "routes": [
                (
                    str(ROUTE_WHEN[r.when]()),
                    r.items,
                    r.next,
                    engine.clamp_mood(mood + (r.mood or 0)),
                )
                for r in typed.nodes[node_id].free_text.routes  # type: ignore[union-attr]
            ],
        }
    return render_template(
        "authoring/preview.html",
        key=key,
        data=data,
        node=node,
        node_id=node_id,
        mood=mood,
        options=options,
        free=nxt,
        lang=lang,
        ending=node.get("ending"),
        debrief=t(node.get("debrief"), lang),
        customer=t(node["customer"], lang),
        direction=t(node.get("direction"), lang),
    )


# --- questions ------------------------------------------------------------------------------


def _question_or_404(question_id: int) -> questions.Question:
    question = db.session.get(questions.Question, question_id)
    if question is None or question.archived:
        abort(404)
    return question


def _form_context(raw: dict[str, object], bank: str) -> dict[str, object]:
    from ..competency.models import Competency

    return {
        "raw": raw,
        "bank": bank,
        "lessons": sorted(questions.lessons_map()),
        "competencies": list(db.session.scalars(select(Competency).order_by(Competency.position))),
        "banks": list(
            db.session.scalars(select(questions.QuestionBank).order_by(questions.QuestionBank.slug))
        ),
        "limits": {
            "options": questions.MAX_OPTIONS,
            "pairs": questions.MAX_PAIRS,
            "steps": questions.MAX_STEPS,
            "criteria": questions.MAX_CRITERIA,
        },
        "lang": current_language(),
        "form": FlaskForm(),
    }


@bp.route("/questions")
@role_required(*EDITORS)
def question_list() -> str:
    banks = db.session.scalars(
        select(questions.QuestionBank).order_by(questions.QuestionBank.slug)
    ).all()
    slug = request.args.get("bank") or (banks[0].slug if banks else "")
    bank = next((b for b in banks if b.slug == slug), None)
    rows = (
        db.session.scalars(
            select(questions.Question)
            .where(
                questions.Question.bank_id == (bank.id if bank else 0),  # type: ignore[arg-type]
                questions.Question.archived.is_(False),
            )
            .order_by(questions.Question.lesson_id, questions.Question.key)
        ).all()
        if bank
        else []
    )
    return render_template(
        "authoring/questions.html",
        banks=banks,
        bank=bank,
        rows=rows,
        types=questions.AUTHORABLE,
        labels={k: str(v.label) for k, v in TYPES.items()},
        form=FlaskForm(),
        lang=current_language(),
    )


@bp.route("/questions/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def question_new() -> str | Response:
    kind = request.values.get("type", "")
    bank = request.values.get("bank", "")
    if kind not in questions.AUTHORABLE:
        abort(404)
    raw: dict[str, object] = {"type": kind, "difficulty": 2, "points": 1, "source": "practice"}
    problems: list[Problem] = []
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        raw = questions.raw_from_form(request.form)
        try:
            question = questions.save(raw, bank, current_user)
        except questions.QuestionError as exc:
            flash(str(exc.message), "error")
            problems = exc.problems
        else:
            flash(_("Question saved."), "success")
            return redirect(url_for("authoring.question_preview", question_id=question.id))
    return render_template(
        "authoring/question_form.html", problems=problems, editing=None, **_form_context(raw, bank)
    )


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
def question_edit(question_id: int) -> str | Response:
    stale = db.session.get(questions.Question, question_id)
    if stale is not None and stale.archived:
        live = db.session.scalar(
            select(questions.Question).where(
                questions.Question.key == stale.key, questions.Question.archived.is_(False)
            )
        )
        if live is not None:
            # Someone saved a newer version meanwhile: never overwrite it silently.
            flash(
                _(
                    "This question was changed by someone else while you were editing. "
                    "This is the newest version; apply your changes to it."
                ),
                "error",
            )
            return redirect(url_for("authoring.question_edit", question_id=live.id))
    question = _question_or_404(question_id)
    bank = db.session.get(questions.QuestionBank, question.bank_id)
    raw = questions.raw_of(question)
    problems: list[Problem] = []
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        raw = questions.raw_from_form(request.form)
        try:
            saved = questions.save(raw, bank.slug if bank else "", current_user, replacing=question)
        except questions.QuestionError as exc:
            flash(str(exc.message), "error")
            problems = exc.problems
        else:
            flash(_("Saved as a new version; answers given so far keep the old one."), "success")
            return redirect(url_for("authoring.question_preview", question_id=saved.id))
    return render_template(
        "authoring/question_form.html",
        problems=problems,
        editing=question,
        **_form_context(raw, bank.slug if bank else ""),
    )


@bp.route("/questions/<int:question_id>/preview")
@role_required(*EDITORS)
def question_preview(question_id: int) -> str:
    question = db.session.get(questions.Question, question_id)
    if question is None:
        abort(404)
    lang = current_language()
    return render_template(
        "authoring/question_preview.html",
        question=question,
        slot=questions.preview(question, None, lang),
        lang=lang,
        form=FlaskForm(),
    )


@bp.route("/questions/<int:question_id>/<action>", methods=["POST"])
@role_required(*EDITORS)
def question_action(question_id: int, action: str) -> Response:
    question = _question_or_404(question_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    bank = db.session.get(questions.QuestionBank, question.bank_id)
    try:
        if action == "duplicate":
            copy = questions.duplicate(question, current_user)
            flash(_("Duplicated as “%(key)s”.", key=copy.key), "success")
            return redirect(url_for("authoring.question_edit", question_id=copy.id))
        if action == "move":
            questions.move(question, request.form.get("to", ""), current_user)
            flash(_("Moved."), "success")
        elif action == "archive":
            questions.archive(question, current_user)
            flash(_("Archived. Attempts that used it still show it."), "success")
        else:
            abort(404)
    except questions.QuestionError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("authoring.question_list", bank=bank.slug if bank else None))
