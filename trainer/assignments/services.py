"""Rules for assignments: who must do what by when, and who has done it.

This package sits above the domains (like the home page): it reads lessons, quizzes and
role-play results to say whether an assignment is done, so the domains stay independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from ..auth.models import Role, Team, User, UserRole
from ..auth.services import audit
from ..database import utcnow
from ..extensions import db
from ..lessons.models import Lesson, LessonProgress, LessonText, LessonVersion, Module
from ..quizzes.models import Attempt, AttemptState, Quiz
from ..roleplay.models import PlaySession, Scenario, SessionState
from .models import AssignedTrainee, Assignment, Kind


class AssignmentError(Exception):
    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


def targets(lang: str) -> dict[Kind, list[tuple[str, str]]]:
    """What can be assigned: (id, title) per kind, in course order."""
    modules = [
        (m.id, m.title(lang))
        for m in db.session.scalars(
            select(Module).where(Module.archived.is_(False)).order_by(Module.position)
        )
    ]
    lessons = [
        (lid, title)
        for lid, title in db.session.execute(
            select(Lesson.id, LessonText.title)
            .join(
                LessonVersion,
                and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
            )
            .join(
                LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang)
            )
            .join(Module, Module.id == Lesson.module_id)
            .where(Lesson.archived.is_(False))
            .order_by(Module.position, Lesson.position)
        )
    ]
    quizzes = [
        (q.slug, q.title(lang))
        for q in db.session.scalars(
            select(Quiz).where(Quiz.archived.is_(False)).order_by(Quiz.position)
        )
    ]
    calls = [
        (s.key, s.data["title"].get(lang) or s.key)
        for s in db.session.scalars(
            select(Scenario).where(Scenario.archived.is_(False)).order_by(Scenario.position)
        )
    ]
    return {Kind.MODULE: modules, Kind.LESSON: lessons, Kind.QUIZ: quizzes, Kind.ROLEPLAY: calls}


def create(
    kind: Kind,
    target: str,
    due_at: datetime,
    by: User,
    team_id: int | None,
    trainee_ids: list[int],
    lang: str = "zh",
) -> Assignment:
    if target not in {t for t, _title in targets(lang)[kind]}:
        raise AssignmentError(_l("Choose something that exists to assign."))
    if not team_id and not trainee_ids:
        raise AssignmentError(_l("Assign it to a team or to at least one trainee."))
    if due_at <= utcnow():
        raise AssignmentError(_l("The due date must be in the future."))
    if team_id and db.session.get(Team, team_id) is None:
        raise AssignmentError(_l("Unknown team."))
    assignment = Assignment(
        kind=kind,
        target=target,
        team_id=team_id or None,
        due_at=due_at,
        created_by=by.id,
        trainees=[AssignedTrainee(user_id=u) for u in sorted(set(trainee_ids))],
    )
    db.session.add(assignment)
    audit(by, "assignment.create", f"{kind}:{target}", due=due_at.isoformat())
    db.session.commit()
    return assignment


def _assignees(assignments: list[Assignment]) -> dict[int, list[int]]:
    team_ids = {a.team_id for a in assignments if a.team_id}
    members: dict[int, list[int]] = {}
    if team_ids:
        for user_id, team_id in db.session.execute(
            select(User.id, User.team_id)
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.TRAINEE.value))
            .where(User.team_id.in_(team_ids), User.active.is_(True))
        ):
            if team_id is not None:
                members.setdefault(team_id, []).append(user_id)
    return {
        a.id: sorted(set(members.get(a.team_id or 0, [])) | {t.user_id for t in a.trainees})
        for a in assignments
    }


def _done(
    assignments: list[Assignment], user_ids: list[int]
) -> dict[tuple[int, int], tuple[datetime | None, float | None]]:
    """(assignment, user) → (when done, score) for everything done; a few queries in all."""
    out: dict[tuple[int, int], tuple[datetime | None, float | None]] = {}
    if not user_ids:
        return out
    by_kind: dict[Kind, list[Assignment]] = {}
    for a in assignments:
        by_kind.setdefault(Kind(a.kind), []).append(a)
    lesson_ids = {a.target for a in by_kind.get(Kind.LESSON, [])}
    module_ids = {a.target for a in by_kind.get(Kind.MODULE, [])}
    module_lessons: dict[str, set[str]] = {}
    if module_ids:
        for lid, mid in db.session.execute(
            select(Lesson.id, Lesson.module_id).where(
                Lesson.module_id.in_(module_ids), Lesson.archived.is_(False)
            )
        ):
            module_lessons.setdefault(mid, set()).add(lid)
            lesson_ids.add(lid)
    completed: dict[tuple[int, str], datetime | None] = {}
    if lesson_ids:
        for uid, lid, at in db.session.execute(
            select(
                LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.completed_at
            ).where(
                LessonProgress.user_id.in_(user_ids),
                LessonProgress.lesson_id.in_(lesson_ids),
                LessonProgress.completed_at.is_not(None),
            )
        ):
            completed[(uid, lid)] = at
    quiz_best: dict[tuple[int, str], tuple[datetime | None, float]] = {}
    slugs = {a.target for a in by_kind.get(Kind.QUIZ, [])}
    if slugs:
        for uid, slug, at, score, top, passed in db.session.execute(
            select(
                Attempt.user_id,
                Quiz.slug,
                Attempt.submitted_at,
                Attempt.score,
                Attempt.max_score,
                Attempt.passed,
            )
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(
                Attempt.user_id.in_(user_ids),
                Quiz.slug.in_(slugs),
                Attempt.state == AttemptState.FINISHED,
            )
        ):
            percent = round(100 * (score or 0) / top, 1) if top else 0.0
            if passed and ((uid, slug) not in quiz_best or percent > quiz_best[(uid, slug)][1]):
                quiz_best[(uid, slug)] = (at, percent)
    call_best: dict[tuple[int, str], tuple[datetime | None, float]] = {}
    keys = {a.target for a in by_kind.get(Kind.ROLEPLAY, [])}
    if keys:
        for uid, key, at, score in db.session.execute(
            select(PlaySession.user_id, Scenario.key, PlaySession.finished_at, PlaySession.score)
            .join(Scenario, Scenario.id == PlaySession.scenario_id)
            .where(
                PlaySession.user_id.in_(user_ids),
                Scenario.key.in_(keys),
                PlaySession.state == SessionState.FINISHED,
            )
        ):
            if (uid, key) not in call_best or (score or 0) > call_best[(uid, key)][1]:
                call_best[(uid, key)] = (at, float(score or 0))
    for a in assignments:
        for uid in user_ids:
            if a.kind == Kind.LESSON and (uid, a.target) in completed:
                out[(a.id, uid)] = (completed[(uid, a.target)], None)
            elif (
                a.kind == Kind.MODULE
                and module_lessons.get(a.target)
                and all((uid, lid) in completed for lid in module_lessons[a.target])
            ):
                times = [completed[(uid, lid)] for lid in module_lessons[a.target]]
                out[(a.id, uid)] = (max(t for t in times if t is not None), None)
            elif a.kind == Kind.QUIZ and (uid, a.target) in quiz_best:
                out[(a.id, uid)] = quiz_best[(uid, a.target)]
            elif a.kind == Kind.ROLEPLAY and (uid, a.target) in call_best:
                out[(a.id, uid)] = call_best[(uid, a.target)]
    return out


@dataclass(frozen=True)
class MyAssignment:
    assignment: Assignment
    title: str
    done: bool
    overdue: bool
    endpoint: str
    args: dict[str, Any]


ENDPOINTS = {
    Kind.LESSON: ("lessons.lesson", "lesson_id"),
    Kind.MODULE: ("lessons.course", None),
    Kind.QUIZ: ("quizzes.quiz", "slug"),
    Kind.ROLEPLAY: ("roleplay.scenario", "key"),
}


def for_trainee(user: User, lang: str, now: datetime | None = None) -> list[MyAssignment]:
    """This trainee's assignments: open ones due soonest first (overdue marked), then done."""
    now = now or utcnow()
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .outerjoin(AssignedTrainee, AssignedTrainee.assignment_id == Assignment.id)
            .where(or_(Assignment.team_id == user.team_id, AssignedTrainee.user_id == user.id))
            .distinct()
        )
    )
    done = _done(assignments, [user.id])
    names = {kind: dict(items) for kind, items in targets(lang).items()}
    out = []
    for a in assignments:
        endpoint, arg = ENDPOINTS[Kind(a.kind)]
        finished = (a.id, user.id) in done
        out.append(
            MyAssignment(
                a,
                names[Kind(a.kind)].get(a.target, a.target),
                finished,
                not finished and a.due_at < now,
                endpoint,
                {arg: a.target} if arg else {},
            )
        )
    return sorted(out, key=lambda m: (m.done, m.assignment.due_at))


@dataclass(frozen=True)
class Progress:
    user: User
    done_at: datetime | None
    score: float | None
    late: bool


@dataclass(frozen=True)
class AssignmentReport:
    assignment: Assignment
    title: str
    team: str
    people: list[Progress]

    @property
    def done(self) -> int:
        return sum(1 for p in self.people if p.done_at)

    @property
    def late(self) -> int:
        return sum(1 for p in self.people if p.late)


def reports(lang: str, now: datetime | None = None) -> list[AssignmentReport]:
    now = now or utcnow()
    assignments = list(db.session.scalars(select(Assignment).order_by(Assignment.due_at.desc())))
    assignees = _assignees(assignments)
    user_ids = sorted({u for ids in assignees.values() for u in ids})
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    done = _done(assignments, user_ids)
    teams = {t.id: t.name for t in db.session.scalars(select(Team))}
    names = {kind: dict(items) for kind, items in targets(lang).items()}
    out = []
    for a in assignments:
        people = []
        for uid in assignees[a.id]:
            at, score = done.get((a.id, uid), (None, None))
            late = (at is None and now > a.due_at) or (at is not None and at > a.due_at)
            people.append(Progress(users[uid], at, score, late))
        out.append(
            AssignmentReport(
                a,
                names[Kind(a.kind)].get(a.target, a.target),
                teams.get(a.team_id or 0, ""),
                people,
            )
        )
    return out


def overdue_by_team(now: datetime | None = None) -> dict[str, int]:
    """For HR: how many assigned pieces of work are overdue, per team."""
    counts: dict[str, int] = {}
    for report in reports("zh", now):
        for person in report.people:
            if person.late and person.done_at is None:
                team = person.user.team.name if person.user.team else "—"
                counts[team] = counts.get(team, 0) + 1
    return counts


def count_assignments() -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment)) or 0
