"""Authoring lessons in the browser: check, draft, publish, conflicts, history, XSS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_tree
from trainer.auth.models import Role
from trainer.authoring import services
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.lessons.models import LessonProgress
from trainer.lessons.services import complete_lesson, lesson_page

pytestmark = pytest.mark.usefixtures("english")

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<svg onload=alert(1)>",
]


@pytest.fixture
def teacher(app: Flask, tmp_path: Path) -> object:
    load_tree(read_tree(make_tree(tmp_path)))
    return make_user("teacher@example.com", (Role.INSTRUCTOR,), name="李老师")


def edited(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    return {lang: text.replace(old, new) for lang, text in files.items()}


def test_publish_makes_a_new_version_and_progress_stays(teacher: object) -> None:
    trainee = make_user()
    complete_lesson(trainee.id, "lesson-one")
    first = db.session.get(LessonProgress, (trainee.id, "lesson-one")).version_id
    files = services.editing("lesson-one").files
    number = services.publish(
        "lesson-one", edited(files, "title: Lesson one", "title: Listen first"), 1, teacher
    )
    assert number == 2
    assert lesson_page("lesson-one", trainee.id, "en").text.title == "Listen first"
    progress = db.session.get(LessonProgress, (trainee.id, "lesson-one"))
    assert progress.version_id == first and progress.completed_at is not None
    assert services.history("lesson-one", "en")[0].author == "李老师"


def test_an_invalid_version_cannot_be_published(teacher: object) -> None:
    files = services.editing("lesson-one").files
    broken = edited(files, "competencies:\n- active-listening", "competencies:\n- telepathy")
    assert broken != files
    problems = services.check("lesson-one", broken)
    lines = broken["en"].splitlines()
    expected = lines.index("- telepathy") + 1
    assert any(
        p.message == "unknown competency “telepathy”"
        and p.line == expected
        and p.path.endswith("01-lesson-one.en.md")
        for p in problems
    ), problems
    with pytest.raises(services.AuthoringError) as error:
        services.publish("lesson-one", broken, 1, teacher)
    assert error.value.problems
    assert services.get_lesson("lesson-one")[1].number == 1


def test_a_second_editor_is_refused_not_overwritten(teacher: object) -> None:
    other = make_user("other@example.com", (Role.INSTRUCTOR,), name="王老师")
    files = services.editing("lesson-one").files
    seen = services.save_draft("lesson-one", files, None, teacher).revision  # both open it
    services.save_draft("lesson-one", edited(files, "Lesson one", "One"), seen, other)
    with pytest.raises(services.AuthoringError, match="changed by 王老师"):
        services.save_draft("lesson-one", files, seen, teacher)
    services.publish("lesson-one", edited(files, "Lesson one", "Uno"), 1, other)
    with pytest.raises(services.AuthoringError, match="Version 2 was published by 王老师"):
        services.publish("lesson-one", files, 1, teacher)


def test_history_diff_and_restore(teacher: object) -> None:
    files = services.editing("lesson-one").files
    services.publish("lesson-one", edited(files, "title: Lesson one", "title: Changed"), 1, teacher)
    table = str(services.diff("lesson-one", 1, 2, "en"))
    text = re.sub(r"<[^>]+>", "", table).replace("&nbsp;", " ")
    assert "title: Changed" in text and "title: Lesson one" in text
    assert services.restore("lesson-one", 1, teacher) == 3
    assert services.get_lesson("lesson-one")[1].texts[1].title in ("Lesson one", "第一课")
    assert [v.number for v in services.history("lesson-one", "en")] == [3, 2, 1]


@pytest.mark.parametrize("payload", XSS)
def test_xss_is_removed_from_preview_and_published_page(
    teacher: object, client: FlaskClient, payload: str
) -> None:
    login(client, "teacher@example.com")
    preview = client.post("/authoring/preview", data={"text": f"## Hi\n\n{payload}\n"})
    html = preview.json["html"] if preview.json else ""
    for bad in ("<script", "onerror", "javascript:", "<iframe", "onclick", "onload"):
        assert bad not in html
    files = services.editing("lesson-one").files
    services.publish("lesson-one", {k: v + f"\n{payload}\n" for k, v in files.items()}, 1, teacher)  # type: ignore[arg-type]
    page = client.get("/lessons/lesson-one?lang=en").text
    body = page.split('class="prose"', 1)[1].split("</div>", 1)[0]
    for bad in ("<script", "onerror", "javascript:", "<iframe", "onclick", "onload"):
        assert bad not in body


def test_editor_pages_are_for_instructors(teacher: object, client: FlaskClient) -> None:
    make_user()
    login(client, "trainee@example.com")
    assert client.get("/authoring/lessons").status_code == 403
    assert client.get("/authoring/lessons/lesson-one").status_code == 403
    client.post("/logout")
    login(client, "teacher@example.com")
    page = client.get("/authoring/lessons/lesson-one?lang=en")
    assert page.status_code == 200 and "title: Lesson one" in page.text
    files = services.editing("lesson-one").files
    response = client.post(
        "/authoring/lessons/lesson-one?lang=en",
        data={
            "action": "publish",
            "base": "1",
            "file_zh": files["zh"],
            "file_en": files["en"].replace("title: Lesson one", "title: New"),
        },
    )
    assert response.status_code == 302
    assert "Published as version 2." in client.get("/authoring/lessons/lesson-one?lang=en").text
    assert client.get("/authoring/lessons/nope").status_code == 404
