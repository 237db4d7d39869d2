"""Sessions end when they should: a cookie copied before sign-out (session or remember-me) opens
nothing afterwards; a password change ends the other sessions; sign-in starts a new session;
and the sign-in answer takes as long for an unknown email as for a real one."""

from __future__ import annotations

import contextlib
import statistics
import time

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, make_user
from trainer.auth import services as accounts
from trainer.extensions import db

REMEMBER = "remember_token"


def _sign_in(client: FlaskClient, email: str = "trainee@example.com") -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302


def _cookies(client: FlaskClient) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def _with_cookies(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    thief = app.test_client()
    for key, value in cookies.items():
        thief.set_cookie(key, value)
    return thief


def test_cookies_copied_before_sign_out_open_nothing_after_it(
    app: Flask, client: FlaskClient
) -> None:
    make_user()
    _sign_in(client)
    copied = _cookies(client)
    assert "session" in copied and REMEMBER in copied
    assert _with_cookies(app, copied).get("/profile").status_code == 200  # the copy works now
    client.post("/logout")
    assert REMEMBER not in _cookies(client)  # the browser is told to forget it
    for name in ("session", REMEMBER):
        only = _with_cookies(app, {name: copied[name]})
        response = only.get("/profile")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_change_ends_every_other_session(app: Flask, client: FlaskClient) -> None:
    user = make_user()
    _sign_in(client)
    other = app.test_client()
    _sign_in(other)
    accounts.change_password(db.session.merge(user), PASSWORD, "a-much-longer-pass-77")
    assert other.get("/profile").status_code == 302


def test_sign_in_starts_a_new_session(app: Flask, client: FlaskClient) -> None:
    make_user()
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    _sign_in(client)
    with client.session_transaction() as current:
        assert "planted" not in current


def test_unknown_and_known_emails_take_the_same_time_to_refuse(app: Flask) -> None:
    make_user()
    times: dict[str, list[float]] = {"trainee@example.com": [], "nobody@example.com": []}
    for _ in range(9):
        for email, seen in times.items():  # interleaved, so machine load hits both alike
            started = time.perf_counter()
            with contextlib.suppress(accounts.AccountError):
                accounts.authenticate(email, "wrong-password-1")
            seen.append(time.perf_counter() - started)
    known = statistics.median(times["trainee@example.com"])
    unknown = statistics.median(times["nobody@example.com"])
    # Both pay for one password hash; before, the unknown email answered 16 times faster.
    assert unknown > known / 2


def test_common_and_personal_passwords_are_refused(app: Flask, english: None) -> None:
    import pytest

    for weak in ("password1", "qwertyuiop", "12345678", "wangxiaoyu2024"):
        with pytest.raises(accounts.AccountError, match="too easy to guess"):
            make_user(f"{weak}@example.com", name="王小雨", password=weak)
    with pytest.raises(accounts.AccountError, match="too easy to guess"):
        make_user("wangxiaoyu@example.com", name="Wang Xiaoyu", password="wangxiaoyu")
    assert make_user("ok@example.com", password="another-horse-77").email == "ok@example.com"


def test_a_session_ends_after_the_idle_and_the_absolute_lifetimes(
    app: Flask, client: FlaskClient
) -> None:
    import pytest
    from itsdangerous import TimestampSigner

    make_user()
    client.post("/login", data={"email": "trainee@example.com", "password": PASSWORD})
    assert client.get("/profile").status_code == 200
    # Absolute: twelve hours after sign-in the session ends, however busy it has been.
    with client.session_transaction() as current:
        current["signed_in_at"] -= 12 * 3600 + 1
    ended = client.get("/profile")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert client.get("/profile").status_code == 302
    # Idle: a cookie not used for longer than the idle lifetime is refused by the server.
    client.post("/login", data={"email": "trainee@example.com", "password": PASSWORD})
    assert client.get("/profile").status_code == 200
    later = int(time.time()) + app.config["PERMANENT_SESSION_LIFETIME"].seconds + 60
    patch = pytest.MonkeyPatch()
    patch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    try:
        assert client.get("/profile").status_code == 302
    finally:
        patch.undo()
