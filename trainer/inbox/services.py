"""One inbox of everything awaiting a human grade: written quiz answers and role-play calls.

Sits above the domains (like the home page) and reads both grading queues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..auth.models import Team, User
from ..database import utcnow
from ..extensions import db
from ..quizzes.services import grading_queue as quiz_queue
from ..quizzes.services import quiz_titles
from ..roleplay.services import QueueItem, checker_scored, scenario_titles
from ..roleplay.services import grading_queue as call_queue


@dataclass(frozen=True)
class InboxItem:
    kind: str  # "essay" or "call"
    trainee: str
    team: str
    team_id: int | None
    what: str
    waiting_since: datetime
    endpoint: str
    args: dict[str, int]


def inbox(
    lang: str,
    team_id: int | None = None,
    kind: str | None = None,
    older_than_days: int | None = None,
    limit: int = 200,
) -> list[InboxItem]:
    essays = quiz_queue(limit) if kind in (None, "essay") else []
    calls = call_queue(limit) if kind in (None, "call") else []
    user_ids = {i.user_id for i in essays} | {i.user_id for i in calls}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    teams = {t.id: t.name for t in db.session.scalars(select(Team))}
    quizzes = quiz_titles(sorted({i.quiz_slug for i in essays}), lang)
    scenarios = scenario_titles(sorted({i.scenario_key for i in calls}), lang)
    items = [
        InboxItem(
            "essay",
            people[i.user_id].display_name,
            teams.get(people[i.user_id].team_id or 0, "—"),
            people[i.user_id].team_id,
            quizzes.get(i.quiz_slug, i.quiz_slug),
            i.submitted_at,
            "quizzes.grade",
            {"attempt_id": i.attempt_id, "position": i.position},
        )
        for i in essays
    ] + _call_items(calls, people, teams, scenarios)
    if team_id:
        items = [i for i in items if i.team_id == team_id]
    if older_than_days:
        cutoff = utcnow() - timedelta(days=older_than_days)
        items = [i for i in items if i.waiting_since <= cutoff]
    return sorted(items, key=lambda i: i.waiting_since)


def _call_items(
    calls: list[QueueItem],
    people: dict[int, User],
    teams: dict[int, str],
    scenarios: dict[str, str],
) -> list[InboxItem]:
    return [
        InboxItem(
            "call",
            people[c.user_id].display_name,
            teams.get(people[c.user_id].team_id or 0, "—"),
            people[c.user_id].team_id,
            scenarios.get(c.scenario_key, c.scenario_key),
            c.finished_at,
            "roleplay.grade",
            {"session_id": c.session_id},
        )
        for c in calls
    ]


def checked_calls(lang: str, team_id: int | None = None, limit: int = 20) -> list[InboxItem]:
    """Recent calls whose written replies only the checker scored, newest first: an
    instructor may confirm or change them, and each grade calibrates the checker."""
    calls = checker_scored(limit)
    people = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_({c.user_id for c in calls})))
    }
    teams = {t.id: t.name for t in db.session.scalars(select(Team))}
    scenarios = scenario_titles(sorted({c.scenario_key for c in calls}), lang)
    items = _call_items(calls, people, teams, scenarios)
    return [i for i in items if not team_id or i.team_id == team_id]
