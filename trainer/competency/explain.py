"""Why a competency is at its level, and exactly what would move it up one: worked out from the
same running sums and level rules that `proficiency.estimate` uses (docs/profile.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..database import utcnow
from ..extensions import db
from .models import DEFAULT_WEIGHTS, Evidence, Level, Proficiency, SourceKind
from .proficiency import estimate, recency_factor

RECENT_DAYS = 30
# The kinds that count towards a level's `min_source_kinds`; reading a lesson is not one.
COUNTED_KINDS = (SourceKind.QUIZ, SourceKind.ROLEPLAY, SourceKind.GRADE, SourceKind.QA)
# The kinds a trainee can go and add themselves: a QA evaluation of real work counts, but it is
# not something to suggest doing.
SUGGESTED_KINDS = (SourceKind.QUIZ, SourceKind.ROLEPLAY, SourceKind.GRADE)


@dataclass(frozen=True)
class KindCount:
    kind: str
    results: int
    recent: int  # within the last RECENT_DAYS days
    last_at: datetime | None


@dataclass(frozen=True)
class Need:
    """One rule of the next level that does not hold yet.

    rule "score": `more` quiz answers fully right (the lightest result that counts) would lift
    the estimate from `have` to at least `need`; rule "evidence": `more` results of any kind;
    rule "kinds": `more` kinds of evidence, chosen from `missing_kinds`.
    """

    rule: str
    have: float
    need: float
    more: int
    missing_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    kinds: list[KindCount]  # what the estimate rests on, counted kinds first, lessons last
    results: int
    recent: int
    last_at: datetime | None
    next_level: Level | None
    needs: list[Need] = field(default_factory=list)

    @property
    def counted_kinds(self) -> int:
        return len([k for k in self.kinds if k.kind != SourceKind.LESSON and k.results])


def kind_counts(user_id: int, now: datetime | None = None) -> dict[str, list[KindCount]]:
    """Results per competency and kind, with how many are recent: one grouped query."""
    since = (now or utcnow()) - timedelta(days=RECENT_DAYS)
    rows = db.session.execute(
        select(
            Evidence.competency_id,
            Evidence.source_kind,
            func.count(),
            func.count().filter(Evidence.created_at >= since),
            func.max(Evidence.created_at),
        )
        .where(Evidence.user_id == user_id)
        .group_by(Evidence.competency_id, Evidence.source_kind)
    ).all()
    order = {k.value: i for i, k in enumerate([*COUNTED_KINDS, SourceKind.LESSON])}
    out: dict[str, list[KindCount]] = {}
    for competency_id, kind, n, recent, last in rows:
        out.setdefault(competency_id, []).append(KindCount(str(kind), n, recent, last))
    for counts in out.values():
        counts.sort(key=lambda k: order.get(k.kind, 99))
    return out


def answers_to_reach(row: Proficiency | None, target: float, at: datetime) -> int:
    """How many new quiz answers fully right lift the estimate to `target`.

    Each adds score 1 × weight 1 × the recency factor of `at` to both running sums, so n must
    satisfy (S + n·f) / (W + n·f) ≥ target, i.e. n ≥ (target·W − S) / (f·(1 − target)).
    """
    if target >= 1:
        raise ValueError("no number of results reaches an estimate of 100 % from below")
    score_sum = row.decayed_score if row else 0.0
    weight_sum = row.decayed_weight if row else 0.0
    factor = DEFAULT_WEIGHTS[SourceKind.QUIZ] * recency_factor(at)
    if weight_sum <= 0:
        return 1 if target > 0 else 0  # the first result sets the estimate on its own
    gap = target * weight_sum - score_sum
    if gap <= 1e-12 * max(weight_sum, 1.0):
        return 0
    return max(1, math.ceil(gap / (factor * (1 - target)) - 1e-9))


def explain(
    row: Proficiency | None,
    levels: list[Level],
    counts: list[KindCount],
    now: datetime | None = None,
) -> Explanation:
    """The basis of the estimate and every rule of the next level that is not met yet."""
    now = now or utcnow()
    est = estimate(row, levels)
    position = next((i for i, lv in enumerate(levels) if lv.id == est.level_id), 0)
    nxt = levels[position + 1] if position + 1 < len(levels) else None
    results = sum(k.results for k in counts)
    recent = sum(k.recent for k in counts)
    last = max((k.last_at for k in counts if k.last_at), default=None)
    needs: list[Need] = []
    if nxt is not None:
        if est.score < nxt.min_score - 1e-12:
            needs.append(
                Need("score", est.score, nxt.min_score, answers_to_reach(row, nxt.min_score, now))
            )
        if est.evidence < nxt.min_evidence:
            needs.append(
                Need("evidence", est.evidence, nxt.min_evidence, nxt.min_evidence - est.evidence)
            )
        if est.kinds < nxt.min_source_kinds:
            have = {k.kind for k in counts if k.results}
            missing = tuple(k.value for k in SUGGESTED_KINDS if k.value not in have)
            needs.append(
                Need(
                    "kinds",
                    est.kinds,
                    nxt.min_source_kinds,
                    nxt.min_source_kinds - est.kinds,
                    missing,
                )
            )
    return Explanation(counts, results, recent, last, nxt, needs)
