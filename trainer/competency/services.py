"""The single path by which anything changes a trainee's profile: `record_evidence`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from .framework import Framework
from .models import DEFAULT_WEIGHTS, Competency, Evidence, SourceKind


class UnknownCompetency(ValueError):
    pass


def record_evidence(
    user_id: int,
    competency_id: str,
    score: float,
    source_kind: SourceKind,
    source_ref: str,
    weight: float | None = None,
    at: datetime | None = None,
) -> Evidence:
    """Add one piece of evidence (score in [0, 1]); the caller commits with its own change."""
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"evidence score must be within [0, 1], got {score}")
    if db.session.get(Competency, competency_id) is None:
        raise UnknownCompetency(competency_id)
    evidence = Evidence(
        user_id=user_id,
        competency_id=competency_id,
        score=score,
        weight=DEFAULT_WEIGHTS[source_kind] if weight is None else weight,
        source_kind=source_kind,
        source_ref=source_ref,
    )
    if at is not None:
        evidence.created_at = at
    db.session.add(evidence)
    return evidence


def sync_framework(framework: Framework) -> tuple[int, int]:
    """Upsert the competencies of the framework; (added, changed). Nothing is ever deleted."""
    existing = {c.id: c for c in db.session.scalars(select(Competency))}
    added = changed = 0
    for position, comp in enumerate(framework.competencies, start=1):
        values = {
            "position": position,
            "name_zh": comp.name["zh"],
            "name_en": comp.name["en"],
            "description_zh": comp.description["zh"],
            "description_en": comp.description["en"],
            "levels": comp.levels,
        }
        row = existing.get(comp.id)
        if row is None:
            db.session.add(Competency(id=comp.id, **values))
            added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed += 1
    return added, changed


def competencies_by_id(ids: list[str] | None = None) -> dict[str, Competency]:
    stmt = select(Competency).order_by(Competency.position)
    if ids is not None:
        stmt = stmt.where(Competency.id.in_(ids))
    return {c.id: c for c in db.session.scalars(stmt)}


def count_competencies() -> int:
    return db.session.scalar(select(func.count()).select_from(Competency)) or 0
