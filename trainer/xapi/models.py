"""The statement store and outbox: one row per xAPI statement, written in the same transaction
as the activity it records, and marked sent once the external LRS has it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base, utcnow


class XapiStatement(Base):
    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # the order statements were made in
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    # What the statement is about ("attempt:12", "attempt:12#3", "certificate:ABC"): a regrade
    # voids the statements about the same thing and records new ones.
    subject: Mapped[str] = mapped_column(String(160), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    agent_email: Mapped[str] = mapped_column(String(254), index=True)
    verb: Mapped[str] = mapped_column(String(200), index=True)
    timestamp: Mapped[datetime]
    stored_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    voided_by: Mapped[str | None] = mapped_column(String(36))
    # Outbox: delivery to the external LRS.
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
