"""Calibration: a second instructor grades the same written answer blind; the comparison flags
gaps larger than one point and agreement is summed per grader."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_full_tree
from tests.quizzes.test_services import answers_for
from trainer.auth.models import Role
from trainer.calibration import services
from trainer.content_tree import load_tree, read_tree
from trainer.quizzes import services as quizzes


@pytest.fixture
def graded_essay(app: Flask, tmp_path: Path) -> tuple[int, int]:
    load_tree(read_tree(make_full_tree(tmp_path)))
    trainee = make_user()
    first = make_user("first@example.com", (Role.INSTRUCTOR,), name="李老师")
    make_user("second@example.com", (Role.INSTRUCTOR,), name="王老师")
    attempt = quizzes.start_attempt(quizzes.get_quiz("basics-quiz"), trainee.id)
    quizzes.save_answers(attempt, answers_for(attempt))
    quizzes.submit_attempt(attempt)
    essay = next(s for s in attempt.slots if s.question.type == "essay")
    quizzes.grade_essay(attempt, essay.position, first.id, [2, 0], "")
    return attempt.id, essay.position


def test_blind_second_grade_and_comparison(
    graded_essay: tuple[int, int], client: FlaskClient
) -> None:
    attempt_id, position = graded_essay
    login(client, "first@example.com")
    page = client.get(f"/calibration/new?kind=essay&item={attempt_id}&part={position}&lang=en")
    assert page.status_code == 200 and "王老师" in page.text
    from trainer.auth.services import find_user_by_email

    second = find_user_by_email("second@example.com")
    assert second is not None
    client.post(
        "/calibration/new",
        data={"kind": "essay", "item": attempt_id, "part": position, "second": second.id},
    )
    assert client.get("/calibration/1").status_code == 403  # not even the asker sees it yet
    client.post("/logout")
    login(client, "second@example.com")
    blind = client.get("/calibration/1?lang=en")
    assert "The first grade is hidden" in blind.text and "First grade" not in blind.text
    client.post("/calibration/1", data={"score-0": "2", "score-1": "2", "comment": "方案可以"})
    result = client.get("/calibration/1?lang=en")
    assert "discuss" in result.text  # 0 against 2 on the second criterion
    agreement = {a.grader: a for a in services.agreement()}
    assert agreement["李老师"].exact == 0.5 and agreement["王老师"].mean_gap == 1.0
    assert "50%" in client.get("/calibration/?lang=en").text
    # Both steps are in the audit log, the blind grade with both sets of scores.
    from sqlalchemy import select

    from trainer.auth.models import AuditEvent
    from trainer.extensions import db

    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("calibration.%"))
    ).all()
    assert sorted(actions) == ["calibration.grade", "calibration.request"]


def test_calibration_is_for_instructors_and_checks_input(
    graded_essay: tuple[int, int], client: FlaskClient
) -> None:
    login(client, "trainee@example.com")
    assert client.get("/calibration/").status_code == 403
    client.post("/logout")
    login(client, "first@example.com")
    wrong = client.post(
        "/calibration/new?lang=en",
        data={"kind": "essay", "item": 999, "part": 1},
        follow_redirects=True,
    )
    assert "Only a graded written answer can be calibrated" in wrong.text
