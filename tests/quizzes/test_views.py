"""Quiz pages: wiring, ownership, permissions, autosave JSON, no answer key in the page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_quiz
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree
from trainer.quizzes import services


@pytest.fixture
def trainee(app: Flask, client: FlaskClient, tmp_path: Path) -> FlaskClient:
    load_tree(read_tree(make_tree_with_quiz(tmp_path)))
    make_user()
    login(client, "trainee@example.com")
    return client


def start(client: FlaskClient) -> int:
    response = client.post("/quizzes/basics-quiz/start")
    assert response.status_code == 302
    return int(re.search(r"/attempt/(\d+)", response.headers["Location"]).group(1))  # type: ignore[union-attr]


def test_list_intro_take_and_review(trainee: FlaskClient) -> None:
    assert "Basics quiz" in trainee.get("/quizzes/?lang=en").text
    assert "Start attempt" in trainee.get("/quizzes/basics-quiz?lang=en").text
    attempt_id = start(trainee)
    page = trainee.get(f"/quizzes/attempt/{attempt_id}?lang=en")
    assert page.status_code == 200 and "Time left" in page.text
    # No answer key, explanation or model answer in the page before submission.
    for secret in ("Listen first.", "fraction", "I understand how you feel", "68 / 80 = 85%"):
        assert secret not in page.text
    response = trainee.post(f"/quizzes/attempt/{attempt_id}/submit?lang=en", follow_redirects=True)
    assert "Awaiting grading" not in response.text or "Review of attempt 1" in response.text
    assert "Review of attempt 1" in response.text


def test_autosave_answers_json_with_per_question_errors(trainee: FlaskClient) -> None:
    attempt_id = start(trainee)
    attempt = services.get_attempt(attempt_id, 1)
    numeric = next(s for s in attempt.slots if s.question.type == "numeric")
    response = trainee.post(
        f"/quizzes/attempt/{attempt_id}/save?lang=en",
        data={f"q{numeric.position}": "abc"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert response.json is not None
    assert "is not a number" in response.json["errors"][str(numeric.position)]


def test_another_trainees_attempt_is_404(trainee: FlaskClient, app: Flask) -> None:
    attempt_id = start(trainee)
    trainee.post("/logout")
    make_user("other@example.com")
    login(trainee, "other@example.com")
    assert trainee.get(f"/quizzes/attempt/{attempt_id}").status_code == 404
    assert trainee.post(f"/quizzes/attempt/{attempt_id}/save", data={"q1": "a"}).status_code == 404


def test_grading_and_banks_are_for_instructors(trainee: FlaskClient) -> None:
    for path in [
        "/grading/",
        "/quizzes/banks/",
        "/quizzes/basics-quiz/analysis",
    ]:
        assert trainee.get(path).status_code == 403


def test_instructor_imports_gift_and_exports_it(app: Flask, client: FlaskClient) -> None:
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(client, "teacher@example.com")
    gift = "::Q::客户投诉时先做什么？{=倾听 ~解释}\n\n::坏::{=a ~b\n".encode()
    response = client.post(
        "/quizzes/banks/?lang=en",
        data={"bank": "imported", "file": (io.BytesIO(gift), "q.gift.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "1 questions imported." in response.text
    assert "Line 3: the answer block is not closed" in response.text
    exported = client.get("/quizzes/banks/imported/export.gift?lang=zh")
    assert exported.status_code == 200 and "客户投诉时先做什么？" in exported.text


def test_a_binary_gift_upload_is_refused(app: Flask, client: FlaskClient) -> None:
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(client, "teacher@example.com")
    response = client.post(
        "/quizzes/banks/?lang=en",
        data={"bank": "imported", "file": (io.BytesIO(b"\xff\xd8\xff\x00\x10JFIF"), "x.gift")},
        content_type="multipart/form-data",
    )
    assert "not UTF-8" in response.text or "not a text file" in response.text


def test_an_imported_essay_without_rubric_is_graded_as_a_whole(
    app: Flask, client: FlaskClient
) -> None:
    from trainer.quizzes.models import Quiz

    services.import_gift("::E::描述一次你处理投诉的经历。{}", "imported")
    quiz = Quiz(
        slug="imported-quiz",
        title_zh="导入",
        title_en="Imported",
        selection={"banks": ["imported"], "draw": 0, "essays": 1},
        time_limit_minutes=None,
        attempts_allowed=None,
    )
    from trainer.extensions import db

    db.session.add(quiz)
    db.session.commit()
    trainee = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,))
    attempt = services.start_attempt(quiz, trainee.id)
    services.save_answers(attempt, {"q1": ["先倾听，再道歉，然后给出方案。"]})
    services.submit_attempt(attempt)
    login(client, "teacher@example.com")
    page = client.get(f"/grading/attempt/{attempt.id}/1?lang=en")
    assert page.status_code == 200, page.text
    assert "Overall" in page.text, page.text[-2500:]
    services.grade_essay(attempt, 1, teacher.id, [1.0], "")
    assert attempt.percent == 100.0


def test_review_shows_competencies_and_analysis_shows_choices(
    trainee: FlaskClient, app: Flask
) -> None:
    attempt_id = start(trainee)
    attempt = services.get_attempt(attempt_id, 1)
    single = next(s for s in attempt.slots if s.question.type == "single")
    trainee.post(f"/quizzes/attempt/{attempt_id}/save", data={f"q{single.position}": "a"})
    trainee.post(f"/quizzes/attempt/{attempt_id}/submit")
    review = trainee.get(f"/quizzes/attempt/{attempt_id}/review?lang=en")
    assert "Competencies this attempt gave evidence for" in review.text
    assert "Active listening" in review.text
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    essay = next(s for s in attempt.slots if s.question.type == "essay")
    teacher = make_user("t2@example.com", (Role.INSTRUCTOR,))
    if essay.needs_grading:
        services.grade_essay(attempt, essay.position, teacher.id, [1, 1], "")
    trainee.post("/logout")
    login(trainee, "teacher@example.com")
    analysis = trainee.get("/quizzes/basics-quiz/analysis?lang=en")
    assert "Listen: <strong>1</strong>" in analysis.text


def test_a_gift_file_over_5_mb_is_refused(app: Flask, client: FlaskClient) -> None:
    import gc
    import warnings

    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(client, "teacher@example.com")
    big = io.BytesIO(b"::Q:: x {T}\n\n" * 420_000)  # about 5.5 MB
    # The test client spools a body this large to a temporary file it does not close itself.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        response = client.post(
            "/quizzes/banks/?lang=en",
            data={"bank": "big", "file": (big, "big.gift.txt")},
            content_type="multipart/form-data",
        )
        status, text = response.status_code, response.text
        del response
        gc.collect()
    assert status in (200, 413)
    assert "over 5 MB" in text or "larger than this form accepts" in text
