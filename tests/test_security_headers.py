"""Every response carries the security headers; personal pages are not cached; no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_app, make_user
from trainer.auth.models import Role

TEMPLATES = sorted(
    (Path(__file__).resolve().parent.parent / "trainer").glob("**/templates/**/*.html")
)


def _policy(response: object) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    return {
        name: value.strip()
        for name, _, value in (part.strip().partition(" ") for part in header.split(";"))
        if name
    }


@pytest.mark.parametrize("path", ["/login", "/verify/NOSUCHCODE", "/healthz", "/nowhere"])
def test_public_pages_send_the_policy_and_its_friends(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    policy = _policy(response)
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_and_the_api_are_not_cached(client: FlaskClient) -> None:
    assert client.get("/login").headers.get("Cache-Control") != "no-store"
    make_user("hr@example.com", roles=(Role.HR,))
    login(client, "hr@example.com")
    for path in ("/", "/profile", "/hr/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client: FlaskClient) -> None:
    make_user()
    login(client, "trainee@example.com")
    response = client.get("/static/favicon.svg")
    response.close()
    assert response.headers.get("Cache-Control") != "no-store"


def test_hsts_only_in_production(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers
    production = make_app(
        f"sqlite:///{tmp_path / 'p.sqlite3'}", TESTING=False, TRAINER_ENV="production"
    )
    response = production.test_client().get("/healthz", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert production.config["SESSION_COOKIE_SECURE"] is True


_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_handler(template: Path) -> None:
    """The policy forbids them, so the page would silently lose them: keep them out."""
    source = template.read_text(encoding="utf-8")
    assert not _INLINE_SCRIPT.search(source) and not _HANDLER.search(source)


def test_the_template_check_catches_both() -> None:
    assert _INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not _INLINE_SCRIPT.search('<script src="/static/js/quiz.js" defer></script>')
    assert _HANDLER.search('<button onclick="go()">')
