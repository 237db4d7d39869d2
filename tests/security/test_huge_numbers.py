"""Numbers too large for the database: an id in the address is a 404, a filter a 400; never
the OverflowError or out-of-range error that used to answer 500 on about 20 routes."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from tests.conftest import login, make_user
from trainer.auth.models import Role

HUGE = [2**31, 10**30]


def _urls_with(app: Flask, number: int) -> list[tuple[Rule, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        ints = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ints:
            continue
        values = {n: (number if n in ints else "x") for n in rule._converters}
        url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule, method, url))
    return found


@pytest.fixture
def everyone(app: Flask, client: FlaskClient) -> FlaskClient:
    make_user("all@example.com", roles=tuple(Role))
    login(client, "all@example.com")
    return client


@pytest.mark.parametrize("number", HUGE, ids=["2^31", "10^30"])
def test_an_id_out_of_range_in_any_address_is_not_found(
    app: Flask, everyone: FlaskClient, number: int
) -> None:
    routes = _urls_with(app, number)
    assert len(routes) >= 20
    wrong = [
        (method, url, response.status_code)
        for _rule, method, url in routes
        if (response := everyone.open(url, method=method)).status_code != 404
    ]
    assert wrong == []
    # The largest id a column holds still reaches the view (which says it does not exist).
    assert everyone.get(f"/hr/person/{2**31 - 1}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/hr/?team={n}",
        "/hr/?expiring={n}",
        "/hr/?page={n}",
        "/grading/?team={n}",
        "/grading/?older={n}",
        "/admin/?page={n}",
        "/admin/audit?page={n}",
    ],
)
def test_a_filter_out_of_range_is_a_bad_request(everyone: FlaskClient, url: str) -> None:
    for number in HUGE:
        response = everyone.get(url.format(n=number))
        assert response.status_code == 400, (url, number)
    # Ordinary values still work.
    assert everyone.get(url.format(n=1)).status_code == 200


def test_a_form_number_out_of_range_is_a_bad_request(everyone: FlaskClient) -> None:
    for number in HUGE:
        response = everyone.post("/calibration/new?kind=essay", data={"item": str(number)})
        assert response.status_code == 400
        assert everyone.get(f"/calibration/new?kind=essay&item={number}").status_code == 400
