"""The audit log: each listed action once, then its event is found; readable; append-only."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.certification.test_services import pass_quiz
from tests.conftest import PASSWORD, login, make_team, make_user
from tests.content_factory import make_full_tree
from trainer.api.services import create_token, revoke_token
from trainer.auth import audit
from trainer.auth import services as accounts
from trainer.auth.models import AuditEvent, Role
from trainer.certification import services as certification
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.quizzes import services as quizzes
from trainer.quizzes.models import Attempt


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "TRAINER_LOGIN_RATE_LIMIT": "3 per minute"}


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_each_listed_action_leaves_its_event(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_tree(read_tree(make_full_tree(tmp_path)))
    admin = make_user("admin@example.com", (Role.ADMIN,), name="管理员")
    hr = make_user("hr@example.com", (Role.HR,), name="人事")
    trainee = make_user(team=make_team("热线一组"))

    login(client, "hr@example.com")
    (signed_in,) = events("auth.sign_in")
    assert signed_in.actor_id == hr.id and signed_in.details["address"] == "127.0.0.1"
    client.post("/logout")
    client.post("/login", data={"email": "hr@example.com", "password": "wrong-password"})
    (failed,) = events("auth.sign_in_failed")
    assert failed.target == "hr@example.com" and failed.details["address"] == "127.0.0.1"
    for _ in range(4):  # the limit is 3 per minute per account: the fourth is refused
        client.post("/login", data={"email": "trainee@example.com", "password": "nope-nope"})
    (locked,) = events("auth.lockout")
    assert locked.target == "trainee@example.com" and locked.actor_id == trainee.id
    client.post("/login", data={"email": "trainee@example.com", "password": "nope-nope"})
    assert len(events("auth.lockout")) == 1  # one event per lock-out, not per refused attempt

    accounts.update_user(
        trainee,
        actor=admin,
        display_name=trainee.display_name,
        roles=["trainee", "instructor"],
        team=make_team("在线客服组"),
        active=True,
    )
    (changed,) = events("user.update")
    assert changed.details["roles"] == [["trainee"], ["instructor", "trainee"]]
    assert changed.details["team"] == ["热线一组", "在线客服组"]
    accounts.change_password(hr, PASSWORD, "another-horse-77")
    assert [e.actor_id for e in events("user.password")] == [hr.id]

    pass_quiz(trainee.id)  # an instructor grades the essay, the certificate is issued
    (graded,) = events("quiz.grade")
    assert graded.target == "trainee@example.com" and graded.details["old"] is None
    assert graded.details["new"] == "100.0 %"
    (issued,) = events("certificate.issue")
    assert issued.details["holder"] == "trainee@example.com"
    attempt = db.session.scalars(select(Attempt).where(Attempt.user_id == trainee.id)).one()
    essay = next(s for s in attempt.slots if s.question.type == "essay")
    quizzes.grade_essay(attempt, essay.position, admin.id, [1, 1], "重新评分")
    (regraded,) = events("quiz.regrade")
    assert regraded.details["old"] == "100.0 %" and regraded.details["new"] == "50.0 %"

    (certificate,) = certification.certificates_of(trainee.id)
    certification.revoke(certificate, admin, "资料有误")
    assert events("certificate.revoke")[0].details["reason"] == "资料有误"

    token, _secret = create_token(trainee, "报表")
    revoke_token(trainee, token.id)
    assert len(events("api_token.create")) == 1 and len(events("api_token.revoke")) == 1

    elsewhere = {"REMOTE_ADDR": "10.0.0.2"}  # 127.0.0.1 has used up its sign-in allowance
    client.post(
        "/login",
        data={"email": "hr@example.com", "password": "another-horse-77"},
        environ_base=elsewhere,
    )
    assert events("auth.sign_in")[-1].details["address"] == "10.0.0.2"
    client.get("/hr/export.csv?team=1")
    client.get("/hr/export.xlsx")
    exports = events("export.personal_data")
    assert [e.target for e in exports] == ["certifications.csv", "certifications.xlsx"]
    assert exports[0].details["filters"] == {"team_id": 1} and exports[0].actor_id == hr.id


def test_grading_a_roleplay_and_publishing_are_audited(app: Flask, tmp_path: Path) -> None:
    from tests.content_factory import REAL_CONTENT
    from tests.roleplay.test_services import STRONG, play
    from trainer.phrases import load_phrase_book
    from trainer.roleplay import services as roleplay

    load_tree(read_tree(make_full_tree(tmp_path)))
    user = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    session = roleplay.start_session(roleplay.get_scenario("test-call"), user.id)
    play(session, [0, 0, STRONG, 0, 0], load_phrase_book(REAL_CONTENT, []))
    roleplay.grade_turn(session, 3, teacher.id, {"empathy": 3, "language": 2}, "")
    roleplay.grade_turn(session, 3, teacher.id, {"empathy": 2, "language": 2}, "")
    (graded,) = events("roleplay.grade")
    (regraded,) = events("roleplay.regrade")
    assert graded.details["new"] == {"empathy": 3, "language": 2}
    assert regraded.details["old"] == {"empathy": 3, "language": 2}
    assert regraded.details["new"] == {"empathy": 2, "language": 2}

    from trainer.authoring import services as authoring

    files = authoring.editing("lesson-one").files
    changed = {lang: text.replace("Lesson one", "Uno") for lang, text in files.items()}
    authoring.publish("lesson-one", changed, 1, teacher)
    assert [e.target for e in events("lesson.publish")] == ["lesson-one"]


def test_admin_page_filters_pages_reads_well_and_exports(app: Flask, client: FlaskClient) -> None:
    admin = make_user("admin@example.com", (Role.ADMIN,), name="管理员")
    trainee = make_user(name="王小雨")
    accounts.update_user(
        trainee,
        actor=admin,
        display_name='=HYPERLINK("http://x","y")',
        roles=["trainee", "hr"],
        team=None,
        active=True,
    )
    for i in range(audit.PAGE_SIZE + 5):
        accounts.audit(None, "team.create", f"组{i}")
    db.session.commit()
    login(client, "admin@example.com")

    page = client.get("/admin/audit?lang=zh&event=user.update")
    assert page.status_code == 200
    assert "账户" in page.text or "帐户" in page.text  # the event's name, not its code
    assert "\\u" not in page.text and "王小雨" in page.text and "学员 → 人力资源, 学员" in page.text
    english = client.get("/admin/audit?lang=en&q=Account+changed")
    assert "Account changed" in english.text and "Trainee → HR, Trainee" in english.text
    assert "team.create" not in english.text.split("<tbody>")[1]

    everything = client.get("/admin/audit?lang=en")
    assert "Page 1 of 2" in everything.text
    assert client.get("/admin/audit?lang=en&page=2").status_code == 200
    by_person = client.get("/admin/audit?lang=en&q=trainee%40example.com")
    assert by_person.text.count('data-action="user.update"') == 1
    assert 'data-action="team.create"' not in by_person.text
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    later = client.get(f"/admin/audit?lang=en&from={tomorrow}")
    assert "Nothing matches." in later.text
    odd = client.get("/admin/audit?lang=en&from=yesterday&event=nope&page=-4")
    assert odd.status_code == 200 and "YYYY-MM-DD" in odd.text and "Unknown event" in odd.text

    exported = client.get("/admin/audit.csv?lang=en&event=user.update")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    (row,) = rows
    assert row["event"].startswith("Account changed") and row["actor"] == "管理员"
    assert not row["details"].startswith("=")
    assert "Roles: Trainee → HR, Trainee" in row["details"]
    assert events("export.personal_data")[-1].target == "audit-log.csv"
    make_user("hr@example.com", (Role.HR,))
    client.post("/logout")
    login(client, "hr@example.com")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_the_log_is_append_only(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule or "audit" in rule.endpoint:
            assert set(rule.methods or ()) <= {"GET", "HEAD", "OPTIONS"}, rule
    accounts.audit(None, "team.create", "甲组")
    db.session.commit()
    event = db.session.scalars(select(AuditEvent)).one()
    event.target = "乙组"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditEvent)).one())
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent.target)).all() == ["甲组"]
