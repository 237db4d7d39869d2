"""Migrations build the whole schema from nothing, and it matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import _reset_postgres_schema, make_app
from trainer.extensions import db


def include_object(obj: object, name: str | None, type_: str, *args: object) -> bool:
    """As migrations/env.py: full-text indexes are created by hand, outside the metadata."""
    return not (name or "").startswith(("search_fts", "fts_"))


def test_upgrade_from_empty_matches_the_models(database_url: str) -> None:
    if database_url.startswith("postgresql"):
        _reset_postgres_schema(database_url)
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": include_object,
                },
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "teams", "user_roles", "audit_events", "lessons", "evidence"} <= tables
        if db.engine.dialect.name == "sqlite":
            assert "search_fts" in tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()
