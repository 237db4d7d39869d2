"""Statements from the services, without HTTP: what is said for each activity, voiding on a
regrade, certificates, and every statement valid by ralph's xAPI 1.0.3 models."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import make_user
from tests.xapi.activity import produce_activity
from trainer.auth.models import Role
from trainer.certification import services as certification
from trainer.database import utcnow
from trainer.extensions import db
from trainer.xapi import services as xapi
from trainer.xapi.models import XapiStatement

pytestmark = pytest.mark.usefixtures("english")
ADL = "http://adlnet.gov/expapi/verbs/"


def all_rows() -> list[XapiStatement]:
    return list(db.session.scalars(select(XapiStatement).order_by(XapiStatement.id)))


def test_activity_becomes_statements_and_a_regrade_voids(app: Flask, tmp_path: Path) -> None:
    trainee = produce_activity(tmp_path)
    rows = all_rows()
    verbs = [r.verb.removeprefix(ADL) for r in rows]
    assert verbs[0] == "completed" and verbs[1] == "attempted"
    lesson = rows[0].body
    assert lesson["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:trainee@example.com",
        "name": "王小明",
    }
    assert lesson["object"]["id"] == "http://localhost:5000/lessons/lesson-one"
    assert set(lesson["object"]["definition"]["name"]) == {"zh-CN", "en-US"}
    assert lesson["verb"]["display"]["zh-CN"] and lesson["result"]["duration"].startswith("PT")
    answered = [r for r in rows if r.verb == ADL + "answered"]
    assert len(answered) == 8 + 1  # eight questions, then the regraded essay said again
    # The first grade finished the attempt (15 of 16, passed); the regrade made it 12 of 16:
    # the old essay and attempt statements are voided, each by a voiding statement.
    results = [r for r in rows if r.subject == "attempt:1"]
    assert [r.verb.removeprefix(ADL) for r in results] == ["passed", "voided", "passed"]
    first, voiding, second = results
    assert first.voided_by == voiding.statement_id and second.voided_by is None
    assert voiding.body["object"] == {"objectType": "StatementRef", "id": first.statement_id}
    assert first.body["result"]["score"]["scaled"] == 0.9375
    assert second.body["result"]["score"] == {"scaled": 0.75, "raw": 12, "min": 0, "max": 16}
    assert second.body["result"]["success"] is True
    assert second.body["context"]["registration"] == first.body["context"]["registration"]
    call = next(r for r in rows if r.subject == "roleplay:1")
    assert call.verb == ADL + "passed" and call.body["result"]["score"]["scaled"] == 1.0
    assert call.body["object"]["id"] == "http://localhost:5000/roleplay/test-call"
    assert all(r.user_id == trainee.id and r.sent_at is None for r in rows)
    assert len({r.statement_id for r in rows}) == len(rows)


def test_every_statement_passes_ralphs_xapi_models(app: Flask, tmp_path: Path) -> None:
    from ralph.models.xapi.base.statements import BaseXapiStatement

    produce_activity(tmp_path)
    rows = all_rows()
    assert rows
    for row in rows:
        BaseXapiStatement.model_validate(row.body)  # raises on any broken rule


def test_certificates_earned_revoked_and_expired_are_said_once(app: Flask, tmp_path: Path) -> None:
    from trainer.certification.models import Certificate, Certification

    produce_activity(tmp_path)
    trainee_id = db.session.scalar(select(XapiStatement.user_id).limit(1))
    assert trainee_id is not None
    cert = db.session.get(Certification, "basics")
    assert cert is not None
    now = utcnow()
    for code, expires in (("CODE-ONE", now + timedelta(days=30)), ("CODE-TWO", now)):
        db.session.add(
            Certificate(
                code=code,
                user_id=trainee_id,
                certification_id="basics",
                issued_at=now - timedelta(days=365),
                expires_at=expires,
            )
        )
    db.session.commit()
    admin = make_user("admin@example.com", (Role.ADMIN,), name="Admin")
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == "CODE-ONE"))
    assert certificate is not None
    certification.revoke(certificate, admin, "copied answers")
    assert certification.record_expiries(now + timedelta(seconds=1)) >= 1
    assert certification.record_expiries(now + timedelta(seconds=1)) == 0  # once only
    revoked = db.session.scalars(
        select(XapiStatement).where(XapiStatement.subject == "certificate:CODE-ONE:revoked")
    ).all()
    expired = db.session.scalars(
        select(XapiStatement).where(XapiStatement.subject == "certificate:CODE-TWO:expired")
    ).all()
    assert len(revoked) == 1 and revoked[0].verb == "http://localhost:5000/xapi/verbs/revoked"
    assert len(expired) == 1 and expired[0].body["object"]["definition"]["name"] == {
        "zh-CN": "基础认证",
        "en-US": "Basics certificate",
    }
    # The revoked certificate is not said to expire later.
    assert certification.record_expiries(now + timedelta(days=60)) == 0


def test_durations_are_iso_8601() -> None:
    assert xapi.iso_duration(0) == "PT0S"
    assert xapi.iso_duration(75.5) == "PT1M15.5S"
    assert xapi.iso_duration(3600 * 2 + 3) == "PT2H3S"


def test_the_worker_command_needs_an_lrs_and_records_a_failed_pass(
    app: Flask, tmp_path: Path
) -> None:
    import socket

    from trainer.cli import xapi_worker_command

    produce_activity(tmp_path)
    runner = app.test_cli_runner()
    refused = runner.invoke(xapi_worker_command, ["--once"])
    assert refused.exit_code != 0 and "TRAINER_XAPI_ENDPOINT" in refused.output
    with socket.socket() as s:  # a loopback port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.config.update(
        TRAINER_XAPI_ENDPOINT=f"http://127.0.0.1:{port}/xAPI/",
        TRAINER_XAPI_USERNAME="u",
        TRAINER_XAPI_PASSWORD="p",
    )
    total = len(all_rows())
    result = runner.invoke(xapi_worker_command, ["--once"])
    assert result.exit_code == 0, result.output
    assert "0 sent" in result.output and f"{total} pending" in result.output
    assert "unreachable" in result.output
