"""A class submitting at the bell, and an autosave racing a submit, on SQLite and PostgreSQL.

Each trainee's requests run in their own thread with their own connection, as under a
multi-worker server; a barrier releases them together."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_quiz
from trainer.content_tree import load_tree, read_tree
from trainer.extensions import db
from trainer.quizzes import services
from trainer.quizzes import tokens as answer_tokens
from trainer.quizzes.models import Attempt, AttemptState, ItemStat
from trainer.quizzes.types import TYPES

CLASS_SIZE = 20


def _together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads released at the same moment; their results (or exceptions)."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # reported by the test, not lost in the thread
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _start(client: FlaskClient) -> tuple[int, dict[str, str]]:
    """Start an attempt; (its id, a form answering its first choice question)."""
    response = client.post("/quizzes/basics-quiz/start")
    attempt_id = int(re.search(r"/attempt/(\d+)", response.headers["Location"]).group(1))  # type: ignore[union-attr]
    page = client.get(f"/quizzes/attempt/{attempt_id}").text
    radio = re.search(r'type="radio"[^>]*name="(q\d+)"[^>]*value="([^"]+)"', page) or re.search(
        r'name="(q\d+)"[^>]*type="radio"[^>]*value="([^"]+)"', page
    )
    assert radio, "the quiz has a single-choice question"
    return attempt_id, {radio.group(1): radio.group(2)}


@pytest.fixture
def quiz_tree(app: Flask, tmp_path: Path) -> None:
    load_tree(read_tree(make_tree_with_quiz(tmp_path)))


def test_a_class_submitting_the_same_quiz_at_once_all_succeed_with_exact_counts(
    app: Flask, quiz_tree: None
) -> None:
    clients = []
    for index in range(CLASS_SIZE):
        make_user(f"trainee{index}@example.com", name=f"学员{index}")
        client = app.test_client()
        login(client, f"trainee{index}@example.com")
        attempt_id, answer = _start(client)
        clients.append((client, attempt_id, answer))

    def submit(client: FlaskClient, attempt_id: int, answer: dict[str, str]) -> int:
        return client.post(f"/quizzes/attempt/{attempt_id}/submit", data=answer).status_code

    statuses = _together([lambda c=c, a=a, f=f: submit(c, a, f) for c, a, f in clients])
    assert statuses == [302] * CLASS_SIZE
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(Attempt.state == AttemptState.IN_PROGRESS)
        )
        == 0
    )
    rows = db.session.scalars(select(ItemStat)).all()
    assert rows and all(row.n == CLASS_SIZE for row in rows)
    # Each trainee answered one choice question: every answer counted, none twice.
    assert sum(sum(row.choices.values()) for row in rows) == CLASS_SIZE


def _right_and_wrong(attempt_id: int, field: str, values: list[str]) -> tuple[str, str]:
    """Of a choice question's option tokens, one graded right and one graded wrong."""
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    slot = next(s for s in attempt.slots if f"q{s.position}" == field)
    kind = TYPES[slot.question.type]
    maps = answer_tokens.by_token(services.slot_tokens(slot))

    def grade(value: str) -> float:
        response = kind.read(slot.question.data, {field: [value]}, field, maps)
        return kind.grade(slot.question.data, response) or 0.0

    graded = sorted(values, key=grade)
    assert grade(graded[-1]) > grade(graded[0])
    return graded[-1], graded[0]


def test_an_autosave_racing_a_submit_never_changes_a_graded_answer(
    app: Flask, quiz_tree: None
) -> None:
    for round_ in range(8):
        # The same trainee in two tabs; a new trainee each round (the quiz limits attempts).
        make_user(f"tabs{round_}@example.com")
        saver, submitter = app.test_client(), app.test_client()
        login(saver, f"tabs{round_}@example.com")
        login(submitter, f"tabs{round_}@example.com")
        attempt_id, answer = _start(saver)
        field = next(iter(answer))
        page = saver.get(f"/quizzes/attempt/{attempt_id}").text
        values = re.findall(rf'name="{field}"[^>]*value="([^"]+)"', page) or re.findall(
            rf'value="([^"]+)"[^>]*name="{field}"', page
        )
        right, wrong = _right_and_wrong(attempt_id, field, values)

        autosave = partial(
            saver.post,
            f"/quizzes/attempt/{attempt_id}/save?lang=en",
            data={field: wrong},
            headers={"X-Requested-With": "fetch"},
        )
        submit = partial(
            submitter.post, f"/quizzes/attempt/{attempt_id}/submit", data={field: right}
        )
        saved, submitted = _together([autosave, submit])
        assert submitted.status_code == 302
        assert saved.status_code in (200, 409), saved
        if saved.status_code == 409:
            assert "has been submitted" in saved.json["title"]
        db.session.expire_all()
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.state != AttemptState.IN_PROGRESS
        slot = next(s for s in attempt.slots if f"q{s.position}" == field)
        # The answer kept is the answer graded: a late save never rewrites it.
        kind = TYPES[slot.question.type]
        assert slot.fraction == (kind.grade(slot.question.data, slot.response) or 0.0)
