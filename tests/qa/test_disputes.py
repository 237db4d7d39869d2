"""Disputes: one criterion, within the window, once; resolved by a second reviewer or the lead;
audited; a changed level changes the evaluation and the agent's evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.qa.conftest import People, make_interaction
from trainer.auth.models import AuditEvent
from trainer.competency.models import Evidence, Proficiency
from trainer.database import utcnow
from trainer.extensions import db
from trainer.phrases import PhraseBook
from trainer.qa import services
from trainer.qa.models import DisputeState, Evaluation


@pytest.fixture
def evaluation(people: People, book: PhraseBook) -> Evaluation:
    card = services.definition(services.scorecard_for(services.Channel.VOICE))
    levels = {c.id: "100" for c in card.criteria} | {"empathy": "40"}
    return services.evaluate(
        make_interaction(people), people.reviewer, services.EvaluationInput(levels), book
    )


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_changed_dispute_rescores_and_corrects_the_evidence(
    people: People, evaluation: Evaluation
) -> None:
    before = evaluation.total
    competency = next(
        c.competency
        for c in services.definition(evaluation.scorecard).criteria
        if c.id == "empathy"
    )
    estimate_before = db.session.get(Proficiency, (people.agent.id, competency))
    assert estimate_before is not None
    old_score = estimate_before.decayed_score / estimate_before.decayed_weight
    dispute = services.open_dispute(evaluation, people.agent, "empathy", "我道歉了两次", 7)
    assert dispute.state == DisputeState.OPEN
    assert services.disputable(evaluation, people.agent, 7) == [
        s.criterion for s in evaluation.scores if s.criterion != "empathy"
    ]
    services.resolve_dispute(dispute, people.second, "change", "100", "录音 00:25 有具体的共情")
    assert dispute.state == DisputeState.CHANGED
    assert (dispute.old_level, dispute.new_level) == (40, 100)
    assert evaluation.total > before and evaluation.total == 100.0
    row = next(s for s in evaluation.scores if s.criterion == "empathy")
    assert (row.reviewed, row.level) == (40, 100)
    ref = f"qa:{evaluation.id}:empathy"
    assert [
        e.score for e in db.session.scalars(select(Evidence).where(Evidence.source_ref == ref))
    ] == [1.0]
    after = db.session.get(Proficiency, (people.agent.id, competency))
    assert after is not None and after.decayed_score / after.decayed_weight > old_score
    changed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "qa.dispute_changed")
    ).one()
    assert changed.details["old"] == 40 and changed.details["new"] == 100
    assert actions()[-3:] == ["qa.evaluate", "qa.dispute_open", "qa.dispute_changed"]


def test_an_upheld_dispute_changes_nothing_but_is_recorded(
    people: People, evaluation: Evaluation
) -> None:
    dispute = services.open_dispute(evaluation, people.agent, "empathy", "理由", 7)
    total = evaluation.total
    services.resolve_dispute(dispute, people.lead, "uphold", None, "共情是套话，维持")
    assert dispute.state == DisputeState.UPHELD and evaluation.total == total
    assert dispute.resolver_id == people.lead.id
    assert actions()[-1] == "qa.dispute_upheld"


def test_refusals_window_second_dispute_others_and_who_resolves(
    people: People, evaluation: Evaluation, english: None
) -> None:
    with pytest.raises(services.QAError, match="Only the agent"):
        services.open_dispute(evaluation, people.second, "empathy", "x", 7)
    late = utcnow() + timedelta(days=8)
    with pytest.raises(services.QAError, match="window closed 7 days"):
        services.open_dispute(evaluation, people.agent, "empathy", "x", 7, now=late)
    assert services.disputable(evaluation, people.agent, 7, now=late) == []
    with pytest.raises(services.QAError, match="Give a reason"):
        services.open_dispute(evaluation, people.agent, "empathy", "  ", 7)
    dispute = services.open_dispute(evaluation, people.agent, "empathy", "x", 7)
    with pytest.raises(services.QAError, match="already been disputed"):
        services.open_dispute(evaluation, people.agent, "empathy", "again", 7)
    with pytest.raises(services.QAError, match="who gave the score"):
        services.resolve_dispute(dispute, people.reviewer, "uphold", None, "n")
    with pytest.raises(services.QAError, match="second QA reviewer or the team lead"):
        services.resolve_dispute(dispute, people.agent, "uphold", None, "n")
    with pytest.raises(services.QAError, match="not a level"):
        services.resolve_dispute(dispute, people.second, "change", "55", "n")
    with pytest.raises(services.QAError, match="different level"):
        services.resolve_dispute(dispute, people.second, "change", "40", "n")
    assert dispute.state == DisputeState.OPEN
    services.resolve_dispute(dispute, people.second, "uphold", None, "n")
    with pytest.raises(services.QAError, match="already been resolved"):
        services.resolve_dispute(dispute, people.lead, "change", "100", "n")


def test_a_criterion_changed_to_not_applicable_leaves_the_profile(
    people: People, evaluation: Evaluation
) -> None:
    dispute = services.open_dispute(evaluation, people.agent, "verification", "只是咨询", 7)
    services.resolve_dispute(dispute, people.lead, "change", "na", "一般咨询，不涉及账户")
    ref = f"qa:{evaluation.id}:verification"
    assert db.session.scalars(select(Evidence).where(Evidence.source_ref == ref)).all() == []
    assert evaluation.compliance is None
