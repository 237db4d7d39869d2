"""Sending the outbox to an external LRS (xAPI 1.0.3 §2.1): batches in the order statements
were made, each marked sent once the LRS has it; failures are counted and retried later with
exponential back-off. A trainee's request never waits on this: only `trainer xapi-worker` runs it.

Exactly once: statement ids are fixed when a statement is made, so re-sending after a crash or
a lost answer gives the LRS the same statement again, which it stores once. An LRS that answers
409 for an id it already holds is asked for that statement; same content counts as delivered.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import or_, select

from ..database import utcnow
from ..extensions import db
from .models import XapiStatement
from .services import VERSION, delay_after

TIMEOUT_SECONDS = 20
# Fields the LRS sets or may normalise; two statements that differ only here are the same.
_LRS_FIELDS = {"stored", "authority", "version"}


@dataclass(frozen=True)
class Lrs:
    endpoint: str  # e.g. https://lrs.example.com/xAPI/ (statements are under it)
    username: str
    password: str

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    def headers(self) -> dict[str, str]:
        secret = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return {
            "Authorization": f"Basic {secret}",
            "X-Experience-API-Version": VERSION,
            "Content-Type": "application/json",
        }


def lrs_from_config(config: Any) -> Lrs | None:
    endpoint = config.get("TRAINER_XAPI_ENDPOINT")
    username = config.get("TRAINER_XAPI_USERNAME")
    password = config.get("TRAINER_XAPI_PASSWORD")
    if not (endpoint and username and password):
        return None
    return Lrs(str(endpoint), str(username), str(password))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class _Answer:
    def __init__(self, status: int, body: bytes) -> None:
        self.status, self.body = status, body


def _request(lrs: Lrs, method: str, url: str, payload: Any = None) -> _Answer:
    data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=lrs.headers())
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            return _Answer(answer.status, answer.read())
    except urllib.error.HTTPError as error:
        return _Answer(error.code, error.read())


def _same(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    def strip(s: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in s.items() if k not in _LRS_FIELDS}

    return strip(ours) == strip(theirs)


def _due(now: datetime, limit: int) -> list[XapiStatement]:
    query = (
        select(XapiStatement)
        .where(
            XapiStatement.sent_at.is_(None),
            or_(XapiStatement.next_attempt_at.is_(None), XapiStatement.next_attempt_at <= now),
        )
        .order_by(XapiStatement.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # two workers never send the same row
    return list(db.session.scalars(query))


def _failed(rows: list[XapiStatement], reason: str, now: datetime, report: DeliveryReport) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = reason[:2000]
        row.next_attempt_at = now + delay_after(row.attempts)
    report.failed += len(rows)
    report.errors.append(reason)


def _one_by_one(lrs: Lrs, rows: list[XapiStatement], now: datetime, report: DeliveryReport) -> None:
    """After a batch was refused: PUT each statement under its id, so one bad or conflicting
    statement neither holds back the others nor hides which one it is."""
    for row in rows:
        url = f"{lrs.statements_url}?statementId={quote(row.statement_id)}"
        try:
            answer = _request(lrs, "PUT", url, row.body)
        except OSError as error:
            _failed([row], f"LRS unreachable: {error}", now, report)
            return
        if answer.status in (200, 204) or (answer.status == 409 and _held_as_is(lrs, row)):
            row.sent_at = now
            report.sent += 1
        else:
            _failed([row], _describe(answer), now, report)


def _held_as_is(lrs: Lrs, row: XapiStatement) -> bool:
    url = f"{lrs.statements_url}?statementId={quote(row.statement_id)}"
    if row.body["verb"]["id"].endswith("/voided"):
        url = f"{lrs.statements_url}?voidedStatementId={quote(row.statement_id)}"
    try:
        answer = _request(lrs, "GET", url)
    except OSError:
        return False
    if answer.status != 200:
        return False
    try:
        return _same(row.body, json.loads(answer.body))
    except ValueError:
        return False


def _describe(answer: _Answer) -> str:
    text = answer.body.decode("utf-8", "replace").strip()
    return f"LRS answered {answer.status}: {text[:500]}"


def deliver(lrs: Lrs, batch_size: int = 50, now: datetime | None = None) -> DeliveryReport:
    """Send what is due, batch after batch, until nothing is due or the LRS stops answering."""
    now = now or utcnow()
    report = DeliveryReport()
    while True:
        rows = _due(now, batch_size)
        if not rows:
            break
        try:
            answer = _request(lrs, "POST", lrs.statements_url, [r.body for r in rows])
        except OSError as error:
            _failed(rows, f"LRS unreachable: {error}", now, report)
            db.session.commit()
            break
        if answer.status in (200, 204):  # 204: every one of them was already there
            for row in rows:
                row.sent_at = now
            report.sent += len(rows)
        elif answer.status in (400, 409):
            _one_by_one(lrs, rows, now, report)
        else:
            _failed(rows, _describe(answer), now, report)
            db.session.commit()
            break
        db.session.commit()
    return report
