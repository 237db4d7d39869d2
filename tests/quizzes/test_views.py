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
    # One refused question: nothing is imported, and the page says which line and why.
    assert "Nothing was imported: 1 question(s) refused." in response.text
    assert "Line 3: the answer block is not closed" in response.text
    assert client.get("/quizzes/banks/imported/export.gift?lang=zh").status_code == 404
    response = client.post(
        "/quizzes/banks/?lang=en",
        data={"bank": "imported", "file": (io.BytesIO(gift.split(b"\n\n")[0]), "q.gift.txt")},
        content_type="multipart/form-data",
    )
    assert "1 question imported." in response.text
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
    # Option "a" (Listen first) is the key; the page posts it under this attempt's token.
    form = services.answer_form(attempt, {single.position: "a"})
    trainee.post(f"/quizzes/attempt/{attempt_id}/save", data=form)
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


# --- answer tokens on the page, the JS path and the API -------------------------------------


def _tokens(attempt_id: int) -> dict[int, dict[str, list[list[str]]]]:
    from trainer.extensions import db
    from trainer.quizzes.models import AttemptSlot

    db.session.expire_all()
    return {
        s.position: s.tokens or {}
        for s in db.session.scalars(
            db.select(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id)
        )
    }


def test_the_attempt_page_speaks_only_this_attempts_tokens(trainee: FlaskClient) -> None:
    attempt_id = start(trainee)
    page = trainee.get(f"/quizzes/attempt/{attempt_id}").text
    begin = page.index('id="attempt-form"')
    form = page[begin : page.index("</form>", begin)]
    tokens = _tokens(attempt_id)
    served = {t for groups in tokens.values() for pairs in groups.values() for t, _i in pairs}
    ids = {i for groups in tokens.values() for pairs in groups.values() for _t, i in pairs}
    values = set(re.findall(r'\bvalue="([^"]*)"', form))
    names = set(re.findall(r'\bname="([^"]*)"', form))
    refs = set(re.findall(r'\b(?:id|for)="([^"]*)"', form))
    assert not (values | names | refs) & ids  # "a", "p1", "s3", "true"... appear nowhere
    assert {t for t in served} <= values | {n.split("-", 1)[1] for n in names if "-" in n}
    for name in names - {"csrf_token", "then"}:
        position, _, token = name[1:].partition("-")
        assert position.isdigit() and (not token or token in served), name
    # Options come in this attempt's order, the same on a reload.
    for position, groups in tokens.items():
        for pairs in groups.values():
            at = [form.index(t) for t, _i in pairs]
            assert at == sorted(at), position
    assert trainee.get(f"/quizzes/attempt/{attempt_id}").text.count('value="') == page.count(
        'value="'
    )


def test_refusals_have_their_status_and_message(trainee: FlaskClient) -> None:
    attempt_id = start(trainee)
    attempt = services.get_attempt(attempt_id, 1)
    single = next(s for s in attempt.slots if s.question.type == "single")
    ordering = next(s for s in attempt.slots if s.question.type == "ordering")
    save = f"/quizzes/attempt/{attempt_id}/save?lang=en"
    fetch = {"X-Requested-With": "fetch"}
    foreign = {f"q{single.position}": "a"}  # an authoring id, not a token
    response = trainee.post(save, data=foreign, headers=fetch)
    assert response.status_code == 422 and response.json is not None
    assert "not offered in this attempt" in response.json["title"]
    assert "redirect" not in response.json
    response = trainee.post(save, data=foreign)
    assert response.status_code == 422 and "not offered in this attempt" in response.text
    response = trainee.post(f"/quizzes/attempt/{attempt_id}/submit?lang=en", data=foreign)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/attempt/{attempt_id}"
    )
    assert services.get_attempt(attempt_id, 1).state == "in_progress"
    steps = [t for t, _i in (ordering.tokens or {})["steps"]]
    repeated = {f"q{ordering.position}-{t}": "1" for t in steps}
    response = trainee.post(save, data=repeated)
    assert response.status_code == 422 and "Each position can be used only once." in response.text
    response = trainee.post(save, data=repeated, headers=fetch)
    assert response.status_code == 200 and response.json is not None
    assert "only once" in response.json["errors"][str(ordering.position)]
    assert all(s.response is None for s in services.get_attempt(attempt_id, 1).slots)
    # Time up by the server's clock: the attempt closes; the answer is not taken.
    from datetime import timedelta

    from trainer.database import utcnow
    from trainer.extensions import db

    attempt = services.get_attempt(attempt_id, 1)
    attempt.deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    right = services.answer_form(attempt, {single.position: "a"})
    response = trainee.post(save, data=right, headers=fetch)
    assert response.status_code == 409 and response.json is not None
    assert "Time is up" in response.json["title"] and response.json["redirect"].endswith("/review")
    # After submission: refused, and the page says so.
    response = trainee.post(save, data=right, headers=fetch)
    assert response.status_code == 409 and response.json is not None
    assert "has been submitted" in response.json["title"]
    db.session.expire_all()
    assert all(s.response is None for s in services.get_attempt(attempt_id, 1).slots)


def test_the_api_serves_the_attempt_under_the_same_tokens(trainee: FlaskClient, app: Flask) -> None:
    from trainer.api.services import create_token
    from trainer.auth.services import find_user_by_email

    attempt_id = start(trainee)
    user = find_user_by_email("trainee@example.com")
    assert user is not None
    bearer = {"Authorization": f"Bearer {create_token(user, 'tests')[1]}"}
    listed = trainee.get("/api/v1/quizzes", headers=bearer).json
    assert listed is not None and listed["quizzes"][0]["in_progress_attempt"] == attempt_id
    body = trainee.get(f"/api/v1/attempts/{attempt_id}?lang=en", headers=bearer).json
    assert body is not None and body["state"] == "in_progress" and body["seconds_left"] > 0
    tokens = _tokens(attempt_id)
    for question in body["questions"]:
        groups = tokens[question["position"]]
        for group, pairs in groups.items():
            assert [item["token"] for item in question[group]] == [t for t, _i in pairs]
        assert "correct" not in question and "explanation" not in question
    text = str(body)
    for secret in ("fraction", "Listen first.", "I understand how you feel", "'pin'"):
        assert secret not in text
    # The form built from the API's tokens is what the page posts.
    single = next(q for q in body["questions"] if q["type"] == "single")
    saved = trainee.post(
        f"/quizzes/attempt/{attempt_id}/save",
        data={single["field"]: single["options"][0]["token"]},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved.status_code == 200 and saved.json is not None and saved.json["saved"] == 1
    again = trainee.get(f"/api/v1/attempts/{attempt_id}", headers=bearer).json
    assert again is not None
    mine = next(q for q in again["questions"] if q["position"] == single["position"])
    assert mine["options"][0]["checked"] is True
    trainee.post(f"/quizzes/attempt/{attempt_id}/submit")
    done = trainee.get(f"/api/v1/attempts/{attempt_id}?lang=en", headers=bearer).json
    assert done is not None and done["state"] != "in_progress"
    assert any("Listen first." in (q.get("explanation") or "") for q in done["questions"])
    make_user("other@example.com")
    other = find_user_by_email("other@example.com")
    assert other is not None
    theirs = {"Authorization": f"Bearer {create_token(other, 'tests')[1]}"}
    trainee.post("/logout")  # the bearer token alone decides who asks
    assert trainee.get(f"/api/v1/attempts/{attempt_id}", headers=theirs).status_code == 404
