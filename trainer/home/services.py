"""Figures for the home pages; each is one or two aggregate queries, whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..auth.models import AuditEvent, Role, Team, User, UserRole
from ..extensions import db


@dataclass(frozen=True)
class TeamSummary:
    id: int
    name: str
    members: int
    active_members: int


def database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def team_summaries() -> list[TeamSummary]:
    rows = db.session.execute(
        select(
            Team.id,
            Team.name,
            func.count(User.id),
            func.count(User.id).filter(User.active.is_(True)),
        )
        .outerjoin(User, User.team_id == Team.id)
        .group_by(Team.id, Team.name)
        .order_by(Team.name)
    ).all()
    return [TeamSummary(*row) for row in rows]


def people_by_role() -> dict[Role, int]:
    rows = db.session.execute(
        select(UserRole.role, func.count())
        .join(User, User.id == UserRole.user_id)
        .where(User.active.is_(True))
        .group_by(UserRole.role)
    ).all()
    counts = {role: 0 for role in Role}
    counts.update({Role(role): n for role, n in rows})
    return counts


def recent_audit_events(limit: int = 8) -> list[AuditEvent]:
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
