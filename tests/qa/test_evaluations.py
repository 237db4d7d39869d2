"""Evaluating an interaction: suggestions from the role-play checker, scoring by the role-play
rules, N/A renormalised, critical errors, refusals, agreement and evidence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.qa.conftest import People, make_interaction
from trainer.competency.models import Evidence, Proficiency, SourceKind
from trainer.extensions import db
from trainer.phrases import PhraseBook
from trainer.qa import services
from trainer.qa.models import Evaluation


def voice_card() -> services.CardDef:
    return services.definition(services.scorecard_for(services.Channel.VOICE))


def top_levels(**changes: str) -> dict[str, str]:
    levels = {c.id: "100" for c in voice_card().criteria}
    levels.update(changes)
    return levels


def test_suggestions_come_from_the_agents_words_with_their_lines(
    people: People, book: PhraseBook
) -> None:
    interaction = make_interaction(people)
    s = services.suggest(interaction, voice_card(), book)
    assert s.lang == "zh"
    greeting = s.criteria["greeting"]
    assert greeting.level == 100 and greeting.percent == 100.0
    assert {f.item: f.line for f in greeting.found} == {
        "greets": 1,
        "gives-name": 1,
        "offers-help": 1,
    }
    verification = s.criteria["verification"]
    assert verification.level == 100 and {f.line for f in verification.found} == {3}
    # Criteria without a checklist (listening) get no suggestion: the reviewer alone scores them.
    assert "listening" not in s.criteria
    # The customer's words never earn the agent anything.
    only_customer = make_interaction(
        people, "CALL-2", "坐席：嗯。\n客户：您好，我是工号5207，有什么可以帮您？"
    )
    assert services.suggest(only_customer, voice_card(), book).criteria["greeting"].level == 0


def test_scoring_rules(people: People) -> None:
    card = voice_card()
    full = {c.id: 100 for c in card.criteria}
    assert services.score(card, full, []).total == 100.0
    assert services.score(card, full, []).passed
    # N/A: verification (weight 10) left out; the rest still add up to 100.
    na = dict(full, verification=None)
    result = services.score(card, na, [])
    assert result.total == 100.0 and result.compliance is None
    half = dict(na, greeting=50)  # greeting weighs 5 of the 90 applicable
    assert services.score(card, half, []).total == round(100 - 5 * 50 / 90, 1)
    # A critical error fails a perfect call; a `zero` one also sets the total to 0; a
    # compliance error zeroes the compliance score.
    failed = services.score(card, full, ["false-promise"])
    assert failed.total == 100.0 and not failed.passed
    zeroed = services.score(card, full, ["disclosed-data"])
    assert zeroed.total == 0.0 and zeroed.compliance == 0.0 and not zeroed.passed
    assert services.score(card, dict(full, verification=50), []).compliance == 50.0


def test_an_evaluation_stores_suggestion_final_agreement_and_evidence(
    people: People, book: PhraseBook
) -> None:
    interaction = make_interaction(people)
    data = services.EvaluationInput(
        levels=top_levels(greeting="50", **{"hold-transfer": "na"}),
        comments={"greeting": "报了工号，但语速太快"},
        lines={"greeting": "1"},
        notes="5: 共情具体\n3：核实及时",
    )
    evaluation = services.evaluate(interaction, people.reviewer, data, book)
    rows = {s.criterion: s for s in evaluation.scores}
    assert rows["greeting"].suggested == 100 and rows["greeting"].reviewed == 50
    assert rows["hold-transfer"].level is None and rows["listening"].suggested is None
    agreed = [c for c, r in rows.items() if r.suggested is not None and r.reviewed is not None]
    assert evaluation.suggested_count == len(agreed)
    assert evaluation.agreed_count == sum(
        1 for c in agreed if rows[c].suggested == rows[c].reviewed
    )
    assert evaluation.agreed_count < evaluation.suggested_count
    assert sorted((c.line, c.criterion) for c in evaluation.comments) == [
        (1, "greeting"),
        (3, None),
        (5, None),
    ]
    evidence = db.session.scalars(select(Evidence).where(Evidence.user_id == people.agent.id)).all()
    assert {e.source_kind for e in evidence} == {SourceKind.QA}
    assert all(e.weight == 4.0 for e in evidence)
    assert len(evidence) == len(voice_card().criteria) - 1  # not the N/A one
    greeting = next(e for e in evidence if e.source_ref == f"qa:{evaluation.id}:greeting")
    assert greeting.score == 0.5
    by_reviewer = {a.grader: a for a in services.checker_agreement()}
    assert by_reviewer["质检一"].items == 1
    assert by_reviewer["质检一"].exact == evaluation.agreed_count / evaluation.suggested_count


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"greeting": ""}, "Choose a level for “开场问候 / Greeting”."),
        ({"greeting": "na"}, "“Greeting” applies to every contact."),
        ({"greeting": "70"}, "“70” is not a level of “Greeting”."),
    ],
)
def test_a_missing_or_wrong_level_stores_nothing(
    people: People, book: PhraseBook, english: None, change: dict[str, str], message: str
) -> None:
    interaction = make_interaction(people)
    with pytest.raises(services.QAError) as info:
        services.evaluate(
            interaction, people.reviewer, services.EvaluationInput(top_levels(**change)), book
        )
    assert [str(m) for m in info.value.messages] == [message]
    assert db.session.scalar(select(Evaluation)) is None
    assert db.session.scalar(select(Evidence)) is None


def test_refusals_own_calls_second_evaluation_bad_lines(
    people: People, book: PhraseBook, english: None
) -> None:
    interaction = make_interaction(people)
    with pytest.raises(services.QAError, match="your own calls"):
        services.evaluate(interaction, people.agent, services.EvaluationInput(top_levels()), book)
    with pytest.raises(services.QAError, match="no line 99"):
        services.evaluate(
            interaction,
            people.reviewer,
            services.EvaluationInput(top_levels(), notes="99: nothing there"),
            book,
        )
    with pytest.raises(services.QAError, match="Unknown critical error"):
        services.evaluate(
            interaction,
            people.reviewer,
            services.EvaluationInput(top_levels(), critical=["x"]),
            book,
        )
    services.evaluate(interaction, people.reviewer, services.EvaluationInput(top_levels()), book)
    with pytest.raises(services.QAError, match="already been evaluated"):
        services.evaluate(interaction, people.second, services.EvaluationInput(top_levels()), book)
    # A reviewer cannot even record a call of their own.
    with pytest.raises(services.QAError, match="your own calls"):
        services.create_interaction(
            services.NewInteraction(
                people.reviewer.email, "voice", "2026-12-01", "OWN-1", "Agent: hi"
            ),
            people.reviewer,
        )


def test_the_profile_moves_with_qa_evidence(people: People, book: PhraseBook) -> None:
    interaction = make_interaction(people)
    services.evaluate(
        interaction, people.reviewer, services.EvaluationInput(top_levels(empathy="0")), book
    )
    empathy = next(c for c in voice_card().criteria if c.id == "empathy")
    row = db.session.get(Proficiency, (people.agent.id, empathy.competency))
    assert row is not None and "qa" in row.kinds
