"""Playing a call without HTTP: instant scoring of written replies, the customer reacting to
them, critical errors, tokens, the server's clock, restarts, grading with audit, evidence and
analytics."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import make_user
from tests.content_factory import REAL_CONTENT, SCENARIO, make_tree, make_tree_with_scenario
from trainer.auth.models import Role
from trainer.competency.models import DEFAULT_WEIGHTS, Evidence, SourceKind
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.phrases import PhraseBook, load_phrase_book
from trainer.roleplay import presentation, services
from trainer.roleplay.models import PlaySession, ScoredBy, SessionState, TurnGradeChange

pytestmark = pytest.mark.usefixtures("english")

STRONG = "让您白等两次，真的很抱歉。我看到工单 1023，马上为您确认新的上门时间。"
# Apologises and names the order but never says when the technician comes.
NO_VISIT = "让您白等两次，真的很抱歉，工单 1023 我看到了。"
FORBIDDEN = "这不归我管，不过我帮您查一下。"


def _load(tmp_path: Path, text: str) -> services.Scenario:
    root = make_tree(tmp_path)
    (root / "roleplays").mkdir(exist_ok=True)
    (root / "roleplays" / "test-call.yml").write_text(text, encoding="utf-8")
    load_tree(read_tree(root))
    return services.get_scenario("test-call")


@pytest.fixture
def scenario(app: Flask, tmp_path: Path) -> services.Scenario:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    return services.get_scenario("test-call")


@pytest.fixture
def unscored(app: Flask, tmp_path: Path) -> services.Scenario:
    """The same call with a written turn that has no checklist: a person must grade it."""
    start = SCENARIO.index("      checklist:")
    end = SCENARIO.index("  offer:")
    return _load(tmp_path, SCENARIO[:start] + "      next: offer\n" + SCENARIO[end:])


@pytest.fixture
def timed(app: Flask, tmp_path: Path) -> services.Scenario:
    text = SCENARIO.replace(
        "pass_mark: 70\n",
        "pass_mark: 70\nturn_seconds: 30\n"
        "timeout: {mood: -10, hang_up_after: 60, ending: end-hangup}\n",
    )
    return _load(tmp_path, text)


@pytest.fixture(scope="module")
def book() -> PhraseBook:
    return load_phrase_book(REAL_CONTENT, [])


def play(session: PlaySession, moves: list[int | str], book: PhraseBook, lang: str = "zh") -> None:
    for move in moves:
        if isinstance(move, str):
            services.write(session, session.turns_taken, move, book, lang)
        else:
            services.choose(session, session.turns_taken, move)


def test_a_call_is_scored_the_moment_it_ends(scenario: services.Scenario, book: PhraseBook) -> None:
    trainee = make_user()
    session = services.start_session(scenario, trainee.id)
    play(session, [0, 0, STRONG, 0, 0], book)
    assert session.ending == "end-resolved"
    assert session.state == SessionState.FINISHED
    written = session.turns[2]
    assert written.scored_by == ScoredBy.CHECKER and not written.needs_grading
    assert written.points == {"empathy": 3.0, "language": 2.0}
    assert written.explanation is not None and written.explanation["verdict"] == "strong"
    # Every criterion at its maximum along this path: 100.
    assert session.score == 100.0 and session.passed is True
    evidence = db.session.scalars(
        select(Evidence).where(Evidence.source_kind == SourceKind.ROLEPLAY)
    ).all()
    assert {e.competency_id for e in evidence} == {
        "complaint-handling",
        "de-escalation",
        "reception-etiquette",
    }
    # Scored by the checker alone, the call weighs less than one a person confirmed.
    full = DEFAULT_WEIGHTS[SourceKind.ROLEPLAY]
    assert all(e.weight == pytest.approx(full * services.CHECKER_EVIDENCE_FACTOR) for e in evidence)
    stats = services.scenario_stats("test-call")
    assert stats is not None and stats.sessions == 1 and stats.passed == 1
    assert services.choice_counts("test-call")[("open", 0)] == 1


def test_an_instructors_grade_replaces_the_checkers_and_is_audited(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    trainee = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    session = services.start_session(scenario, trainee.id)
    play(session, [0, 0, STRONG, 0, 0], book)
    services.grade_turn(session, 3, teacher.id, {"empathy": 2, "language": 1}, "可以更具体。")
    written = session.turns[2]
    assert written.scored_by == ScoredBy.INSTRUCTOR
    # empathy (2 + 2)/5 = 80 %, resolution 100 %, language 1/2 = 50 %, closing 100 %;
    # total = (30·80 + 30·100 + 20·50 + 20·100)/100 = 84.
    assert session.criterion_scores == {
        "empathy": 80.0,
        "resolution": 100.0,
        "language": 50.0,
        "closing": 100.0,
    }
    assert session.score == 84.0 and session.passed is True
    changes = db.session.scalars(select(TurnGradeChange)).all()
    assert [c.old_points for c in changes] == [{"empathy": 3.0, "language": 2.0}]
    grades = db.session.scalars(
        select(Evidence).where(Evidence.source_kind == SourceKind.GRADE)
    ).all()
    assert sorted((e.competency_id, e.score) for e in grades) == [
        ("de-escalation", 0.8),
        ("reception-etiquette", 0.5),
    ]


def test_a_phrase_to_avoid_makes_the_customer_escalate_and_fails_the_call(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    session = services.start_session(scenario, make_user().id)
    play(session, [0, 0, FORBIDDEN], book)
    written = session.turns[2]
    assert written.phrases_avoided == ["not-my-job"]
    assert written.explanation is not None and written.explanation["route"] == "critical"
    assert session.node == "write-angry"  # 「不归你管？那归谁管？」
    play(session, [0, 1, 0], book)  # own the mistake, then a false promise, then close
    assert session.critical_errors == ["forbidden-phrase", "false-promise"]
    assert session.state == SessionState.FINISHED and session.passed is False


def test_what_is_missing_from_a_reply_is_what_the_customer_asks_for(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    session = services.start_session(scenario, make_user().id)
    play(session, [0, 0, NO_VISIT], book)
    assert session.node == "write-again"  # 「师傅到底什么时候来？」
    assert session.turns[2].explanation["missing"] == ["new-visit"]  # type: ignore[index]


def test_repeating_stock_phrases_earns_nothing(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    session = services.start_session(scenario, make_user().id)
    play(session, [0, 0], book)
    mood = session.mood
    play(session, ["非常理解您的心情，" * 40], book)
    written = session.turns[2]
    assert written.points == {"empathy": 0.0, "language": 0.0}
    assert "padded" in written.explanation["flags"]  # type: ignore[index]
    assert session.mood < mood


def test_forbidden_phrases_match_without_spaces_and_in_traditional_characters(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    session = services.start_session(scenario, make_user().id)
    play(session, [0, 0, "這 不歸我管"], book)
    assert session.turns[2].phrases_avoided == ["not-my-job"]


def test_a_reply_in_the_other_language_is_refused_and_nothing_is_stored(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    session = services.start_session(scenario, make_user().id)
    play(session, [0, 0], book)
    with pytest.raises(services.PlayError, match="in Chinese"):
        services.write(
            session, 2, "I am so sorry, I will book a new visit for order 1023.", book, "zh"
        )
    assert session.turns_taken == 2 and len(session.turns) == 2


def test_a_turn_without_a_checklist_waits_for_an_instructor(
    unscored: services.Scenario, book: PhraseBook
) -> None:
    trainee = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    session = services.start_session(unscored, trainee.id)
    play(session, [0, 0, STRONG, 0, 0], book)
    assert session.state == SessionState.AWAITING_GRADING
    assert session.turns[2].scored_by == ScoredBy.PENDING
    assert [q.session_id for q in services.grading_queue()] == [session.id]
    services.grade_turn(session, 3, teacher.id, {"empathy": 3, "language": 2}, "")
    assert session.state == SessionState.FINISHED and session.score == 100.0
    assert services.grading_queue() == []


def test_the_mood_floor_ends_the_call(scenario: services.Scenario, book: PhraseBook) -> None:
    session = services.start_session(scenario, make_user().id)
    play(session, [1, 1], book)  # 30 − 20 − 15 = −5 → 0: at or below the floor of 5
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


def test_start_again_leaves_the_open_call_and_begins_afresh(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    trainee = make_user()
    first = services.start_session(scenario, trainee.id)
    play(first, [0], book)
    second = services.start_session(scenario, trainee.id, restart=True)
    assert second.id != first.id and second.turns_taken == 0 and second.node == "open"
    assert first.state == SessionState.ABANDONED
    assert services.open_session(scenario, trainee.id) is second
    assert services.past_calls("test-call", trainee.id) == []  # an abandoned call is no try


def test_the_debrief_compares_each_criterion_with_the_last_try(
    scenario: services.Scenario, book: PhraseBook
) -> None:
    trainee = make_user()
    first = services.start_session(scenario, trainee.id)
    play(first, [0, 1, NO_VISIT, 0, 0, 0], book)  # "that's how it works", no visit offered
    second = services.start_session(scenario, trainee.id)
    play(second, [0, 0, STRONG, 0, 0], book)
    previous = services.previous_call(second)
    assert previous is not None and previous.id == first.id
    rows = {r.id: r for r in presentation.rubric_rows(second, "en", previous.criterion_scores)}
    assert rows["language"].change is not None and rows["language"].change > 0
    assert rows["empathy"].change == 0
    assert [c.session_id for c in services.past_calls("test-call", trainee.id)] == [
        second.id,
        first.id,
    ]


def test_choice_tokens_belong_to_one_call_and_one_turn(scenario: services.Scenario) -> None:
    trainee = make_user()
    session = services.start_session(scenario, trainee.id)
    other = services.start_session(scenario, make_user("other@example.com").id)
    tokens = [services.choice_token(session, i) for i in range(2)]
    assert len(set(tokens)) == 2 and not any(t in ("0", "1") for t in tokens)
    assert services.choice_token(other, 0) not in tokens
    with pytest.raises(services.PlayError, match="not one of the options"):
        services.choose_token(session, 0, services.choice_token(other, 0))
    assert session.turns_taken == 0
    services.choose_token(session, 0, tokens[0])
    assert session.node == "ask"
    # The same token, replayed for the next turn, is worthless there.
    with pytest.raises(services.PlayError, match="not one of the options"):
        services.choose_token(session, 1, tokens[0])


def test_replies_are_shown_in_an_order_drawn_per_call(scenario: services.Scenario) -> None:
    trainee = make_user()
    orders = set()
    for _ in range(12):
        session = services.start_session(scenario, trainee.id, restart=True)
        order = services.choice_order(session)
        assert sorted(order) == [0, 1]
        assert services.choice_order(session) == order  # the same on every reload
        orders.add(tuple(order))
    assert orders == {(0, 1), (1, 0)}


def test_a_late_reply_costs_mood_and_a_long_silence_ends_the_call(
    timed: services.Scenario, book: PhraseBook
) -> None:
    session = services.start_session(timed, make_user().id)
    started = session.turn_started_at
    services.choose(session, 0, 0, now=started + timedelta(seconds=45))
    assert session.turns[0].late is True
    assert session.mood == 30 + 10 - 10  # the reply's +10, the scenario's −10 for lateness
    waited = session.turn_started_at + timedelta(seconds=100)
    with pytest.raises(services.PlayError, match="hung up"):
        services.choose(session, 1, 0, now=waited)
    assert session.ending == "end-hangup" and session.state == SessionState.FINISHED
    assert len(session.turns) == 1


def test_the_clock_the_page_shows_comes_from_the_server(timed: services.Scenario) -> None:
    session = services.start_session(timed, make_user().id)
    clock = services.clock(session, now=session.turn_started_at + timedelta(seconds=12))
    assert clock.seconds_left == 18
    assert clock.hang_up_in is not None and 78 <= clock.hang_up_in <= 80


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (7, "not one of the options"),
        ("", "Write a reply"),
        ("   \n ", "Write a reply"),
        ("😡😡😡", "in words"),
        ("长" * 2001, "too long"),
    ],
)
def test_bad_moves_are_refused_and_change_nothing(
    scenario: services.Scenario, book: PhraseBook, move: int | str, message: str
) -> None:
    session = services.start_session(scenario, make_user().id)
    if isinstance(move, str):
        play(session, [0, 0], book)
        with pytest.raises(services.PlayError, match=message):
            services.write(session, session.turns_taken, move, book, "zh")
        assert len(session.turns) == 2
    else:
        with pytest.raises(services.PlayError, match=message):
            services.choose(session, 0, move)
    assert session.state == SessionState.IN_PROGRESS


def test_another_trainees_session_is_not_found(scenario: services.Scenario) -> None:
    session = services.start_session(scenario, make_user().id)
    other = make_user("other@example.com")
    with pytest.raises(services.NotFound):
        services.get_session(session.id, other.id)
