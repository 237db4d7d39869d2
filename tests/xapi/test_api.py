"""GET /api/v1/xapi/statements: HR and administrators only, paged like the other lists (Link
headers and an LRS's `more`), filtered by since/until/agent/verb; a bad time is a 400 problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_user
from tests.xapi.activity import produce_activity
from trainer.api.services import create_token
from trainer.auth.models import Role
from trainer.auth.services import find_user_by_email

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def hr_token(app: Flask, tmp_path: Path) -> str:
    produce_activity(tmp_path)
    return create_token(make_user("hr@example.com", (Role.HR,), name="HR"), "xapi")[1]


def get(client: FlaskClient, token: str, query: str = "") -> object:
    return client.get(
        f"/api/v1/xapi/statements{query}", headers={"Authorization": f"Bearer {token}"}
    )


def test_hr_reads_statements_page_by_page(hr_token: str, client: FlaskClient) -> None:
    first = get(client, hr_token, "?per_page=5")
    assert first.status_code == 200  # type: ignore[attr-defined]
    body = first.json  # type: ignore[attr-defined]
    assert len(body["statements"]) == 5 and body["more"].endswith("page=2")
    assert 'rel="next"' in first.headers["Link"]  # type: ignore[attr-defined]
    assert first.headers["X-Experience-API-Version"] == "1.0.3"  # type: ignore[attr-defined]
    seen = [s["id"] for s in body["statements"]]
    url = body["more"]
    while url:
        page = client.get(url, headers={"Authorization": f"Bearer {hr_token}"}).json
        assert page is not None
        seen += [s["id"] for s in page["statements"]]
        url = page["more"]
    everything = get(client, hr_token, "?per_page=100").json  # type: ignore[attr-defined]
    assert seen == [s["id"] for s in everything["statements"]] and len(set(seen)) == len(seen)
    # Voided statements are left out, as an LRS does; their voiding statements are there.
    voiding = [s for s in everything["statements"] if s["verb"]["id"] == ADL + "voided"]
    targets = {s["object"]["id"] for s in voiding}
    assert voiding and not targets & set(seen)
    assert all("stored" in s for s in everything["statements"])


def test_filters(hr_token: str, client: FlaskClient) -> None:
    passed = get(client, hr_token, f"?verb={ADL}passed").json  # type: ignore[attr-defined]
    assert passed["statements"] and {s["verb"]["id"] for s in passed["statements"]} == {
        ADL + "passed"
    }
    mine = get(client, hr_token, "?agent=mailto:trainee@example.com").json  # type: ignore[attr-defined]
    assert mine["statements"]
    assert not get(client, hr_token, "?agent=nobody@example.com").json["statements"]  # type: ignore[attr-defined]
    assert not get(client, hr_token, "?since=2999-01-01T00:00:00Z").json["statements"]  # type: ignore[attr-defined]
    assert not get(client, hr_token, "?until=2000-01-01T00:00:00%2B08:00").json["statements"]  # type: ignore[attr-defined]
    assert get(client, hr_token, "?since=2000-01-01T00:00:00Z").json["statements"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query, wrong",
    [
        ("since=yesterday", "since"),
        ("since=2026-01-01", "since"),
        ("until=2026-01-01T08:00:00", "until"),
        ("agent=not-an-email", "agent"),
        ("verb=completed", "verb"),
        ("per_page=101", "per_page"),
    ],
)
def test_bad_queries_are_problems(
    hr_token: str, client: FlaskClient, query: str, wrong: str
) -> None:
    response = get(client, hr_token, f"?{query}")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.mimetype == "application/problem+json"  # type: ignore[attr-defined]
    assert wrong in response.json["detail"]  # type: ignore[attr-defined]


def test_a_trainee_may_not_read_statements(hr_token: str, client: FlaskClient) -> None:
    trainee = find_user_by_email("trainee@example.com")
    assert trainee is not None
    response = get(client, create_token(trainee, "mine")[1])
    assert response.status_code == 403  # type: ignore[attr-defined]
