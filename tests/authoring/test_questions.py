"""Authoring questions: a form for each type, checked by the question files' rules; editing
makes a new version; duplicate, move and archive; a preview without the answer key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_quiz
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.quizzes.models import Question

COMMON = {
    "lesson": "lesson-one",
    "competency": "active-listening",
    "difficulty": "2",
    "points": "2",
    "source": "practice",
    "text_zh": "题目",
    "text_en": "The question",
    "explanation_zh": "因为如此。",
    "explanation_en": "Because so.",
}
BY_TYPE: dict[str, dict[str, str]] = {
    "single": {
        "option_0_zh": "对",
        "option_0_en": "Right",
        "option_0_correct": "on",
        "option_1_zh": "错一",
        "option_1_en": "Wrong one",
        "option_2_zh": "错二",
        "option_2_en": "Wrong two",
    },
    "multiple": {
        "option_0_zh": "甲",
        "option_0_en": "A",
        "option_0_correct": "on",
        "option_1_zh": "乙",
        "option_1_en": "B",
        "option_1_correct": "on",
        "option_2_zh": "丙",
        "option_2_en": "C",
        "option_3_zh": "丁",
        "option_3_en": "D",
    },
    "truefalse": {"answer": "false"},
    "matching": {
        f"pair_{i}_{side}_{lang}": f"{side}{i}{lang}"
        for i in range(3)
        for side in ("left", "right")
        for lang in ("zh", "en")
    },
    "ordering": {f"step_{i}_{lang}": f"step{i}{lang}" for i in range(3) for lang in ("zh", "en")},
    "numeric": {"answer": "85", "tolerance": "0.5", "unit_zh": "%", "unit_en": "%"},
    "short": {"answers_zh": "复述\n转述", "answers_en": "paraphrasing"},
    "essay": {
        "points": "4",
        "model_zh": "示范",
        "model_en": "Model",
        "rubric_0_name_zh": "共情",
        "rubric_0_name_en": "Empathy",
        "rubric_0_points": "2",
        "rubric_0_guide_zh": "说出感受",
        "rubric_0_guide_en": "Names the feeling",
        "rubric_1_name_zh": "方案",
        "rubric_1_name_en": "Solution",
        "rubric_1_points": "2",
        "rubric_1_guide_zh": "给出方案",
        "rubric_1_guide_en": "Offers a way",
    },
}


@pytest.fixture
def teacher(app: Flask, client: FlaskClient, tmp_path: Path) -> FlaskClient:
    load_tree(read_tree(make_tree_with_quiz(tmp_path)))
    make_user("teacher@example.com", (Role.INSTRUCTOR,))
    login(client, "teacher@example.com")
    return client


@pytest.mark.parametrize("kind", list(BY_TYPE))
def test_a_new_question_of_each_type(teacher: FlaskClient, kind: str) -> None:
    page = teacher.get(f"/authoring/questions/new?bank=m1-basics&type={kind}&lang=en")
    assert page.status_code == 200
    data: dict[str, Any] = {
        **COMMON,
        **BY_TYPE[kind],
        "type": kind,
        "bank": "m1-basics",
        "key": f"new-{kind}",
    }
    response = teacher.post("/authoring/questions/new?lang=en", data=data)
    assert response.status_code == 302, response.text
    question = db.session.scalar(select(Question).where(Question.key == f"new-{kind}"))
    assert question is not None and question.type == kind and question.bank_id
    preview = teacher.get(f"/authoring/questions/{question.id}/preview?lang=en")
    assert preview.status_code == 200 and "The question" in preview.text
    assert "fraction" not in preview.text


def test_bad_input_is_explained_and_nothing_saved(teacher: FlaskClient) -> None:
    data = {**COMMON, **BY_TYPE["single"], "type": "single", "bank": "m1-basics", "key": "bad"}
    data["option_1_correct"] = "on"  # two correct answers on a single-choice question
    page = teacher.post("/authoring/questions/new?lang=en", data=data)
    assert "exactly one correct option, not 2" in page.text
    options_heading = page.text.index("Options</h2>")
    assert page.text.index("exactly one correct option", options_heading) < options_heading + 200
    data = {**COMMON, **BY_TYPE["single"], "type": "single", "bank": "m1-basics", "key": "q-single"}
    assert "already has the id" in teacher.post("/authoring/questions/new?lang=en", data=data).text
    assert db.session.scalar(select(Question).where(Question.key == "bad")) is None


def test_edit_duplicate_move_archive(teacher: FlaskClient) -> None:
    original = db.session.scalar(select(Question).where(Question.key == "q-tf"))
    assert original is not None
    form = {
        **COMMON,
        "type": "truefalse",
        "bank": "m1-basics",
        "key": "q-tf",
        "answer": "true",
        "text_en": "Interrupting helps.",
    }
    assert teacher.post(f"/authoring/questions/{original.id}", data=form).status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(
        select(Question).where(Question.key == "q-tf").order_by(Question.id)
    ).all()
    assert [q.archived for q in versions] == [True, False]
    live = versions[-1]
    teacher.post(f"/authoring/questions/{live.id}/duplicate")
    assert db.session.scalar(select(Question).where(Question.key == "q-tf-copy2")) is not None
    from trainer.quizzes.services import get_or_create_bank

    get_or_create_bank("other")
    db.session.commit()
    teacher.post(f"/authoring/questions/{live.id}/move", data={"to": "other"})
    db.session.expire_all()
    assert db.session.get(Question, live.id).bank_id != original.bank_id
    teacher.post(f"/authoring/questions/{live.id}/archive")
    db.session.expire_all()
    assert db.session.get(Question, live.id).archived is True  # kept, never deleted


def test_question_authoring_is_for_instructors(teacher: FlaskClient) -> None:
    teacher.post("/logout")
    make_user()
    login(teacher, "trainee@example.com")
    assert teacher.get("/authoring/questions").status_code == 403


def test_a_stale_edit_is_refused_and_points_to_the_newest(teacher: FlaskClient) -> None:
    original = db.session.scalar(select(Question).where(Question.key == "q-tf"))
    assert original is not None
    form = {**COMMON, "type": "truefalse", "bank": "m1-basics", "key": "q-tf", "answer": "true"}
    teacher.post(f"/authoring/questions/{original.id}", data=form)  # the first editor saves
    stale = teacher.post(
        f"/authoring/questions/{original.id}?lang=en",
        data={**form, "answer": "false"},
        follow_redirects=True,
    )
    assert "changed by someone else" in stale.text
    live = db.session.scalars(
        select(Question).where(Question.key == "q-tf", Question.archived.is_(False))
    ).all()
    assert len(live) == 1 and live[0].data["answer"] is True
