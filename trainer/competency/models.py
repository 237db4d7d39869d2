"""The competency framework and the evidence that is the only way a profile changes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base, utcnow


class SourceKind(StrEnum):
    """Where evidence comes from, weakest first: reading is not mastery."""

    LESSON = "lesson"
    QUIZ = "quiz"
    ROLEPLAY = "roleplay"
    GRADE = "grade"
    QA = "qa"  # a QA reviewer's evaluation of a real call, chat or e-mail


# Default weight of one piece of evidence by its source (lesson read < quiz item < role-play
# criterion < instructor grade < QA evaluation of real work); docs/competency-model.md explains
# the choice, docs/qa-review.md why real work weighs most.
DEFAULT_WEIGHTS: dict[SourceKind, float] = {
    SourceKind.LESSON: 0.25,
    SourceKind.QUIZ: 1.0,
    SourceKind.ROLEPLAY: 2.0,
    SourceKind.GRADE: 3.0,
    SourceKind.QA: 4.0,
}


class Competency(Base):
    __tablename__ = "competencies"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int]
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    description_zh: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    # {level id: {"zh": ..., "en": ...}} — the observable behaviour at each level.
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        CheckConstraint("weight > 0", name="weight_positive"),
        Index("ix_evidence_user_competency", "user_id", "competency_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    competency_id: Mapped[str] = mapped_column(ForeignKey("competencies.id"))
    score: Mapped[float]
    weight: Mapped[float]
    source_kind: Mapped[SourceKind] = mapped_column(String(20))
    # What produced it, e.g. "lesson:listening-skills@3" (lesson id and version).
    source_ref: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Level(Base):
    """Proficiency levels and the rules to reach them (from content/competencies.yml)."""

    __tablename__ = "competency_levels"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int]
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    min_score: Mapped[float]
    min_evidence: Mapped[int] = mapped_column(default=0)
    min_source_kinds: Mapped[int] = mapped_column(default=0)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


class Proficiency(Base):
    """Running sums behind one trainee's estimate for one competency (docs/competency-model.md).

    decayed_score / decayed_weight is the recency-weighted mean: each piece of evidence counts
    with its weight × 2^((t − epoch) / half-life), so newer evidence counts more and adding
    one piece never rescans the others.
    """

    __tablename__ = "proficiencies"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[str] = mapped_column(ForeignKey("competencies.id"), primary_key=True)
    decayed_score: Mapped[float] = mapped_column(default=0.0)
    decayed_weight: Mapped[float] = mapped_column(default=0.0)
    evidence_count: Mapped[int] = mapped_column(default=0)
    weight_total: Mapped[float] = mapped_column(default=0.0)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_at: Mapped[datetime | None]
