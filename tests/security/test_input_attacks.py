"""Hostile input where people type: script in names, team names and search; SQL in filters;
broken UTF-8 and path traversal in URLs; Nothing is reflected
raw, nothing answers 500."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from tests.conftest import login, make_team, make_user
from trainer.auth.models import Role

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "'-alert(1)-'",
    "{{7*7}}{% raw %}",
]
SQL = ["' OR '1'='1", "1; DROP TABLE users; --", "%' UNION SELECT email FROM users --", "\\"]


def _raw_markup(text: str) -> list[str]:
    return [p for p in ("<script>alert", "<img src=x", "<svg onload") if p in text]


@pytest.mark.parametrize("payload", XSS)
def test_script_in_a_name_or_team_is_shown_as_text(
    app: Flask, client: FlaskClient, payload: str
) -> None:
    team = make_team(f"组 {payload}")
    make_user("trainee@example.com", name=f"王 {payload}", team=team)
    make_user("admin@example.com", roles=(Role.ADMIN, Role.HR))
    login(client, "admin@example.com")
    for path in ("/admin/", "/admin/teams", "/hr/", "/analytics/teams", "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _raw_markup(response.text) == [], path
    # Shown, and shown escaped: the check above is not passing on an empty page.
    assert str(escape(f"王 {payload}")) in client.get("/admin/").text
    client.post("/logout")
    login(client, "trainee@example.com")
    home = client.get("/")
    assert _raw_markup(home.text) == []
    if payload.startswith("{{"):
        assert "{{7*7}}" in home.text  # shown as typed, never evaluated as a template


@pytest.mark.parametrize("payload", XSS + SQL)
def test_search_and_filters_take_anything(app: Flask, client: FlaskClient, payload: str) -> None:
    make_user("hr@example.com", roles=(Role.HR, Role.INSTRUCTOR))
    login(client, "hr@example.com")
    for path, params in (
        ("/search", {"q": payload}),
        ("/hr/", {"q": payload, "status": payload, "certification": payload}),
        ("/grading/", {"kind": payload}),
        ("/admin/audit", {"q": payload}),
    ):
        response = client.get(path, query_string=params)
        assert response.status_code in (200, 400, 403), (path, response.status_code)
        assert _raw_markup(response.text) == [], path


_ROUTES_TO_PROBE = ("/", "/search", "/lessons/", "/quizzes/", "/hr/", "/login", "/api/v1/me")


def test_broken_utf8_in_query_strings_is_no_500(app: Flask, client: FlaskClient) -> None:
    make_user("hr@example.com", roles=(Role.HR,))
    login(client, "hr@example.com")
    for path in _ROUTES_TO_PROBE:
        for query in ("q=%ff%fe", "lang=%c0%af", "page=%80", "%ff=%ff"):
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, (path, query)


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/trainer/config.py",
        "/lessons/..%2f..%2fetc%2fpasswd",
        "/quizzes/banks/..%2f..%2fetc/export.gift",
        "/verify/..%2f..%2fetc%2fpasswd",
        "/roleplay/..%2fcontent",
    ],
)
def test_path_traversal_finds_nothing(app: Flask, client: FlaskClient, path: str) -> None:
    make_user("instructor@example.com", roles=(Role.INSTRUCTOR,))
    login(client, "instructor@example.com")
    response = client.get(path)
    assert response.status_code in (400, 404), path
    assert "root:" not in response.text and "SECRET_KEY" not in response.text


@pytest.mark.parametrize("payload", XSS[:3])
def test_script_in_an_essay_is_text_for_the_grader_and_the_trainee(
    app: Flask, client: FlaskClient, tmp_path: object, payload: str
) -> None:
    import re
    from pathlib import Path

    from tests.content_factory import make_tree_with_quiz
    from trainer.content_tree import load_tree, read_tree

    load_tree(read_tree(make_tree_with_quiz(Path(str(tmp_path)))))
    make_user()
    make_user("teacher@example.com", (Role.INSTRUCTOR,), name="李老师")
    login(client, "trainee@example.com")
    start = client.post("/quizzes/basics-quiz/start")
    attempt_id = int(re.search(r"/attempt/(\d+)", start.headers["Location"]).group(1))  # type: ignore[union-attr]
    page = client.get(f"/quizzes/attempt/{attempt_id}").text
    essay = re.search(r'<textarea[^>]*name="(q\d+)"', page)
    assert essay, "the quiz has an essay"
    client.post(f"/quizzes/attempt/{attempt_id}/submit", data={essay.group(1): payload})
    review = client.get(f"/quizzes/attempt/{attempt_id}/review")
    assert review.status_code == 200 and _raw_markup(review.text) == []
    assert str(escape(payload)) in review.text
    client.post("/logout")
    login(client, "teacher@example.com")
    position = essay.group(1)[1:]
    graded = client.get(f"/grading/attempt/{attempt_id}/{position}")
    assert graded.status_code == 200 and _raw_markup(graded.text) == []
    assert str(escape(payload)) in graded.text
    # Lesson Markdown written by an instructor is sanitised in the preview as on the page.
    preview = client.post("/authoring/preview", data={"text": f"# Title\n\n{payload}\n"})
    assert preview.status_code == 200 and _raw_markup(preview.json["html"]) == []
