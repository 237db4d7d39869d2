"""Another trainee's objects, asked for by id: attempts, calls, certificates, API tokens.

Each is refused (404 for things whose existence is private, 403 where the role is wrong) and
nothing of the owner's shows in the answer.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_quiz, make_tree_with_scenario
from trainer.api import services as api
from trainer.certification.models import Certificate, Certification
from trainer.content_tree import load_tree, read_tree
from trainer.database import utcnow
from trainer.extensions import db

OWNER, INTRUDER = "owner@example.com", "intruder@example.com"


def _switch(client: FlaskClient, email: str) -> None:
    client.post("/logout")
    assert login(client, email).status_code == 302


def _started(client: FlaskClient, url: str, pattern: str) -> int:
    response = client.post(url)
    assert response.status_code == 302, response.text
    return int(re.search(pattern, response.headers["Location"]).group(1))  # type: ignore[union-attr]


def test_an_attempt_of_another_trainee_is_not_theirs(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_tree(read_tree(make_tree_with_quiz(tmp_path)))
    owner = make_user(OWNER, name="甲某人")
    intruder = make_user(INTRUDER, name="乙某人")
    login(client, OWNER)
    attempt = _started(client, "/quizzes/basics-quiz/start", r"/attempt/(\d+)")
    client.post(f"/quizzes/attempt/{attempt}/submit")
    _switch(client, INTRUDER)
    for method, url in (
        ("GET", f"/quizzes/attempt/{attempt}"),
        ("GET", f"/quizzes/attempt/{attempt}/review"),
        ("POST", f"/quizzes/attempt/{attempt}/save"),
        ("POST", f"/quizzes/attempt/{attempt}/submit"),
    ):
        response = client.open(url, method=method, data={"q1": "a"})
        assert response.status_code == 404, (method, url)
        assert owner.display_name not in response.text
    token = api.create_token(owner, "owner")[1]
    intruder_token = api.create_token(intruder, "intruder")[1]
    db.session.commit()
    machine = app.test_client()  # no session cookie: the token alone says who is asking
    own = machine.get(f"/api/v1/attempts/{attempt}", headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200
    other = machine.get(
        f"/api/v1/attempts/{attempt}", headers={"Authorization": f"Bearer {intruder_token}"}
    )
    assert other.status_code == 404 and other.mimetype == "application/problem+json"


def test_a_call_of_another_trainee_is_not_theirs(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    make_user(OWNER)
    make_user(INTRUDER)
    login(client, OWNER)
    call = _started(client, "/roleplay/test-call/start", r"/session/(\d+)")
    _switch(client, INTRUDER)
    for method, url in (
        ("GET", f"/roleplay/session/{call}"),
        ("GET", f"/roleplay/session/{call}/debrief"),
        ("POST", f"/roleplay/session/{call}/turn"),
    ):
        response = client.open(url, method=method, data={"turn": "0", "text": "hello"})
        assert response.status_code == 404, (method, url)


def test_a_certificate_of_another_person_is_not_theirs(app: Flask, client: FlaskClient) -> None:
    owner = make_user(OWNER, name="甲某人")
    make_user(INTRUDER)
    db.session.add(
        Certification(
            id="c1",
            position=1,
            name_zh="证书",
            name_en="Certificate",
            description_zh="",
            description_en="",
            rules={"competencies": {}, "quizzes": {}, "roleplays": {}},
            valid_months=12,
            renew_within_days=30,
        )
    )
    db.session.flush()
    certificate = Certificate(
        code="ABCD1234",
        user_id=owner.id,
        certification_id="c1",
        expires_at=utcnow() + timedelta(days=300),
    )
    db.session.add(certificate)
    db.session.commit()
    login(client, INTRUDER)
    pdf = client.get(f"/certificates/{certificate.id}.pdf")
    assert pdf.status_code in (403, 404) and pdf.mimetype != "application/pdf"
    assert "甲某人" not in client.get("/certificates").text
    assert client.get(f"/profile/{owner.id}").status_code == 403
    assert client.get(f"/hr/person/{owner.id}").status_code == 403


def test_an_api_token_of_another_person_cannot_be_revoked(app: Flask, client: FlaskClient) -> None:
    owner = make_user(OWNER)
    make_user(INTRUDER)
    token, secret = api.create_token(owner, "owner's token")
    db.session.commit()
    login(client, INTRUDER)
    client.post("/account/api-tokens", data={"revoke": str(token.id)})
    assert "owner's token" not in client.get("/account/api-tokens").text
    assert api.user_for(secret) is not None
