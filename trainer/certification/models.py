"""Certifications, issued certificates, sign-offs and each person's current standing."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import Base, utcnow


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ELIGIBLE = "eligible"  # every requirement met; waiting for an instructor's sign-off
    CERTIFIED = "certified"
    EXPIRING = "expiring"  # certified, inside the renewal window (derived from dates)
    EXPIRED = "expired"  # derived from dates
    REVOKED = "revoked"


class Certification(Base):
    __tablename__ = "certifications"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int]
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    # {"competencies": {id: level}, "quizzes": {slug: percent}, "roleplays": {key: score}}
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    signoff: Mapped[bool] = mapped_column(default=False)
    valid_months: Mapped[int]
    renew_within_days: Mapped[int]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh


class Certificate(Base):
    """One issue of a certification; recertifying adds a new row and keeps the old."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_user_cert", "user_id", "certification_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    certification_id: Mapped[str] = mapped_column(ForeignKey("certifications.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    holder: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    certification: Mapped[Certification] = relationship(lazy="joined")


class SignOff(Base):
    __tablename__ = "certification_signoffs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    certification_id: Mapped[str] = mapped_column(ForeignKey("certifications.id"), primary_key=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Standing(Base):
    """Where a person stands on a certification, refreshed when their results change.

    `state` is what evidence says (not started, in progress, eligible, certified, revoked);
    expiring and expired are worked out from `expires_at` and `renew_from` at read time, so
    nothing depends on a scheduled job having run.
    """

    __tablename__ = "certification_standings"
    __table_args__ = (Index("ix_standings_cert_state", "certification_id", "state"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    certification_id: Mapped[str] = mapped_column(ForeignKey("certifications.id"), primary_key=True)
    state: Mapped[Status] = mapped_column(String(20))
    met: Mapped[list[str]] = mapped_column(JSON, default=list)
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    renew_from: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
