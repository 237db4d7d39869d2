"""The API keeps the promises of its OpenAPI document: every answer described, bad queries
refused as problem+json before the database, RFC-conformant 401, 405 and paging headers; and
schemathesis, with every check on, finds nothing against the served document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.conftest import make_app, make_team, make_user
from tests.content_factory import make_full_tree
from trainer.api.services import create_token
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree


@pytest.fixture
def hr_token(app: Flask, tmp_path: Path) -> str:
    load_tree(read_tree(make_full_tree(tmp_path)))
    team = make_team()
    make_user("a@example.com", (Role.TRAINEE,), team=team, name="Ann")
    make_user("b@example.com", (Role.TRAINEE,), team=team, name="Bo")
    hr = make_user("hr@example.com", (Role.HR, Role.TRAINEE), name="Hu")
    return create_token(hr, "contract")[1]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.json
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    "query, wrong",
    [
        ("expiring=-94152952092", "expiring"),
        ("expiring=0", "expiring"),
        ("team=99999999999999999999", "team"),
        ("team=1.0", "team"),
        ("page=-1", "page"),
        ("per_page=101", "per_page"),
        ("status=nope", "status"),
        ("certification=" + "x" * 65, "certification"),
        ("colour=red", "colour"),
        ("lang=fr", "lang"),
        ("page=1&page=2", "page"),
    ],
)
def test_a_bad_query_is_refused_before_the_database(
    hr_token: str, client: FlaskClient, count_queries: Any, query: str, wrong: str
) -> None:
    response = client.get(f"/api/v1/hr/certifications?{query}", headers=auth(hr_token))
    body = problem(response, 400)
    assert [e["location"] for e in body["errors"]] == [wrong]
    assert wrong in body["detail"]
    # Refused before the token is even looked up: nothing reached the database.
    assert count_queries.count == 0


def test_unknown_parameters_are_refused_everywhere(hr_token: str, client: FlaskClient) -> None:
    body = problem(client.get("/api/v1/me?verbose=1", headers=auth(hr_token)), 400)
    assert body["errors"] == [{"location": "verbose", "message": "unknown parameter"}]


def test_401_names_the_bearer_scheme(hr_token: str, client: FlaskClient) -> None:
    none = client.get("/api/v1/me")
    problem(none, 401)
    assert none.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    wrong = client.get("/api/v1/me", headers=auth("st_wrong"))
    problem(wrong, 401)
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]


def test_405_says_what_is_allowed(hr_token: str, client: FlaskClient) -> None:
    response = client.delete("/api/v1/me", headers=auth(hr_token))
    problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_huge_path_ids_are_404_not_500(hr_token: str, client: FlaskClient) -> None:
    problem(client.get("/api/v1/attempts/99999999999999999999", headers=auth(hr_token)), 404)
    problem(client.get("/api/v1/nothing-here", headers=auth(hr_token)), 404)


def test_pages_are_bounded_and_linked(hr_token: str, client: FlaskClient) -> None:
    first = client.get("/api/v1/hr/certifications?per_page=1&team=1", headers=auth(hr_token))
    assert first.status_code == 200
    assert first.json["total"] == 2 and first.json["pages"] == 2  # type: ignore[index]
    assert [p["name"] for p in first.json["people"]] == ["Ann"]  # type: ignore[index]
    links = dict(
        (rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', first.headers["Link"])
    )
    assert set(links) == {"first", "next", "last"}
    assert "per_page=1" in links["next"] and "team=1" in links["next"]
    second = client.get(links["next"], headers=auth(hr_token))
    assert [p["name"] for p in second.json["people"]] == ["Bo"]  # type: ignore[index]
    assert 'rel="prev"' in second.headers["Link"] and 'rel="next"' not in second.headers["Link"]


def test_the_document_describes_every_answer(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").json
    assert doc is not None
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert {"200", "400", "401", "403"} <= set(answers), (method, path)
            for status, answer in answers.items():
                (media_type,) = answer["content"]
                assert "$ref" in answer["content"][media_type]["schema"], (path, status)
                expected = "application/json" if status == "200" else "application/problem+json"
                assert media_type == expected, (path, status)
    matrix = doc["components"]["schemas"]["Matrix"]
    assert set(matrix["required"]) >= {"total", "page", "pages", "per_page", "people"}


def test_an_answer_that_breaks_its_model_is_a_plain_500(
    hr_token: str, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.api import views

    monkeypatch.setattr(views.certification, "standings_of", lambda _user_id: {})
    monkeypatch.setattr(views.certification, "all_certifications", lambda: [_Broken()])
    body = problem(client.get("/api/v1/certificates", headers=auth(hr_token)), 500)
    assert "errors" not in body


class _Broken:
    id = None  # a standing's certification must be a string


def test_every_api_route_is_in_the_document(app: Flask, client: FlaskClient) -> None:
    """A view added under /api/v1/ without `api_spec.validate` would be undocumented and
    unvalidated; this names it."""
    doc = client.get("/api/v1/openapi.json").json
    assert doc is not None
    documented = {re.sub(r"\{\w+\}", "<>", path) for path in doc["paths"]}
    for rule in app.url_map.iter_rules():
        path = str(rule)
        if path.startswith("/api/v1/") and path != "/api/v1/openapi.json":
            assert re.sub(r"<[^>]+>", "<>", path.removeprefix("/api/v1")) in documented, path


# --- schemathesis against the served document ----------------------------------------------


def _served_document_schema() -> Any:
    """The document as the app serves it; the calls go to each test's own app (its database)."""
    config = SchemathesisConfig.from_dict(
        {
            # Every built-in check on, max_response_time included (it is off without a limit).
            "checks": {"enabled": True, "max_response_time": 10},
            "generation": {"max-examples": 12, "deterministic": True},
        }
    )
    served_by = make_app("sqlite://")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", served_by, config=config)


schema = _served_document_schema()


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_schemathesis_finds_nothing(case: Any, app: Flask, hr_token: str) -> None:
    def server(environ: Any, start_response: Any) -> Any:
        # Each call in its own application context, as in a real server (see IsolatedClient):
        # the test's open context would otherwise carry the signed-in user into the next call.
        with app.app_context():
            return app(environ, start_response)

    case.call_and_validate(headers=auth(hr_token), app=server)
