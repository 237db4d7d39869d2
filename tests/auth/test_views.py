"""Signing in and out, account pages and administration: wiring, permissions, status codes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, csrf_token_from, login, make_app, make_user
from trainer.auth import services as accounts
from trainer.auth.models import Role
from trainer.extensions import db


def test_login_page_has_the_contract_fields(client: FlaskClient) -> None:
    page = client.get("/login").text
    for name in ('name="email"', 'name="password"'):
        assert name in page
    assert '<label for="email"' in page and '<label for="password"' in page


def test_trainee_signs_in_sees_home_and_signs_out(app: Flask, client: FlaskClient) -> None:
    make_user()
    response = login(client, "trainee@example.com")
    assert response.status_code == 302
    home = client.get("/?lang=en")
    assert "Welcome, 王小雨" in home.text
    assert "My learning" in home.text
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_is_refused_in_the_readers_language(app: Flask, client: FlaskClient) -> None:
    make_user()
    response = client.post(
        "/login?lang=zh", data={"email": "trainee@example.com", "password": "nope-nope"}
    )
    assert response.status_code == 401
    assert "电子邮箱或密码不正确" in response.text
    assert client.get("/").status_code == 302


def test_deactivated_account_gets_a_clear_message(app: Flask, client: FlaskClient) -> None:
    admin = make_user("admin@example.com", (Role.ADMIN,))
    user = make_user()
    accounts.update_user(
        user, actor=admin, display_name="x", roles=["trainee"], team=None, active=False
    )
    response = client.post(
        "/login?lang=en", data={"email": "trainee@example.com", "password": PASSWORD}
    )
    assert response.status_code == 401
    assert "deactivated" in response.text


def test_deactivating_signs_the_person_out(app: Flask, client: FlaskClient) -> None:
    admin = make_user("admin@example.com", (Role.ADMIN,))
    user = make_user()
    login(client, "trainee@example.com")
    assert client.get("/").status_code == 200
    accounts.update_user(
        user, actor=admin, display_name="x", roles=["trainee"], team=None, active=False
    )
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(app: Flask, client: FlaskClient) -> None:
    make_user()
    response = client.post(
        "/login?next=https://evil.example/steal",
        data={"email": "trainee@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/users/new", "/admin/teams", "/admin/import", "/admin/audit"]
)
def test_trainee_gets_403_on_admin_pages(app: Flask, client: FlaskClient, path: str) -> None:
    make_user()
    login(client, "trainee@example.com")
    response = client.get(path + "?lang=en")
    assert response.status_code == 403
    assert "Not allowed" in response.text


def test_anonymous_visitor_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_creates_edits_and_deactivates_a_user(app: Flask, client: FlaskClient) -> None:
    make_user("admin@example.com", (Role.ADMIN,), name="管理员")
    login(client, "admin@example.com")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.com",
            "display_name": "新人",
            "password": "long-enough-1",
            "roles": ["trainee"],
            "team": 0,
        },
    )
    assert response.status_code == 302
    user = accounts.find_user_by_email("new@example.com")
    assert user is not None and user.roles == {Role.TRAINEE}
    response = client.post(
        f"/admin/users/{user.id}",
        data={"display_name": "新人", "roles": ["trainee", "hr"], "team": 0},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.roles == {Role.TRAINEE, Role.HR}
    assert user.active is False  # the unchecked box deactivates
    assert "新人" in client.get("/admin/?q=new").text


def test_admin_form_errors_are_shown_not_raised(app: Flask, client: FlaskClient) -> None:
    make_user("admin@example.com", (Role.ADMIN,))
    login(client, "admin@example.com")
    response = client.post(
        "/admin/users/new?lang=en",
        data={
            "email": "admin@example.com",
            "display_name": "X",
            "password": "long-enough-1",
            "roles": ["trainee"],
            "team": 0,
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.text


def test_csv_upload_shows_a_per_row_report(app: Flask, client: FlaskClient) -> None:
    make_user("admin@example.com", (Role.ADMIN,))
    login(client, "admin@example.com")
    data = "email,display_name,roles\nok@example.com,好,trainee\nbad,坏,trainee\n".encode()
    response = client.post(
        "/admin/import?lang=en",
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "1 created, 1 rejected." in response.text
    assert "is not a valid email" in response.text


def test_user_changes_own_password(app: Flask, client: FlaskClient) -> None:
    make_user()
    login(client, "trainee@example.com")
    response = client.post(
        "/account",
        data={"pw-current": PASSWORD, "pw-new": "brand-new-pass", "pw-confirm": "brand-new-pass"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in on this device
    assert accounts.authenticate("trainee@example.com", "brand-new-pass")


class TestSecurity:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True}

    def test_post_without_csrf_token_is_refused(self, app: Flask, client: FlaskClient) -> None:
        make_user()
        response = client.post(
            "/login?lang=en", data={"email": "trainee@example.com", "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "The form has expired" in response.text

    def test_login_with_csrf_token_works(self, app: Flask, client: FlaskClient) -> None:
        make_user()
        token = csrf_token_from(client.get("/login").text)
        response = client.post(
            "/login",
            data={"email": "trainee@example.com", "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302

    def test_login_is_rate_limited_per_account(self, app: Flask, client: FlaskClient) -> None:
        make_user()
        token = csrf_token_from(client.get("/login").text)
        data = {"email": "trainee@example.com", "password": "wrong-guess", "csrf_token": token}
        statuses = [
            client.post(
                "/login?lang=en", data=data, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}
            ).status_code
            for i in range(11)
        ]
        assert statuses[:10] == [401] * 10
        assert statuses[10] == 429

    def test_login_is_rate_limited_per_address(self, app: Flask, client: FlaskClient) -> None:
        token = csrf_token_from(client.get("/login").text)
        responses = [
            client.post(
                "/login?lang=en",
                data={"email": f"u{i}@example.com", "password": "x", "csrf_token": token},
            )
            for i in range(11)
        ]
        assert responses[-1].status_code == 429
        assert "Too many attempts" in responses[-1].text


def test_session_cookie_is_secure_in_production(database_url: str) -> None:
    app = make_app(database_url, TESTING=False, TRAINER_ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
