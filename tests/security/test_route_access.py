"""Every route, every method, tried without signing in and with each role that may not use it.

The route table is read from the app, so a route added tomorrow is attacked tomorrow; a route
without a role rule already fails `tests/test_routes.py`.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from tests.conftest import login, make_user
from trainer.auth.models import Role


def _url(rule: Rule) -> str:
    """The rule's path with every argument filled: 1 for numbers, "x" for the rest."""
    values: dict[str, object] = {
        name: 1 if isinstance(converter, IntegerConverter) else "x"
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def _guarded(app: Flask) -> list[tuple[Rule, str, frozenset[Role]]]:
    found = []
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        if not roles:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule, method, roles))
    return found


def test_nothing_guarded_opens_without_signing_in(app: Flask, client: FlaskClient) -> None:
    leaks = []
    for rule, method, _ in _guarded(app):
        response = client.open(_url(rule), method=method)
        expected = 401 if rule.rule.startswith("/api/") else 302
        if response.status_code != expected or (
            expected == 302 and "/login" not in response.headers.get("Location", "")
        ):
            leaks.append((method, rule.rule, response.status_code))
    assert leaks == []


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_is_refused_where_it_has_no_business(
    app: Flask, client: FlaskClient, role: Role
) -> None:
    make_user(f"{role.value}@example.com", roles=(role,))
    login(client, f"{role.value}@example.com")
    leaks = []
    for rule, method, roles in _guarded(app):
        if role in roles:
            continue
        response = client.open(_url(rule), method=method)
        if response.status_code != 403:
            leaks.append((method, rule.rule, response.status_code))
    assert leaks == []


def test_every_guarded_route_was_tried(app: Flask) -> None:
    """The attack above really covers the app: dozens of routes, all of them fillable."""
    guarded = _guarded(app)
    assert len(guarded) > 40
    assert all("<" not in _url(rule) for rule, _, _ in guarded)
