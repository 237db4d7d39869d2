"""Assignments: set for a team with a due date, seen by its trainees, followed up per person."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_team, make_user
from tests.content_factory import make_full_tree
from trainer.assignments import services
from trainer.assignments.models import Kind
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree
from trainer.database import utcnow
from trainer.lessons.services import complete_lesson

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def people(app: Flask, tmp_path: Path) -> dict[str, object]:
    load_tree(read_tree(make_full_tree(tmp_path)))
    team = make_team("热线一组")
    return {
        "team": team,
        "trainee": make_user(team=team),
        "colleague": make_user("c@example.com", team=team, name="陈静"),
        "teacher": make_user("teacher@example.com", (Role.INSTRUCTOR,), name="李老师"),
    }


def test_a_module_assigned_to_a_team_is_seen_and_followed_up(people: dict) -> None:
    soon = utcnow() + timedelta(days=3)
    services.create(Kind.MODULE, "m1-basics", soon, people["teacher"], people["team"].id, [])
    services.create(
        Kind.QUIZ,
        "basics-quiz",
        soon + timedelta(days=4),
        people["teacher"],
        None,
        [people["trainee"].id],
    )
    mine = services.for_trainee(people["trainee"], "en")
    assert [m.title for m in mine] == ["Basics", "Basics quiz"]  # due soonest first
    assert not any(m.done or m.overdue for m in mine)
    for lesson in ("lesson-one", "lesson-two"):
        complete_lesson(people["trainee"].id, lesson)
    after = services.for_trainee(people["trainee"], "en")
    assert [(m.title, m.done) for m in after] == [("Basics quiz", False), ("Basics", True)]
    later = soon + timedelta(days=1)
    (module, quiz) = sorted(services.reports("en", now=later), key=lambda r: r.title)
    assert module.done == 1 and module.late == 1  # the colleague has not done it
    assert quiz.people[0].user.id == people["trainee"].id and len(quiz.people) == 1
    assert services.overdue_by_team(now=later) == {"热线一组": 1}


@pytest.mark.parametrize(
    ("kind", "target", "days", "team", "message"),
    [
        (Kind.LESSON, "no-such-lesson", 3, True, "exists"),
        (Kind.LESSON, "lesson-one", -1, True, "future"),
        (Kind.LESSON, "lesson-one", 3, False, "team or to at least one trainee"),
    ],
)
def test_bad_assignments_are_refused(
    people: dict, kind: Kind, target: str, days: int, team: bool, message: str
) -> None:
    with pytest.raises(services.AssignmentError, match=message):
        services.create(
            kind,
            target,
            utcnow() + timedelta(days=days),
            people["teacher"],
            people["team"].id if team else None,
            [],
        )


def test_the_page_is_for_instructors(people: dict, client: FlaskClient) -> None:
    login(client, "trainee@example.com")
    assert client.get("/assignments/").status_code == 403
    client.post("/logout")
    login(client, "teacher@example.com")
    due = (utcnow() + timedelta(days=5)).date().isoformat()
    response = client.post(
        "/assignments/?lang=en",
        data={"what": "lesson:lesson-one", "team": people["team"].id, "due": due},
    )
    assert response.status_code == 302
    page = client.get("/assignments/?lang=en")
    assert "Lesson one" in page.text and "0 of 2 done" in page.text
    client.post("/logout")
    login(client, "trainee@example.com")
    assert "Lesson one" in client.get("/?lang=en").text
