"""Browser tests: the real site served on localhost, driven in Debian's Chromium by Playwright.

Chromium comes from the system (`/usr/bin/chromium` or CHROMIUM_PATH), never from
`playwright install`. Without it these tests skip with a reason, unless REQUIRE_BROWSER=1, where a
missing browser is a failure. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import make_app
from trainer.certification.models import Certification, Status
from trainer.competency.models import Competency, SourceKind
from trainer.extensions import db
from trainer.lessons.models import Lesson, Module
from trainer.quizzes.models import AttemptState, FeedbackMode, Question, QuestionBank, Quiz
from trainer.roleplay.models import Scenario, SessionState

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_app(live_server: str) -> Flask:
    """The application behind the live server, for setting up state through its services."""
    return _APPS[live_server]


_APPS: dict[str, Flask] = {}


def _closing(app: Flask) -> Any:
    """Close every response body even when the browser drops the connection mid-response.

    Werkzeug's development server skips `close()` on a dropped connection, so a static file
    the browser stopped waiting for (a favicon on navigation) stays open and the suite's
    warnings-as-errors fails a test that did nothing wrong.
    """

    def application(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return application


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole site with the shipped content and the demo accounts, on a free port."""
    path = tmp_path_factory.mktemp("live") / "site.sqlite3"
    app = make_app(
        f"sqlite:///{path}", WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, SERVER_NAME=None
    )
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["load-content"], ["demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, _closing(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    _APPS[url] = app
    yield url
    server.shutdown()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Every browser test also proves the pages work under the Content-Security-Policy.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == [], f"the page broke its Content-Security-Policy: {violations}"


# Enum values and content ids that a person should never read: each is shown through a label.
_ENUMS: tuple[type[StrEnum], ...] = (AttemptState, SessionState, Status, SourceKind, FeedbackMode)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+")
# Ids that are also ordinary words, which the glossary and English pages use as words.
_WORDS = frozenset({"de-escalation"})


def content_ids(app: Flask) -> frozenset[str]:
    """Every id with a separator in it (`in_progress`, `crm-overview-q3`): the ones no word is."""
    ids: set[str] = {str(value) for enum in _ENUMS for value in enum}
    with app.app_context():
        for column in (
            Competency.id, Lesson.id, Module.id, Quiz.slug, QuestionBank.slug, Question.key,
            Scenario.key, Certification.id,
        ):  # fmt: skip
            ids.update(db.session.scalars(select(column)))
        for data in db.session.scalars(select(Scenario.data)):
            ids.update(_ids_in(data))
    return frozenset(i for i in ids if _TOKEN.fullmatch(i) and i not in _WORDS)


def _ids_in(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            yield data["id"]
        for value in data.values():
            yield from _ids_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from _ids_in(value)


def raw_ids_shown(page: Any, ids: frozenset[str], lang: str) -> list[str]:
    """The ids in the page's visible text, where a label should have been.

    English prose writes many ids as ordinary compounds ("emotional self-regulation"), so on
    English pages only the ids no prose has are looked for: with a digit or an underscore.
    """
    text = page.evaluate("() => document.body.innerText")
    found = {token for token in _TOKEN.findall(text) if token in ids}
    if lang == "en":
        found = {token for token in found if "_" in token or any(c.isdigit() for c in token)}
    return sorted(found)


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def sign_in(page: Any, email: str, password: str = "trainer-demo") -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
