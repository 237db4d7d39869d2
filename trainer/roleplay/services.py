"""Rules for role-play: loading scenarios, playing a session turn by turn, grading, debrief."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import random
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import contains_eager

from ..auth.models import User
from ..auth.services import audit
from ..certification import services as certification
from ..competency.models import DEFAULT_WEIGHTS, SourceKind
from ..competency.recommend import Suggestion
from ..competency.services import record_evidence
from ..database import utcnow
from ..extensions import db
from ..phrases import PhraseBook
from ..xapi import services as xapi
from . import checker, engine
from .definition import Scenario as Definition
from .definition import typed_version
from .loader import ScenarioDef
from .models import (
    ChoiceStat,
    PlaySession,
    Scenario,
    ScenarioStat,
    ScoredBy,
    SessionState,
    Turn,
    TurnGradeChange,
)

MAX_FREE_TEXT = checker.MAX_REPLY
# Evidence from a call scored by the checker alone weighs this share of an ordinary call's.
CHECKER_EVIDENCE_FACTOR = 0.75


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


def definition(row: Scenario) -> Definition:
    """The typed scenario of a stored version."""
    return typed_version(row.content_hash, row.data)


def open_session(scenario: Scenario, user_id: int) -> PlaySession | None:
    return db.session.scalar(
        select(PlaySession).where(
            PlaySession.scenario_id == scenario.id,
            PlaySession.user_id == user_id,
            PlaySession.state == SessionState.IN_PROGRESS,
        )
    )


def start_session(scenario: Scenario, user_id: int, restart: bool = False) -> PlaySession:
    """Resume the open call of this scenario, or, with `restart`, leave it and begin afresh."""
    current = open_session(scenario, user_id)
    if current is not None and not restart:
        return current
    if current is not None:
        current.state = SessionState.ABANDONED
        current.finished_at = utcnow()
    typed = definition(scenario)
    session = PlaySession(
        scenario_id=scenario.id,
        user_id=user_id,
        node=typed.start,
        mood=typed.persona.mood,
    )
    db.session.add(session)
    db.session.commit()
    return session


@dataclass(frozen=True)
class PastCall:
    session_id: int
    state: SessionState
    finished_at: datetime | None
    score: float | None
    passed: bool | None
    ending: str | None  # the ending kind (resolved, escalated, hung_up, lost)


def past_calls(scenario_key: str, user_id: int, limit: int = 20) -> list[PastCall]:
    """This trainee's ended calls of a scenario (every version), newest first, in one query
    (each call's version comes with it, for the kind of ending it reached)."""
    rows = db.session.scalars(
        select(PlaySession)
        .join(Scenario, Scenario.id == PlaySession.scenario_id)
        .options(contains_eager(PlaySession.scenario))
        .where(
            Scenario.key == scenario_key,
            PlaySession.user_id == user_id,
            PlaySession.state.in_([SessionState.FINISHED, SessionState.AWAITING_GRADING]),
        )
        .order_by(PlaySession.finished_at.desc(), PlaySession.id.desc())
        .limit(limit)
    ).all()
    out = []
    for row in rows:
        ending = row.scenario.data["nodes"].get(row.ending or "", {}).get("ending")
        out.append(PastCall(row.id, row.state, row.finished_at, row.score, row.passed, ending))
    return out


def previous_call(session: PlaySession) -> PlaySession | None:
    """The same trainee's scored call of the same scenario just before this one."""
    return db.session.scalar(
        select(PlaySession)
        .join(Scenario, Scenario.id == PlaySession.scenario_id)
        .where(
            Scenario.key == session.scenario.key,
            PlaySession.user_id == session.user_id,
            PlaySession.state == SessionState.FINISHED,
            PlaySession.id < session.id,
        )
        .order_by(PlaySession.id.desc())
        .limit(1)
    )


# --- playing --------------------------------------------------------------------------------


def choice_token(session: PlaySession, index: int) -> str:
    """The opaque value a reply is served under: made for this session, turn and node, so it
    says nothing about the reply's place in the file and is worthless in any other call."""
    message = f"roleplay:{session.id}:{session.turns_taken}:{session.node}:{index}".encode()
    digest = hmac.new(_secret(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def choice_order(session: PlaySession) -> list[int]:
    """The order the current node's replies are shown in: drawn for this session and this
    visit of the node (a node met twice is shuffled afresh), the same on every reload."""
    count = len(definition(session.scenario).nodes[session.node].choices or [])
    message = f"roleplay-order:{session.id}:{session.turns_taken}:{session.node}".encode()
    seed = int.from_bytes(hmac.new(_secret(), message, hashlib.sha256).digest()[:8], "big")
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order


def _secret() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key.encode() if isinstance(key, str) else bytes(key)


def choice_from_token(session: PlaySession, value: str) -> int | None:
    choices = definition(session.scenario).nodes[session.node].choices or []
    for index in range(len(choices)):
        if hmac.compare_digest(choice_token(session, index), value):
            return index
    return None


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


def _elapsed(session: PlaySession, now: datetime) -> float:
    return round((now - session.turn_started_at).total_seconds(), 1)


def expire(session: PlaySession, now: datetime | None = None) -> bool:
    """End the call if the customer has waited past the scenario's hang-up limit; True if so.
    The server's clock decides, whatever the page's countdown says."""
    if session.state != SessionState.IN_PROGRESS:
        return False
    now = now or utcnow()
    scenario = definition(session.scenario)
    late = engine.lateness(scenario, _elapsed(session, now))
    if late.hung_up is None:
        return False
    session.node = late.hung_up
    _end(session, late.hung_up, now)
    db.session.commit()
    return True


@dataclass(frozen=True)
class Clock:
    """What the page's countdown shows, from the server's clock."""

    seconds_left: int | None  # until a reply counts as late; None without a limit
    hang_up_in: int | None  # until the customer hangs up; None if they never do


def clock(session: PlaySession, now: datetime | None = None) -> Clock:
    scenario = definition(session.scenario)
    limit = scenario.turn_seconds
    if not limit:
        return Clock(None, None)
    elapsed = _elapsed(session, now or utcnow())
    timeout = scenario.timeout
    hang_up = None
    if timeout and timeout.hang_up_after and timeout.ending:
        # A second past the limit, so that the page's reload finds the call already over.
        hang_up = max(0, math.ceil(limit + timeout.hang_up_after - elapsed) + 1)
    return Clock(max(0, int(limit - elapsed)), hang_up)


def _hung_up_check(session: PlaySession, now: datetime) -> None:
    if expire(session, now):
        raise PlayError(_l("The customer hung up while waiting for your reply."))


def choose(
    session: PlaySession, expected_turn: int, choice_index: int, now: datetime | None = None
) -> Turn | None:
    """Take the choice (its index as written in the scenario); None if the turn was replayed."""
    now = now or utcnow()
    _check_open(session, expected_turn)
    _hung_up_check(session, now)
    scenario = definition(session.scenario)
    choices = scenario.nodes[session.node].choices
    if not choices:
        raise PlayError(_l("This turn needs a written reply."))
    if not 0 <= choice_index < len(choices):
        raise PlayError(_l("That reply is not one of the options offered."))
    late = engine.lateness(scenario, _elapsed(session, now))
    if not _claim_turn(session, expected_turn):
        return None
    step = engine.choose(scenario, session.node, choice_index, session.mood, late)
    return _record(session, expected_turn, step, now, choice=choice_index)


def choose_token(
    session: PlaySession, expected_turn: int, value: str, now: datetime | None = None
) -> Turn | None:
    """Take the reply served under `value`; a token from another call or turn is refused."""
    _check_open(session, expected_turn)
    index = choice_from_token(session, value)
    if index is None:
        raise PlayError(_l("That reply is not one of the options offered."))
    return choose(session, expected_turn, index, now)


WRONG_LANGUAGE = {
    "zh": _l("This call is in Chinese: write your reply in Chinese."),
    "en": _l("This call is in English: write your reply in English."),
}


def write(
    session: PlaySession,
    expected_turn: int,
    text: str,
    book: PhraseBook,
    lang: str,
    now: datetime | None = None,
) -> Turn | None:
    """Send a written reply: the checker scores it at once and the customer reacts to what it
    found. A turn without a checklist waits for an instructor's grade."""
    now = now or utcnow()
    _check_open(session, expected_turn)
    _hung_up_check(session, now)
    scenario = definition(session.scenario)
    turn = scenario.nodes[session.node].free_text
    if turn is None:
        raise PlayError(_l("Choose one of the replies offered."))
    problem = checker.reply_problem(text)
    if problem:
        raise PlayError(problem)
    text = text.strip()
    check = checker.check_reply(scenario, turn, text, lang, book)
    if "wrong-language" in check.flags:
        raise PlayError(WRONG_LANGUAGE.get(lang, WRONG_LANGUAGE["zh"]))
    late = engine.lateness(scenario, _elapsed(session, now))
    if not _claim_turn(session, expected_turn):
        return None
    if turn.checklist:
        step = engine.write(scenario, session.node, session.mood, check, late)
        scored_by = ScoredBy.CHECKER
    else:
        step = engine.unscored(scenario, session.node, session.mood, late)
        step = replace(step, critical=check.critical)
        scored_by = ScoredBy.PENDING
    return _record(
        session, expected_turn, step, now, text=text, check=check, scored_by=scored_by, lang=lang
    )


def _record(
    session: PlaySession,
    number: int,
    step: engine.Step,
    now: datetime,
    choice: int | None = None,
    text: str | None = None,
    check: checker.ReplyCheck | None = None,
    scored_by: ScoredBy = ScoredBy.CHOICE,
    lang: str | None = None,
) -> Turn:
    turn = Turn(
        number=number + 1,
        node=session.node,
        choice=choice,
        text=text,
        points=step.points,
        mood_after=step.mood,
        seconds=_elapsed(session, now),
        phrases_used=[],
        phrases_avoided=[a.phrase for a in check.avoided] if check else [],
        needs_grading=scored_by == ScoredBy.PENDING,
        scored_by=scored_by,
        explanation={**check.as_json(), "route": step.route} if check else None,
        lang=lang,
        late=step.late,
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
    if definition(session.scenario).nodes[step.next_node].ending:
        _end(session, step.next_node, now)
    db.session.commit()
    return turn


def _end(session: PlaySession, ending: str, now: datetime) -> None:
    session.ending = ending
    session.finished_at = now
    if any(t.needs_grading for t in session.turns):
        session.state = SessionState.AWAITING_GRADING
    else:
        _complete(session)


def earned_points(session: PlaySession) -> dict[str, float]:
    earned: dict[str, float] = {}
    for turn in session.turns:
        for criterion, value in (turn.points or {}).items():
            earned[criterion] = earned.get(criterion, 0.0) + value
    return earned


def _rescore(session: PlaySession) -> engine.Score:
    scenario = session.scenario
    result = engine.score(
        definition(scenario), scenario.max_points, earned_points(session), session.critical_errors
    )
    session.score, session.criterion_scores, session.passed = (
        result.total,
        result.criteria,
        result.passed,
    )
    return result


def evidence_weight(session: PlaySession) -> float:
    """A call whose written turns only the checker has scored counts for less than one an
    instructor has confirmed (docs/decisions.md, "Evidence from role-plays")."""
    full = DEFAULT_WEIGHTS[SourceKind.ROLEPLAY]
    if any(t.scored_by == ScoredBy.CHECKER for t in session.turns):
        return round(full * CHECKER_EVIDENCE_FACTOR, 3)
    return full


def _complete(session: PlaySession) -> None:
    scenario = session.scenario
    typed = definition(scenario)
    result = _rescore(session)
    session.state = SessionState.FINISHED
    weight = evidence_weight(session)
    for criterion in typed.rubric:
        record_evidence(
            session.user_id,
            criterion.competency,
            result.criteria[criterion.id] / 100,
            SourceKind.ROLEPLAY,
            f"roleplay:{session.id}:{criterion.id}",
            weight=weight,
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
    _record_call(session, result)
    db.session.flush()
    certification.refresh(session.user_id)


def _record_call(session: PlaySession, result: engine.Score, regrade: bool = False) -> None:
    title = definition(session.scenario).title
    now = utcnow()
    xapi.record_roleplay_result(
        session.user_id,
        session.id,
        session.scenario.key,
        {"zh": title.zh, "en": title.en},
        result.total,
        result.criteria,
        result.passed,
        session.started_at,
        session.finished_at or now,
        now,
        regrade=regrade,
    )


# --- grading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    session_id: int
    user_id: int
    scenario_key: str
    finished_at: datetime
    waiting: int


def _calls_with_turns(
    state: SessionState, turn_condition: ColumnElement[bool], newest_first: bool, limit: int
) -> list[QueueItem]:
    """Ended calls in `state` with the turns that meet `turn_condition`, counted per call."""
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
        .where(PlaySession.state == state, turn_condition)
        .group_by(PlaySession.id, PlaySession.user_id, Scenario.key, PlaySession.finished_at)
        .order_by(PlaySession.finished_at.desc() if newest_first else PlaySession.finished_at)
        .limit(limit)
    ).all()
    return [QueueItem(a, b, c, d, e) for a, b, c, d, e in rows if d is not None]


def grading_queue(limit: int = 100) -> list[QueueItem]:
    """Calls with written turns no checklist could score, waiting for a grade, oldest first."""
    return _calls_with_turns(
        SessionState.AWAITING_GRADING, Turn.needs_grading.is_(True), False, limit
    )


def checker_scored(limit: int = 50) -> list[QueueItem]:
    """Recent finished calls with written turns only the checker has scored: an instructor may
    confirm or change them (and so calibrate the checker), newest first."""
    return _calls_with_turns(SessionState.FINISHED, Turn.scored_by == ScoredBy.CHECKER, True, limit)


def grade_turn(
    session: PlaySession, turn_number: int, grader_id: int, points: dict[str, float], comment: str
) -> None:
    """An instructor's grade for a written turn; it replaces the checker's points."""
    turn = next((t for t in session.turns if t.number == turn_number), None)
    if turn is None or turn.text is None:
        raise NotFound(turn_number)
    free_text = definition(session.scenario).nodes[turn.node].free_text
    allowed = free_text.criteria if free_text else {}
    if set(points) != set(allowed) or any(not 0 <= points[c] <= allowed[c] for c in allowed):
        raise PlayError(_l("Give each criterion a score between 0 and its maximum."))
    db.session.add(
        TurnGradeChange(
            turn_id=turn.id,
            grader_id=grader_id,
            old_points=turn.points if turn.scored_by != ScoredBy.PENDING else None,
            new_points=points,
            comment=comment,
        )
    )
    old_points = turn.points if turn.scored_by != ScoredBy.PENDING else None
    holder = db.session.get(User, session.user_id)
    audit(
        grader_id,
        "roleplay.regrade" if turn.scored_by == ScoredBy.INSTRUCTOR else "roleplay.grade",
        holder.email if holder else str(session.user_id),
        session=session.id,
        turn=turn.number,
        old=old_points,
        new=dict(points),
    )
    turn.points, turn.comment = dict(points), comment.strip()
    turn.grader_id, turn.graded_at, turn.needs_grading = grader_id, utcnow(), False
    turn.scored_by = ScoredBy.INSTRUCTOR
    if session.state == SessionState.AWAITING_GRADING and not any(
        t.needs_grading for t in session.turns
    ):
        _complete(session)
    elif session.state == SessionState.FINISHED:
        result = _rescore(session)
        _record_call(session, result, regrade=True)
        # The confirmed score is evidence of its own, weighted as a person's judgement.
        for criterion in definition(session.scenario).rubric:
            if criterion.id in allowed:
                record_evidence(
                    session.user_id,
                    criterion.competency,
                    result.criteria[criterion.id] / 100,
                    SourceKind.GRADE,
                    f"roleplay:{session.id}:{criterion.id}:turn{turn.number}",
                )
        certification.refresh(session.user_id)
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
