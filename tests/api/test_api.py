"""The JSON API: bearer tokens made in the browser, the pages' role rules, problem+json errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_full_tree
from trainer.api.services import create_token, revoke_token
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree


@pytest.fixture
def token(app: Flask, tmp_path: Path) -> str:
    load_tree(read_tree(make_full_tree(tmp_path)))
    user = make_user()
    return create_token(user, "tests")[1]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_document_is_public(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").json
    assert doc is not None and doc["openapi"].startswith("3.") and "/lessons" in doc["paths"]


def test_a_token_reads_what_its_owner_may_see(token: str, client: FlaskClient) -> None:
    me = client.get("/api/v1/me", headers=auth(token)).json
    assert me is not None and me["email"] == "trainee@example.com" and me["roles"] == ["trainee"]
    course = client.get("/api/v1/lessons?lang=en", headers=auth(token)).json
    assert course is not None and course["modules"][0]["lessons"][0]["title"] == "Lesson one"
    lesson = client.get("/api/v1/lessons/lesson-one", headers=auth(token)).json
    assert lesson is not None and "<h2>" in lesson["body_html"]
    assert (
        client.get("/api/v1/quizzes", headers=auth(token)).json["quizzes"][0]["id"] == "basics-quiz"
    )  # type: ignore[index]
    assert client.get("/api/v1/profile", headers=auth(token)).status_code == 200
    assert client.get("/api/v1/certificates", headers=auth(token)).status_code == 200
    forbidden = client.get("/api/v1/hr/certifications", headers=auth(token))
    assert forbidden.status_code == 403 and forbidden.mimetype == "application/problem+json"
    missing = client.get("/api/v1/lessons/nope", headers=auth(token))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


@pytest.mark.parametrize("header", [None, "Bearer st_nonsense", "Basic abc", "Bearer " + "x" * 500])
def test_no_or_bad_token_is_401_problem_json(
    token: str, client: FlaskClient, header: str | None
) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_revoked_token_stops_working_and_hr_sees_the_matrix(
    token: str, app: Flask, client: FlaskClient
) -> None:
    from trainer.auth.services import find_user_by_email

    owner = find_user_by_email("trainee@example.com")
    assert owner is not None
    revoke_token(owner, 1)
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401
    hr = make_user("hr@example.com", (Role.HR,))
    hr_token = create_token(hr, "hr")[1]
    matrix = client.get("/api/v1/hr/certifications", headers=auth(hr_token)).json
    assert matrix is not None and matrix["total"] == 1 and matrix["people"][0]["certifications"]
    assert (
        client.get("/api/v1/hr/certifications?status=nope", headers=auth(hr_token)).status_code
        == 400
    )


def test_tokens_are_made_in_the_browser_and_shown_once(token: str, client: FlaskClient) -> None:
    login(client, "trainee@example.com")
    page = client.post("/account/api-tokens?lang=en", data={"name": "my script"})
    secret = re.search(r'<code class="secret">(st_[^<]+)</code>', page.text)
    assert secret is not None
    assert client.get("/api/v1/me", headers=auth(secret.group(1))).status_code == 200
    assert secret.group(1) not in client.get("/account/api-tokens").text
