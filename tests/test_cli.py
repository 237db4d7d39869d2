"""The `trainer` command: demo accounts, user creation and stats."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from trainer.auth import services as accounts
from trainer.auth.models import Role


def test_demo_is_idempotent_and_makes_five_accounts(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert accounts.count_users() == 5 + 5  # the five demo accounts and five colleagues
    for email, role in [
        ("trainee@example.com", Role.TRAINEE),
        ("instructor@example.com", Role.INSTRUCTOR),
        ("hr@example.com", Role.HR),
        ("admin@example.com", Role.ADMIN),
        ("qa@example.com", Role.QA),
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
    assert data["users"] == 10


def test_gift_import_and_export_commands(app: Flask, tmp_path: Path) -> None:
    source = tmp_path / "in.gift.txt"
    source.write_text("::Q1::先做什么？{=倾听 ~解释}\n\n::坏::{=a\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-gift", str(source), "--bank", "imported"])
    # One refused question: the command fails, says where and why, and imports nothing.
    assert result.exit_code == 1, result.output
    assert f"{source}:3: the answer block is not closed" in result.output
    assert "Refused 1 question(s); nothing was imported" in result.output
    assert runner.invoke(args=["export-gift", "--bank", "imported"]).exit_code != 0
    source.write_text("::Q1::先做什么？{=倾听 ~解释}\n", encoding="utf-8")
    result = runner.invoke(args=["import-gift", str(source), "--bank", "imported"])
    assert result.exit_code == 0, result.output
    assert "Imported 1 question(s)" in result.output
    target = tmp_path / "out.gift.txt"
    result = runner.invoke(args=["export-gift", "--bank", "imported", "--output", str(target)])
    assert result.exit_code == 0, result.output
    exported = target.read_text(encoding="utf-8")
    assert "::Q1::先做什么？" in exported and "$CATEGORY: imported" in exported
    missing = runner.invoke(args=["export-gift", "--bank", "nope"])
    assert missing.exit_code != 0 and "There is no bank" in missing.output


def test_import_gift_reads_bom_and_gbk_and_refuses_unknown_bytes(
    app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    bom = tmp_path / "bom.gift.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + "::名字::先倾听吗？{T}\n".encode())
    result = runner.invoke(args=["import-gift", str(bom), "--bank", "bom"])
    assert result.exit_code == 0, result.output
    gbk = tmp_path / "gbk.gift.txt"
    gbk.write_bytes("::名字::先倾听吗？{T}\n\n::二::再道歉吗？{F}\n".encode("gbk"))
    refused = runner.invoke(args=["import-gift", str(gbk), "--bank", "gbk"])
    assert refused.exit_code == 1
    assert f"{gbk}:1: the file is not utf-8 text" in refused.output
    assert "--encoding gbk" in refused.output
    result = runner.invoke(args=["import-gift", str(gbk), "--bank", "gbk", "--encoding", "gbk"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 question(s)" in result.output
    out = runner.invoke(args=["export-gift", "--bank", "gbk"])
    assert "::名字::[moodle]" not in out.output and "::名字::先倾听吗？{TRUE}" in out.output


def test_import_gift_keeps_names_and_refuses_a_non_number(app: Flask, tmp_path: Path) -> None:
    from trainer.extensions import db
    from trainer.quizzes.models import Question

    runner = app.test_cli_runner()
    source = tmp_path / "n.gift.txt"
    source.write_text("::好名字::先倾听吗？{T}\n\n::数::几次？{#三}\n", encoding="utf-8")
    result = runner.invoke(args=["import-gift", str(source), "--bank", "nums"])
    assert result.exit_code == 1
    assert f"{source}:3: “三” is not a number" in result.output
    with app.app_context():
        assert db.session.scalars(db.select(Question)).all() == []
    source.write_text("::好名字::先倾听吗？{T}\n", encoding="utf-8")
    assert runner.invoke(args=["import-gift", str(source), "--bank", "nums"]).exit_code == 0
    with app.app_context():
        [question] = db.session.scalars(db.select(Question)).all()
        assert question.data["name"] == "好名字"


def test_check_content_reports_problems_and_exits_1(app: Flask, tmp_path: Path) -> None:
    from tests.content_factory import make_tree

    root = make_tree(tmp_path)
    (root / "course.yml").write_text("id: x\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["check-content", str(root)])
    assert result.exit_code == 1
    assert f"{root / 'course.yml'}:1: missing key “title”" in result.output
