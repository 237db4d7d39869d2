"""The proficiency model: a recency-weighted mean of evidence, a confidence that grows with the
amount of evidence, and levels that need enough evidence from more than one kind of source.
docs/competency-model.md explains it with a worked example."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from .models import Level, Proficiency

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
HALF_LIFE_DAYS = 180.0
CONFIDENCE_SCALE = 6.0  # weight units at which confidence reaches 1 − 1/e ≈ 63 %


def recency_factor(at: datetime) -> float:
    """2^(days since the epoch / half-life): relative weights are what matter, so a piece of
    evidence 180 days older counts half as much as a new one."""
    days = (at - EPOCH).total_seconds() / 86400
    return math.pow(2.0, days / HALF_LIFE_DAYS)


def add_evidence(row: Proficiency, score: float, weight: float, kind: str, at: datetime) -> None:
    """O(1): fold one piece of evidence into the running sums."""
    factor = weight * recency_factor(at)
    row.decayed_score = (row.decayed_score or 0.0) + score * factor
    row.decayed_weight = (row.decayed_weight or 0.0) + factor
    row.evidence_count = (row.evidence_count or 0) + 1
    row.weight_total = (row.weight_total or 0.0) + weight
    if kind not in (row.kinds or []):
        row.kinds = sorted([*(row.kinds or []), kind])
    if row.last_at is None or at > row.last_at:
        row.last_at = at


@dataclass(frozen=True)
class Estimate:
    score: float  # 0–1, recency-weighted
    confidence: float  # 0–1
    evidence: int
    kinds: int
    level_id: str


def estimate(row: Proficiency | None, levels: list[Level]) -> Estimate:
    lowest = levels[0].id if levels else "novice"
    if row is None or not row.decayed_weight:
        return Estimate(0.0, 0.0, 0, 0, lowest)
    score = row.decayed_score / row.decayed_weight
    confidence = 1 - math.exp(-row.weight_total / CONFIDENCE_SCALE)
    # Reading is not mastery: lessons never count towards the kinds of evidence a level needs.
    kinds = len([k for k in (row.kinds or []) if k != "lesson"])
    level = lowest
    for candidate in levels:  # lowest first: keep the highest whose every rule holds
        if (
            score >= candidate.min_score - 1e-12
            and row.evidence_count >= candidate.min_evidence
            and kinds >= candidate.min_source_kinds
        ):
            level = candidate.id
    return Estimate(round(score, 6), round(confidence, 6), row.evidence_count, kinds, level)
