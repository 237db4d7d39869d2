"""Drafts: work in progress on a piece of content, invisible to learners until published."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import Base, utcnow


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "lesson" or "scenario"
    key: Mapped[str] = mapped_column(String(80))
    files: Mapped[dict[str, str]] = mapped_column(JSON)  # file text by language (or "yaml")
    base_version: Mapped[int]  # the published version the draft started from
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)  # bumped at every save: catches two editors

    author: Mapped[User | None] = relationship(lazy="joined")
