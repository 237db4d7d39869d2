"""Blind double grading: a second instructor grades an item without seeing the first grade."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base, utcnow


class Calibration(Base):
    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "essay" or "call"
    item_id: Mapped[int]  # attempt id (essay) or role-play session id (call)
    part: Mapped[int]  # slot position (essay) or turn number (call)
    first_grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    second_grader_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    first_scores: Mapped[dict[str, Any]] = mapped_column(JSON)  # criterion → points
    second_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    second_comment: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    graded_at: Mapped[datetime | None]
