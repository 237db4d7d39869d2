"""Rules for role-play: loading scenarios, playing a session turn by turn, grading, debrief."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..certification import services as certification
from ..competency.models import SourceKind
from ..competency.recommend import Suggestion
from ..competency.services import record_evidence
from ..database import utcnow
from ..extensions import db
from ..phrases import Phrase
from . import engine
from .loader import ScenarioDef
from .models import (
    ChoiceStat,
    PlaySession,
    Scenario,
    ScenarioStat,
    SessionState,
    Turn,
    TurnGradeChange,
)

MAX_FREE_TEXT = 2000


class PlayError(Exception):
    """A move the session cannot accept; `message` is shown to the trainee."""

    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


class NotFound(LookupError):
    pass


# --- loading --------------------------------------------------------------------------------


def load_scenarios(scenarios: list[ScenarioDef]) -> tuple[int, int, int]:
    """Upsert scenarios; a changed one is a new row (sessions keep theirs). (new, changed, same)"""
    live = {
        s.key: s for s in db.session.scalars(select(Scenario).where(Scenario.archived.is_(False)))
    }
    added = changed = same = 0
    for position, sdef in enumerate(scenarios, start=1):
        current = live.get(sdef.id)
        digest = sdef.content_hash()
        if current is not None and current.content_hash == digest:
            current.position = position
            same += 1
            continue
        if current is not None:
            current.archived = True
            changed += 1
        else:
            added += 1
        db.session.add(
            Scenario(
                key=sdef.id,
                position=position,
                data=sdef.data,
                max_points=sdef.max_points,
                content_hash=digest,
            )
        )
    shipped = {s.id for s in scenarios}
    for key, row in live.items():
        if key not in shipped:
            row.archived = True
    db.session.commit()
    return added, changed, same


def count_scenarios() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Scenario).where(Scenario.archived.is_(False))
        )
        or 0
    )


# --- listing and starting -------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioSummary:
    scenario: Scenario
    sessions: int
    best: float | None
    passed: bool
    open_session: int | None
    awaiting_grading: bool


def scenarios_for(user_id: int) -> list[ScenarioSummary]:
    scenarios = db.session.scalars(
        select(Scenario).where(Scenario.archived.is_(False)).order_by(Scenario.position)
    ).all()
    sessions = db.session.execute(
        select(
            PlaySession.id, Scenario.key, PlaySession.state, PlaySession.score, PlaySession.passed
        )
        .join(Scenario, Scenario.id == PlaySession.scenario_id)
        .where(PlaySession.user_id == user_id)
    ).all()
    by_key: dict[str, list[Any]] = {}
    for row in sessions:
        by_key.setdefault(row[1], []).append(row)
    out = []
    for scenario in scenarios:
        mine = by_key.get(scenario.key, [])
        scores = [r[3] for r in mine if r[3] is not None]
        out.append(
            ScenarioSummary(
                scenario,
                len(mine),
                max(scores) if scores else None,
                any(r[4] for r in mine),
                next((r[0] for r in mine if r[2] == SessionState.IN_PROGRESS), None),
                any(r[2] == SessionState.AWAITING_GRADING for r in mine),
            )
        )
    return out


def get_scenario(key: str) -> Scenario:
    scenario = db.session.scalar(
        select(Scenario).where(Scenario.key == key, Scenario.archived.is_(False))
    )
    if scenario is None:
        raise NotFound(key)
    return scenario


def get_session(session_id: int, user_id: int) -> PlaySession:
    session = db.session.get(PlaySession, session_id)
    if session is None or session.user_id != user_id:
        raise NotFound(session_id)
    return session


def start_session(scenario: Scenario, user_id: int) -> PlaySession:
    """Resume the open session of this scenario, or start a new one."""
    open_session = db.session.scalar(
        select(PlaySession).where(
            PlaySession.scenario_id == scenario.id,
            PlaySession.user_id == user_id,
            PlaySession.state == SessionState.IN_PROGRESS,
        )
    )
    if open_session is not None:
        return open_session
    rng = random.Random(secrets.randbits(64))
    orders = {}
    for node_id, node in scenario.data["nodes"].items():
        if "choices" in node:
            order = list(range(len(node["choices"])))
            rng.shuffle(order)
            orders[node_id] = order
    session = PlaySession(
        scenario_id=scenario.id,
        user_id=user_id,
        node=scenario.data["start"],
        mood=scenario.data["persona"]["mood"],
        orders=orders,
    )
    db.session.add(session)
    db.session.commit()
    return session


# --- playing --------------------------------------------------------------------------------


def _claim_turn(session: PlaySession, expected: int) -> bool:
    """Only one request may take turn `expected`: a double click or a replay changes nothing."""
    claimed = db.session.execute(  # type: ignore[attr-defined]
        update(PlaySession)
        .where(
            PlaySession.id == session.id,
            PlaySession.turns_taken == expected,
            PlaySession.state == SessionState.IN_PROGRESS,
        )
        .values(turns_taken=expected + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(session)
    return bool(claimed)


def _check_open(session: PlaySession, expected: int) -> None:
    if session.state != SessionState.IN_PROGRESS:
        raise PlayError(_l("This call has ended; see the debrief."))
    if expected != session.turns_taken:
        raise PlayError(_l("That reply was already sent; the conversation has moved on."))


def choose(
    session: PlaySession, expected_turn: int, choice_index: int, now: datetime | None = None
) -> Turn | None:
    """Take the choice (its index as written in the scenario); None if the turn was replayed."""
    _check_open(session, expected_turn)
    node = session.scenario.data["nodes"][session.node]
    if "choices" not in node:
        raise PlayError(_l("This turn needs a written reply."))
    if not 0 <= choice_index < len(node["choices"]):
        raise PlayError(_l("That reply is not one of the options offered."))
    if not _claim_turn(session, expected_turn):
        return None
    step = engine.choose(session.scenario.data, session.node, choice_index, session.mood)
    return _record(session, expected_turn, step, choice_index, None, [], [], now)


def write(
    session: PlaySession,
    expected_turn: int,
    text: str,
    phrases: dict[str, Phrase],
    now: datetime | None = None,
) -> Turn | None:
    """Send a written reply; it is checked for phrases at once and graded later by a person."""
    _check_open(session, expected_turn)
    node = session.scenario.data["nodes"][session.node]
    if "free_text" not in node:
        raise PlayError(_l("Choose one of the replies offered."))
    text = text.strip()
    if not text:
        raise PlayError(_l("Write a reply before sending it."))
    if len(text) > MAX_FREE_TEXT:
        raise PlayError(_l("The reply is too long (at most %(n)d characters).", n=MAX_FREE_TEXT))
    if not _claim_turn(session, expected_turn):
        return None
    check = engine.check_free_text(session.scenario.data, session.node, text, phrases)
    step = engine.free_text_step(session.scenario.data, session.node, session.mood, check)
    return _record(session, expected_turn, step, None, text, check.used, check.avoided, now)


def _record(
    session: PlaySession,
    number: int,
    step: engine.Step,
    choice: int | None,
    text: str | None,
    used: list[str],
    avoided: list[str],
    now: datetime | None,
) -> Turn:
    now = now or utcnow()
    turn = Turn(
        number=number + 1,
        node=session.node,
        choice=choice,
        text=text,
        points=step.points,
        mood_after=step.mood,
        seconds=round((now - session.turn_started_at).total_seconds(), 1),
        phrases_used=used,
        phrases_avoided=avoided,
        needs_grading=text is not None,
        created_at=now,
    )
    session.turns.append(turn)
    stat_key = (session.scenario.key, session.node, -1 if choice is None else choice)
    stat = db.session.get(ChoiceStat, stat_key)
    if stat is None:
        db.session.add(
            ChoiceStat(scenario_key=stat_key[0], node=stat_key[1], choice=stat_key[2], count=1)
        )
    else:
        stat.count += 1
    if step.critical and step.critical not in session.critical_errors:
        session.critical_errors = [*session.critical_errors, step.critical]
    session.node, session.mood, session.turn_started_at = step.next_node, step.mood, now
    if "ending" in session.scenario.data["nodes"][step.next_node]:
        session.ending = step.next_node
        session.finished_at = now
        if any(t.needs_grading for t in session.turns):
            session.state = SessionState.AWAITING_GRADING
        else:
            _complete(session)
    db.session.commit()
    return turn


def earned_points(session: PlaySession) -> dict[str, float]:
    earned: dict[str, float] = {}
    for turn in session.turns:
        for criterion, value in (turn.points or {}).items():
            earned[criterion] = earned.get(criterion, 0.0) + value
    return earned


def _complete(session: PlaySession) -> None:
    scenario = session.scenario
    result = engine.score(
        scenario.data, scenario.max_points, earned_points(session), session.critical_errors
    )
    session.state = SessionState.FINISHED
    session.score, session.criterion_scores, session.passed = (
        result.total,
        result.criteria,
        result.passed,
    )
    for criterion in scenario.data["rubric"]:
        record_evidence(
            session.user_id,
            criterion["competency"],
            result.criteria[criterion["id"]] / 100,
            SourceKind.ROLEPLAY,
            f"roleplay:{session.id}:{criterion['id']}",
        )
    stat = db.session.get(ScenarioStat, scenario.key)
    if stat is None:
        stat = ScenarioStat(
            scenario_key=scenario.key, sessions=0, passed=0, criterion_sums={}, endings={}
        )
        db.session.add(stat)
    stat.sessions += 1
    stat.passed += 1 if result.passed else 0
    stat.criterion_sums = {
        c: stat.criterion_sums.get(c, 0.0) + v for c, v in result.criteria.items()
    }
    if session.ending:
        stat.endings = {**stat.endings, session.ending: stat.endings.get(session.ending, 0) + 1}
    db.session.flush()
    certification.refresh(session.user_id)


# --- grading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    session_id: int
    user_id: int
    scenario_key: str
    finished_at: datetime
    waiting: int


def grading_queue(limit: int = 100) -> list[QueueItem]:
    """Sessions with free-text turns waiting for a grade, oldest first."""
    rows = db.session.execute(
        select(
            PlaySession.id,
            PlaySession.user_id,
            Scenario.key,
            PlaySession.finished_at,
            func.count(Turn.id),
        )
        .join(Scenario, Scenario.id == PlaySession.scenario_id)
        .join(Turn, Turn.session_id == PlaySession.id)
        .where(PlaySession.state == SessionState.AWAITING_GRADING, Turn.needs_grading.is_(True))
        .group_by(PlaySession.id, PlaySession.user_id, Scenario.key, PlaySession.finished_at)
        .order_by(PlaySession.finished_at)
        .limit(limit)
    ).all()
    return [QueueItem(a, b, c, d, e) for a, b, c, d, e in rows if d is not None]


def grade_turn(
    session: PlaySession, turn_number: int, grader_id: int, points: dict[str, float], comment: str
) -> None:
    turn = next((t for t in session.turns if t.number == turn_number), None)
    if turn is None or turn.text is None:
        raise NotFound(turn_number)
    allowed = session.scenario.data["nodes"][turn.node]["free_text"]["criteria"]
    if set(points) != set(allowed) or any(not 0 <= points[c] <= allowed[c] for c in allowed):
        raise PlayError(_l("Give each criterion a score between 0 and its maximum."))
    db.session.add(
        TurnGradeChange(
            turn_id=turn.id,
            grader_id=grader_id,
            old_points=turn.points if turn.graded_at else None,
            new_points=points,
            comment=comment,
        )
    )
    turn.points, turn.comment = dict(points), comment.strip()
    turn.grader_id, turn.graded_at, turn.needs_grading = grader_id, utcnow(), False
    if session.state == SessionState.AWAITING_GRADING and not any(
        t.needs_grading for t in session.turns
    ):
        _complete(session)
    elif session.state == SessionState.FINISHED:
        result = engine.score(
            session.scenario.data,
            session.scenario.max_points,
            earned_points(session),
            session.critical_errors,
        )
        session.score, session.criterion_scores, session.passed = (
            result.total,
            result.criteria,
            result.passed,
        )
    db.session.commit()


# --- analytics ------------------------------------------------------------------------------


def choice_counts(key: str) -> dict[tuple[str, int], int]:
    rows = db.session.scalars(select(ChoiceStat).where(ChoiceStat.scenario_key == key)).all()
    return {(r.node, r.choice): r.count for r in rows}


def scenario_stats(key: str) -> ScenarioStat | None:
    return db.session.get(ScenarioStat, key)


def suggest_scenarios(user_id: int, competency_ids: list[str], lang: str) -> list[Suggestion]:
    """Scenarios whose rubric scores these competencies, not yet passed by this trainee."""
    passed = set(
        db.session.scalars(
            select(Scenario.key)
            .join(PlaySession, PlaySession.scenario_id == Scenario.id)
            .where(PlaySession.user_id == user_id, PlaySession.passed.is_(True))
        )
    )
    out = []
    for scenario in db.session.scalars(
        select(Scenario).where(Scenario.archived.is_(False)).order_by(Scenario.position)
    ):
        if scenario.key in passed:
            continue
        taught = {c["competency"] for c in scenario.data["rubric"]}
        for competency_id in competency_ids:
            if competency_id in taught:
                title = scenario.data["title"].get(lang) or scenario.data["title"]["zh"]
                out.append(
                    Suggestion(
                        "roleplay", competency_id, title, "roleplay.scenario", {"key": scenario.key}
                    )
                )
    return out


def best_clean_scores(user_ids: list[int], keys: list[str]) -> dict[tuple[int, str], float]:
    """Best finished score per person and scenario among calls with no critical error."""
    rows = db.session.execute(
        select(PlaySession.user_id, Scenario.key, PlaySession.score, PlaySession.critical_errors)
        .join(Scenario, Scenario.id == PlaySession.scenario_id)
        .where(
            PlaySession.user_id.in_(user_ids),
            Scenario.key.in_(keys),
            PlaySession.state == SessionState.FINISHED,
        )
    ).all()
    best: dict[tuple[int, str], float] = {}
    for user_id, key, score, errors in rows:
        if score is not None and not errors:
            best[(user_id, key)] = max(best.get((user_id, key), 0.0), float(score))
    return best


def scenario_titles(keys: list[str], lang: str) -> dict[str, str]:
    rows = db.session.scalars(
        select(Scenario).where(Scenario.key.in_(keys), Scenario.archived.is_(False))
    )
    return {s.key: s.data["title"].get(lang) or s.data["title"]["zh"] for s in rows}
