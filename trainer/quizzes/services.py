"""Rules for quizzes: loading the bank, attempts (start, save, submit), grading, review, GIFT."""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select, update

from ..auth.models import User
from ..auth.services import audit
from ..certification import services as certification
from ..competency.models import SourceKind
from ..competency.recommend import Suggestion
from ..competency.services import record_evidence
from ..database import utcnow
from ..extensions import db
from ..xapi import services as xapi
from . import analysis
from . import tokens as answer_tokens
from .gift import GiftProblem, GiftQuestion, parse_gift, questions_to_gift
from .loader import QuestionDef, QuizDef
from .models import (
    Attempt,
    AttemptSlot,
    AttemptState,
    FeedbackMode,
    GradeChange,
    Question,
    QuestionBank,
    Quiz,
)
from .tokens import Layout, Tokens
from .types import TYPES, ForeignAnswer, ResponseError

# Submitting a few seconds late (network, a slow click) is not cheating.
GRACE = timedelta(seconds=20)


class QuizError(Exception):
    """A request about a quiz that cannot be honoured; `message` is shown to the trainee."""

    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


class AnswerRefused(QuizError):
    """Answers naming a question, field or token this attempt never served: nothing is stored."""


class NotFound(LookupError):
    pass


# --- loading the shipped bank ---------------------------------------------------------------


@dataclass
class BankLoadReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    archived: int = 0
    quizzes: int = 0


def load_banks(
    banks: dict[str, list[QuestionDef]],
    quizzes: list[QuizDef],
    titles: Mapping[str, dict[str, str]],
) -> BankLoadReport:
    """Upsert banks, questions and quizzes. A changed question is a new row; the old is archived."""
    report = BankLoadReport()
    bank_rows = {b.slug: b for b in db.session.scalars(select(QuestionBank))}
    for slug in banks:
        title = titles.get(slug, {"zh": slug, "en": slug})
        row = bank_rows.get(slug)
        if row is None:
            row = QuestionBank(
                slug=slug,
                title_zh=title["zh"],
                title_en=title["en"],
                module_id=slug if slug in titles else None,
            )
            db.session.add(row)
            bank_rows[slug] = row
        else:
            row.title_zh, row.title_en = title["zh"], title["en"]
    db.session.flush()
    live = {
        q.key: q for q in db.session.scalars(select(Question).where(Question.archived.is_(False)))
    }
    shipped: set[str] = set()
    for slug, questions in banks.items():
        for qdef in questions:
            shipped.add(qdef.key)
            digest = qdef.content_hash()
            current = live.get(qdef.key)
            if current is not None and current.content_hash == digest:
                report.unchanged += 1
                continue
            if current is not None:
                current.archived = True
                report.changed += 1
            else:
                report.added += 1
            db.session.add(
                Question(
                    key=qdef.key,
                    bank_id=bank_rows[slug].id,
                    type=qdef.type,
                    lesson_id=qdef.lesson,
                    competency_id=qdef.competency,
                    difficulty=qdef.difficulty,
                    points=qdef.points,
                    source=qdef.source,
                    text=qdef.text,
                    explanation=qdef.explanation,
                    data=qdef.data,
                    content_hash=digest,
                )
            )
    shipped_banks = {bank_rows[s].id for s in banks}
    for key, question in live.items():
        if key not in shipped and question.bank_id in shipped_banks:
            question.archived = True
            report.archived += 1
    quiz_rows = {q.slug: q for q in db.session.scalars(select(Quiz))}
    for position, quiz_def in enumerate(quizzes, start=1):
        quiz = quiz_rows.get(quiz_def.slug) or Quiz(slug=quiz_def.slug)
        quiz.title_zh, quiz.title_en = quiz_def.title["zh"], quiz_def.title["en"]
        quiz.description_zh = quiz_def.description["zh"]
        quiz.description_en = quiz_def.description["en"]
        quiz.position = position
        quiz.selection = {
            "banks": quiz_def.banks,
            "draw": quiz_def.draw,
            "essays": quiz_def.essays,
            "fixed": list(quiz_def.fixed),
            "competencies": list(quiz_def.competencies),
            "difficulties": list(quiz_def.difficulties),
        }
        quiz.time_limit_minutes, quiz.attempts_allowed = quiz_def.time_limit, quiz_def.attempts
        quiz.pass_percent, quiz.feedback = quiz_def.pass_mark, FeedbackMode(quiz_def.feedback)
        quiz.archived = False
        db.session.add(quiz)
        report.quizzes += 1
    db.session.commit()
    return report


# --- listing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSummary:
    quiz: Quiz
    attempts_used: int
    best_percent: float | None
    in_progress_id: int | None
    awaiting_grading: bool
    passed: bool


def quizzes_for(user_id: int) -> list[QuizSummary]:
    """Every open quiz with this trainee's standing: two queries whatever the numbers."""
    quizzes = db.session.scalars(
        select(Quiz).where(Quiz.archived.is_(False)).order_by(Quiz.position)
    ).all()
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id).execution_options(populate_existing=False)
    ).all()
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    out = []
    for quiz in quizzes:
        mine = by_quiz.get(quiz.id, [])
        finished = [a for a in mine if a.state == AttemptState.FINISHED]
        percents = [a.percent for a in finished if a.percent is not None]
        out.append(
            QuizSummary(
                quiz=quiz,
                attempts_used=len(mine),
                best_percent=max(percents) if percents else None,
                in_progress_id=next(
                    (a.id for a in mine if a.state == AttemptState.IN_PROGRESS), None
                ),
                awaiting_grading=any(a.state == AttemptState.AWAITING_GRADING for a in mine),
                passed=any(a.passed for a in finished),
            )
        )
    return out


def get_quiz(slug: str) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug, Quiz.archived.is_(False)))
    if quiz is None:
        raise NotFound(slug)
    return quiz


# --- attempts -------------------------------------------------------------------------------


def get_attempt(attempt_id: int, user_id: int) -> Attempt:
    """The attempt if it is this trainee's own; otherwise NotFound (no hint that it exists)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound(attempt_id)
    return attempt


def start_attempt(quiz: Quiz, user_id: int, now: datetime | None = None) -> Attempt:
    """Resume the open attempt, or start a new one if the quiz allows it."""
    now = now or utcnow()
    open_attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == user_id,
            Attempt.state == AttemptState.IN_PROGRESS,
        )
    )
    if open_attempt is not None and not close_if_expired(open_attempt, now):
        return open_attempt
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizError(_l("This quiz is not open yet."))
    if quiz.closes_at and now > quiz.closes_at:
        raise QuizError(_l("This quiz has closed."))
    used = (
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id == user_id)
        )
        or 0
    )
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise QuizError(
            _l("You have used all %(n)d attempts at this quiz.", n=quiz.attempts_allowed)
        )
    questions = _draw(quiz, random.Random(secrets.randbits(64)))
    if not questions:
        raise QuizError(_l("This quiz has no questions yet."))
    rng = random.Random(secrets.randbits(64))
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    attempt = Attempt(
        quiz_id=quiz.id,
        user_id=user_id,
        number=used + 1,
        started_at=now,
        deadline=deadline,
        max_score=sum(q.points for q in questions if q.type != "description"),
    )
    taken: set[str] = set()
    slots = []
    for i, q in enumerate(questions, start=1):
        layout = TYPES[q.type].layout(q.data, rng)
        slots.append(
            AttemptSlot(
                position=i,
                question_id=q.id,
                order=_main_order(layout),
                tokens=answer_tokens.issue(layout, taken),
            )
        )
    attempt.slots = slots
    db.session.add(attempt)
    db.session.flush()
    xapi.record_attempt_started(user_id, attempt.id, _quiz_activity(quiz), now)
    db.session.commit()
    return attempt


def _quiz_activity(quiz: Quiz) -> xapi.Activity:
    return xapi.quiz_activity(quiz.slug, quiz.title_zh, quiz.title_en)


def _answered(slot: AttemptSlot) -> xapi.AnsweredQuestion:
    question = slot.question
    return xapi.AnsweredQuestion(
        position=slot.position,
        key=question.key,
        text_zh=question.text.get("zh") or question.text.get("en") or question.key,
        text_en=question.text.get("en") or question.text.get("zh") or question.key,
        fraction=slot.fraction or 0.0,
        points=question.points,
        auto_graded=TYPES[question.type].auto_graded,
    )


def _record_result(attempt: Attempt, quiz: Quiz, at: datetime) -> None:
    xapi.record_attempt_result(
        attempt.user_id,
        attempt.id,
        _quiz_activity(quiz),
        attempt.score or 0.0,
        attempt.max_score,
        bool(attempt.passed),
        attempt.started_at,
        attempt.submitted_at or at,
        at,
    )


def _main_order(layout: Layout) -> list[Any]:
    """The order kept in `AttemptSlot.order` as before tokens existed (options, choices, steps)."""
    for group in ("options", "choices", "steps"):
        if group in layout:
            return list(layout[group])
    return []


def _legacy_layout(slot: AttemptSlot) -> Layout:
    """The order a slot made before tokens existed was shown in, rebuilt from `order`."""
    q, order = slot.question, [str(i) for i in slot.order or []]
    fresh = TYPES[q.type].layout(q.data, random.Random(secrets.randbits(64)))
    if q.type in ("single", "multiple"):
        ids = [o["id"] for o in q.data["options"]]
        return {"options": order} if sorted(order) == sorted(ids) else fresh
    if q.type == "matching":
        rows = [p["id"] for p in q.data["pairs"]]
        choices = rows + [d["id"] for d in q.data.get("distractors", [])]
        return {"rows": rows, "choices": order if sorted(order) == sorted(choices) else choices}
    if q.type == "ordering":
        ids = [s["id"] for s in q.data["steps"]]
        return {"steps": order} if sorted(order) == sorted(ids) else fresh
    return fresh


def slot_tokens(slot: AttemptSlot, taken: set[str] | None = None) -> Tokens:
    """The slot's tokens; a slot from before tokens existed gets them now (kept on commit)."""
    if slot.tokens is None:
        slot.tokens = answer_tokens.issue(
            _legacy_layout(slot), taken if taken is not None else set()
        )
    return slot.tokens


def ensure_tokens(attempt: Attempt) -> None:
    """Give every slot of an attempt its tokens (only attempts from before tokens lack them)."""
    missing = [slot for slot in attempt.slots if slot.tokens is None]
    if not missing:
        return
    taken = set().union(*(answer_tokens.all_tokens(s.tokens or {}) for s in attempt.slots))
    for slot in missing:
        slot_tokens(slot, taken)
    db.session.commit()


def answer_form(attempt: Attempt, responses: Mapping[int, Any]) -> dict[str, list[str]]:
    """The form (tokens and all) that a page of this attempt sends for these responses, given
    by slot position in authoring ids: the inverse of reading a form (demo activity, tests)."""
    form: dict[str, list[str]] = {}
    for slot in attempt.slots:
        if slot.position in responses:
            maps = answer_tokens.by_id(slot_tokens(slot))
            form.update(
                TYPES[slot.question.type].answer_form(
                    slot.question.data, responses[slot.position], f"q{slot.position}", maps
                )
            )
    return form


def _draw(quiz: Quiz, rng: random.Random) -> list[Question]:
    """The fixed questions first, then a random draw from the banks (filtered as configured)."""
    selection = quiz.selection
    stmt = (
        select(
            Question.id, Question.type, Question.key, Question.competency_id, Question.difficulty
        )
        .join(QuestionBank, QuestionBank.id == Question.bank_id)
        .where(QuestionBank.slug.in_(selection["banks"]), Question.archived.is_(False))
        .order_by(Question.id)
    )
    pool = db.session.execute(stmt).all()
    fixed_keys = set(selection.get("fixed") or [])
    only = set(selection.get("competencies") or [])
    levels = set(selection.get("difficulties") or [])
    fixed = [row[0] for row in pool if row[2] in fixed_keys]
    drawable = [
        row
        for row in pool
        if row[0] not in fixed and (not only or row[3] in only) and (not levels or row[4] in levels)
    ]
    auto = [row[0] for row in drawable if row[1] not in ("essay", "description")]
    essays = [row[0] for row in drawable if row[1] == "essay"]
    chosen = fixed + rng.sample(auto, min(selection["draw"], len(auto)))
    chosen += rng.sample(essays, min(selection.get("essays", 0), len(essays)))
    rows = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(chosen)))}
    return [rows[qid] for qid in chosen]


def close_if_expired(attempt: Attempt, now: datetime | None = None) -> bool:
    """Submit an attempt whose time is up with what was saved; True if it was closed now."""
    now = now or utcnow()
    if attempt.state != AttemptState.IN_PROGRESS or attempt.deadline is None:
        return False
    if now <= attempt.deadline + GRACE:
        return False
    _finish_submission(attempt, now, auto=True)
    return True


@dataclass
class SaveResult:
    saved: int = 0
    errors: dict[int, LazyString | str] = field(default_factory=dict)  # position → message


def save_answers(
    attempt: Attempt, form: Mapping[str, list[str]], now: datetime | None = None
) -> SaveResult:
    """Store every answer in the form; a bad answer is refused on its own, the rest are kept.

    A question, field or token that this attempt never served (another attempt's token, an
    authoring id, a made-up field) refuses the whole request with AnswerRefused, and nothing
    is stored: no honest page sends one.
    """
    now = now or utcnow()
    if close_if_expired(attempt, now):
        raise QuizError(_l("Time is up: your attempt was submitted with the answers saved."))
    # A submit may be grading this attempt right now (autosave fires while the trainee clicks
    # Submit). Take the attempt's row lock with an UPDATE that only matches an attempt still in
    # progress: a submit that claimed it first makes this match nothing, and a submit that comes
    # second waits until these answers are stored, so it grades exactly what was saved.
    still_open = db.session.execute(  # type: ignore[attr-defined]
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.IN_PROGRESS)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not still_open:
        db.session.rollback()
        db.session.refresh(attempt)
        raise QuizError(_l("This attempt has been submitted; answers can no longer change."))
    _reload_slots(attempt)
    known = {f"q{slot.position}" for slot in attempt.slots}
    for name in form:
        base = name.split("-", 1)[0]
        if base.startswith("q") and base[1:].isdigit() and base not in known:
            raise AnswerRefused(
                _l("An answer was sent for a question that is not in this attempt.")
            )
    ensure_tokens(attempt)
    result = SaveResult()
    changes: list[tuple[AttemptSlot, Any]] = []
    for slot in attempt.slots:
        field_name = f"q{slot.position}"
        fields = {
            n: list(v) for n, v in form.items() if n == field_name or n.startswith(field_name + "-")
        }
        if not fields:
            continue
        maps = answer_tokens.by_token(slot_tokens(slot))
        try:
            response = TYPES[slot.question.type].read(slot.question.data, fields, field_name, maps)
        except ForeignAnswer as exc:  # nothing has been changed yet
            raise AnswerRefused(exc.message) from exc
        except ResponseError as exc:
            result.errors[slot.position] = exc.message
            continue
        changes.append((slot, response))
    for slot, response in changes:
        if response != slot.response:
            slot.response = response
            slot.saved_at = now
        result.saved += 1
    db.session.commit()
    return result


def _reload_slots(attempt: Attempt) -> None:
    """Refresh the attempt's answers from the database (one query), after its row is locked.

    Answers not read yet in this request will be read fresh anyway: no query for them."""
    if "slots" in inspect(attempt).unloaded:
        return
    db.session.scalars(
        select(AttemptSlot)
        .where(AttemptSlot.attempt_id == attempt.id)
        .execution_options(populate_existing=True)
    ).all()


def submit_attempt(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade and close the attempt. A second submit (double click, another tab) changes nothing."""
    now = now or utcnow()
    if attempt.state != AttemptState.IN_PROGRESS:
        return attempt
    if attempt.deadline is not None and now > attempt.deadline + GRACE:
        _finish_submission(attempt, now, auto=True)
        return attempt
    quiz = db.session.get(Quiz, attempt.quiz_id)
    if quiz and quiz.closes_at and now > quiz.closes_at + GRACE:
        raise QuizError(_l("This quiz closed before you submitted; ask your instructor."))
    _finish_submission(attempt, now, auto=False)
    return attempt


def _finish_submission(attempt: Attempt, now: datetime, auto: bool) -> None:
    # Only one request can move the attempt out of progress: the state check is in the UPDATE.
    claimed = db.session.execute(  # type: ignore[attr-defined]
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.AWAITING_GRADING, submitted_at=now, auto_submitted=auto)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(attempt)
        return
    db.session.refresh(attempt)
    _reload_slots(attempt)  # grade the answers as stored now, not as this request first read them
    pending = False
    for slot in attempt.slots:
        kind = TYPES[slot.question.type]
        if slot.question.type == "description":
            continue
        if not kind.auto_graded:
            if slot.response:
                slot.needs_grading = True
                pending = True
            else:
                slot.fraction = 0.0  # nothing written: nothing to grade
            continue
        slot.fraction = kind.grade(slot.question.data, slot.response) or 0.0
    for slot in attempt.slots:
        if (
            slot.fraction is not None
            and slot.question.competency_id
            and slot.question.type != "description"
        ):
            record_evidence(
                attempt.user_id,
                slot.question.competency_id,
                slot.fraction,
                SourceKind.QUIZ,
                f"attempt:{attempt.id}#{slot.position}",
                at=now,
            )
    if not pending:
        _complete(attempt)
    db.session.commit()


def _complete(attempt: Attempt) -> None:
    quiz = db.session.get(Quiz, attempt.quiz_id)
    attempt.score = round(
        sum(
            (s.fraction or 0.0) * s.question.points
            for s in attempt.slots
            if s.question.type != "description"
        ),
        4,
    )
    attempt.state = AttemptState.FINISHED
    percent = attempt.percent or 0.0
    attempt.passed = quiz is not None and percent >= quiz.pass_percent
    analysis.record_attempt(attempt)
    if quiz is not None:
        at = utcnow()
        activity = _quiz_activity(quiz)
        for slot in attempt.slots:
            if slot.question.type != "description":
                xapi.record_question_answered(
                    attempt.user_id, attempt.id, activity, _answered(slot), at
                )
        _record_result(attempt, quiz, at)
    db.session.flush()
    certification.refresh(attempt.user_id)


def time_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or utcnow())).total_seconds()))


# --- grading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradingItem:
    attempt_id: int
    position: int
    user_id: int
    quiz_slug: str
    submitted_at: datetime


def grading_queue(limit: int = 100) -> list[GradingItem]:
    rows = db.session.execute(
        select(
            AttemptSlot.attempt_id,
            AttemptSlot.position,
            Attempt.user_id,
            Quiz.slug,
            Attempt.submitted_at,
        )
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(AttemptSlot.needs_grading.is_(True))
        .order_by(Attempt.submitted_at, AttemptSlot.attempt_id, AttemptSlot.position)
        .limit(limit)
    ).all()
    return [GradingItem(a, p, u, q, s) for a, p, u, q, s in rows if s is not None]


def essay_rubric(question: Question) -> list[dict[str, Any]]:
    """The essay's rubric; an essay imported from GIFT has none, so it is marked as a whole."""
    rubric = question.data.get("rubric") or []
    if rubric:
        return list(rubric)
    overall = {"zh": "整体评价", "en": "Overall"}
    return [{"name": overall, "points": int(question.points) or 1, "guide": {"zh": "", "en": ""}}]


def _email_of(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return user.email if user else str(user_id)


def _percent(fraction: float | None) -> str | None:
    return None if fraction is None else f"{fraction * 100:.1f} %"


def grade_essay(
    attempt: Attempt, position: int, grader_id: int, scores: list[float], comment: str
) -> None:
    """Score an essay on its rubric; when nothing else waits, the attempt's score is final."""
    slot = next((s for s in attempt.slots if s.position == position), None)
    if slot is None or slot.question.type != "essay":
        raise NotFound(position)
    if attempt.state == AttemptState.IN_PROGRESS:
        raise QuizError(_l("The attempt has not been submitted yet."))
    rubric = essay_rubric(slot.question)
    if len(scores) != len(rubric) or any(
        not 0 <= score <= criterion["points"]
        for score, criterion in zip(scores, rubric, strict=False)
    ):
        raise QuizError(_l("Give each criterion a score between 0 and its maximum."))
    fraction = round(sum(scores) / sum(c["points"] for c in rubric), 6)
    db.session.add(
        GradeChange(
            attempt_id=attempt.id,
            position=position,
            grader_id=grader_id,
            old_fraction=slot.fraction,
            new_fraction=fraction,
            comment=comment,
        )
    )
    regrade = slot.fraction is not None
    audit(
        grader_id,
        "quiz.regrade" if regrade else "quiz.grade",
        _email_of(attempt.user_id),
        attempt=attempt.id,
        question=position,
        old=_percent(slot.fraction),
        new=_percent(fraction),
    )
    slot.fraction, slot.rubric_scores, slot.comment = fraction, scores, comment.strip()
    slot.grader_id, slot.graded_at, slot.needs_grading = grader_id, utcnow(), False
    if slot.question.competency_id:
        record_evidence(
            attempt.user_id,
            slot.question.competency_id,
            fraction,
            SourceKind.GRADE,
            f"attempt:{attempt.id}#{position}",
        )
    if attempt.state == AttemptState.AWAITING_GRADING and not any(
        s.needs_grading for s in attempt.slots
    ):
        _complete(attempt)
    elif regrade and attempt.state == AttemptState.FINISHED:
        quiz = db.session.get(Quiz, attempt.quiz_id)
        attempt.score = round(
            sum(
                (s.fraction or 0.0) * s.question.points
                for s in attempt.slots
                if s.question.type != "description"
            ),
            4,
        )
        attempt.passed = quiz is not None and (attempt.percent or 0.0) >= quiz.pass_percent
        if quiz is not None:
            # Statements are immutable: void what was said, then say it again.
            at = utcnow()
            xapi.regrade_attempt(attempt.user_id, attempt.id, position)
            xapi.record_question_answered(
                attempt.user_id, attempt.id, _quiz_activity(quiz), _answered(slot), at
            )
            _record_result(attempt, quiz, at)
    db.session.commit()


# --- review ---------------------------------------------------------------------------------


def feedback_visible(quiz: Quiz, attempt: Attempt, now: datetime | None = None) -> bool:
    if attempt.state == AttemptState.IN_PROGRESS:
        return quiz.feedback == FeedbackMode.IMMEDIATE
    if quiz.feedback in (FeedbackMode.IMMEDIATE, FeedbackMode.AFTER_SUBMIT):
        return True
    if quiz.feedback == FeedbackMode.AFTER_CLOSE:
        return quiz.closes_at is not None and (now or utcnow()) > quiz.closes_at
    return False


# --- GIFT -----------------------------------------------------------------------------------


@dataclass
class GiftImportReport:
    imported: list[str] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)

    @property
    def refused(self) -> list[GiftProblem]:
        """Problems that refused a question; any one of them means nothing was imported."""
        return [p for p in self.problems if not p.warning]


def get_or_create_bank(slug: str) -> QuestionBank:
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
    if bank is None:
        bank = QuestionBank(slug=slug, title_zh=slug, title_en=slug)
        db.session.add(bank)
        db.session.flush()
    return bank


def _gift_row(question: GiftQuestion, bank: QuestionBank) -> Question:
    # What GIFT carries beyond the type's own data (name, formats, category, tags, idnumber)
    # lives in `data` next to it, so export writes it back and versions keep it.
    data = {
        **question.data,
        "format": question.text_format,
        "name": question.name,
        "general_feedback_format": question.general_feedback_format,
        "category": question.category,
        "tags": question.tags,
        "idnumber": question.idnumber,
    }
    body = {"zh": question.text, "en": question.text}
    explanation = {"zh": question.general_feedback, "en": question.general_feedback}
    digest = hashlib.sha256(
        json.dumps(
            [question.type, body, explanation, data], ensure_ascii=False, sort_keys=True
        ).encode()
    ).hexdigest()
    return Question(
        key=f"{bank.slug}-{secrets.token_hex(4)}",
        bank_id=bank.id,
        type=question.type,
        points=1.0 if question.type != "description" else 0.0,
        text=body,
        explanation=explanation,
        data=data,
        content_hash=digest,
    )


def import_gift(text: str, bank_slug: str) -> GiftImportReport:
    """All or nothing: every question of the file goes into the bank in one transaction, or,
    when any question is refused, none does and the report names each refusal by line."""
    result = parse_gift(text)
    report = GiftImportReport(problems=result.problems)
    if not result.questions and not result.problems:
        report.problems.append(GiftProblem(1, "the file holds no GIFT question"))
    if report.refused:
        return report
    try:
        bank = get_or_create_bank(bank_slug)
        for question in result.questions:
            db.session.add(_gift_row(question, bank))
            report.imported.append(question.name)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def export_gift(bank_slug: str, lang: str = "zh") -> tuple[str, list[str]]:
    """The bank's live questions as GIFT, under `$CATEGORY:` lines (an imported question keeps
    its own category; the others are filed under the bank's slug)."""
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == bank_slug))
    if bank is None:
        raise NotFound(bank_slug)
    questions = db.session.scalars(
        select(Question)
        .where(Question.bank_id == bank.id, Question.archived.is_(False))
        .order_by(Question.id)
    ).all()
    items = [
        {
            "id": q.id,
            "type": q.type,
            "name": q.data.get("name") or q.key,
            "text": q.text,
            "data": q.data,
            "general_feedback": q.explanation,
            "category": q.data.get("category") or "",
            "tags": q.data.get("tags") or [],
            "idnumber": q.data.get("idnumber") or "",
        }
        for q in questions
    ]
    return questions_to_gift(items, lang, category=bank.slug)


def count_questions() -> dict[str, Any]:
    rows = db.session.execute(
        select(Question.type, func.count())
        .where(Question.archived.is_(False))
        .group_by(Question.type)
    ).all()
    by_type = {kind: n for kind, n in rows}
    return {"total": sum(by_type.values()), "by_type": by_type}


def count_quizzes() -> int:
    return (
        db.session.scalar(select(func.count()).select_from(Quiz).where(Quiz.archived.is_(False)))
        or 0
    )


def suggest_quizzes(user_id: int, competency_ids: list[str], lang: str) -> list[Suggestion]:
    """Quizzes drawing on banks that test these competencies, not yet passed by this trainee."""
    pairs = db.session.execute(
        select(Question.competency_id, QuestionBank.slug)
        .distinct()
        .join(QuestionBank, QuestionBank.id == Question.bank_id)
        .where(Question.competency_id.in_(competency_ids), Question.archived.is_(False))
    ).all()
    passed = set(
        db.session.scalars(
            select(Attempt.quiz_id).where(Attempt.user_id == user_id, Attempt.passed.is_(True))
        )
    )
    quizzes = db.session.scalars(
        select(Quiz).where(Quiz.archived.is_(False)).order_by(Quiz.position)
    ).all()
    out = []
    for competency_id, bank in pairs:
        for quiz in quizzes:
            if (
                quiz.id not in passed
                and bank in quiz.selection["banks"]
                and quiz.slug != "final-exam"
            ):
                out.append(
                    Suggestion(
                        "quiz",
                        competency_id or "",
                        quiz.title(lang),
                        "quizzes.quiz",
                        {"slug": quiz.slug},
                    )
                )
    return list({(s.competency_id, s.title): s for s in out}.values())


def best_quiz_results(user_ids: list[int], slugs: list[str]) -> dict[tuple[int, str], float]:
    """Best finished percentage per person and quiz (for certification rules)."""
    rows = db.session.execute(
        select(Attempt.user_id, Quiz.slug, func.max(Attempt.score * 100.0 / Attempt.max_score))
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Attempt.user_id.in_(user_ids),
            Quiz.slug.in_(slugs),
            Attempt.state == AttemptState.FINISHED,
            Attempt.max_score > 0,
        )
        .group_by(Attempt.user_id, Quiz.slug)
    ).all()
    return {(u, s): float(best) for u, s, best in rows if best is not None}


def quiz_titles(slugs: list[str], lang: str) -> dict[str, str]:
    return {
        q.slug: q.title(lang) for q in db.session.scalars(select(Quiz).where(Quiz.slug.in_(slugs)))
    }


@dataclass(frozen=True)
class CompetencyMoved:
    name: str
    percent: float  # share of the marks earned in this attempt on this competency
    questions: int
    level: str  # the trainee's level now, after this attempt's evidence


def competencies_moved(attempt: Attempt, lang: str) -> list[CompetencyMoved]:
    """The competencies this attempt gave evidence for, how it went, and the level now."""
    from ..competency.models import Competency, Proficiency
    from ..competency.proficiency import estimate
    from ..competency.services import levels as framework_levels

    marks: dict[str, list[float]] = {}
    for slot in attempt.slots:
        if slot.fraction is not None and slot.question.competency_id:
            marks.setdefault(slot.question.competency_id, []).append(slot.fraction)
    if not marks:
        return []
    names = {
        c.id: c.name(lang)
        for c in db.session.scalars(select(Competency).where(Competency.id.in_(marks)))
    }
    rows = {
        p.competency_id: p
        for p in db.session.scalars(
            select(Proficiency).where(
                Proficiency.user_id == attempt.user_id, Proficiency.competency_id.in_(marks)
            )
        )
    }
    levels = framework_levels()
    level_names = {lv.id: lv.name(lang) for lv in levels}
    return [
        CompetencyMoved(
            names.get(cid, cid),
            round(100 * sum(v) / len(v), 1),
            len(v),
            level_names.get(estimate(rows.get(cid), levels).level_id, ""),
        )
        for cid, v in sorted(marks.items(), key=lambda kv: names.get(kv[0], kv[0]))
    ]
