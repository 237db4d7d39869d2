"""Scenarios (versioned like questions), play sessions, their turns, grades and statistics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Base, utcnow


class SessionState(StrEnum):
    IN_PROGRESS = "in_progress"
    # The call is over and a written turn that no checklist can score waits for a person.
    AWAITING_GRADING = "awaiting_grading"
    FINISHED = "finished"
    ABANDONED = "abandoned"  # the trainee chose to start the scenario again


class ScoredBy(StrEnum):
    """Who set a turn's points: the choice itself, the reply checker, or an instructor."""

    CHOICE = "choice"
    CHECKER = "checker"
    INSTRUCTOR = "instructor"
    PENDING = "pending"  # a written turn with no checklist, until an instructor grades it


class Scenario(Base):
    __tablename__ = "scenarios"
    __table_args__ = (Index("ix_scenarios_key_live", "key", "archived"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))  # the id in the content file
    position: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    max_points: Mapped[dict[str, float]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaySession(Base):
    __tablename__ = "roleplay_sessions"
    __table_args__ = (Index("ix_roleplay_sessions_user", "user_id", "scenario_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[SessionState] = mapped_column(String(20), default=SessionState.IN_PROGRESS)
    node: Mapped[str] = mapped_column(String(80))
    mood: Mapped[int]
    turns_taken: Mapped[int] = mapped_column(default=0)
    # Choice order per node, shuffled once per session so a reload shows the same order.
    orders: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    critical_errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    ending: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    turn_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    score: Mapped[float | None]
    criterion_scores: Mapped[dict[str, float] | None] = mapped_column(JSON)
    passed: Mapped[bool | None]

    turns: Mapped[list[Turn]] = relationship(
        order_by="Turn.number", cascade="all, delete-orphan", lazy="selectin"
    )
    scenario: Mapped[Scenario] = relationship(lazy="joined")


class Turn(Base):
    __tablename__ = "roleplay_turns"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("roleplay_sessions.id", ondelete="CASCADE"))
    number: Mapped[int]
    node: Mapped[str] = mapped_column(String(80))
    choice: Mapped[int | None]  # index into the node's choices, as written in the file
    text: Mapped[str | None] = mapped_column(Text)  # a free-text reply
    points: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    mood_after: Mapped[int]
    seconds: Mapped[float]
    phrases_used: Mapped[list[str]] = mapped_column(JSON, default=list)
    phrases_avoided: Mapped[list[str]] = mapped_column(JSON, default=list)  # avoid-phrases said
    needs_grading: Mapped[bool] = mapped_column(default=False)
    scored_by: Mapped[ScoredBy] = mapped_column(String(12), default=ScoredBy.CHOICE)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the checker's findings
    lang: Mapped[str | None] = mapped_column(String(5))  # the language the reply was judged in
    late: Mapped[bool] = mapped_column(default=False)  # sent after the per-turn limit
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TurnGradeChange(Base):
    """Audit of human grades on free-text turns: who, when, what changed."""

    __tablename__ = "roleplay_grade_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("roleplay_turns.id", ondelete="CASCADE"))
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    old_points: Mapped[dict[str, float] | None] = mapped_column(JSON)
    new_points: Mapped[dict[str, float]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")


class ChoiceStat(Base):
    """How often each choice was taken at each node (where trainees go wrong)."""

    __tablename__ = "roleplay_choice_stats"

    scenario_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    node: Mapped[str] = mapped_column(String(80), primary_key=True)
    choice: Mapped[int] = mapped_column(primary_key=True)  # -1 for a free-text turn
    count: Mapped[int] = mapped_column(default=0)


class ScenarioStat(Base):
    """Running totals per scenario: sessions, passes and criterion sums for the means."""

    __tablename__ = "roleplay_scenario_stats"

    scenario_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    sessions: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    criterion_sums: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    endings: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
