"""Authoring scenarios: YAML with the checker's messages, a graph with problems highlighted,
publishing a new version, and a preview that records nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_scenario
from trainer.auth.models import Role
from trainer.authoring import services
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.roleplay import services as roleplay
from trainer.roleplay.graph import classify, draw
from trainer.roleplay.models import PlaySession, Scenario

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def teacher(app: Flask, tmp_path: Path) -> object:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    return make_user("teacher@example.com", (Role.INSTRUCTOR,), name="李老师")


def test_graph_marks_unreachable_and_dead_end_nodes(teacher: object) -> None:
    data = dict(roleplay.get_scenario("test-call").data)
    nodes = dict(data["nodes"])
    nodes["orphan"] = {"customer": {"zh": "？", "en": "?"}, "choices": []}
    data["nodes"] = nodes
    kinds = {k: v.kind for k, v in classify(data).items()}
    assert kinds["open"] == "start" and kinds["end-resolved"] == "ending"
    assert kinds["orphan"] == "unreachable" and kinds["write"] == "free_text"
    svg = str(draw(data))
    assert "graph__node--unreachable" in svg and svg.startswith("<svg")


def test_publish_a_changed_scenario_keeps_old_sessions(teacher: object) -> None:
    trainee = make_user()
    old = roleplay.start_session(roleplay.get_scenario("test-call"), trainee.id)
    text, version_id, _draft = services.scenario_text("test-call")
    services.publish_scenario(
        "test-call", text.replace("pass_mark: 70", "pass_mark: 75"), version_id, teacher
    )
    current = roleplay.get_scenario("test-call")
    assert current.id != old.scenario_id and current.data["pass_mark"] == 75
    assert db.session.get(Scenario, old.scenario_id).archived is True
    with pytest.raises(services.AuthoringError, match="published this scenario"):
        services.publish_scenario("test-call", text, version_id, teacher)


def test_a_broken_graph_is_refused_with_the_checkers_messages(teacher: object) -> None:
    text, version_id, _draft = services.scenario_text("test-call")
    broken = text.replace("next: close", "next: nowhere", 1)
    with pytest.raises(services.AuthoringError) as error:
        services.publish_scenario("test-call", broken, version_id, teacher)
    assert any("next node “nowhere” does not exist" in p.message for p in error.value.problems)


def test_pages_and_a_preview_that_records_nothing(teacher: object, client: FlaskClient) -> None:
    login(client, "teacher@example.com")
    page = client.get("/authoring/scenarios/test-call?lang=en")
    assert page.status_code == 200 and "<svg" in page.text and "pass_mark: 70" in page.text
    preview = client.get("/authoring/scenarios/test-call/preview?lang=en")
    assert "Preview: nothing is recorded" in preview.text and "turn up again" in preview.text
    nxt = client.get("/authoring/scenarios/test-call/preview?lang=en&node=ask&mood=40")
    assert nxt.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(PlaySession)) == 0
    assert client.get("/authoring/scenarios/test-call/preview?node=nope").status_code == 404
    checked = client.post(
        "/authoring/scenarios/test-call?lang=en", data={"action": "check", "yaml": "id: [broken"}
    )
    assert "invalid YAML" in checked.text
    client.post("/logout")
    make_user()
    login(client, "trainee@example.com")
    assert client.get("/authoring/scenarios").status_code == 403


def test_build_a_new_scenario_and_play_it(teacher: object, client: FlaskClient) -> None:
    login(client, "teacher@example.com")
    form = client.get("/authoring/scenarios/new?key=parcel-late&lang=en")
    assert form.status_code == 200 and "id: parcel-late" in form.text
    text = services.scenario_template("parcel-late")
    response = client.post(
        "/authoring/scenarios/new?key=parcel-late", data={"key": "parcel-late", "yaml": text}
    )
    assert response.status_code == 302
    assert (
        roleplay.get_scenario("parcel-late").data["title"]["en"]
        == "The parcel that has not arrived"
    )
    assert roleplay.get_scenario("test-call") is not None  # the others are untouched
    again = client.post(
        "/authoring/scenarios/new?key=parcel-late&lang=en",
        data={"key": "parcel-late", "yaml": text},
    )
    assert "already exists" in again.text
    trainee = make_user()
    session = roleplay.start_session(roleplay.get_scenario("parcel-late"), trainee.id)
    roleplay.choose(session, 0, 0)
    assert session.node == "ask"
