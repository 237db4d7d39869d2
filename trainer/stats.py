"""`trainer stats --json`: what the database holds, in the shape DESIGN.md fixes."""

from __future__ import annotations

from typing import Any

from .auth.services import count_users


def collect() -> dict[str, Any]:
    return {
        "lessons": {"zh": 0, "en": 0},
        "questions": {"total": 0, "by_type": {}},
        "quizzes": 0,
        "scenarios": 0,
        "certifications": 0,
        "competencies": 0,
        "users": count_users(),
    }
