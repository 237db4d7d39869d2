"""The rules of QA review: scorecards, interactions and their import, the checker's suggestions,
evaluations, disputes and the evidence they give (docs/qa-review.md).

Scoring is the role-play's (roleplay.engine.weighted_total and passes), the suggestions come
from the role-play checker, and evidence goes through the competency service: one rubric model.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..auth.services import audit, find_user_by_email
from ..calibration.services import Agreement, per_grader
from ..competency.models import SourceKind
from ..competency.services import correct_evidence, record_evidence
from ..database import utcnow
from ..extensions import db
from ..phrases import PhraseBook
from ..roleplay import checker
from ..roleplay.engine import passes, weighted_total
from . import transcripts
from .models import (
    SCORECARD_CHANNEL,
    Channel,
    CriterionScore,
    Dispute,
    DisputeState,
    Evaluation,
    Interaction,
    LineComment,
    Scorecard,
    Speaker,
)
from .scorecard import Scorecard as CardDef
from .scorecard import ScorecardDef, typed_version

DEFAULT_DISPUTE_DAYS = 7
MAX_REFERENCE = 120
MAX_COMMENT = 2000
MAX_REASON = 2000
MAX_IMPORT_ROWS = 500
IMPORT_COLUMNS = ("agent_email", "channel", "date", "reference", "transcript")
REVIEWERS = (Role.QA, Role.INSTRUCTOR, Role.ADMIN)
RESOLVERS = (Role.QA, Role.INSTRUCTOR)  # a second reviewer, or the team lead


class QAError(Exception):
    """A request refused with a message for the person (nothing was stored)."""

    def __init__(self, *messages: LazyString | str):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = list(messages)


# --- scorecards -----------------------------------------------------------------------------


def load_scorecards(cards: list[ScorecardDef]) -> tuple[int, int, int]:
    """Upsert scorecards like scenarios: a changed file is a new version. (new, changed, same)"""
    live = {
        s.key: s for s in db.session.scalars(select(Scorecard).where(Scorecard.archived.is_(False)))
    }
    added = changed = same = 0
    for position, card in enumerate(cards, start=1):
        current = live.get(card.id)
        digest = card.content_hash()
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
            Scorecard(key=card.id, position=position, data=card.data, content_hash=digest)
        )
    shipped = {c.id for c in cards}
    for key, row in live.items():
        if key not in shipped:
            row.archived = True
    db.session.commit()
    return added, changed, same


def definition(row: Scorecard) -> CardDef:
    return typed_version(row.content_hash, row.data)


def scorecard_for(channel: Channel) -> Scorecard:
    wanted = SCORECARD_CHANNEL[Channel(channel)]
    for row in db.session.scalars(
        select(Scorecard).where(Scorecard.archived.is_(False)).order_by(Scorecard.position)
    ):
        if row.data.get("channel") == wanted:
            return row
    raise QAError(_l("No scorecard is loaded for this channel (run trainer load-content)."))


# --- interactions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewInteraction:
    agent_email: str
    channel: str
    occurred_on: str | date
    reference: str
    transcript: str


def _checked(data: NewInteraction, by: User | None) -> tuple[Interaction, list[LazyString | str]]:
    """The interaction to store, or every reason it cannot be (then nothing is stored)."""
    problems: list[LazyString | str] = []
    agent = find_user_by_email(data.agent_email or "")
    if agent is None or not agent.active:
        problems.append(_l("No active account has the email “%(e)s”.", e=data.agent_email[:254]))
    elif by is not None and agent.id == by.id:
        problems.append(_l("You cannot record or review your own calls."))
    if data.channel not in {c.value for c in Channel}:
        problems.append(
            _l("The channel is voice, chat or email, not “%(c)s”.", c=data.channel[:20])
        )
    occurred: date | None = data.occurred_on if isinstance(data.occurred_on, date) else None
    if occurred is None:
        try:
            occurred = date.fromisoformat(str(data.occurred_on).strip())
        except ValueError:
            problems.append(_l("The date “%(d)s” is not YYYY-MM-DD.", d=str(data.occurred_on)[:20]))
    if isinstance(occurred, date) and occurred > utcnow().date() + timedelta(days=1):
        problems.append(_l("The date is in the future."))
    reference = (data.reference or "").strip()
    if not reference or len(reference) > MAX_REFERENCE:
        problems.append(_l("Give the call's reference (1 to %(n)d characters).", n=MAX_REFERENCE))
    elif db.session.scalar(select(Interaction.id).where(Interaction.reference == reference)):
        problems.append(_l("The reference “%(r)s” is already recorded.", r=reference))
    parsed = None
    try:
        parsed = transcripts.parse(data.transcript or "")
    except transcripts.TranscriptError as exc:
        problems += [str(p) for p in exc.problems]
    if problems or agent is None or parsed is None or not isinstance(occurred, date):
        return Interaction(), problems
    return (
        Interaction(
            agent_id=agent.id,
            channel=Channel(data.channel),
            occurred_on=occurred,
            reference=reference,
            transcript=data.transcript,
            transcript_format=parsed.format,
            turns=[t.as_json() for t in parsed.turns],
            created_by_id=by.id if by else None,
        ),
        problems,
    )


def create_interaction(data: NewInteraction, by: User) -> Interaction:
    interaction, problems = _checked(data, by)
    if problems:
        raise QAError(*problems)
    db.session.add(interaction)
    try:
        db.session.flush()
    except IntegrityError:  # the same reference stored by someone else a moment ago
        db.session.rollback()
        raise QAError(_l("The reference “%(r)s” is already recorded.", r=data.reference)) from None
    audit(by, "qa.interaction", interaction.reference, channel=interaction.channel.value)
    db.session.commit()
    return interaction


@dataclass(frozen=True)
class RowReport:
    line: int  # line of the CSV file where the row starts
    reference: str
    stored: bool
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    rows: list[RowReport]
    problems: list[str] = field(default_factory=list)  # the file as a whole

    @property
    def stored(self) -> int:
        return sum(1 for r in self.rows if r.stored)

    @property
    def refused(self) -> int:
        return sum(1 for r in self.rows if not r.stored) + (1 if self.problems else 0)


def _header(name: str) -> str:
    return name.strip().lower().replace(" ", "_").lstrip("\ufeff")


def import_interactions(text: str, by: User | None) -> ImportReport:
    """Each row stored on its own or refused whole; a refused row stores nothing."""
    if len(text.encode("utf-8")) > (MAX_IMPORT_ROWS + 1) * transcripts.MAX_BYTES // 10:
        return ImportReport([], [str(_l("The file is too large."))])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fields = [_header(f) for f in reader.fieldnames or []]
    except csv.Error as exc:
        return ImportReport([], [str(_l("Not valid CSV: %(e)s", e=str(exc)))])
    missing = [c for c in IMPORT_COLUMNS if c not in fields]
    if missing:
        return ImportReport(
            [], [str(_l("The CSV needs the columns %(cols)s.", cols=", ".join(IMPORT_COLUMNS)))]
        )
    reader.fieldnames = fields
    rows: list[RowReport] = []
    seen: set[str] = set()
    try:
        line = reader.line_num + 1
        for raw in reader:
            if len(rows) >= MAX_IMPORT_ROWS:
                return ImportReport(rows, [str(_l("At most %(n)d rows.", n=MAX_IMPORT_ROWS))])
            values = {k: (raw.get(k) or "") for k in IMPORT_COLUMNS}
            reference = values["reference"].strip()
            data = NewInteraction(
                values["agent_email"].strip(),
                values["channel"].strip().lower(),
                values["date"],
                reference,
                values["transcript"],
            )
            if reference in seen:
                rows.append(
                    RowReport(
                        line, reference, False, [str(_l("A second row with this reference."))]
                    )
                )
            else:
                seen.add(reference)
                rows.append(_import_row(line, data, by))
            line = reader.line_num + 1
    except csv.Error as exc:
        return ImportReport(rows, [str(_l("Not valid CSV: %(e)s", e=str(exc)))])
    audit(by, "qa.import", "interactions", rows=len(rows), stored=sum(r.stored for r in rows))
    db.session.commit()
    return ImportReport(rows)


def _import_row(line: int, data: NewInteraction, by: User | None) -> RowReport:
    interaction, problems = _checked(data, by)
    if problems:
        return RowReport(line, data.reference, False, [str(p) for p in problems])
    try:
        with db.session.begin_nested():
            db.session.add(interaction)
    except IntegrityError:
        return RowReport(
            line, data.reference, False, [str(_l("The reference is already recorded."))]
        )
    return RowReport(line, data.reference, True)


# --- the queue ------------------------------------------------------------------------------

STATUSES = ("to-review", "evaluated", "disputed")


@dataclass(frozen=True)
class QueueRow:
    interaction: Interaction
    evaluation: Evaluation | None
    status: str  # one of STATUSES


def queue(
    status: str | None = None,
    channel: str | None = None,
    agent_id: int | None = None,
    limit: int = 200,
) -> list[QueueRow]:
    """Interactions for the reviewers, the ones still to review first, then newest."""
    open_dispute = (
        select(Dispute.id)
        .join(Evaluation, Evaluation.id == Dispute.evaluation_id)
        .where(Evaluation.interaction_id == Interaction.id, Dispute.state == DisputeState.OPEN)
        .exists()
    )
    evaluated = select(Evaluation.id).where(Evaluation.interaction_id == Interaction.id).exists()
    stmt = select(Interaction).options(
        selectinload(Interaction.agent), selectinload(Interaction.evaluations)
    )
    if channel in {c.value for c in Channel}:
        stmt = stmt.where(Interaction.channel == channel)
    if agent_id:
        stmt = stmt.where(Interaction.agent_id == agent_id)
    if status == "to-review":
        stmt = stmt.where(~evaluated)
    elif status == "evaluated":
        stmt = stmt.where(evaluated, ~open_dispute)
    elif status == "disputed":
        stmt = stmt.where(open_dispute)
    stmt = stmt.order_by(evaluated.asc(), Interaction.occurred_on.desc(), Interaction.id.desc())
    disputed = set(
        db.session.scalars(
            select(Evaluation.interaction_id)
            .join(Dispute, Dispute.evaluation_id == Evaluation.id)
            .where(Dispute.state == DisputeState.OPEN)
        )
    )
    rows = []
    for interaction in db.session.scalars(stmt.limit(limit)):
        evaluation = interaction.evaluations[0] if interaction.evaluations else None
        state = (
            "disputed" if interaction.id in disputed else "evaluated" if evaluation else "to-review"
        )
        rows.append(QueueRow(interaction, evaluation, state))
    return rows


def queue_agents() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(select(Interaction.agent_id).distinct()))
            .order_by(User.display_name)
        )
    )


# --- suggestions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    item: str
    what: dict[str, str]
    said: str
    line: int | None  # the transcript line it was said on


@dataclass(frozen=True)
class Suggestion:
    level: int  # the level (percent) suggested
    percent: float  # share of the criterion's checklist found
    found: list[Found]
    missing: list[dict[str, str]]  # what each missing item asks, in both languages


@dataclass(frozen=True)
class Suggestions:
    criteria: dict[str, Suggestion]
    avoided: list[tuple[str, int | None]]  # never-say phrases written, with their line
    lang: str


def transcript_language(turns: list[dict[str, Any]]) -> str:
    text = " ".join(t["text"] for t in turns if t["speaker"] == Speaker.AGENT)
    return "en" if checker.wrong_language(text, "zh") else "zh"


def _line_of(said: str, turns: list[dict[str, Any]]) -> int | None:
    return next((t["line"] for t in turns if said and said in t["text"]), None)


def suggest(interaction: Interaction, card: CardDef, book: PhraseBook) -> Suggestions:
    """The role-play checker on the agent's turns: per criterion with a checklist, the level
    its share of the checklist reaches, with the words (and lines) that earned it."""
    turns = [t for t in interaction.turns if t["speaker"] == Speaker.AGENT]
    lang = transcript_language(interaction.turns)
    # One turn per line, so a term of two parts (a+b) is never matched across two turns.
    text = "\n".join(t["text"] for t in turns)
    turn = card.free_text()
    if not turn.checklist:
        return Suggestions({}, [], lang)
    check = checker.check_reply(card, turn, text, lang, book)
    found_by: dict[str, list[Found]] = {}
    items = {i.id: i for i in turn.checklist}
    for hit in check.found:
        item = items[hit.id]
        found_by.setdefault(hit.criterion, []).append(
            Found(hit.id, item.what.model_dump(), hit.said, _line_of(hit.said, turns))
        )
    criteria = {}
    for c in card.criteria:
        if not c.checklist:
            continue
        percent = check.criteria.get(c.id, 0.0)
        criteria[c.id] = Suggestion(
            c.level(percent).min,
            percent,
            found_by.get(c.id, []),
            [items[i].what.model_dump() for i in check.missing if items[i].criterion == c.id],
        )
    avoided = [(a.said, _line_of(a.said, turns)) for a in check.avoided]
    return Suggestions(criteria, avoided, lang)


# --- evaluations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationInput:
    levels: dict[str, str]  # criterion → level value as sent ("na" for not applicable)
    comments: dict[str, str] = field(default_factory=dict)  # criterion → comment
    lines: dict[str, str] = field(default_factory=dict)  # criterion → transcript line of it
    notes: str = ""  # "12: text" per line: comments on transcript lines
    critical: list[str] = field(default_factory=list)
    comment: str = ""


@dataclass(frozen=True)
class Result:
    total: float
    compliance: float | None
    passed: bool


def score(card: CardDef, levels: dict[str, int | None], critical: Iterable[str]) -> Result:
    """Total and pass/fail by the role-play rules (N/A criteria renormalised; a critical error
    fails whatever the total, and one marked `zero` sets it to 0); the compliance section's
    score on its own, 0 after a compliance critical error."""
    critical = list(critical)
    percents = {c: float(v) for c, v in levels.items() if v is not None}
    na = {c for c, v in levels.items() if v is None}
    total = weighted_total(card.criteria, percents, na)
    errors = [e for e in card.critical_errors if e.id in critical]
    if any(e.zero for e in errors):
        total = 0.0
    section = [c for c in card.criteria if c.section == "compliance"]
    compliance: float | None = None
    if any(c.id not in na for c in section):
        compliance = weighted_total(section, percents, na)
    if any(e.kind == "compliance" for e in errors):
        compliance = 0.0
    return Result(total, compliance, passes(total, card.pass_mark, critical))


def _levels(card: CardDef, sent: dict[str, str]) -> tuple[dict[str, int | None], list[Any]]:
    levels: dict[str, int | None] = {}
    problems: list[Any] = []
    for c in card.criteria:
        raw = (sent.get(c.id) or "").strip()
        if not raw:
            problems.append(_l("Choose a level for “%(c)s”.", c=c.name.zh + " / " + c.name.en))
        elif raw == "na":
            if not c.na_allowed:
                problems.append(_l("“%(c)s” applies to every contact.", c=c.name.en))
            levels[c.id] = None
        elif raw.isdigit() and int(raw) in c.level_values:
            levels[c.id] = int(raw)
        else:
            problems.append(_l("“%(v)s” is not a level of “%(c)s”.", v=raw[:10], c=c.name.en))
    unknown = set(sent) - {c.id for c in card.criteria}
    if unknown:
        problems.append(_l("Unknown criteria: %(ids)s.", ids=", ".join(sorted(unknown))[:200]))
    return levels, problems


def _notes(text: str, lines: set[int]) -> tuple[list[tuple[int, str]], list[Any]]:
    notes, problems = [], []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        number, sep, note = raw.partition(":")
        if not sep:
            number, sep, note = raw.partition("：")
        if not sep or not number.strip().isdigit() or not note.strip():
            problems.append(_l("Write each line comment as “line number: comment”."))
        elif int(number) not in lines:
            problems.append(_l("The transcript has no line %(n)s.", n=number.strip()))
        else:
            notes.append((int(number), note.strip()[:MAX_COMMENT]))
    return notes, problems


def evaluate(
    interaction: Interaction, reviewer: User, data: EvaluationInput, book: PhraseBook
) -> Evaluation:
    """Score an interaction once; every criterion, or nothing is stored."""
    if interaction.agent_id == reviewer.id:
        raise QAError(_l("You cannot evaluate your own calls."))
    if not reviewer.has_role(*REVIEWERS):
        raise QAError(_l("Only a QA reviewer or an instructor evaluates calls."))
    if interaction.evaluations:
        raise QAError(_l("This interaction has already been evaluated."))
    row = scorecard_for(interaction.channel)
    card = definition(row)
    levels, problems = _levels(card, data.levels)
    line_numbers = {t["line"] for t in interaction.turns}
    notes, more = _notes(data.notes, line_numbers)
    problems += more
    anchors: dict[str, int] = {}
    for criterion, raw in data.lines.items():
        if not raw.strip():
            continue
        if not raw.strip().isdigit() or int(raw) not in line_numbers:
            problems.append(_l("The transcript has no line %(n)s.", n=raw.strip()[:10]))
        elif card.criterion(criterion):
            anchors[criterion] = int(raw)
    critical = list(dict.fromkeys(data.critical))
    if any(card.critical_error(e) is None for e in critical):
        problems.append(_l("Unknown critical error."))
    if len(data.comment) > MAX_COMMENT or any(len(v) > MAX_COMMENT for v in data.comments.values()):
        problems.append(_l("A comment is at most %(n)d characters.", n=MAX_COMMENT))
    if problems:
        raise QAError(*problems)
    suggestions = suggest(interaction, card, book)
    result = score(card, levels, critical)
    compared = [c for c in suggestions.criteria if levels.get(c) is not None]
    evaluation = Evaluation(
        interaction_id=interaction.id,
        scorecard_id=row.id,
        reviewer_id=reviewer.id,
        agent_id=interaction.agent_id,
        total=result.total,
        compliance=result.compliance,
        passed=result.passed,
        critical_errors=critical,
        suggested_count=len(compared),
        agreed_count=sum(1 for c in compared if suggestions.criteria[c].level == levels[c]),
        comment=data.comment.strip(),
    )
    for c in card.criteria:
        s = suggestions.criteria.get(c.id)
        evaluation.scores.append(
            CriterionScore(
                criterion=c.id,
                suggested=s.level if s else None,
                suggestion=(
                    {
                        "percent": s.percent,
                        "found": [f.__dict__ for f in s.found],
                        "missing": s.missing,
                    }
                    if s
                    else None
                ),
                reviewed=levels[c.id],
                level=levels[c.id],
                comment=(data.comments.get(c.id) or "").strip(),
            )
        )
        if c.id in anchors:
            evaluation.comments.append(
                LineComment(
                    line=anchors[c.id],
                    criterion=c.id,
                    text=(data.comments.get(c.id) or "").strip() or c.name.en,
                )
            )
    for line, note in notes:
        evaluation.comments.append(LineComment(line=line, criterion=None, text=note))
    db.session.add(evaluation)
    db.session.flush()
    for c in card.criteria:
        given = levels[c.id]
        if given is not None:
            record_evidence(
                interaction.agent_id,
                c.competency,
                given / 100,
                SourceKind.QA,
                evidence_ref(evaluation, c.id),
                at=evaluation.submitted_at,
            )
    audit(
        reviewer,
        "qa.evaluate",
        interaction.agent.email,
        evaluation=evaluation.id,
        reference=interaction.reference,
        total=result.total,
        passed=result.passed,
        critical=critical,
    )
    db.session.commit()
    return evaluation


def evidence_ref(evaluation: Evaluation, criterion: str) -> str:
    return f"qa:{evaluation.id}:{criterion}"


def get_evaluation(evaluation_id: int) -> Evaluation | None:
    return db.session.get(Evaluation, evaluation_id)


def can_see(evaluation: Evaluation, user: User) -> bool:
    """The agent sees their own; reviewers and team leads see all."""
    return evaluation.agent_id == user.id or user.has_role(*REVIEWERS)


def own_evaluations(agent: User) -> list[Evaluation]:
    return list(
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.agent_id == agent.id)
            .options(selectinload(Evaluation.interaction), selectinload(Evaluation.disputes))
            .order_by(Evaluation.submitted_at.desc())
        )
    )


def checker_agreement() -> list[Agreement]:
    """Per reviewer, how often the level they gave is the one the checker suggested, read
    like the blind double-grading figures (exact agreement, mean gap in percent points)."""
    rows = db.session.execute(
        select(Evaluation.reviewer_id, CriterionScore.suggested, CriterionScore.reviewed)
        .join(CriterionScore, CriterionScore.evaluation_id == Evaluation.id)
        .where(
            CriterionScore.suggested.is_not(None),
            CriterionScore.reviewed.is_not(None),
            Evaluation.reviewer_id.is_not(None),
        )
    ).all()
    stats: dict[int, list[float]] = {}
    evaluations = dict(
        db.session.execute(
            select(Evaluation.reviewer_id, func.count()).group_by(Evaluation.reviewer_id)
        ).all()
    )
    for reviewer_id, suggested, reviewed in rows:
        gap = abs(float(suggested or 0) - float(reviewed or 0))  # both non-null (the query)
        stats.setdefault(reviewer_id or 0, []).append(gap)
    return per_grader(
        {r: (evaluations.get(r, 0), gaps) for r, gaps in stats.items()}, exact_within=0.0
    )


# --- disputes -------------------------------------------------------------------------------


def dispute_deadline(evaluation: Evaluation, days: int) -> datetime:
    return evaluation.submitted_at + timedelta(days=days)


def disputable(
    evaluation: Evaluation, user: User, days: int, now: datetime | None = None
) -> list[str]:
    """The criteria the agent may still dispute (none after the window)."""
    now = now or utcnow()
    if evaluation.agent_id != user.id or now > dispute_deadline(evaluation, days):
        return []
    taken = {d.criterion for d in evaluation.disputes}
    return [s.criterion for s in evaluation.scores if s.criterion not in taken]


def open_dispute(
    evaluation: Evaluation,
    agent: User,
    criterion: str,
    reason: str,
    days: int,
    now: datetime | None = None,
) -> Dispute:
    now = now or utcnow()
    if evaluation.agent_id != agent.id:
        raise QAError(_l("Only the agent of a call can dispute its evaluation."))
    if not any(s.criterion == criterion for s in evaluation.scores):
        raise QAError(_l("Choose a criterion of this evaluation."))
    if now > dispute_deadline(evaluation, days):
        raise QAError(_l("The dispute window closed %(n)d days after the evaluation.", n=days))
    if any(d.criterion == criterion for d in evaluation.disputes):
        raise QAError(_l("This criterion has already been disputed."))
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise QAError(_l("Give a reason (at most %(n)d characters).", n=MAX_REASON))
    dispute = Dispute(
        evaluation_id=evaluation.id,
        criterion=criterion,
        opened_by_id=agent.id,
        reason=reason,
        opened_at=now,
        state=DisputeState.OPEN,
    )
    db.session.add(dispute)
    try:
        db.session.flush()
    except IntegrityError:  # two tabs: the other one was first
        db.session.rollback()
        raise QAError(_l("This criterion has already been disputed.")) from None
    audit(agent, "qa.dispute_open", agent.email, evaluation=evaluation.id, criterion=criterion)
    db.session.commit()
    return dispute


def open_disputes() -> list[Dispute]:
    return list(
        db.session.scalars(
            select(Dispute)
            .where(Dispute.state == DisputeState.OPEN)
            .options(selectinload(Dispute.evaluation))
            .order_by(Dispute.opened_at)
        )
    )


def criterion_name(dispute: Dispute, lang: str) -> str:
    criterion = definition(dispute.evaluation.scorecard).criterion(dispute.criterion)
    return criterion.name.get(lang) if criterion else dispute.criterion


def can_resolve(dispute: Dispute, user: User) -> bool:
    evaluation = dispute.evaluation
    return (
        user.has_role(*RESOLVERS)
        and user.id not in (evaluation.reviewer_id, evaluation.agent_id)
        and dispute.state == DisputeState.OPEN
    )


def resolve_dispute(
    dispute: Dispute, resolver: User, decision: str, level: str | None, note: str
) -> Dispute:
    """Uphold or change the disputed level; a change rescores the evaluation and corrects the
    agent's evidence, so the final score is what feeds the profile."""
    evaluation = dispute.evaluation
    if dispute.state != DisputeState.OPEN:
        raise QAError(_l("This dispute has already been resolved."))
    if not resolver.has_role(*RESOLVERS):
        raise QAError(_l("A second QA reviewer or the team lead resolves disputes."))
    if resolver.id == evaluation.reviewer_id:
        raise QAError(_l("The reviewer who gave the score cannot resolve its dispute."))
    if resolver.id == evaluation.agent_id:
        raise QAError(_l("You cannot resolve a dispute of your own evaluation."))
    note = note.strip()
    if not note or len(note) > MAX_REASON:
        raise QAError(_l("Write a note for the agent (at most %(n)d characters).", n=MAX_REASON))
    card = definition(evaluation.scorecard)
    criterion = card.criterion(dispute.criterion)
    row = next(s for s in evaluation.scores if s.criterion == dispute.criterion)
    if criterion is None:
        raise QAError(_l("Choose a criterion of this evaluation."))
    old = row.level
    if decision == "uphold":
        new = old
        dispute.state = DisputeState.UPHELD
    elif decision == "change":
        current = {
            s.criterion: "na" if s.level is None else str(s.level) for s in evaluation.scores
        }
        current[dispute.criterion] = level or ""
        levels, problems = _levels(card, current)
        if problems:
            raise QAError(*problems)
        new = levels[dispute.criterion]
        if new == old:
            raise QAError(_l("Choose a different level, or uphold the score."))
        dispute.state = DisputeState.CHANGED
        row.level = new
        result = score(card, levels, evaluation.critical_errors)
        evaluation.total, evaluation.compliance, evaluation.passed = (
            result.total,
            result.compliance,
            result.passed,
        )
        correct_evidence(
            evaluation.agent_id,
            criterion.competency,
            None if new is None else new / 100,
            SourceKind.QA,
            evidence_ref(evaluation, criterion.id),
            evaluation.submitted_at,
        )
    else:
        raise QAError(_l("Uphold the score or change it."))
    dispute.resolver_id, dispute.resolved_at = resolver.id, utcnow()
    dispute.old_level, dispute.new_level, dispute.note = old, new, note
    audit(
        resolver,
        "qa.dispute_changed" if dispute.state == DisputeState.CHANGED else "qa.dispute_upheld",
        evaluation.agent.email,
        evaluation=evaluation.id,
        criterion=dispute.criterion,
        old=old,
        new=new,
        comment=note,
    )
    db.session.commit()
    return dispute
