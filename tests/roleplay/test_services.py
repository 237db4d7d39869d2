"""Playing a call without HTTP: a hand-computed path, resume, replays, the mood floor,
forbidden phrases, grading with audit, evidence and analytics."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import make_user
from tests.content_factory import REAL_CONTENT, make_tree_with_scenario
from trainer.auth.models import Role
from trainer.competency.models import Evidence, SourceKind
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.phrases import Phrase, load_phrases
from trainer.roleplay import services
from trainer.roleplay.models import PlaySession, SessionState, TurnGradeChange

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def scenario(app: Flask, tmp_path: Path) -> services.Scenario:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    return services.get_scenario("test-call")


@pytest.fixture(scope="module")
def phrases() -> dict[str, Phrase]:
    return load_phrases(REAL_CONTENT, [])


def play(session: PlaySession, moves: list[int | str], phrases: dict[str, Phrase]) -> None:
    for move in moves:
        if isinstance(move, str):
            services.write(session, session.turns_taken, move, phrases)
        else:
            services.choose(session, session.turns_taken, move)


def test_hand_computed_path_matches_the_debrief(
    scenario: services.Scenario, phrases: dict[str, Phrase]
) -> None:
    trainee = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    session = services.start_session(scenario, trainee.id)
    play(session, [0, 0, "让您白等两次，真的很抱歉，我理解您的心情。", 0, 0], phrases)
    assert session.ending == "end-resolved"
    assert session.state == SessionState.AWAITING_GRADING
    written = session.turns[2]
    assert "understand-feelings" in written.phrases_used
    assert written.phrases_avoided == []
    services.grade_turn(
        session,
        written.number,
        teacher.id,
        {"empathy": 2, "language": 1},
        "共情到位，用语可以更简洁。",
    )
    # empathy (2 + 2)/5 = 80 %, resolution (2 + 3)/5 = 100 %, language 1/2 = 50 %,
    # closing 2/2 = 100 %; total = (30·80 + 30·100 + 20·50 + 20·100)/100 = 84.
    assert session.criterion_scores == {
        "empathy": 80.0,
        "resolution": 100.0,
        "language": 50.0,
        "closing": 100.0,
    }
    assert session.score == 84.0 and session.passed is True
    evidence = db.session.scalars(
        select(Evidence).where(Evidence.source_kind == SourceKind.ROLEPLAY)
    ).all()
    assert sorted((e.competency_id, e.score) for e in evidence) == [
        ("complaint-handling", 1.0),
        ("complaint-handling", 1.0),
        ("de-escalation", 0.8),
        ("reception-etiquette", 0.5),
    ]
    stats = services.scenario_stats("test-call")
    assert stats is not None and stats.sessions == 1 and stats.passed == 1
    assert services.choice_counts("test-call")[("open", 0)] == 1
    services.grade_turn(session, written.number, teacher.id, {"empathy": 3, "language": 2}, "")
    assert session.score == 100.0  # full marks on the written turn complete every criterion
    changes = db.session.scalars(select(TurnGradeChange).order_by(TurnGradeChange.id)).all()
    assert [c.old_points for c in changes] == [None, {"empathy": 2, "language": 1}]


def test_a_critical_error_fails_the_call_whatever_the_score(
    scenario: services.Scenario, phrases: dict[str, Phrase]
) -> None:
    trainee = make_user()
    session = services.start_session(scenario, trainee.id)
    play(session, [0, 0, "这不归我管，不过我帮您查一下。", 1, 0], phrases)
    assert session.critical_errors == ["forbidden-phrase", "false-promise"]
    assert session.turns[2].phrases_avoided == ["not-my-job"]
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    services.grade_turn(session, 3, teacher.id, {"empathy": 3, "language": 2}, "")
    assert session.passed is False


def test_forbidden_phrases_match_without_spaces_and_in_traditional_characters(
    scenario: services.Scenario, phrases: dict[str, Phrase]
) -> None:
    trainee = make_user()
    session = services.start_session(scenario, trainee.id)
    play(session, [0, 0, "這 不歸我管"], phrases)
    assert session.turns[2].phrases_avoided == ["not-my-job"]


def test_the_mood_floor_ends_the_call(
    scenario: services.Scenario, phrases: dict[str, Phrase]
) -> None:
    trainee = make_user()
    session = services.start_session(scenario, trainee.id)
    play(session, [1, 1], phrases)  # 30 − 20 − 15 = −5 → 0: at or below the floor of 5
    assert session.mood == 0
    assert session.ending == "end-hangup" and session.state == SessionState.FINISHED
    with pytest.raises(services.PlayError, match="ended"):
        services.choose(session, session.turns_taken, 0)


def test_resume_and_replays_never_advance_twice(scenario: services.Scenario) -> None:
    trainee = make_user()
    session = services.start_session(scenario, trainee.id)
    services.choose(session, 0, 0)
    assert services.start_session(scenario, trainee.id).id == session.id
    with pytest.raises(services.PlayError, match="already sent"):
        services.choose(session, 0, 1)  # the same turn again (double click, replay)
    assert session.turns_taken == 1 and session.node == "ask"


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (7, "not one of the options"),
        ("", "Write a reply"),
        ("长" * 2001, "too long"),
    ],
)
def test_bad_moves_are_refused_and_change_nothing(
    scenario: services.Scenario, phrases: dict[str, Phrase], move: int | str, message: str
) -> None:
    trainee = make_user()
    session = services.start_session(scenario, trainee.id)
    if isinstance(move, str):
        play(session, [0, 0], phrases)
        with pytest.raises(services.PlayError, match=message):
            services.write(session, session.turns_taken, move, phrases)
    else:
        with pytest.raises(services.PlayError, match=message):
            services.choose(session, 0, move)
    assert session.state == SessionState.IN_PROGRESS


def test_another_trainees_session_is_not_found(scenario: services.Scenario) -> None:
    session = services.start_session(scenario, make_user().id)
    other = make_user("other@example.com")
    with pytest.raises(services.NotFound):
        services.get_session(session.id, other.id)
