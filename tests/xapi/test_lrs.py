"""Delivery to a real LRS: ralph (ralph-malph) with its file backend on loopback. While it is
down nothing is lost and failures are recorded; once it is up, every statement arrives exactly
once and passes the LRS's own xAPI validation (ralph refuses a batch with one bad statement)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.xapi.activity import produce_activity
from trainer.database import utcnow
from trainer.extensions import db
from trainer.xapi.delivery import Lrs, deliver
from trainer.xapi.models import XapiStatement

USERNAME, PASSWORD = "trainer", "lrs-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_auth_file(path: Path) -> None:
    """What `ralph auth --write-to-disk` writes: users with a bcrypt hash, scopes and agent (it
    is ralph's `ServerUsersCredentials`; importing that here would start ralph's app)."""
    import bcrypt

    users = [
        {
            "username": USERNAME,
            "hash": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt()).decode(),
            "scopes": ["all"],
            "agent": {"mbox": "mailto:lrs@example.com", "objectType": "Agent"},
        }
    ]
    path.write_text(json.dumps(users, indent=2), encoding="utf-8")


@dataclass
class RalphLrs:
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def lrs(self) -> Lrs:
        return Lrs(f"http://127.0.0.1:{self.port}/xAPI/", USERNAME, PASSWORD)

    def start(self) -> None:
        """`ralph runserver -b fs`, run as that command runs it: uvicorn with ralph's env."""
        env = {
            **os.environ,
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_AUTH_FILE": str(self.directory / "auth.json"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.directory),
            "RALPH_APP_DIR": str(self.directory / "app"),
        }
        self.log = open(self.directory / "ralph.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "ralph.api:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "ralph.log").read_text(errors="replace")[-2000:]
                pytest.skip(f"ralph's LRS could not start: {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.skip("ralph's LRS did not listen within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None
            self.log.close()

    def statements(self) -> list[dict[str, Any]]:
        """Everything the LRS holds, following `more` (GET /xAPI/statements)."""
        secret = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        headers = {"Authorization": f"Basic {secret}", "X-Experience-API-Version": "1.0.3"}
        found: list[dict[str, Any]] = []
        url: str | None = f"http://127.0.0.1:{self.port}/xAPI/statements?limit=500"
        while url:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=10) as answer:
                page = json.loads(answer.read())
            found += page["statements"]
            url = f"http://127.0.0.1:{self.port}{page['more']}" if page.get("more") else None
        return found


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[RalphLrs]:
    pytest.importorskip("uvicorn", reason="ralph-malph[lrs] is not installed")
    pytest.importorskip("ralph.backends.lrs.fs", reason="ralph-malph[lrs] is not installed")
    directory = tmp_path / "lrs"
    directory.mkdir()
    write_auth_file(directory / "auth.json")
    server = RalphLrs(free_port(), directory)
    yield server
    server.stop()


def test_statements_arrive_exactly_once_after_an_outage(
    app: Flask, tmp_path: Path, ralph: RalphLrs
) -> None:
    produce_activity(tmp_path)
    made = {r.statement_id for r in db.session.scalars(select(XapiStatement))}
    assert len(made) > 10
    # The LRS is down: nothing is sent, nothing lost, each failure counted with its reason.
    down = deliver(ralph.lrs, batch_size=7)
    assert down.sent == 0 and down.failed > 0
    rows = db.session.scalars(select(XapiStatement)).all()
    assert all(r.sent_at is None for r in rows)
    tried = [r for r in rows if r.attempts]
    assert tried and all("unreachable" in (r.last_error or "") for r in tried)
    assert all(r.next_attempt_at and r.next_attempt_at > utcnow() for r in tried)
    # Backed off: a pass right now does not hammer the dead LRS with the same rows again.
    assert deliver(ralph.lrs, batch_size=7).failed == 0 or all(r.attempts <= 2 for r in rows)

    ralph.start()
    later = utcnow() + timedelta(hours=2)  # past every back-off
    # One batch: ralph 5.1's file backend writes its file once ("already exists and overwrite
    # is not allowed" on a second write of new statements); a batch of duplicates writes nothing.
    up = deliver(ralph.lrs, batch_size=500, now=later)
    assert up.failed == 0, up.errors
    assert up.sent == len(made)
    assert all(r.sent_at is not None for r in db.session.scalars(select(XapiStatement)))
    # Sending again (say a worker crashed before marking rows sent) duplicates nothing.
    for row in db.session.scalars(select(XapiStatement)):
        row.sent_at = None
    db.session.commit()
    again = deliver(ralph.lrs, batch_size=500, now=later)
    assert again.failed == 0 and again.sent == len(made)

    held = ralph.statements()
    voided = {r.statement_id for r in db.session.scalars(select(XapiStatement)) if r.voided_by}
    ids = [s["id"] for s in held]
    assert len(ids) == len(set(ids)), "a statement arrived twice"
    assert set(ids) == made  # every one, the voided ones and their voiding statements too
    refs = {s["object"]["id"] for s in held if s["object"].get("objectType") == "StatementRef"}
    assert voided and refs == voided
