"""Role-play pages: wiring, permissions, the no-JavaScript flow and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_scenario
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree


@pytest.fixture
def trainee(app: Flask, client: FlaskClient, tmp_path: Path) -> FlaskClient:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    make_user()
    login(client, "trainee@example.com")
    return client


def start(client: FlaskClient) -> int:
    response = client.post("/roleplay/test-call/start")
    assert response.status_code == 302
    return int(re.search(r"/session/(\d+)", response.headers["Location"]).group(1))  # type: ignore[union-attr]


def test_play_a_whole_call_without_javascript(trainee: FlaskClient) -> None:
    assert "Test call" in trainee.get("/roleplay/?lang=en").text
    assert "Start the call" in trainee.get("/roleplay/test-call?lang=en").text
    session_id = start(trainee)
    page = trainee.get(f"/roleplay/session/{session_id}?lang=en")
    assert "turn up again!" in page.text and 'meter class="mood__meter"' in page.text
    assert "Acknowledges the feeling first" not in page.text  # no feedback before the reply
    for turn, move in enumerate(
        [
            {"choice": 0},
            {"choice": 0},
            {"text": "I understand how you feel."},
            {"choice": 0},
            {"choice": 0},
        ]
    ):
        response = trainee.post(f"/roleplay/session/{session_id}/turn", data={"turn": turn, **move})
        assert response.status_code == 302
    debrief = trainee.get(f"/roleplay/session/{session_id}/debrief?lang=en")
    assert debrief.status_code == 200
    assert "Awaiting grading" in debrief.text and "Acknowledges the feeling first." in debrief.text


def test_a_replayed_turn_is_refused_with_a_message(trainee: FlaskClient) -> None:
    session_id = start(trainee)
    trainee.post(f"/roleplay/session/{session_id}/turn", data={"turn": 0, "choice": 0})
    page = trainee.post(
        f"/roleplay/session/{session_id}/turn?lang=en",
        data={"turn": 0, "choice": 1},
        follow_redirects=True,
    )
    assert "already sent" in page.text


def test_unknown_scenario_and_other_peoples_sessions_are_404(trainee: FlaskClient) -> None:
    assert trainee.get("/roleplay/no-such-scenario").status_code == 404
    session_id = start(trainee)
    trainee.post("/logout")
    make_user("other@example.com")
    login(trainee, "other@example.com")
    assert trainee.get(f"/roleplay/session/{session_id}").status_code == 404
    assert (
        trainee.post(
            f"/roleplay/session/{session_id}/turn", data={"turn": 0, "choice": 0}
        ).status_code
        == 404
    )


def test_grading_queue_is_for_instructors(trainee: FlaskClient, app: Flask) -> None:
    assert trainee.get("/grading/").status_code == 403
    assert trainee.get("/roleplay/test-call/analytics").status_code == 403
    trainee.post("/logout")
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(trainee, "teacher@example.com")
    assert trainee.get("/grading/").status_code == 200
    assert trainee.get("/roleplay/test-call/analytics").status_code == 200
