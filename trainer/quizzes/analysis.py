"""Item analysis as Moodle's quiz statistics define it, kept as running sums.

For a question, x is its mark as a fraction and y the mark on the rest of the attempt (as a
fraction of the rest's maximum). Facility is the mean of x; the discrimination index is
100 × the correlation of x and y. Sums are added to as attempts finish, so the report never
rescans attempts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import insert_missing
from ..extensions import db
from .models import Attempt, ItemStat, Question


@dataclass
class Sums:
    n: int = 0
    sum_x: float = 0.0
    sum_xx: float = 0.0
    sum_y: float = 0.0
    sum_yy: float = 0.0
    sum_xy: float = 0.0

    def add(self, x: float, y: float) -> None:
        self.n += 1
        self.sum_x += x
        self.sum_xx += x * x
        self.sum_y += y
        self.sum_yy += y * y
        self.sum_xy += x * y

    @property
    def facility(self) -> float | None:
        return self.sum_x / self.n if self.n else None

    def _var(self, total: float, squares: float) -> float:
        return (squares - total * total / self.n) / (self.n - 1)

    @property
    def sd(self) -> float | None:
        if self.n < 2:
            return None
        return math.sqrt(max(self._var(self.sum_x, self.sum_xx), 0.0))

    @property
    def discrimination(self) -> float | None:
        """100 × correlation with the rest of the test; None when either side never varies."""
        if self.n < 2:
            return None
        var_x = self._var(self.sum_x, self.sum_xx)
        var_y = self._var(self.sum_y, self.sum_yy)
        if var_x <= 1e-12 or var_y <= 1e-12:
            return None
        cov = (self.sum_xy - self.sum_x * self.sum_y / self.n) / (self.n - 1)
        return 100 * cov / math.sqrt(var_x * var_y)


def rest_fractions(marks: list[float], maxima: list[float]) -> list[float]:
    """For each item, the rest of the attempt's mark as a fraction of the rest's maximum."""
    total, total_max = sum(marks), sum(maxima)
    out = []
    for mark, maximum in zip(marks, maxima, strict=True):
        rest_max = total_max - maximum
        out.append((total - mark) / rest_max if rest_max else 0.0)
    return out


def record_attempt(attempt: Attempt) -> None:
    """Add a finished attempt to its quiz's running sums.

    Many trainees finish the same quiz at once (a class submitting at the bell), so the rows are
    created with `ON CONFLICT DO NOTHING` and locked in one order (question id) before they are
    added to: no request fails on a row another one created, and no increment is lost.
    SQLite takes its single write lock at the first statement, which serialises the same way."""
    slots = sorted(
        (s for s in attempt.slots if s.question.type != "description"),
        key=lambda s: s.question_id,
    )
    if not slots:
        return
    marks = [(s.fraction or 0.0) * s.question.points for s in slots]
    maxima = [s.question.points for s in slots]
    rests = rest_fractions(marks, maxima)
    insert_missing(
        db.session,
        ItemStat,
        [
            {
                "quiz_id": attempt.quiz_id,
                "question_id": s.question_id,
                "n": 0,
                "sum_x": 0.0,
                "sum_xx": 0.0,
                "sum_y": 0.0,
                "sum_yy": 0.0,
                "sum_xy": 0.0,
                "choices": {},
            }
            for s in slots
        ],
    )
    locked = {
        row.question_id: row
        for row in db.session.scalars(
            select(ItemStat)
            .where(
                ItemStat.quiz_id == attempt.quiz_id,
                ItemStat.question_id.in_([s.question_id for s in slots]),
            )
            .order_by(ItemStat.question_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    for slot, rest in zip(slots, rests, strict=True):
        row = locked[slot.question_id]
        x = slot.fraction or 0.0
        row.n += 1
        row.sum_x += x
        row.sum_xx += x * x
        row.sum_y += rest
        row.sum_yy += rest * rest
        row.sum_xy += x * rest
        chosen = _choice_keys(slot.response)
        if chosen:
            counts = dict(row.choices or {})
            for key in chosen:
                counts[key] = counts.get(key, 0) + 1
            row.choices = counts


def _choice_keys(response: object) -> list[str]:
    if response is None:
        return []
    if isinstance(response, list):
        return [str(r) for r in response]
    if isinstance(response, dict):
        return [f"{k}→{v}" for k, v in sorted(response.items())]
    text = str(response)
    return [text[:60]]


@dataclass(frozen=True)
class ItemReport:
    question: Question
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    choices: dict[str, int]

    def choice_rows(self, lang: str) -> list[tuple[str, int]]:
        """Option frequencies with readable labels, most chosen first."""
        data = self.question.data
        labels: dict[str, str] = {}
        for option in data.get("options", []):
            labels[option["id"]] = option["text"].get(lang) or option["text"].get("zh", "")
        if self.question.type == "truefalse":
            labels.update({"True": _("True"), "False": _("False")})
        rows = [(labels.get(key, key), n) for key, n in self.choices.items()]
        return sorted(rows, key=lambda row: -row[1])[:8]

    @property
    def flags(self) -> list[str]:
        """Why an item looks broken (keys translated by the page)."""
        flags = []
        if self.discrimination is not None and self.discrimination < 0:
            flags.append("negative_discrimination")
        if self.attempts >= 5 and self.facility is not None:
            if self.facility == 0:
                flags.append("nobody_right")
            elif self.facility == 1:
                flags.append("everybody_right")
        return flags


def quiz_report(quiz_id: int) -> list[ItemReport]:
    rows = db.session.execute(
        select(ItemStat, Question)
        .join(Question, Question.id == ItemStat.question_id)
        .where(ItemStat.quiz_id == quiz_id)
        .order_by(Question.key)
    ).all()
    reports = []
    for stat, question in rows:
        sums = Sums(stat.n, stat.sum_x, stat.sum_xx, stat.sum_y, stat.sum_yy, stat.sum_xy)
        reports.append(
            ItemReport(
                question,
                stat.n,
                sums.facility,
                sums.sd,
                sums.discrimination,
                dict(stat.choices or {}),
            )
        )
    return reports
