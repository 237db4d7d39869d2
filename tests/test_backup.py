"""`trainer backup` while writes run, then `trainer restore` into a fresh database: identical."""

from __future__ import annotations

import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from tests.certification.test_services import pass_quiz
from tests.conftest import make_app, make_team, make_user
from tests.content_factory import make_full_tree
from trainer import backup
from trainer.auth.models import AuditEvent
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    url = make_url(database_url)
    name = f"{url.database}_restore"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _writes(url: str, stop: threading.Event, done: list[int]) -> None:
    """The site keeps working: audit events go in, one transaction each."""
    engine = create_engine(url)
    try:
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(
                    insert(AuditEvent.__table__).values(
                        action="team.create", target=f"写入{len(done)}", details={}
                    )
                )
            done.append(1)
    finally:
        engine.dispose()


def test_backup_under_load_restores_every_table(
    app: Flask, database_url: str, fresh_url: str, tmp_path: Path
) -> None:
    load_tree(read_tree(make_full_tree(tmp_path / "content")))
    user = make_user(team=make_team("热线一组"))
    pass_quiz(user.id)  # attempts, evidence, a certificate: rows in many tables
    db.session.remove()
    archive = tmp_path / "site.backup"

    stop, done = threading.Event(), []
    writer = threading.Thread(target=_writes, args=(database_url, stop, done))
    writer.start()
    try:
        while len(done) < 20:  # writes are under way before the backup starts
            stop.wait(0.01)
        result = app.test_cli_runner().invoke(args=["backup", str(archive)])
        during = len(done)
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and len(done) > 20 and during >= 20
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist())[-1] == "manifest.json"

    with db.engine.connect() as conn:
        source = backup.summarise(conn)
    manifest = backup.restore(fresh_url, archive)  # verifies every table against the manifest
    restored_engine = create_engine(fresh_url)
    with restored_engine.connect() as conn:
        restored = backup.summarise(conn)
    restored_engine.dispose()
    assert set(restored) == set(source) and "users" in restored
    for name, summary in restored.items():
        assert summary.rows == manifest["tables"][name]["rows"]
        assert summary.sha256 == manifest["tables"][name]["sha256"]
        if name != "audit_events":  # the only table written during the backup
            assert summary == source[name], name
    assert restored["users"].rows >= 2 and restored["certificates"].rows == 1
    assert 20 <= restored["audit_events"].rows <= source["audit_events"].rows


def test_restore_refuses_data_unless_forced_and_a_broken_archive(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    make_user()
    db.session.remove()
    archive = tmp_path / "site.backup"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1 and "not empty" in refused.output and "--force" in refused.output
    forced = runner.invoke(args=["restore", "--force", str(archive)])
    assert forced.exit_code == 0 and "every table matches" in forced.output

    broken = tmp_path / "broken.backup"
    broken.write_bytes(b"not a zip file")
    other = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    bad = other.test_cli_runner().invoke(args=["restore", str(broken)])
    assert bad.exit_code == 1 and "not a backup archive" in bad.output
    with zipfile.ZipFile(archive) as zipped, zipfile.ZipFile(tmp_path / "t.backup", "w") as out:
        for item in zipped.namelist():
            data = zipped.read(item)
            out.writestr(item, data if item == "manifest.json" else data[:-1] + b"?")
    tampered = other.test_cli_runner().invoke(args=["restore", str(tmp_path / "t.backup")])
    assert tampered.exit_code == 1 and "does not match its checksum" in tampered.output
