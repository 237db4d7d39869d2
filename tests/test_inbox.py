"""The grading inbox lists written quiz answers and role-play calls together, oldest first."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_team, make_user
from tests.content_factory import REAL_CONTENT, make_full_tree
from tests.quizzes.test_services import answers_for
from tests.roleplay.test_services import play
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree
from trainer.phrases import load_phrase_book
from trainer.quizzes import services as quizzes
from trainer.roleplay import services as roleplay

STRONG = "让您白等两次，真的很抱歉。我看到工单 1023，马上为您确认新的上门时间。"


def test_inbox_shows_both_kinds_and_filters(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_tree(read_tree(make_full_tree(tmp_path)))
    trainee = make_user(team=make_team("热线一组"))
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    attempt = quizzes.start_attempt(quizzes.get_quiz("basics-quiz"), trainee.id)
    quizzes.save_answers(attempt, answers_for(attempt))
    quizzes.submit_attempt(attempt)
    session = roleplay.start_session(roleplay.get_scenario("test-call"), trainee.id)
    play(session, [0, 0, STRONG, 0, 0], load_phrase_book(REAL_CONTENT, []))
    login(client, "teacher@example.com")
    page = client.get("/grading/?lang=en")
    assert "Basics quiz" in page.text
    # The call was scored by the checker as it ended: offered for review, not waiting.
    assert "Scored by the checker" in page.text and "Test call" in page.text
    only_calls = client.get("/grading/?lang=en&kind=call")
    assert "Test call" in only_calls.text and "Basics quiz" not in only_calls.text
    assert "Nothing is waiting" in client.get("/grading/?lang=en&older=3").text
    client.post("/logout")
    login(client, "trainee@example.com")
    assert client.get("/grading/").status_code == 403
