"""Pinned options: `pin: true` in a question file or the authoring form keeps an option in its
authored place while the others are shuffled; GIFT export and content export keep working."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, make_user
from tests.content_factory import QUESTIONS, make_tree_with_quiz
from trainer.auth.models import Role
from trainer.content_tree import check_tree, load_tree, read_tree
from trainer.extensions import db
from trainer.quizzes import services
from trainer.quizzes.models import Question
from trainer.quizzes.tokens import ids_in_order
from trainer.quizzes.types import TYPES

pytestmark = pytest.mark.usefixtures("english")

PINNED = QUESTIONS.replace(
    "      - {text: {zh: 打字不说话, en: Silent typing}, correct: false}\n",
    "      - {text: {zh: 打字不说话, en: Silent typing}, correct: false}\n"
    "      - {text: {zh: 以上都不是, en: None of the above}, correct: false, pin: true}\n",
)


def tree_with(tmp_path: Path, questions: str) -> Path:
    root = make_tree_with_quiz(tmp_path)
    (root / "questions" / "m1-basics.yml").write_text(questions, encoding="utf-8")
    return root


def test_a_pinned_option_is_read_from_the_file_and_stays_in_place(
    app: Flask, tmp_path: Path
) -> None:
    assert PINNED != QUESTIONS
    tree = read_tree(tree_with(tmp_path, PINNED))
    question = next(q for q in tree.banks["m1-basics"] if q.key == "q-multiple")
    assert [o.get("pin", False) for o in question.data["options"]] == [False] * 4 + [True]
    # Unpinned questions hold no pin key, so their versions (content hashes) do not change.
    assert all("pin" not in o for o in next(q for q in tree.banks["m1-basics"]).data["options"])
    rng = random.Random(3)
    orders = {tuple(TYPES["multiple"].layout(question.data, rng)["options"]) for _ in range(200)}
    assert all(order[4] == "e" for order in orders) and len(orders) == 24
    load_tree(tree)
    attempt = services.start_attempt(services.get_quiz("basics-quiz"), make_user().id)
    slot = next(s for s in attempt.slots if s.question.key == "q-multiple")
    assert ids_in_order(slot.tokens or {}, "options")[4] == "e"
    text, _skipped = services.export_gift("m1-basics", "en")
    assert "None of the above" in text and "Silent typing" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('correct: false, pin: "last"}', "pin must be true or false"),
        ("correct: false, pin: [1]}", "pin must be true or false"),
    ],
)
def test_a_bad_pin_is_reported(tmp_path: Path, change: str, message: str) -> None:
    text = PINNED.replace("correct: false, pin: true}", change)
    assert any(message in p.message for p in check_tree(tree_with(tmp_path, text)))


def test_too_many_pinned_options_are_reported(tmp_path: Path) -> None:
    text = QUESTIONS.replace(
        "      - {text: {zh: 先说, en: Talk}, correct: false, "
        'feedback: {zh: 不对, en: "Not this one"}}\n'
        "      - {text: {zh: 挂断, en: Hang up}, correct: false}\n",
        "      - {text: {zh: 先说, en: Talk}, correct: false, pin: true}\n"
        "      - {text: {zh: 挂断, en: Hang up}, correct: false, pin: true}\n",
    )
    assert text != QUESTIONS
    problems = [p.message for p in check_tree(tree_with(tmp_path, text))]
    assert any("at least two options must be left unpinned" in m for m in problems), problems


@pytest.fixture
def teacher(app: Flask, client: FlaskClient, tmp_path: Path) -> FlaskClient:
    load_tree(read_tree(make_tree_with_quiz(tmp_path)))
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(client, "teacher@example.com")
    return client


def test_the_authoring_form_pins_an_option(teacher: FlaskClient, tmp_path: Path) -> None:
    page = teacher.get("/authoring/questions/new?bank=m1-basics&type=single&lang=en")
    assert "Keep in this place (not shuffled)" in page.text and 'name="option_0_pin"' in page.text
    form = {
        "type": "single",
        "bank": "m1-basics",
        "key": "pinned-single",
        "lesson": "lesson-one",
        "competency": "active-listening",
        "difficulty": "2",
        "points": "1",
        "source": "practice",
        "text_zh": "题目",
        "text_en": "The question",
        "explanation_zh": "因为。",
        "explanation_en": "Because.",
    }
    for i, (zh, en) in enumerate([("甲", "A"), ("乙", "B"), ("丙", "C"), ("以上都对", "All")]):
        form |= {f"option_{i}_zh": zh, f"option_{i}_en": en}
    form |= {"option_0_correct": "on", "option_3_pin": "on"}
    response = teacher.post("/authoring/questions/new?lang=en", data=form)
    assert response.status_code == 302, response.text
    question = db.session.scalar(select(Question).where(Question.key == "pinned-single"))
    assert question is not None
    assert [bool(o.get("pin")) for o in question.data["options"]] == [False, False, False, True]
    edit = teacher.get(f"/authoring/questions/{question.id}?lang=en").text
    assert 'name="option_3_pin" checked' in edit and 'name="option_0_pin" checked' not in edit
    preview = teacher.get(f"/authoring/questions/{question.id}/preview?lang=en").text
    assert preview.index("All</label>") > max(preview.index(f"{x}</label>") for x in "ABC")
    from trainer.content_export import export_content

    export_content(tmp_path / "out")
    exported = (tmp_path / "out" / "questions" / "m1-basics.yml").read_text(encoding="utf-8")
    assert "pin: true" in exported
