"""GET /healthz answers for load balancers: 200 while the database answers, 503 when not."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from trainer.extensions import db


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_healthz_503_when_the_database_does_not_answer(tmp_path: object) -> None:
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json is not None and response.json["status"] == "unavailable"


def test_sqlite_connections_use_wal_and_foreign_keys(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
