"""The trainee's home: due work (overdue first), work in progress, the next lesson in course
order and the closest certification; bounded queries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import QueryCounter, login, make_user
from tests.content_factory import make_full_tree
from trainer.assignments.models import Kind
from trainer.assignments.services import create
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree
from trainer.database import utcnow
from trainer.home.services import trainee_plan
from trainer.lessons.services import complete_lesson
from trainer.quizzes.services import get_quiz, start_attempt
from trainer.roleplay.services import get_scenario, start_session


def _setup(tmp_path: Path) -> tuple[object, object]:
    load_tree(read_tree(make_full_tree(tmp_path)))
    trainee = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    return trainee, teacher


def test_plan_lists_due_work_in_progress_next_lesson_and_closest(
    app: Flask, client: FlaskClient, tmp_path: Path, english: None
) -> None:
    trainee, teacher = _setup(tmp_path)
    soon = utcnow() + timedelta(days=1)
    create(Kind.QUIZ, "basics-quiz", utcnow() + timedelta(days=5), teacher, None, [trainee.id])
    create(Kind.ROLEPLAY, "test-call", soon, teacher, None, [trainee.id])
    # Overdue: created as due soon, then the clock moves on.
    create(Kind.LESSON, "lesson-two", soon + timedelta(hours=1), teacher, None, [trainee.id])
    later = utcnow() + timedelta(days=3)
    plan = trainee_plan(trainee, "en", now=later)
    assert [a.title for a in plan.due] == ["Test call", "Lesson two", "Basics quiz"]
    assert [a.overdue for a in plan.due] == [True, True, False]

    login(client, "trainee@example.com")
    client.get("/lessons/lesson-two")  # viewed last, but lesson one comes first in the course
    attempt = start_attempt(get_quiz("basics-quiz"), trainee.id)
    session = start_session(get_scenario("test-call"), trainee.id)
    plan = trainee_plan(trainee, "en")
    assert plan.next_lesson is not None and plan.next_lesson.id == "lesson-one"
    assert [(i.kind, i.title, i.args) for i in plan.in_progress] == [
        ("quiz", "Basics quiz", {"attempt_id": attempt.id}),
        ("roleplay", "Test call", {"session_id": session.id}),
    ]
    assert plan.closest is not None and plan.closest.title == "Basics certificate"
    assert len(plan.closest.missing) == 2 and "Basics quiz" in plan.closest.missing[1]
    complete_lesson(trainee.id, "lesson-one")
    plan = trainee_plan(trainee, "en")
    assert plan.next_lesson is not None and plan.next_lesson.id == "lesson-two"
    assert plan.closest is not None and plan.closest.met == 1  # reading made listening Developing
    assert [a.title for a in plan.due] == ["Test call", "Lesson two", "Basics quiz"]


def test_home_page_shows_the_plan_with_resume_links(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    trainee, _teacher = _setup(tmp_path)
    session = start_session(get_scenario("test-call"), trainee.id)
    login(client, "trainee@example.com")
    page = client.get("/?lang=en").text
    assert f'href="/roleplay/session/{session.id}"' in page and "Resume" in page
    assert "Next lesson: Lesson one" in page and "Closest certification" in page
    assert "No assigned work is waiting." in page
    zh = client.get("/?lang=zh").text
    assert "继续" in zh and "下一课：第一课" in zh


def test_home_queries_do_not_grow_with_more_work(
    app: Flask, client: FlaskClient, tmp_path: Path, count_queries: QueryCounter
) -> None:
    trainee, teacher = _setup(tmp_path)
    soon = utcnow() + timedelta(days=1)
    create(Kind.LESSON, "lesson-one", soon, teacher, None, [trainee.id])
    create(Kind.QUIZ, "basics-quiz", soon, teacher, None, [trainee.id])
    create(Kind.ROLEPLAY, "test-call", soon, teacher, None, [trainee.id])
    start_attempt(get_quiz("basics-quiz"), trainee.id)
    login(client, "trainee@example.com")
    client.get("/")
    count_queries.count, count_queries.statements = 0, []
    client.get("/")
    few, before = count_queries.count, count_queries.statements
    for days in range(2, 12):
        target = "lesson-two" if days % 2 else "test-call"
        kind = Kind.LESSON if days % 2 else Kind.ROLEPLAY
        create(kind, target, utcnow() + timedelta(days=days), teacher, None, [trainee.id])
    start_session(get_scenario("test-call"), trainee.id)
    complete_lesson(trainee.id, "lesson-one")
    client.get("/lessons/lesson-two")
    count_queries.count, count_queries.statements = 0, []
    client.get("/")
    extra = [q for q in count_queries.statements if q not in before]
    assert count_queries.count == few, "\n".join(extra)
