"""Fixtures: an app per test on each configured database, a client, and plain factories.

Every test that uses `app` runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from trainer import create_app
from trainer.auth import services as accounts
from trainer.auth.models import Role, Team, User
from trainer.config import normalise_database_url
from trainer.extensions import db

PASSWORD = "correct-horse-9"
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]

_pg_schema_ready = False


def _reset_postgres_schema(url: str) -> None:
    """Start the PostgreSQL run from an empty public schema (left-overs of earlier runs go)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    global _pg_schema_ready
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    assert PG_URL
    url = normalise_database_url(PG_URL)
    if not _pg_schema_ready:
        _reset_postgres_schema(url)
        _pg_schema_ready = True
    return url


class IsolatedClient(FlaskClient):
    """Each request gets its own application context, as in a real server.

    The `app` fixture keeps a context open for the test's own service calls; without this, every
    request would share that context's `g` (the cached locale, the loaded user) and its session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change settings for its `app`."""
    return {}


@pytest.fixture
def app(database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = make_app(database_url, **app_config)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        if database_url.startswith("postgresql"):
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    """Service messages in English (their Chinese is covered by the catalogue tests)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def make_team(name: str = "热线一组") -> Team:
    team = accounts.get_or_create_team(name)
    db.session.commit()
    return team


def make_user(
    email: str = "trainee@example.com",
    roles: tuple[Role, ...] = (Role.TRAINEE,),
    team: Team | None = None,
    name: str = "王小雨",
    password: str = PASSWORD,
) -> User:
    return accounts.create_user(email, name, password, list(roles), team=team)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"email": email, "password": password})


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


class QueryCounter:
    """Counts the SQL statements the application sends while active."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    from sqlalchemy import event

    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


@pytest.fixture
def real_course(app: Flask) -> None:
    """The shipped content/ tree, loaded."""
    from tests.content_factory import REAL_CONTENT
    from trainer.lessons.loader import read_course
    from trainer.lessons.services import load_course

    load_course(read_course(REAL_CONTENT))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many tests ran on each database and in the browser, so CI shows they ran."""
    passed = terminalreporter.stats.get("passed", [])
    skipped = terminalreporter.stats.get("skipped", [])
    postgres = sum(1 for r in passed if "postgresql" in r.nodeid)
    sqlite = sum(1 for r in passed if "sqlite" in r.nodeid)
    browser = sum(1 for r in passed if "tests/browser/" in r.nodeid)
    terminalreporter.write_sep("-", "suites")
    terminalreporter.write_line(f"SQLite tests passed:     {sqlite}")
    terminalreporter.write_line(
        f"PostgreSQL tests passed: {postgres}"
        + ("" if PG_URL else "  (TEST_DATABASE_URL not set: PostgreSQL suite not run)")
    )
    terminalreporter.write_line(f"Browser tests passed:    {browser}")
    terminalreporter.write_line(f"Skipped:                 {len(skipped)}")
