"""`trainer export-content DIR`: the database's published content written back as files that
`trainer load-content` accepts unchanged (a test loads both and compares every version hash).

Phrases are not stored in the database; the current phrase list is copied from the content
directory the application was configured with.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import and_, select

from .certification.models import Certification
from .competency.models import Competency, Level
from .extensions import db
from .lessons.models import Course, Lesson, LessonVersion, Module
from .quizzes.models import Question, QuestionBank, Quiz
from .roleplay.models import Scenario


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _both(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def export_content(
    root: Path, progress: Callable[[int], None] | None = None, lessons_only: bool = False
) -> dict[str, int]:
    root.mkdir(parents=True, exist_ok=True)
    counts = {"lessons": 0, "questions": 0, "scenarios": 0}
    _competencies(root)
    source = Path(current_app.config["TRAINER_CONTENT_DIR"]) / "phrases.yml"
    if source.exists():
        shutil.copy(source, root / "phrases.yml")
    course = db.session.scalars(select(Course).limit(1)).first()
    modules = list(
        db.session.scalars(
            select(Module).where(Module.archived.is_(False)).order_by(Module.position)
        )
    )
    if course is not None:
        (root / "course.yml").write_text(
            _dump(
                {
                    "id": course.id,
                    "title": _both(course.title_zh, course.title_en),
                    "description": _both(course.description_zh, course.description_en),
                    "modules": [m.id for m in modules],
                }
            ),
            encoding="utf-8",
        )
    for module in modules:
        folder = root / "modules" / module.id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "module.yml").write_text(
            _dump(
                {
                    "id": module.id,
                    "title": _both(module.title_zh, module.title_en),
                    "description": _both(module.description_zh, module.description_en),
                    "hours": {"theory": module.hours_theory, "practice": module.hours_practice},
                }
            ),
            encoding="utf-8",
        )
    rows = db.session.execute(
        select(Lesson, LessonVersion)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .where(Lesson.archived.is_(False))
    ).all()
    for lesson, version in rows:
        for lang, text in lesson_files(lesson, version).items():
            path = (
                root / "modules" / lesson.module_id / f"{lesson.position:02d}-{lesson.id}.{lang}.md"
            )
            path.write_text(text, encoding="utf-8")
        counts["lessons"] += 1
        if progress:
            progress(1)
    if lessons_only:  # enough to check a lesson against the course (authoring)
        return counts
    counts["questions"] = _questions(root)
    _quizzes(root)
    counts["scenarios"] = _scenarios(root)
    _certifications(root)
    return counts


def lesson_files(lesson: Lesson, version: LessonVersion) -> dict[str, str]:
    """A lesson version as the text of its two files, exactly as content/ holds them."""
    files = {}
    for text in version.texts:
        front = {
            "id": lesson.id,
            "lang": text.lang,
            "module": lesson.module_id,
            "order": lesson.position,
            "minutes": version.minutes,
            "title": text.title,
            "competencies": version.competencies,
            "sources": version.sources,
            "objectives": text.objectives,
            "key_terms": text.key_terms,
            "summary": text.summary,
        }
        files[text.lang] = f"---\n{_dump(front)}---\n\n{text.body_md}\n"
    return files


def _competencies(root: Path) -> None:
    levels = list(db.session.scalars(select(Level).order_by(Level.position)))
    comps = list(db.session.scalars(select(Competency).order_by(Competency.position)))
    level_rows = []
    for lv in levels:
        row: dict[str, Any] = {
            "id": lv.id,
            "name": _both(lv.name_zh, lv.name_en),
            "min_score": lv.min_score,
        }
        if lv.min_evidence:
            row["min_evidence"] = lv.min_evidence
        if lv.min_source_kinds:
            row["min_source_kinds"] = lv.min_source_kinds
        level_rows.append(row)
    (root / "competencies.yml").write_text(
        _dump(
            {
                "levels": level_rows,
                "competencies": [
                    {
                        "id": c.id,
                        "name": _both(c.name_zh, c.name_en),
                        "description": _both(c.description_zh, c.description_en),
                        "levels": c.levels,
                    }
                    for c in comps
                ],
            }
        ),
        encoding="utf-8",
    )


def _question_fields(q: Question) -> dict[str, Any]:
    data = q.data
    out: dict[str, Any] = {
        "id": q.key,
        "type": q.type,
        "lesson": q.lesson_id,
        "competency": q.competency_id,
        "difficulty": q.difficulty,
        "points": int(q.points),
        "source": q.source,
        "text": q.text,
        "explanation": q.explanation,
    }
    if q.type in ("single", "multiple"):
        options = []
        for o in data["options"]:
            option: dict[str, Any] = {"text": o["text"], "correct": o["fraction"] > 0}
            if o.get("feedback"):
                option["feedback"] = o["feedback"]
            if o.get("pin"):
                option["pin"] = True
            options.append(option)
        out["options"] = options
    elif q.type == "truefalse":
        out["answer"] = data["answer"]
    elif q.type == "matching":
        out["pairs"] = [{"left": p["left"], "right": p["right"]} for p in data["pairs"]]
    elif q.type == "ordering":
        out["steps"] = [s["text"] for s in data["steps"]]
    elif q.type == "numeric":
        answer = data["answers"][0]
        value = answer["value"]
        out["answer"] = int(value) if float(value).is_integer() else value
        tolerance = answer["tolerance"]
        out["tolerance"] = int(tolerance) if float(tolerance).is_integer() else tolerance
        out["unit"] = data["unit"]
    elif q.type == "short":
        out["answers"] = {
            lang: [a["text"] for a in data["answers"] if a.get("lang") == lang]
            for lang in ("zh", "en")
        }
    elif q.type == "essay":
        out["model_answer"] = data["model_answer"]
        out["rubric"] = data["rubric"]
    return out


def _questions(root: Path) -> int:
    folder = root / "questions"
    folder.mkdir(exist_ok=True)
    total = 0
    for bank in db.session.scalars(select(QuestionBank).order_by(QuestionBank.slug)):
        # Only the course's own banks round-trip; banks imported from GIFT have no lessons.
        questions = [
            q
            for q in db.session.scalars(
                select(Question)
                .where(
                    Question.bank_id == bank.id,
                    Question.archived.is_(False),
                    Question.lesson_id.is_not(None),
                )
                .order_by(Question.id)
            )
        ]
        if not questions:
            continue
        (folder / f"{bank.slug}.yml").write_text(
            _dump({"bank": bank.slug, "questions": [_question_fields(q) for q in questions]}),
            encoding="utf-8",
        )
        total += len(questions)
    return total


def _quizzes(root: Path) -> None:
    quizzes = []
    for quiz in db.session.scalars(
        select(Quiz).where(Quiz.archived.is_(False)).order_by(Quiz.position)
    ):
        row: dict[str, Any] = {
            "id": quiz.slug,
            "title": _both(quiz.title_zh, quiz.title_en),
            "description": _both(quiz.description_zh, quiz.description_en),
            "banks": quiz.selection["banks"],
            "draw": quiz.selection["draw"],
        }
        for key, field in (
            ("fixed", "questions"),
            ("competencies", "competencies"),
            ("difficulties", "difficulty"),
        ):
            if quiz.selection.get(key):
                row[field] = quiz.selection[key]
        if quiz.selection.get("essays"):
            row["essays"] = quiz.selection["essays"]
        if quiz.time_limit_minutes:
            row["time_limit"] = quiz.time_limit_minutes
        if quiz.attempts_allowed:
            row["attempts"] = quiz.attempts_allowed
        row["pass_mark"] = int(quiz.pass_percent)
        row["feedback"] = quiz.feedback
        quizzes.append(row)
    if quizzes:
        (root / "quizzes.yml").write_text(_dump({"quizzes": quizzes}), encoding="utf-8")


def _scenarios(root: Path) -> int:
    folder = root / "roleplays"
    folder.mkdir(exist_ok=True)
    count = 0
    for scenario in db.session.scalars(
        select(Scenario).where(Scenario.archived.is_(False)).order_by(Scenario.position)
    ):
        (folder / f"{scenario.key}.yml").write_text(_dump(scenario.data), encoding="utf-8")
        count += 1
    return count


def _certifications(root: Path) -> None:
    rows = [
        {
            "id": c.id,
            "name": _both(c.name_zh, c.name_en),
            "description": _both(c.description_zh, c.description_en),
            "competencies": c.rules["competencies"],
            "quizzes": c.rules["quizzes"],
            "roleplays": c.rules["roleplays"],
            "signoff": c.signoff,
            "valid_months": c.valid_months,
            "renew_within_days": c.renew_within_days,
        }
        for c in db.session.scalars(select(Certification).order_by(Certification.position))
    ]
    if rows:
        (root / "certifications.yml").write_text(_dump({"certifications": rows}), encoding="utf-8")
