"""Every route states who may use it: a role requirement, or an explicit `public` mark."""

from __future__ import annotations

from flask import Flask

PUBLIC_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.logout",
    "home.healthz",
    "certification.verify",
    "api.openapi",
}


def test_every_route_checks_a_role_or_is_marked_public(app: Flask) -> None:
    unchecked = []
    public = set()
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        if getattr(view, "is_public", False):
            public.add(endpoint)
        elif not getattr(view, "required_roles", None):
            unchecked.append(endpoint)
    assert unchecked == []
    assert public <= PUBLIC_ENDPOINTS


def test_state_changing_routes_accept_only_post(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        methods = rule.methods or set()
        assert not ({"PUT", "DELETE", "PATCH"} & methods) or rule.rule.startswith("/api/"), rule
    assert app.url_map.bind("localhost").match("/logout", method="POST")[0] == "auth.logout"
