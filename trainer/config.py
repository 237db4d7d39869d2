"""Settings: defaults, then the environment, then the test mapping (see create_app)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_SECRET_KEY = "dev-only-secret-change-me"


class ConfigError(RuntimeError):
    """The configuration cannot be used (raised at start-up, never at request time)."""


def defaults(instance_path: str) -> dict[str, Any]:
    db_file = Path(instance_path) / "trainer.sqlite3"
    return {
        "TRAINER_ENV": "production",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "TRAINER_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "TRAINER_LOGIN_RATE_LIMIT": "10 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "TRAINER_CONTENT_DIR": str(Path(__file__).resolve().parent.parent / "content"),
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        # A session ends after this long without a request, and this long after sign-in
        # whatever happens (a remember-me cookie then signs the person in again, anew).
        "TRAINER_SESSION_IDLE_MINUTES": 120,
        "TRAINER_SESSION_MAX_HOURS": 12,
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        # Days after a QA evaluation during which the agent may dispute one of its criteria.
        "TRAINER_QA_DISPUTE_DAYS": 7,
    }


def _coerce(value: str) -> Any:
    lowered = value.lower()
    if lowered in {"true", "yes", "on"}:
        return True
    if lowered in {"false", "no", "off"}:
        return False
    return value


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """`DATABASE_URL`, `SECRET_KEY` and every `TRAINER_*` variable."""
    settings: dict[str, Any] = {}
    if url := environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if key := environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = key
    for name, value in environ.items():
        if name.startswith("TRAINER_"):
            settings[name] = _coerce(value)
    if settings.get("TRAINER_RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = settings["TRAINER_RATELIMIT_STORAGE_URI"]
    return settings


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def finalise(config: dict[str, Any]) -> None:
    """Derive dependent settings and refuse unsafe production settings."""
    development = config.get("TRAINER_ENV") != "production" or config.get("TESTING")
    if development:
        # Plain http on 127.0.0.1 must work for `make run` and the tests.
        config["SESSION_COOKIE_SECURE"] = False
        config["REMEMBER_COOKIE_SECURE"] = False
    elif config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        if config.get("TRAINER_COMMAND_LINE"):
            # Commands sign no cookies; a throwaway key lets `trainer check-content` and the
            # like run anywhere, while a served app still refuses the default key.
            config["SECRET_KEY"] = secrets.token_hex(32)
            return _finalise_database(config)
        raise ConfigError(
            "Refusing to start in production with the default SECRET_KEY. "
            "Set SECRET_KEY to a long random value, or TRAINER_ENV=development for local use."
        )
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        minutes=int(config["TRAINER_SESSION_IDLE_MINUTES"])
    )
    _finalise_qa(config)
    _finalise_database(config)


def _finalise_qa(config: dict[str, Any]) -> None:
    raw = config.get("TRAINER_QA_DISPUTE_DAYS", 7)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= 365:
        raise ConfigError(
            f"TRAINER_QA_DISPUTE_DAYS must be a number of days from 0 to 365, not {raw!r}."
        )
    config["TRAINER_QA_DISPUTE_DAYS"] = days


def _finalise_database(config: dict[str, Any]) -> None:
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite serialises writers; a short busy wait beats 'database is locked' errors.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
