"""Forms with no CSRF token, another session's token or a forged one change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, csrf_token_from, make_user
from trainer.auth.models import Role


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True}


def test_a_form_without_or_with_another_sessions_token_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    make_user("admin@example.com", roles=(Role.ADMIN,))
    other = app.test_client()
    foreign = csrf_token_from(other.get("/login").text)
    page = client.get("/login")
    assert page.status_code == 200
    for token in (None, foreign, "forged"):
        data = {"email": "admin@example.com", "password": PASSWORD}
        if token:
            data["csrf_token"] = token
        response = client.post("/login", data=data)
        assert response.status_code in (200, 400), token
        assert client.get("/admin/").status_code == 302  # still signed out
    own = csrf_token_from(client.get("/login").text)
    signed = client.post(
        "/login",
        data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": own},
    )
    assert signed.status_code == 302
    # Signed in, a state-changing form with a foreign token is refused too.
    response = client.post("/admin/teams", data={"name": "新组", "csrf_token": foreign})
    assert response.status_code in (200, 400)
    assert "新组" not in client.get("/admin/teams").text
