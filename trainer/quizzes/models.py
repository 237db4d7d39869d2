"""Question banks, quizzes, attempts and the running item statistics.

A question's content (text, options, answer key) is versioned by `content_hash`; a changed
question becomes a new row and the old one is archived, so attempts keep the exact question
they were taken on.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Base, utcnow


class FeedbackMode(StrEnum):
    IMMEDIATE = "immediate"  # per question, as soon as it is saved
    AFTER_SUBMIT = "after_submit"
    AFTER_CLOSE = "after_close"
    NEVER = "never"


class AttemptState(StrEnum):
    IN_PROGRESS = "in_progress"
    AWAITING_GRADING = "awaiting_grading"  # submitted; an essay waits for an instructor
    FINISHED = "finished"


class QuestionBank(Base):
    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    module_id: Mapped[str | None] = mapped_column(ForeignKey("modules.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_bank_live", "bank_id", "archived"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), index=True)  # the id in content files
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"))
    type: Mapped[str] = mapped_column(String(20))
    lesson_id: Mapped[str | None] = mapped_column(ForeignKey("lessons.id"))
    competency_id: Mapped[str | None] = mapped_column(ForeignKey("competencies.id"))
    difficulty: Mapped[int] = mapped_column(default=2)
    points: Mapped[float] = mapped_column(default=1.0)
    source: Mapped[str] = mapped_column(String(120), default="")
    # {"zh": ..., "en": ...} text and explanation, and the type's own data (options, key...)
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    explanation: Mapped[dict[str, str]] = mapped_column(JSON)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Quiz(Base):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # Banks to draw from (slugs) and how many: {"banks": [...], "draw": n, "essays": m}.
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    time_limit_minutes: Mapped[int | None]
    attempts_allowed: Mapped[int | None]  # None: unlimited
    pass_percent: Mapped[float] = mapped_column(default=70.0)
    feedback: Mapped[FeedbackMode] = mapped_column(String(20), default=FeedbackMode.AFTER_SUBMIT)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    archived: Mapped[bool] = mapped_column(default=False)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        Index("ix_attempts_user_quiz", "user_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int]
    state: Mapped[AttemptState] = mapped_column(String(20), default=AttemptState.IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None]
    max_score: Mapped[float] = mapped_column(default=0.0)
    passed: Mapped[bool | None]

    slots: Mapped[list[AttemptSlot]] = relationship(
        order_by="AttemptSlot.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)


class AttemptSlot(Base):
    """One question in one attempt: its shuffled order, the saved response and its grade."""

    __tablename__ = "attempt_slots"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    order: Mapped[list[Any]] = mapped_column(JSON, default=list)  # option order shown
    # What the trainee chooses from, in the order shown, each under a random token made for
    # this attempt: {"options" | "rows" | "choices" | "steps": [[token, authoring id], ...]}.
    # Responses are stored in authoring ids; tokens only travel to and from the browser.
    tokens: Mapped[dict[str, list[list[str]]] | None] = mapped_column(JSON)
    response: Mapped[Any | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None]
    fraction: Mapped[float | None]  # 0–1 once graded
    needs_grading: Mapped[bool] = mapped_column(default=False)
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    rubric_scores: Mapped[list[float] | None] = mapped_column(JSON)

    question: Mapped[Question] = relationship(lazy="joined")


class GradeChange(Base):
    """Audit trail of human grading: who, when, from what to what."""

    __tablename__ = "grade_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    old_fraction: Mapped[float | None]
    new_fraction: Mapped[float]
    comment: Mapped[str] = mapped_column(Text, default="")


class ItemStat(Base):
    """Running sums per quiz and question, updated at each graded attempt (Moodle's statistics).

    x = the question's fraction, y = the rest of the attempt's score (as a fraction of the rest's
    maximum); facility, SD and the discrimination index follow from these sums without rescans.
    """

    __tablename__ = "item_stats"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
    sum_x: Mapped[float] = mapped_column(default=0.0)
    sum_xx: Mapped[float] = mapped_column(default=0.0)
    sum_y: Mapped[float] = mapped_column(default=0.0)
    sum_yy: Mapped[float] = mapped_column(default=0.0)
    sum_xy: Mapped[float] = mapped_column(default=0.0)
    # {option id or answer text: count} — what trainees chose.
    choices: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
