"""Authoring questions in the browser: a form per type (the type registry decides which fields
a question has), checked by the same rules as the question files; editing makes a new version
and archives the old one, so attempts keep the question they were answered on."""

from __future__ import annotations

import random
import secrets
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from werkzeug.datastructures import MultiDict

from ..auth.models import User
from ..auth.services import audit
from ..content import Problem
from ..content_export import _question_fields
from ..extensions import db
from ..lessons.models import Lesson, LessonVersion
from ..markup import render_text
from ..quizzes.loader import TYPE_FIELDS, check_question
from ..quizzes.models import Question, QuestionBank
from ..quizzes.presentation import SlotView
from ..quizzes.tokens import issue
from ..quizzes.types import TYPES

MAX_OPTIONS, MAX_PAIRS, MAX_STEPS, MAX_CRITERIA = 6, 6, 8, 4
AUTHORABLE = tuple(TYPE_FIELDS)  # every type the question files can hold


class QuestionError(Exception):
    def __init__(self, message: LazyString | str, problems: list[Problem] | None = None):
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


def lessons_map() -> dict[str, set[str]]:
    rows = db.session.execute(
        select(Lesson.id, LessonVersion.competencies)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .where(Lesson.archived.is_(False))
        .order_by(Lesson.module_id, Lesson.position)
    )
    return {lesson_id: set(comps) for lesson_id, comps in rows}


def raw_of(question: Question) -> dict[str, Any]:
    return _question_fields(question)


def _pair(form: MultiDict[str, str], name: str) -> dict[str, str]:
    return {"zh": form.get(f"{name}_zh", "").strip(), "en": form.get(f"{name}_en", "").strip()}


def _filled(pair: dict[str, str]) -> bool:
    return bool(pair["zh"] or pair["en"])


def raw_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The question as the question files would hold it, read from the editor's fields."""
    kind = form.get("type", "")

    def number(name: str) -> Any:
        value = form.get(name, "").strip()
        try:
            return int(value) if value.lstrip("-").isdigit() else float(value)
        except ValueError:
            return value

    raw: dict[str, Any] = {
        "id": form.get("key", "").strip(),
        "type": kind,
        "lesson": form.get("lesson", ""),
        "competency": form.get("competency", ""),
        "difficulty": number("difficulty"),
        "points": number("points"),
        "source": form.get("source", "").strip() or "practice",
        "text": _pair(form, "text"),
        "explanation": _pair(form, "explanation"),
    }
    if kind in ("single", "multiple"):
        options = []
        for i in range(MAX_OPTIONS):
            text = _pair(form, f"option_{i}")
            if not _filled(text):
                continue
            option: dict[str, Any] = {
                "text": text,
                "correct": form.get(f"option_{i}_correct") == "on",
            }
            if form.get(f"option_{i}_pin") == "on":
                option["pin"] = True
            feedback = _pair(form, f"option_{i}_feedback")
            if _filled(feedback):
                option["feedback"] = feedback
            options.append(option)
        raw["options"] = options
    elif kind == "truefalse":
        raw["answer"] = form.get("answer") == "true"
    elif kind == "matching":
        raw["pairs"] = [
            {"left": _pair(form, f"pair_{i}_left"), "right": _pair(form, f"pair_{i}_right")}
            for i in range(MAX_PAIRS)
            if _filled(_pair(form, f"pair_{i}_left"))
        ]
    elif kind == "ordering":
        raw["steps"] = [
            _pair(form, f"step_{i}") for i in range(MAX_STEPS) if _filled(_pair(form, f"step_{i}"))
        ]
    elif kind == "numeric":
        raw["answer"], raw["tolerance"] = number("answer"), number("tolerance")
        raw["unit"] = _pair(form, "unit")
    elif kind == "short":
        raw["answers"] = {
            lang: [
                line.strip()
                for line in form.get(f"answers_{lang}", "").splitlines()
                if line.strip()
            ]
            for lang in ("zh", "en")
        }
    elif kind == "essay":
        raw["model_answer"] = _pair(form, "model")
        raw["rubric"] = [
            {
                "name": _pair(form, f"rubric_{i}_name"),
                "points": number(f"rubric_{i}_points"),
                "guide": _pair(form, f"rubric_{i}_guide"),
            }
            for i in range(MAX_CRITERIA)
            if _filled(_pair(form, f"rubric_{i}_name"))
        ]
    return raw


def save(
    raw: dict[str, Any], bank_slug: str, user: User, replacing: Question | None = None
) -> Question:
    """Check and store a question; editing archives the old version and adds a new one."""
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == bank_slug))
    if bank is None:
        raise QuestionError(_l("Unknown question bank."))
    qdef, problems = check_question(raw, bank_slug, lessons_map())
    if problems or qdef is None:
        raise QuestionError(
            _l("The question was not saved: fix the problems below."),
            problems,
        )
    taken = db.session.scalar(
        select(Question).where(Question.key == qdef.key, Question.archived.is_(False))
    )
    if taken is not None and (replacing is None or taken.id != replacing.id):
        raise QuestionError(_l("Another question already has the id “%(key)s”.", key=qdef.key))
    if replacing is not None:
        if replacing.content_hash == qdef.content_hash():
            return replacing  # nothing changed
        replacing.archived = True
    question = Question(
        key=qdef.key,
        bank_id=bank.id,
        type=qdef.type,
        lesson_id=qdef.lesson,
        competency_id=qdef.competency,
        difficulty=qdef.difficulty,
        points=qdef.points,
        source=qdef.source,
        text=qdef.text,
        explanation=qdef.explanation,
        data=qdef.data,
        content_hash=qdef.content_hash(),
    )
    db.session.add(question)
    audit(user, "question.save", qdef.key, replaced=replacing.id if replacing else None)
    db.session.commit()
    return question


def duplicate(question: Question, user: User) -> Question:
    raw = raw_of(question)
    base, n = question.key, 2
    while db.session.scalar(select(Question.id).where(Question.key == f"{base}-copy{n}")):
        n += 1
    raw["id"] = f"{base}-copy{n}"
    bank = db.session.get(QuestionBank, question.bank_id)
    assert bank is not None
    return save(raw, bank.slug, user)


def move(question: Question, bank_slug: str, user: User) -> None:
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == bank_slug))
    if bank is None:
        raise QuestionError(_l("Unknown question bank."))
    question.bank_id = bank.id
    audit(user, "question.move", question.key, bank=bank_slug)
    db.session.commit()


def archive(question: Question, user: User) -> None:
    """Questions that have answers must stay for history: they are archived, never deleted."""
    question.archived = True
    audit(user, "question.archive", question.key)
    db.session.commit()


def preview(question: Question | None, raw: dict[str, Any] | None, lang: str) -> SlotView:
    """The question as a trainee sees it in an attempt (options shuffled, no answer key)."""
    if question is None:
        raise LookupError
    kind = TYPES[question.type]
    # A fresh draw and fresh tokens each time, as a new attempt would get (nothing is stored).
    layout = kind.layout(question.data, random.Random(secrets.randbits(64)))
    shown = issue(layout, set())
    return SlotView(
        position=1,
        type=question.type,
        type_label=str(kind.label),
        text_html=render_text(
            question.text.get(lang) or question.text.get("zh", ""),
            question.data.get("format", "plain"),
        ),
        points=question.points,
        shown=kind.present(question.data, shown, None, lang),
        response=None,
        saved=False,
    )
