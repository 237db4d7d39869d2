"""Lesson pages: wiring, permissions, status codes and a constant number of queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import QueryCounter, login, make_user
from tests.content_factory import make_tree
from trainer.lessons.loader import read_course
from trainer.lessons.services import load_course


@pytest.fixture
def trainee(app: Flask, client: FlaskClient, tmp_path: Path) -> FlaskClient:
    load_course(read_course(make_tree(tmp_path)))
    make_user()
    login(client, "trainee@example.com")
    return client


def test_pages_need_a_signed_in_person(client: FlaskClient) -> None:
    for path in ["/lessons/", "/lessons/lesson-one", "/lessons/glossary", "/search?q=x"]:
        assert client.get(path).status_code == 302


def test_course_lesson_glossary_and_search_render(trainee: FlaskClient) -> None:
    course = trainee.get("/lessons/?lang=en")
    assert course.status_code == 200 and "Lesson one" in course.text
    lesson = trainee.get("/lessons/lesson-one?lang=zh")
    assert lesson.status_code == 200
    assert "第一课" in lesson.text and "标记为已完成" in lesson.text
    assert "第二课" in lesson.text  # next lesson link
    # A trainee reads the document and its chapter; line numbers are for authors.
    assert "《客户关系管理(修订本)》，项目一 模块一 客户关系管理概述" in lesson.text
    assert "316" not in lesson.text
    glossary = trainee.get("/lessons/glossary?lang=en")
    assert "Listening" in glossary.text and "倾听" in glossary.text
    results = trainee.get("/search?q=倾听&lang=zh")
    assert results.status_code == 200 and "<mark>倾听</mark>" in results.text


def test_unknown_lesson_is_404(trainee: FlaskClient) -> None:
    assert trainee.get("/lessons/no-such-lesson").status_code == 404
    assert trainee.post("/lessons/no-such-lesson/complete").status_code == 404


def test_mark_as_complete_is_a_post_and_repeatable(trainee: FlaskClient) -> None:
    assert trainee.get("/lessons/lesson-one/complete").status_code == 405
    first = trainee.post("/lessons/lesson-one/complete?lang=en", follow_redirects=True)
    assert "Lesson marked as complete." in first.text
    second = trainee.post("/lessons/lesson-one/complete?lang=en", follow_redirects=True)
    assert second.status_code == 200 and "Lesson marked as complete." not in second.text
    assert "You have completed this lesson." in second.text


def test_lesson_page_queries_do_not_grow_with_the_course(
    app: Flask, client: FlaskClient, tmp_path: Path, count_queries: QueryCounter
) -> None:
    load_course(read_course(make_tree(tmp_path / "small")))
    make_user()
    login(client, "trainee@example.com")
    client.get("/lessons/lesson-one")  # first visit records the start
    count_queries.count = 0
    client.get("/lessons/lesson-one")
    small = count_queries.count
    from tests.content_factory import REAL_CONTENT

    load_course(read_course(REAL_CONTENT))  # ~40 lessons, 8 modules, more terms
    client.get("/lessons/listening-skills")
    count_queries.count = 0
    client.get("/lessons/listening-skills")
    assert count_queries.count == small
    assert small <= 8


def test_the_contact_centre_module_serves_in_both_languages(
    app: Flask, client: FlaskClient
) -> None:
    from tests.content_factory import REAL_CONTENT

    load_course(read_course(REAL_CONTENT))
    make_user()
    login(client, "trainee@example.com")
    course = client.get("/lessons/?lang=zh")
    assert "运营呼叫中心" in course.text
    staffing = client.get("/lessons/erlang-c-staffing?lang=zh")
    assert staffing.status_code == 200
    assert "用 Erlang C 算出需要多少坐席" in staffing.text
    assert "84.0%" in staffing.text and "29 ÷ 0.7" in staffing.text  # the worked example
    english = client.get("/lessons/erlang-c-staffing?lang=en")
    assert english.status_code == 200
    assert "Working Out How Many Agents You Need with Erlang C" in english.text
    assert "29 agents on the phones" in english.text
    for lesson in ["contact-centre-roles", "floor-metrics", "agent-day-qa"]:
        for lang in ["zh", "en"]:
            assert client.get(f"/lessons/{lesson}?lang={lang}").status_code == 200
