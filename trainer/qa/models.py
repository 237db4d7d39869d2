"""QA review of real work: scorecards (versioned rubric files), interactions, evaluations,
the score of each criterion (checker's suggestion and reviewer's level), comments anchored to
transcript lines, and disputes.

A scorecard is a rubric in the role-play format (content/scorecards/README.md); levels are
stored as the percent of the criterion's weight the level earns (its `min`), the same unit as a
role-play criterion score, so both feed the competency profile alike.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import Base, utcnow


class Channel(StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"


# Which kind of scorecard (its `channel`) reviews each channel of contact.
SCORECARD_CHANNEL: dict[Channel, str] = {
    Channel.VOICE: "voice",
    Channel.CHAT: "written",
    Channel.EMAIL: "written",
}


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"


class DisputeState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the level stands
    CHANGED = "changed"  # the level was changed; the evidence follows


class Scorecard(Base):
    """One version of a scorecard file; a changed file is a new row, evaluations keep theirs."""

    __tablename__ = "qa_scorecards"
    __table_args__ = (Index("ix_qa_scorecards_key_live", "key", "archived"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))  # the id in the content file
    position: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Interaction(Base):
    """A real call, chat or e-mail of one agent, with its transcript as written and as turns."""

    __tablename__ = "qa_interactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(String(10))
    occurred_on: Mapped[date]
    # The contact centre's own id of the call or ticket: unique, so an import run twice
    # refuses the rows it already stored instead of doubling them.
    reference: Mapped[str] = mapped_column(String(120), unique=True)
    transcript: Mapped[str] = mapped_column(Text)  # exactly as pasted or uploaded
    transcript_format: Mapped[str] = mapped_column(String(10))  # text | csv | jsonl
    # [{"line": n, "speaker": "agent"|"customer", "time": "mm:ss"|None, "text": ...}]; `line`
    # is the line of the transcript as written, so comments and errors point at the same line.
    turns: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="interaction", order_by="Evaluation.id"
    )


class Evaluation(Base):
    """A reviewer's scoring of one interaction on one scorecard version, written once."""

    __tablename__ = "qa_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("qa_interactions.id", ondelete="CASCADE"), index=True
    )
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecards.id"))
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Denormalised from the interaction: "my evaluations" and per-agent views read one table.
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    total: Mapped[float]  # 0–100, weights renormalised over the applicable criteria
    compliance: Mapped[float | None]  # the compliance section alone; None when all N/A
    passed: Mapped[bool]
    critical_errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Checker–reviewer agreement: criteria the checker suggested a level for, and how many
    # of those the reviewer kept.
    suggested_count: Mapped[int] = mapped_column(default=0)
    agreed_count: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    interaction: Mapped[Interaction] = relationship(back_populates="evaluations")
    scorecard: Mapped[Scorecard] = relationship()
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    scores: Mapped[list[CriterionScore]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", order_by="CriterionScore.id"
    )
    comments: Mapped[list[LineComment]] = relationship(
        cascade="all, delete-orphan", order_by="LineComment.line"
    )
    disputes: Mapped[list[Dispute]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", order_by="Dispute.id"
    )

    @property
    def agreement(self) -> float | None:
        return self.agreed_count / self.suggested_count if self.suggested_count else None


class CriterionScore(Base):
    """One criterion of an evaluation: the checker's suggestion, the reviewer's level and the
    level in force now (changed only by a dispute)."""

    __tablename__ = "qa_criterion_scores"
    __table_args__ = (UniqueConstraint("evaluation_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(60))
    suggested: Mapped[int | None]  # level (percent) the checker suggested; None: no checklist
    # What the checker found: {"found": [{"item", "said", "line"}], "missing": [...]}.
    suggestion: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reviewed: Mapped[int | None]  # the reviewer's level; None = not applicable
    level: Mapped[int | None]  # the level in force (after any dispute); None = not applicable
    comment: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="scores")

    @property
    def not_applicable(self) -> bool:
        return self.level is None


class LineComment(Base):
    """A reviewer's note on one line of the transcript (optionally about one criterion)."""

    __tablename__ = "qa_line_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("qa_evaluations.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int]
    criterion: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)


class Dispute(Base):
    """An agent's challenge of one criterion, and its resolution by a second reviewer or lead."""

    __tablename__ = "qa_disputes"
    # One dispute per criterion of an evaluation, ever: enforced here as well as in the service.
    __table_args__ = (UniqueConstraint("evaluation_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(60))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[DisputeState] = mapped_column(String(10), default=DisputeState.OPEN, index=True)
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    old_level: Mapped[int | None]
    new_level: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="disputes")
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    resolver: Mapped[User | None] = relationship(foreign_keys=[resolver_id])
