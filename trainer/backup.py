"""Online backup and verified restore of the whole database (`trainer backup` / `trainer restore`).

An archive is a zip file holding the database copy and `manifest.json`: the backend, when it was
taken, the schema revision, the SHA-256 of the copy, and per table its row count and a checksum
of its rows in primary-key order. The manifest is computed from the same snapshot as the copy,
so a backup taken while the site serves is still consistent with its own manifest:

- SQLite: the online backup API copies the database in one read transaction to a file; the
  manifest is then computed from that copy.
- PostgreSQL: one REPEATABLE READ transaction exports its snapshot; `pg_dump -Fc --snapshot=…`
  dumps exactly that snapshot while the same transaction computes the manifest.

Restore refuses a database that holds any rows unless forced, loads the copy, and checks every
table against the manifest; a mismatch is reported and the command fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class TableSummary:
    rows: int
    sha256: str


def _canonical(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if hasattr(value, "isoformat"):  # dates and times
        return value.isoformat()
    return value


def _table_summary(conn: Connection, table: Table) -> TableSummary:
    """Row count and a checksum of every row, in primary-key order, as canonical JSON."""
    order = list(table.primary_key.columns) or list(table.columns)
    digest = hashlib.sha256()
    rows = 0
    for row in conn.execute(select(table).order_by(*order)).yield_per(1000):
        line = json.dumps([_canonical(v) for v in row], ensure_ascii=False, default=str)
        digest.update(line.encode() + b"\n")
        rows += 1
    return TableSummary(rows, digest.hexdigest())


def summarise(conn: Connection) -> dict[str, TableSummary]:
    """Every table of the database as it is seen by this connection's transaction."""
    metadata = MetaData()
    metadata.reflect(conn)
    return {name: _table_summary(conn, metadata.tables[name]) for name in sorted(metadata.tables)}


def _revision(conn: Connection) -> str | None:
    """The Alembic revision, when the schema was made by migrations (tests use create_all)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(backend: str, conn: Connection) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "backend": backend,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": _revision(conn),
        "tables": {n: {"rows": s.rows, "sha256": s.sha256} for n, s in summarise(conn).items()},
    }


def _write_archive(target: Path, member: Path, manifest: dict[str, Any]) -> None:
    # The checksum is taken last: opening the SQLite copy (to count) may rewrite its header.
    manifest.update(file=member.name, sha256=_sha256(member))
    # Written next to the target and renamed: a failed backup never leaves a half archive.
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(member, member.name)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    os.replace(partial, target)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes in the environment."""
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    args += ["--dbname", url.database or ""]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} was not found; install the PostgreSQL client tools.")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(database_url: str, target: Path) -> dict[str, Any]:
    """Write the archive; returns its manifest."""
    url = make_url(database_url)
    with tempfile.TemporaryDirectory() as scratch:
        if url.get_backend_name() == "sqlite":
            member = Path(scratch) / SQLITE_MEMBER
            source = sqlite3.connect(_sqlite_path(url))
            copy = sqlite3.connect(member)
            try:
                # One step inside one read transaction: in WAL mode the site keeps writing
                # meanwhile, and the copy is the database as it was when the step began.
                # (Copying in small steps would restart on every write, never ending on a
                # busy site.)
                source.backup(copy)
            finally:
                copy.close()
                source.close()
            engine = create_engine(f"sqlite:///{member}", poolclass=NullPool)
            try:
                with engine.connect() as conn:
                    manifest = _manifest("sqlite", conn)
            finally:
                engine.dispose()
        elif url.get_backend_name() == "postgresql":
            member = Path(scratch) / POSTGRES_MEMBER
            engine = create_engine(url)
            try:
                with engine.connect() as conn:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                        args, env = _libpq(url)
                        _run(
                            [
                                "pg_dump",
                                "--format=custom",
                                f"--snapshot={snapshot}",
                                "--file",
                                str(member),
                                *args,
                            ],
                            env,
                        )
                        manifest = _manifest("postgresql", conn)
            finally:
                engine.dispose()
        else:
            raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
        _write_archive(target, member, manifest)
    return manifest


def _read_archive(source: Path, scratch: Path) -> tuple[dict[str, Any], Path]:
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            name = manifest["file"]
            if name not in (SQLITE_MEMBER, POSTGRES_MEMBER):
                raise BackupError(f"{source}: the manifest names an unknown file {name!r}.")
            archive.extract(name, scratch)
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BackupError(f"{source}: not a backup archive of this site ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: archive format {manifest.get('format')} is not supported.")
    member = scratch / name
    if _sha256(member) != manifest["sha256"]:
        raise BackupError(f"{source}: the database copy does not match its checksum.")
    return manifest, member


def rows_in(engine: Engine) -> int:
    """Rows in every table but Alembic's own: an empty schema counts as empty."""
    with engine.connect() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        return sum(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
            if name != "alembic_version"
        )


def verify(engine: Engine, manifest: dict[str, Any]) -> list[str]:
    """Differences between the database and the manifest, one sentence each."""
    with engine.connect() as conn:
        found = summarise(conn)
    problems = []
    expected = manifest["tables"]
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            problems.append(f"table {name} is missing")
        elif name not in expected:
            problems.append(f"table {name} is not in the backup")
        elif found[name].rows != expected[name]["rows"]:
            problems.append(
                f"table {name}: {found[name].rows} rows, expected {expected[name]['rows']}"
            )
        elif found[name].sha256 != expected[name]["sha256"]:
            problems.append(f"table {name}: the rows differ from the backup")
    return problems


def restore(database_url: str, source: Path, force: bool = False) -> dict[str, Any]:
    """Load the archive into the database and verify it; returns the manifest."""
    url = make_url(database_url)
    with tempfile.TemporaryDirectory() as scratch:
        manifest, member = _read_archive(source, Path(scratch))
        backend = url.get_backend_name()
        if manifest["backend"] != backend:
            raise BackupError(
                f"{source} is a {manifest['backend']} backup; it cannot be restored into {backend}."
            )
        engine = create_engine(url)
        try:
            if not force and rows_in(engine) > 0:
                raise BackupError(
                    "The database is not empty; restoring would replace its data. "
                    "Use --force to replace it."
                )
            engine.dispose()
            if backend == "sqlite":
                copy = sqlite3.connect(member)
                target = sqlite3.connect(_sqlite_path(url))
                try:
                    copy.backup(target)
                finally:
                    target.close()
                    copy.close()
            else:
                args, env = _libpq(url)
                _run(
                    [
                        "pg_restore",
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--single-transaction",
                        *args,
                        str(member),
                    ],
                    env,
                )
            problems = verify(engine, manifest)
        finally:
            engine.dispose()
    if problems:
        raise BackupError("The restored database does not match the backup: " + "; ".join(problems))
    return manifest
