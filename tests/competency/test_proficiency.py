"""The proficiency model: recency weighting, levels that need varied evidence, and a rebuild
from evidence alone that gives exactly what the running updates gave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import make_user
from tests.content_factory import make_tree
from trainer.competency.models import Proficiency, SourceKind
from trainer.competency.proficiency import estimate
from trainer.competency.services import levels, rebuild_profiles, record_evidence
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def framework(app: Flask, tmp_path: Path) -> None:
    load_tree(read_tree(make_tree(tmp_path)))


def row_for(user_id: int, competency: str) -> Proficiency | None:
    return db.session.get(Proficiency, (user_id, competency))


@pytest.mark.usefixtures("framework")
def test_a_quiz_alone_cannot_make_anyone_proficient() -> None:
    user = make_user()
    for day in range(12):
        record_evidence(
            user.id, "de-escalation", 1.0, SourceKind.QUIZ, f"q{day}", at=T0 + timedelta(days=day)
        )
    est = estimate(row_for(user.id, "de-escalation"), levels())
    assert est.score == 1.0 and est.evidence == 12
    assert est.level_id == "developing"  # one kind of source only
    record_evidence(
        user.id, "de-escalation", 0.9, SourceKind.ROLEPLAY, "r1", at=T0 + timedelta(days=13)
    )
    assert estimate(row_for(user.id, "de-escalation"), levels()).level_id == "expert"


@pytest.mark.usefixtures("framework")
def test_recent_evidence_counts_more() -> None:
    user = make_user()
    record_evidence(user.id, "active-listening", 0.0, SourceKind.QUIZ, "old", at=T0)
    record_evidence(
        user.id, "active-listening", 1.0, SourceKind.QUIZ, "new", at=T0 + timedelta(days=180)
    )
    # Equal weights, one half-life apart: the new counts twice the old → 2/3.
    assert estimate(row_for(user.id, "active-listening"), levels()).score == pytest.approx(2 / 3)


@pytest.mark.usefixtures("framework")
def test_no_evidence_is_novice_with_no_confidence() -> None:
    est = estimate(None, levels())
    assert (est.level_id, est.score, est.confidence) == ("novice", 0.0, 0.0)


evidence_lists = st.lists(
    st.tuples(
        st.sampled_from(["active-listening", "de-escalation", "questioning"]),
        st.floats(min_value=0, max_value=1, allow_nan=False),
        st.sampled_from(list(SourceKind)),
        st.integers(min_value=0, max_value=2000),
    ),
    min_size=1,
    max_size=40,
)


@pytest.mark.usefixtures("framework")
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(evidence=evidence_lists)
def test_rebuild_gives_identical_profiles(
    evidence: list[tuple[str, float, SourceKind, int]],
) -> None:
    db.session.execute(Proficiency.__table__.delete())
    from trainer.competency.models import Evidence

    db.session.execute(Evidence.__table__.delete())
    user = make_user(f"u{abs(hash(tuple(evidence))) % 10**9}@example.com")
    # Evidence arrives in time order, as it does in the application.
    for competency, score, kind, day in sorted(evidence, key=lambda e: e[3]):
        record_evidence(user.id, competency, score, kind, "ref", at=T0 + timedelta(days=day))
    db.session.commit()
    before = {
        (r.competency_id): (r.decayed_score, r.decayed_weight, r.evidence_count, r.kinds)
        for r in db.session.scalars(select(Proficiency).where(Proficiency.user_id == user.id))
    }
    rebuild_profiles()
    after = {
        (r.competency_id): (r.decayed_score, r.decayed_weight, r.evidence_count, r.kinds)
        for r in db.session.scalars(select(Proficiency).where(Proficiency.user_id == user.id))
    }
    assert before.keys() == after.keys()
    for key, (score, weight, count, kinds) in before.items():
        assert after[key][0] == pytest.approx(score, rel=1e-9)
        assert after[key][1] == pytest.approx(weight, rel=1e-9)
        assert after[key][2:] == (count, kinds)
    db.session.execute(Proficiency.__table__.delete())
    db.session.execute(Evidence.__table__.delete())
    db.session.commit()


@pytest.mark.usefixtures("framework")
def test_reading_does_not_count_as_a_second_kind_of_evidence() -> None:
    user = make_user()
    record_evidence(user.id, "questioning", 1.0, SourceKind.LESSON, "lesson:x@1", at=T0)
    for day in range(1, 11):
        record_evidence(
            user.id, "questioning", 1.0, SourceKind.QUIZ, f"q{day}", at=T0 + timedelta(days=day)
        )
    assert estimate(row_for(user.id, "questioning"), levels()).level_id == "developing"
