"""Figures for the home pages; each is one or two aggregate queries, whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..auth.models import AuditEvent, Role, Team, User, UserRole
from ..extensions import db


@dataclass(frozen=True)
class InProgress:
    kind: str  # "quiz" or "roleplay"
    title: str
    endpoint: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Closest:
    certification_id: str
    title: str
    met: int
    missing: list[str]  # what it still needs, in words


@dataclass
class TraineePlan:
    due: list[Any] = field(default_factory=list)  # open assignments, overdue first
    in_progress: list[InProgress] = field(default_factory=list)
    next_lesson: Any = None
    closest: Closest | None = None


def trainee_plan(user: User, lang: str, now: datetime | None = None) -> TraineePlan:
    """What a trainee should do next: a fixed number of queries whatever they have done."""
    from ..assignments.services import for_trainee
    from ..certification import services as certification
    from ..certification.models import Status
    from ..lessons.services import course_overview
    from ..quizzes.services import quizzes_for
    from ..roleplay.services import scenarios_for

    plan = TraineePlan()
    # for_trainee sorts open work by due date, so whatever is overdue comes first.
    plan.due = [a for a in for_trainee(user, lang, now) if not a.done]
    for q in quizzes_for(user.id):
        if q.in_progress_id:
            plan.in_progress.append(
                InProgress(
                    "quiz", q.quiz.title(lang), "quizzes.attempt", {"attempt_id": q.in_progress_id}
                )
            )
    for c in scenarios_for(user.id):
        if c.open_session:
            title = c.scenario.data["title"].get(lang) or c.scenario.data["title"]["zh"]
            plan.in_progress.append(
                InProgress("roleplay", title, "roleplay.play", {"session_id": c.open_session})
            )
    course = course_overview(user.id, lang)
    plan.next_lesson = course.next_lesson() if course else None
    certifications = certification.all_certifications()
    held = {
        cid
        for cid, standing in certification.standings_of(user.id).items()
        if certification.status_of(standing, now) in (Status.CERTIFIED, Status.EXPIRING)
    }
    open_ones = [c for c in certifications if c.id not in held]
    if open_ones:
        found = certification.evaluate([user.id], open_ones)

        def needs(cert: Any) -> list[str]:
            # evaluate() names the sign-off only once the rest is met; it is still a need.
            result = found[(user.id, cert.id)]
            later = cert.signoff and "signoff" not in result.met + result.missing
            return result.missing + (["signoff"] if later else [])

        best = min(open_ones, key=lambda c: (len(needs(c)), -len(found[(user.id, c.id)].met)))
        result = found[(user.id, best.id)]
        names = certification.requirement_names(lang)
        plan.closest = Closest(
            best.id,
            best.name(lang),
            len(result.met),
            [certification.requirement_label(code, names) for code in needs(best)],
        )
    return plan


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
