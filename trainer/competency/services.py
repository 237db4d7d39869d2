"""The single path by which anything changes a trainee's profile: `record_evidence`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from ..database import utcnow
from ..extensions import db
from .framework import Framework
from .models import DEFAULT_WEIGHTS, Competency, Evidence, Level, Proficiency, SourceKind
from .proficiency import add_evidence


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
    evidence.created_at = at or utcnow()
    db.session.add(evidence)
    row = db.session.get(Proficiency, (user_id, competency_id))
    if row is None:
        row = Proficiency(
            user_id=user_id,
            competency_id=competency_id,
            decayed_score=0.0,
            decayed_weight=0.0,
            evidence_count=0,
            weight_total=0.0,
            kinds=[],
        )
        db.session.add(row)
    add_evidence(row, score, evidence.weight, source_kind.value, evidence.created_at)
    return evidence


def rebuild_profiles() -> int:
    """Recompute every proficiency from the evidence alone; gives what the updates gave."""
    db.session.execute(delete(Proficiency))
    rows: dict[tuple[int, str], Proficiency] = {}
    for evidence in db.session.scalars(
        select(Evidence).order_by(Evidence.created_at, Evidence.id)
    ).yield_per(5000):
        key = (evidence.user_id, evidence.competency_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Proficiency(
                user_id=key[0],
                competency_id=key[1],
                decayed_score=0.0,
                decayed_weight=0.0,
                evidence_count=0,
                weight_total=0.0,
                kinds=[],
            )
        add_evidence(
            row, evidence.score, evidence.weight, evidence.source_kind, evidence.created_at
        )
    db.session.add_all(rows.values())
    db.session.commit()
    return len(rows)


def sync_levels(framework: Framework) -> None:
    existing = {lv.id: lv for lv in db.session.scalars(select(Level))}
    for position, level in enumerate(framework.levels, start=1):
        row = existing.get(level.id) or Level(id=level.id)
        row.position, row.name_zh, row.name_en = position, level.name["zh"], level.name["en"]
        row.min_score, row.min_evidence = level.min_score, level.min_evidence
        row.min_source_kinds = level.min_source_kinds
        db.session.add(row)


def levels() -> list[Level]:
    return list(db.session.scalars(select(Level).order_by(Level.position)))


def sync_framework(framework: Framework) -> tuple[int, int]:
    """Upsert the competencies of the framework; (added, changed). Nothing is ever deleted."""
    sync_levels(framework)
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


def rebuild_proficiency(user_id: int, competency_id: str) -> None:
    """Recompute one trainee's running sums for one competency from its evidence alone."""
    db.session.flush()
    row = db.session.get(Proficiency, (user_id, competency_id))
    if row is None:
        row = Proficiency(user_id=user_id, competency_id=competency_id)
        db.session.add(row)
    row.decayed_score = row.decayed_weight = row.weight_total = 0.0
    row.evidence_count, row.kinds, row.last_at = 0, [], None
    for evidence in db.session.scalars(
        select(Evidence)
        .where(Evidence.user_id == user_id, Evidence.competency_id == competency_id)
        .order_by(Evidence.created_at, Evidence.id)
    ):
        add_evidence(
            row, evidence.score, evidence.weight, evidence.source_kind, evidence.created_at
        )


def correct_evidence(
    user_id: int,
    competency_id: str,
    score: float | None,
    source_kind: SourceKind,
    source_ref: str,
    at: datetime,
) -> None:
    """A source's score was corrected (a QA dispute changed a level): its evidence now says
    the corrected score (or nothing, for a criterion now not applicable), at the time of the
    original, and the profile is recomputed as if it had always said so."""
    if score is not None and not 0.0 <= score <= 1.0:
        raise ValueError(f"evidence score must be within [0, 1], got {score}")
    db.session.execute(
        delete(Evidence).where(Evidence.user_id == user_id, Evidence.source_ref == source_ref)
    )
    if score is not None:
        evidence = Evidence(
            user_id=user_id,
            competency_id=competency_id,
            score=score,
            weight=DEFAULT_WEIGHTS[source_kind],
            source_kind=source_kind,
            source_ref=source_ref,
        )
        evidence.created_at = at
        db.session.add(evidence)
    rebuild_proficiency(user_id, competency_id)
