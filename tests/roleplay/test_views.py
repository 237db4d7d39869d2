"""Role-play pages: wiring, permissions, the no-JavaScript flow, what the page source gives
away (nothing), the practice loop and bad input."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_scenario
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree

STRONG = (
    "I'm truly sorry you waited twice. I can see order 1023 and will confirm a new visit time now."
)
# The best replies, as the trainee reads them, and a written reply, in the file's order.
BEST_PATH = [
    "Waiting twice for nothing",
    "Could you give me the order number?",
    STRONG,
    "I can book tomorrow morning or afternoon",
    "You're booked for tomorrow morning.",
]
REPLY = re.compile(
    r'<button type="submit" name="choice" value="([^"]+)" class="reply">([^<]*)</button>'
)


@pytest.fixture
def trainee(app: Flask, client: FlaskClient, tmp_path: Path) -> FlaskClient:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    make_user()
    login(client, "trainee@example.com")
    return client


def start(client: FlaskClient, **form: str) -> int:
    response = client.post("/roleplay/test-call/start", data=form)
    assert response.status_code == 302
    return int(re.search(r"/session/(\d+)", response.headers["Location"]).group(1))  # type: ignore[union-attr]


def replies(client: FlaskClient, session_id: int) -> dict[str, str]:
    """The replies on the page, by their text: {text: the value the page sends}."""
    page = client.get(f"/roleplay/session/{session_id}?lang=en").text
    return {html.unescape(text): value for value, text in REPLY.findall(page)}


def send(client: FlaskClient, session_id: int, turn: int, move: str) -> None:
    offered = replies(client, session_id)
    if offered:
        value = next(v for text, v in offered.items() if text.startswith(move))
        data = {"turn": str(turn), "choice": value}
    else:
        data = {"turn": str(turn), "text": move}
    response = client.post(f"/roleplay/session/{session_id}/turn?lang=en", data=data)
    assert response.status_code == 302


def play_best(client: FlaskClient) -> int:
    session_id = start(client)
    for turn, move in enumerate(BEST_PATH):
        send(client, session_id, turn, move)
    return session_id


def test_play_a_whole_call_without_javascript_and_see_the_score_at_once(
    trainee: FlaskClient,
) -> None:
    assert "Test call" in trainee.get("/roleplay/?lang=en").text
    assert "Start the call" in trainee.get("/roleplay/test-call?lang=en").text
    session_id = start(trainee)
    page = trainee.get(f"/roleplay/session/{session_id}?lang=en")
    assert "turn up again!" in page.text and 'meter class="mood__meter"' in page.text
    assert "Acknowledges the feeling first" not in page.text  # no feedback before the reply
    for turn, move in enumerate(BEST_PATH):
        send(trainee, session_id, turn, move)
    debrief = trainee.get(f"/roleplay/session/{session_id}/debrief?lang=en")
    assert debrief.status_code == 200
    assert 'data-total-score="100.0" data-passed="true"' in debrief.text
    assert "Awaiting grading" not in debrief.text
    assert "Scored by the checker" in debrief.text
    assert "Names order 1023 — “1023”" in debrief.text  # what earned the point, as written
    assert "Acknowledges the feeling first." in debrief.text


def test_the_page_source_says_nothing_about_which_reply_is_best(trainee: FlaskClient) -> None:
    first = replies(trainee, start(trainee))
    again = replies(trainee, start(trainee, restart="1"))
    assert set(first) == set(again)
    for value in [*first.values(), *again.values()]:
        assert not value.isdigit() and len(value) >= 16
    assert set(first.values()).isdisjoint(again.values())  # worthless in another call


def test_a_token_from_another_call_is_refused(trainee: FlaskClient) -> None:
    old = start(trainee)
    stale = next(iter(replies(trainee, old).values()))
    new = start(trainee, restart="1")
    page = trainee.post(
        f"/roleplay/session/{new}/turn?lang=en",
        data={"turn": "0", "choice": stale},
        follow_redirects=True,
    )
    assert "not one of the options" in page.text
    assert "Your technician didn" in page.text  # still the first turn


def test_a_replayed_turn_is_refused_with_a_message(trainee: FlaskClient) -> None:
    session_id = start(trainee)
    send(trainee, session_id, 0, BEST_PATH[0])
    value = next(iter(replies(trainee, session_id).values()))
    page = trainee.post(
        f"/roleplay/session/{session_id}/turn?lang=en",
        data={"turn": "0", "choice": value},
        follow_redirects=True,
    )
    assert "already sent" in page.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write a reply before sending it."),
        ("让您白等两次，真的很抱歉，我马上为您重新安排上门时间。", "write your reply in English"),
    ],
)
def test_a_written_reply_that_cannot_be_taken_is_explained(
    trainee: FlaskClient, text: str, message: str
) -> None:
    session_id = start(trainee)
    send(trainee, session_id, 0, BEST_PATH[0])
    send(trainee, session_id, 1, BEST_PATH[1])
    page = trainee.post(
        f"/roleplay/session/{session_id}/turn?lang=en",
        data={"turn": "2", "text": text},
        follow_redirects=True,
    )
    assert message in page.text
    assert "It's order 1023." in html.unescape(page.text)  # still waiting for the reply


def test_the_scenario_page_lists_past_calls_and_offers_resume_or_restart(
    trainee: FlaskClient,
) -> None:
    play_best(trainee)
    page = trainee.get("/roleplay/test-call?lang=en").text
    assert "Your calls" in page and "100.0" in page and "Resolved" in page
    assert "Start again" in page
    open_call = start(trainee)
    send(trainee, open_call, 0, BEST_PATH[0])
    page = trainee.get("/roleplay/test-call?lang=en").text
    assert "Resume the call" in page and f"/roleplay/session/{open_call}" in page
    assert start(trainee) == open_call  # plain start resumes
    fresh = start(trainee, restart="1")
    assert fresh != open_call


def test_the_second_try_shows_the_change_against_the_first(trainee: FlaskClient) -> None:
    first = start(trainee)
    moves = [BEST_PATH[0], "That's how the schedule works.", STRONG, *BEST_PATH[3:]]
    for turn, move in enumerate(moves):
        send(trainee, first, turn, move)
    second = play_best(trainee)
    debrief = trainee.get(f"/roleplay/session/{second}/debrief?lang=en").text
    assert "Change since last try" in debrief
    assert "Last try:" in debrief and "+" in debrief


def test_unknown_scenario_and_other_peoples_sessions_are_404(trainee: FlaskClient) -> None:
    assert trainee.get("/roleplay/no-such-scenario").status_code == 404
    session_id = start(trainee)
    trainee.post("/logout")
    make_user("other@example.com")
    login(trainee, "other@example.com")
    assert trainee.get(f"/roleplay/session/{session_id}").status_code == 404
    assert (
        trainee.post(
            f"/roleplay/session/{session_id}/turn", data={"turn": 0, "choice": "x"}
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


def test_an_instructor_regrades_a_checked_reply_and_calibration_compares_them(
    trainee: FlaskClient,
) -> None:
    session_id = play_best(trainee)
    trainee.post("/logout")
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(trainee, "teacher@example.com")
    response = trainee.post(
        f"/roleplay/grading/{session_id}?lang=en",
        data={"turn": "3", "points-empathy": "2", "points-language": "2", "comment": ""},
    )
    assert response.status_code == 302
    page = trainee.get(f"/roleplay/grading/{session_id}?lang=en").text
    assert "this grade replaces the checker" in page
    assert 'data-total-score="94.0"' in page  # empathy 4/5 → 80 %: 100 − 30·20/100
    calibration = trainee.get("/calibration/?lang=en").text
    assert "The reply checker against each instructor" in calibration
    assert re.search(
        r"<td>[^<]*</td><td class=\"num\">1</td><td class=\"num\">50%</td>", calibration
    )
