"""Calibration: ask a colleague to grade the same written answer blind, then compare.

Sits above the domains: it reads the first grade from a quiz essay or a role-play turn and
never changes the trainee's grade; it only measures how alike two instructors read a rubric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import Role, User, UserRole
from ..auth.services import audit
from ..database import utcnow
from ..extensions import db
from ..quizzes.models import Attempt
from ..quizzes.services import essay_rubric
from ..roleplay.models import PlaySession, ScoredBy, Turn
from .models import Calibration

DISAGREE_BY = 1.0  # points: a gap larger than this is flagged for the team to discuss


class CalibrationError(Exception):
    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Item:
    """What both graders see: the question or prompt, the answer, the criteria and maxima."""

    prompt: dict[str, str]
    answer: str
    criteria: list[tuple[str, dict[str, str], float]]  # key, name, maximum
    first: dict[str, float]
    first_grader_id: int | None


def load_item(kind: str, item_id: int, part: int) -> Item:
    if kind == "essay":
        attempt = db.session.get(Attempt, item_id)
        slot = next((s for s in attempt.slots if s.position == part), None) if attempt else None
        if slot is None or slot.question.type != "essay" or slot.fraction is None:
            raise CalibrationError(_l("Only a graded written answer can be calibrated."))
        rubric = essay_rubric(slot.question)
        scores = slot.rubric_scores or []
        return Item(
            slot.question.text,
            str(slot.response or ""),
            [(str(i), c["name"], float(c["points"])) for i, c in enumerate(rubric)],
            {str(i): float(v) for i, v in enumerate(scores)},
            slot.grader_id,
        )
    session = db.session.get(PlaySession, item_id)
    turn = next((t for t in session.turns if t.number == part), None) if session else None
    if session is None or turn is None or turn.text is None or turn.graded_at is None:
        raise CalibrationError(_l("Only a graded written answer can be calibrated."))
    node = session.scenario.data["nodes"][turn.node]["free_text"]
    names = {c["id"]: c["name"] for c in session.scenario.data["rubric"]}
    return Item(
        node["prompt"],
        turn.text,
        [(c, names.get(c, {"zh": c, "en": c}), float(m)) for c, m in node["criteria"].items()],
        {k: float(v) for k, v in (turn.points or {}).items()},
        turn.grader_id,
    )


def instructors(excluding: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == Role.INSTRUCTOR.value, User.active.is_(True), User.id != excluding
            )
            .order_by(User.display_name)
        )
    )


def request_calibration(
    kind: str, item_id: int, part: int, by: User, second_id: int
) -> Calibration:
    item = load_item(kind, item_id, part)
    if second_id == by.id or second_id not in {u.id for u in instructors(by.id)}:
        raise CalibrationError(_l("Choose another instructor."))
    calibration = Calibration(
        kind=kind,
        item_id=item_id,
        part=part,
        first_grader_id=item.first_grader_id,
        second_grader_id=second_id,
        first_scores=item.first,
    )
    db.session.add(calibration)
    db.session.flush()
    audit(by, "calibration.request", f"{kind}:{item_id}#{part}", second_grader=second_id)
    db.session.commit()
    return calibration


def grade_blind(
    calibration: Calibration, grader: User, scores: dict[str, float], comment: str
) -> None:
    if calibration.second_grader_id != grader.id:
        raise CalibrationError(_l("This calibration was asked of another instructor."))
    if calibration.graded_at is not None:
        raise CalibrationError(_l("You have already graded this item."))
    item = load_item(calibration.kind, calibration.item_id, calibration.part)
    if set(scores) != {key for key, _n, _m in item.criteria} or any(
        not 0 <= scores[key] <= maximum for key, _n, maximum in item.criteria
    ):
        raise CalibrationError(_l("Give each criterion a score between 0 and its maximum."))
    calibration.second_scores, calibration.second_comment = scores, comment.strip()
    calibration.graded_at = utcnow()
    audit(
        grader,
        "calibration.grade",
        f"{calibration.kind}:{calibration.item_id}#{calibration.part}",
        first=calibration.first_scores,
        second=scores,
    )
    db.session.commit()


@dataclass(frozen=True)
class Comparison:
    key: str
    name: dict[str, str]
    maximum: float
    first: float | None
    second: float | None

    @property
    def gap(self) -> float | None:
        if self.first is None or self.second is None:
            return None
        return abs(self.first - self.second)

    @property
    def flagged(self) -> bool:
        return self.gap is not None and self.gap > DISAGREE_BY


def compare(calibration: Calibration) -> list[Comparison]:
    item = load_item(calibration.kind, calibration.item_id, calibration.part)
    second = calibration.second_scores or {}
    return [
        Comparison(key, name, maximum, calibration.first_scores.get(key), second.get(key))
        for key, name, maximum in item.criteria
    ]


@dataclass(frozen=True)
class Agreement:
    grader: str
    items: int
    criteria: int
    exact: float  # share of criteria scored identically
    mean_gap: float  # mean absolute difference in points


def agreement() -> list[Agreement]:
    """Per grader, over every finished calibration they took part in (either side)."""
    done = db.session.scalars(select(Calibration).where(Calibration.graded_at.is_not(None))).all()
    stats: dict[int, tuple[int, list[float]]] = {}
    for c in done:
        gaps = _gaps(c.first_scores, c.second_scores or {})
        for grader in {c.first_grader_id, c.second_grader_id}:
            if grader is not None:
                items, all_gaps = stats.get(grader, (0, []))
                stats[grader] = (items + 1, all_gaps + gaps)
    return per_grader(stats, exact_within=0.0)


# The checker gives fractions of a point and people give whole or half points: its score
# agrees with a person's when it rounds to theirs.
CHECKER_AGREES_WITHIN = 0.5


def checker_agreement() -> list[Agreement]:
    """Per instructor, how their grades of written role-play replies compare with the scores
    the reply checker had given the same replies (read like a second grader's)."""
    rows = db.session.execute(
        select(Turn.grader_id, Turn.points, Turn.explanation).where(
            Turn.scored_by == ScoredBy.INSTRUCTOR,
            Turn.grader_id.is_not(None),
            Turn.explanation.is_not(None),
        )
    ).all()
    stats: dict[int, tuple[int, list[float]]] = {}
    for grader_id, points, explanation in rows:
        checker_points = (explanation or {}).get("points") or {}
        gaps = _gaps(points or {}, checker_points)
        if gaps:
            items, all_gaps = stats.get(grader_id, (0, []))
            stats[grader_id] = (items + 1, all_gaps + gaps)
    return per_grader(stats, exact_within=CHECKER_AGREES_WITHIN)


def _gaps(first: dict[str, Any], second: dict[str, Any]) -> list[float]:
    return [abs(float(first[k]) - float(second[k])) for k in first if k in second]


def per_grader(stats: dict[int, tuple[int, list[float]]], exact_within: float) -> list[Agreement]:
    people = dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(stats))).all()
    )
    return [
        Agreement(
            people.get(g, "?"),
            n,
            len(gaps),
            (sum(1 for x in gaps if x <= exact_within) / len(gaps)) if gaps else 0.0,
            (sum(gaps) / len(gaps)) if gaps else 0.0,
        )
        for g, (n, gaps) in sorted(stats.items(), key=lambda kv: people.get(kv[0], ""))
    ]


def mine(user: User) -> list[Calibration]:
    return list(
        db.session.scalars(
            select(Calibration)
            .where(Calibration.second_grader_id == user.id)
            .order_by(Calibration.requested_at.desc())
        )
    )
