"""Profile pages: a trainee sees their own; instructors and HR see anyone's, read-only."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import QueryCounter, login, make_user
from tests.content_factory import make_tree
from trainer.auth.models import Role
from trainer.competency.models import SourceKind
from trainer.competency.services import record_evidence
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db


def test_profile_moves_with_evidence_and_suggests_lessons(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_tree(read_tree(make_tree(tmp_path)))
    user = make_user()
    login(client, "trainee@example.com")
    page = client.get("/profile?lang=en")
    assert page.status_code == 200 and "<svg" in page.text and "Novice" in page.text
    assert "Lesson one" in page.text  # what next: the lesson that teaches listening
    for i in range(3):
        record_evidence(user.id, "active-listening", 0.9, SourceKind.QUIZ, f"attempt:{i}#1")
    db.session.commit()
    page = client.get("/profile?lang=en")
    assert "Developing" in page.text and "90%" in page.text


def test_profile_permissions(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    load_tree(read_tree(make_tree(tmp_path)))
    trainee = make_user()
    make_user("other@example.com")
    make_user("hr@example.com", (Role.HR,))
    login(client, "other@example.com")
    assert client.get(f"/profile/{trainee.id}").status_code == 403
    client.post("/logout")
    login(client, "hr@example.com")
    assert client.get(f"/profile/{trainee.id}").status_code == 200
    assert client.get("/profile/9999").status_code == 404


def test_profile_queries_do_not_grow_with_evidence(
    app: Flask, client: FlaskClient, tmp_path: Path, count_queries: QueryCounter
) -> None:
    load_tree(read_tree(make_tree(tmp_path)))
    user = make_user()
    login(client, "trainee@example.com")
    client.get("/profile")
    count_queries.count = 0
    client.get("/profile")
    few = count_queries.count
    for i in range(150):
        record_evidence(user.id, "active-listening", 0.5, SourceKind.QUIZ, f"attempt:{i}#1")
    db.session.commit()
    count_queries.count = 0
    client.get("/profile")
    assert count_queries.count == few


def test_team_heat_map(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    from tests.conftest import make_team
    from trainer.competency.profile import team_heat_map

    load_tree(read_tree(make_tree(tmp_path)))
    team = make_team("热线一组")
    a = make_user("a@example.com", team=team)
    b = make_user("b@example.com", team=team)
    record_evidence(a.id, "active-listening", 1.0, SourceKind.QUIZ, "x")
    record_evidence(b.id, "active-listening", 0.5, SourceKind.QUIZ, "y")
    db.session.commit()
    heat = team_heat_map()
    cell = heat.cells[(team.id, "active-listening")]
    assert cell.mean == 0.75 and cell.people == 2
    assert heat.teams == [(team.id, "热线一组", 2)]
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(client, "teacher@example.com")
    assert "75%" in client.get("/analytics/teams").text
    client.post("/logout")
    login(client, "a@example.com")
    assert client.get("/analytics/teams").status_code == 403
