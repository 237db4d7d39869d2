"""Property tests on every parser that reads what people type or upload: whatever the input, the
answer is a result with problems, never an exception a user would see as a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.auth import services as accounts
from trainer.content import Problem, split_front_matter
from trainer.quizzes.gift import parse_gift
from trainer.roleplay import checker
from trainer.roleplay.scoring_cli import load_scenario

CONTENT = Path(__file__).resolve().parents[2] / "content"

# GIFT's own punctuation, Chinese text and control characters, so the parser's branches are hit.
_gift_text = st.text(
    alphabet=st.sampled_from(list("::{}=~#%-+>\\$[]\n\r\t abc问题答案1.5TF\ufeff")),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(_gift_text)
def test_the_gift_parser_answers_every_text_with_questions_or_problems(text: str) -> None:
    result = parse_gift(text)
    for problem in result.problems:
        assert problem.line >= 1 and str(problem.message)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_front_matter_of_any_text_is_read_or_reported_with_a_line(text: str) -> None:
    problems: list[Problem] = []
    split_front_matter(text, "lesson.md", problems)
    assert all(p.line >= 1 for p in problems)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=300)
    | st.lists(
        st.lists(
            st.text(alphabet=st.sampled_from(list('a@.,"\n ;=+-王\ufeff')), max_size=12), max_size=6
        ),
        max_size=6,
    ).map(lambda rows: "\n".join(",".join(r) for r in rows).encode())
)
def test_a_user_import_of_any_bytes_reports_instead_of_failing(app: Flask, data: bytes) -> None:
    report = accounts.import_users_csv(b"email,name,roles,team\n" + data)
    assert report is not None


@pytest.fixture(scope="module")
def close_turn() -> tuple[object, object, object]:
    scenario, book = load_scenario(CONTENT, "late-repair")
    turn = scenario.nodes["close"].free_text
    assert turn is not None
    return scenario, turn, book


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400), lang=st.sampled_from(["zh", "en"]))
def test_the_reply_checker_scores_any_reply(
    close_turn: tuple[object, object, object], text: str, lang: str
) -> None:
    scenario, turn, book = close_turn
    result = checker.check_reply(scenario, turn, text, lang, book)  # type: ignore[arg-type]
    assert result is not None
