"""Settings: environment over defaults, and no production start with the default secret."""

from __future__ import annotations

import pytest

from trainer import create_app
from trainer.config import ConfigError, from_environment, normalise_database_url


def test_production_refuses_the_default_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("TRAINER_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_environment_overrides_defaults() -> None:
    settings = from_environment(
        {
            "DATABASE_URL": "postgres://u@db/trainer",
            "SECRET_KEY": "s3cret",
            "TRAINER_LOGIN_RATE_LIMIT": "5 per minute",
            "TRAINER_SOMETHING": "false",
            "HOME": "/root",
        }
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/trainer"
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["TRAINER_LOGIN_RATE_LIMIT"] == "5 per minute"
    assert settings["TRAINER_SOMETHING"] is False
    assert "HOME" not in settings


def test_test_mapping_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "from-test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert app.config["SECRET_KEY"] == "from-test"


def test_sqlite_is_the_default_database_under_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/trainer.sqlite3")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_commands_run_without_a_secret_key_but_a_served_app_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("TRAINER_ENV", "production")
    app = create_app({"TRAINER_COMMAND_LINE": True})
    assert app.config["SECRET_KEY"] not in ("", "dev-only-secret-change-me")
    with pytest.raises(ConfigError):
        create_app()
