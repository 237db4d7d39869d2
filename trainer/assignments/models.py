"""Work an instructor sets for a team or named trainees, with a due date."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Base, utcnow


class Kind(StrEnum):
    LESSON = "lesson"
    MODULE = "module"
    QUIZ = "quiz"
    ROLEPLAY = "roleplay"


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(80))  # lesson id, module id, quiz slug, scenario key
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainees: Mapped[list[AssignedTrainee]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class AssignedTrainee(Base):
    """Named trainees of an assignment (an assignment to a team has none: its members count)."""

    __tablename__ = "assignment_trainees"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
