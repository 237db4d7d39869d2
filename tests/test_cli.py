"""The `trainer` command: demo accounts, user creation and stats."""

from __future__ import annotations

import json

from flask import Flask

from trainer.auth import services as accounts
from trainer.auth.models import Role


def test_demo_is_idempotent_and_makes_four_accounts(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert accounts.count_users() == 4
    for email, role in [
        ("trainee@example.com", Role.TRAINEE),
        ("instructor@example.com", Role.INSTRUCTOR),
        ("hr@example.com", Role.HR),
        ("admin@example.com", Role.ADMIN),
    ]:
        user = accounts.authenticate(email, "trainer-demo")
        assert role in user.roles
    trainee = accounts.find_user_by_email("trainee@example.com")
    assert trainee is not None and trainee.team is not None


def test_create_user_with_team_and_generated_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "li@example.com", "--role", "instructor", "--team", "热线二组"]
    )
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[-1]
    user = accounts.authenticate("li@example.com", password)
    assert user.roles == {Role.INSTRUCTOR}
    assert user.team is not None and user.team.name == "热线二组"


def test_create_user_reports_a_bad_role_without_a_traceback(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["create-user", "x@example.com", "--role", "boss"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert accounts.count_users() == 0


def test_stats_json_has_the_documented_shape(app: Flask) -> None:
    app.test_cli_runner().invoke(args=["demo"])
    result = app.test_cli_runner().invoke(args=["stats", "--json"])
    data = json.loads(result.output)
    assert set(data) == {
        "lessons",
        "questions",
        "quizzes",
        "scenarios",
        "certifications",
        "competencies",
        "users",
    }
    assert set(data["lessons"]) == {"zh", "en"}
    assert set(data["questions"]) == {"total", "by_type"}
    assert data["users"] == 4
