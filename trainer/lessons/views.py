"""Lesson pages: the course, a lesson, completing it, the glossary and search."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.access import any_signed_in
from ..i18n import current_language
from . import search as search_service
from . import services
from .forms import CompleteForm
from .sources import describe_all

bp = Blueprint("lessons", __name__, template_folder="templates")


@bp.route("/lessons/")
@any_signed_in
def course() -> str:
    overview = services.course_overview(current_user.id, current_language())
    return render_template("lessons/course.html", overview=overview)


@bp.route("/lessons/<lesson_id>")
@any_signed_in
def lesson(lesson_id: str) -> str:
    try:
        page = services.lesson_page(lesson_id, current_user.id, current_language())
    except services.LessonNotFound:
        abort(404)
    sources = describe_all(page.sources, current_language())
    return render_template("lessons/lesson.html", page=page, sources=sources, form=CompleteForm())


@bp.route("/lessons/<lesson_id>/complete", methods=["POST"])
@any_signed_in
def complete(lesson_id: str) -> Response:
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        first_time = services.complete_lesson(current_user.id, lesson_id)
    except services.LessonNotFound:
        abort(404)
    if first_time:
        flash(_("Lesson marked as complete."), "success")
    return redirect(url_for("lessons.lesson", lesson_id=lesson_id))


@bp.route("/lessons/glossary")
@any_signed_in
def glossary() -> str:
    return render_template("lessons/glossary.html", entries=services.glossary(current_language()))


@bp.route("/search")
@any_signed_in
def search() -> str:
    query = (request.args.get("q") or "").strip()
    results = search_service.search_results(query, current_language()) if query else None
    return render_template(
        "lessons/search.html",
        query=query,
        hits=results.hits if results else [],
        total=results.total if results else 0,
    )
