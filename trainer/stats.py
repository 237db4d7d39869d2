"""`trainer stats --json`: what the database holds, in the shape DESIGN.md fixes."""

from __future__ import annotations

from typing import Any

from .auth.services import count_users
from .certification.services import count_certifications
from .competency.services import count_competencies
from .lessons.services import count_lessons_by_language
from .quizzes.services import count_questions, count_quizzes
from .roleplay.services import count_scenarios


def collect() -> dict[str, Any]:
    return {
        "lessons": count_lessons_by_language(),
        "questions": count_questions(),
        "quizzes": count_quizzes(),
        "scenarios": count_scenarios(),
        "certifications": count_certifications(),
        "competencies": count_competencies(),
        "users": count_users(),
    }
