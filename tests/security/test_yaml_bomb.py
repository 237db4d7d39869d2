"""An instructor's editor is not a way to take the server down: an alias bomb posted to the
scenario and lesson editors is answered within a second, in bounded memory, with a message."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_scenario
from tests.test_safe_yaml import billion_laughs
from trainer.auth.models import Role
from trainer.authoring import services
from trainer.content_tree import load_tree, read_tree

pytestmark = pytest.mark.usefixtures("english")

BOMB = "id: test-call\n" + billion_laughs()


@pytest.fixture
def teacher(app: Flask, tmp_path: Path, client: FlaskClient) -> FlaskClient:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    make_user("teacher@example.com", (Role.INSTRUCTOR,), name="李老师")
    login(client, "teacher@example.com")
    return client


def _post_timed(client: FlaskClient, url: str, data: dict[str, str]) -> tuple[str, float, int]:
    """(page, seconds beyond an ordinary check of the same page, peak bytes allocated)."""
    started = time.perf_counter()
    client.post(url, data={**data, "yaml": "id: [broken", "file_en": "---\n---\n"})
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    response = client.post(url, data=data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    tracemalloc.start()
    client.post(url, data=data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return response.text, elapsed - baseline, peak


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/authoring/scenarios/new?key=bomb&lang=en", {"key": "bomb", "yaml": BOMB}),
        ("/authoring/scenarios/test-call?lang=en", {"action": "check", "yaml": BOMB}),
        ("/authoring/scenarios/test-call?lang=en", {"action": "publish", "yaml": BOMB}),
    ],
)
def test_a_bomb_in_the_scenario_editor_is_refused_quickly(
    teacher: FlaskClient, url: str, data: dict[str, str]
) -> None:
    if data.get("action") == "publish":
        data = {**data, "base": str(services.scenario_text("test-call")[1])}
    text, elapsed, peak = _post_timed(teacher, url, data)
    assert "expands to more than" in text
    assert elapsed < 1.0 and peak < 64 * 1024 * 1024


def test_a_saved_bomb_draft_cannot_hang_the_preview_or_the_editor(teacher: FlaskClient) -> None:
    teacher.post("/authoring/scenarios/test-call?lang=en", data={"action": "draft", "yaml": BOMB})
    started = time.perf_counter()
    assert teacher.get("/authoring/scenarios/test-call?lang=en").status_code == 200
    assert teacher.get("/authoring/scenarios/test-call/preview?lang=en").status_code == 400
    assert time.perf_counter() - started < 2.0


def test_a_bomb_in_a_lessons_front_matter_is_refused_quickly(teacher: FlaskClient) -> None:
    front = "---\ntitle: x\n" + billion_laughs() + "---\n\nBody.\n"
    text, elapsed, peak = _post_timed(
        teacher,
        "/authoring/lessons/lesson-one?lang=en",
        {"action": "check", "file_zh": front, "file_en": front},
    )
    assert "expands to more than" in text
    assert elapsed < 1.0 and peak < 64 * 1024 * 1024
