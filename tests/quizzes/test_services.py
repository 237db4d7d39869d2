"""Attempts, without HTTP: draw, autosave, resume, timer, submit once, review, essay grading."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import QueryCounter, make_user
from tests.content_factory import make_tree_with_quiz
from trainer.auth.models import Role
from trainer.competency.models import Evidence, SourceKind
from trainer.content_tree import load_tree, read_tree
from trainer.database import utcnow
from trainer.extensions import db
from trainer.quizzes import services
from trainer.quizzes.models import Attempt, AttemptState, GradeChange, ItemStat, Question

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def quiz(app: Flask, tmp_path: Path) -> services.Quiz:
    load_tree(read_tree(make_tree_with_quiz(tmp_path)))
    return services.get_quiz("basics-quiz")


def right_or_wrong(attempt: Attempt, right: bool = True) -> dict[int, object]:
    """Per position, a response in authoring ids, right or wrong (the essay always gets text)."""
    responses: dict[int, object] = {}
    for slot in attempt.slots:
        data, kind = slot.question.data, slot.question.type
        if kind == "single":
            responses[slot.position] = next(
                o["id"] for o in data["options"] if (o["fraction"] > 0) == right
            )
        elif kind == "multiple":
            responses[slot.position] = [
                o["id"] for o in data["options"] if (o["fraction"] > 0) == right
            ]
        elif kind == "truefalse":
            responses[slot.position] = data["answer"] == right
        elif kind == "matching":
            ids = [p["id"] for p in data["pairs"]]
            targets = ids if right else ids[1:] + ids[:1]
            responses[slot.position] = dict(zip(ids, targets, strict=True))
        elif kind == "ordering":
            ids = [s["id"] for s in data["steps"]]
            responses[slot.position] = ids if right else list(reversed(ids))
        elif kind == "numeric":
            responses[slot.position] = "８５" if right else "60"  # full-width digits count
        elif kind == "short":
            responses[slot.position] = "Paraphrasing " if right else "listening"
        elif kind == "essay":
            responses[slot.position] = "我理解您的着急，我马上帮您查。"
    return responses


def answers_for(attempt: Attempt, right: bool = True) -> dict[str, list[str]]:
    """The form a page of this attempt sends when every question is answered, right or wrong:
    the responses put under the attempt's own answer tokens."""
    return services.answer_form(attempt, right_or_wrong(attempt, right))


def test_start_draws_the_quiz_and_resumes_the_same_attempt(quiz: services.Quiz) -> None:
    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    assert len(attempt.slots) == 8
    assert {s.question.type for s in attempt.slots} == {
        "single",
        "multiple",
        "truefalse",
        "matching",
        "ordering",
        "numeric",
        "short",
        "essay",
    }
    assert attempt.deadline is not None
    again = services.start_attempt(quiz, user.id)
    assert again.id == attempt.id  # resume, not a second attempt
    ordering = next(s for s in attempt.slots if s.question.type == "ordering")
    assert ordering.order != ["s1", "s2", "s3"]  # never starts in the right order


def test_answers_are_saved_and_survive_a_new_session(quiz: services.Quiz) -> None:
    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    result = services.save_answers(attempt, answers_for(attempt))
    assert result.errors == {} and result.saved == 8
    attempt_id, user_id = attempt.id, user.id
    db.session.expunge_all()  # as if the server restarted
    resumed = services.get_attempt(attempt_id, user_id)
    assert all(slot.response is not None for slot in resumed.slots)


def test_submit_scores_records_evidence_and_is_idempotent(quiz: services.Quiz) -> None:
    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    services.save_answers(attempt, answers_for(attempt, right=True))
    services.submit_attempt(attempt)
    assert attempt.state == AttemptState.AWAITING_GRADING  # the essay waits
    services.submit_attempt(attempt)  # a second click
    services.save_answers  # noqa: B018 - answering after submission is refused:
    with pytest.raises(services.QuizError):
        services.save_answers(attempt, answers_for(attempt, right=False))
    auto = [s for s in attempt.slots if s.question.type != "essay"]
    assert all(s.fraction == 1.0 for s in auto)
    evidence = db.session.scalars(
        select(Evidence).where(Evidence.source_kind == SourceKind.QUIZ)
    ).all()
    assert len(evidence) == 7
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_wrong_answers_score_zero_and_multiple_choice_never_goes_negative(
    quiz: services.Quiz,
) -> None:
    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    services.save_answers(attempt, answers_for(attempt, right=False))
    services.submit_attempt(attempt)
    fractions = {s.question.type: s.fraction for s in attempt.slots}
    assert fractions["multiple"] == 0.0
    assert fractions["single"] == 0.0 and fractions["numeric"] == 0.0
    assert fractions["matching"] == 0.0 and fractions["short"] == 0.0
    assert fractions["ordering"] == pytest.approx(1 / 3)  # the middle step stays in place


def test_an_instructor_grades_the_essay_and_the_score_completes(quiz: services.Quiz) -> None:
    user = make_user()
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,), name="李老师")
    attempt = services.start_attempt(quiz, user.id)
    services.save_answers(attempt, answers_for(attempt))
    services.submit_attempt(attempt)
    queue = services.grading_queue()
    assert [(i.attempt_id, i.user_id) for i in queue] == [(attempt.id, user.id)]
    essay = next(s for s in attempt.slots if s.question.type == "essay")
    with pytest.raises(services.QuizError):
        services.grade_essay(attempt, essay.position, teacher.id, [3, 0], "")  # over the max
    services.grade_essay(attempt, essay.position, teacher.id, [2, 1], "共情到位，方案要更具体。")
    assert attempt.state == AttemptState.FINISHED
    # 7 auto questions right = 12 of 12 points; essay 3 of 4 → 15 of 16.
    assert attempt.score == 15 and attempt.max_score == 16
    assert attempt.percent == 93.8 and attempt.passed is True
    assert services.grading_queue() == []
    services.grade_essay(attempt, essay.position, teacher.id, [0, 0], "重新评分")  # regrade
    assert attempt.score == 12
    changes = db.session.scalars(select(GradeChange).order_by(GradeChange.id)).all()
    assert [(c.old_fraction, c.new_fraction) for c in changes] == [(None, 0.75), (0.75, 0.0)]
    assert db.session.scalar(select(func.count()).select_from(ItemStat)) == 8


def test_time_limit_is_enforced_by_the_server(quiz: services.Quiz) -> None:
    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    services.save_answers(attempt, answers_for(attempt))
    late = attempt.started_at + timedelta(minutes=25)
    with pytest.raises(services.QuizError, match="Time is up"):
        services.save_answers(attempt, answers_for(attempt, right=False), now=late)
    assert attempt.state != AttemptState.IN_PROGRESS and attempt.auto_submitted
    assert all(s.fraction == 1.0 for s in attempt.slots if s.question.type != "essay")


def test_bad_answers_are_refused_clearly_and_change_nothing(quiz: services.Quiz) -> None:
    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    numeric = next(s for s in attempt.slots if s.question.type == "numeric")
    single = next(s for s in attempt.slots if s.question.type == "single")
    short = next(s for s in attempt.slots if s.question.type == "short")
    # An honest mistake is refused on its own; the rest of the form is kept.
    result = services.save_answers(
        attempt, {f"q{numeric.position}": ["eighty"], f"q{short.position}": ["listening"]}
    )
    assert "is not a number" in str(result.errors[numeric.position])
    assert numeric.response is None and short.response == "listening"
    # An option this attempt never served (here an authoring id) refuses the whole request.
    with pytest.raises(services.AnswerRefused, match="not offered in this attempt"):
        services.save_answers(
            attempt, {f"q{single.position}": ["a"], f"q{numeric.position}": ["85"]}
        )
    assert single.response is None and numeric.response is None
    with pytest.raises(services.QuizError, match="not in this attempt"):
        services.save_answers(attempt, {"q99": ["a"]})
    other = make_user("other@example.com")
    with pytest.raises(services.NotFound):
        services.get_attempt(attempt.id, other.id)


def test_attempt_limit_and_close_date(quiz: services.Quiz) -> None:
    user = make_user()
    for _ in range(2):
        attempt = services.start_attempt(quiz, user.id)
        services.submit_attempt(attempt)
    with pytest.raises(services.QuizError, match="used all 2 attempts"):
        services.start_attempt(quiz, user.id)
    quiz.closes_at = utcnow() - timedelta(days=1)
    other = make_user("other@example.com")
    with pytest.raises(services.QuizError, match="closed"):
        services.start_attempt(quiz, other.id)


def test_starting_saving_and_submitting_use_a_bounded_number_of_queries(
    quiz: services.Quiz, count_queries: QueryCounter
) -> None:
    def costs(email: str) -> tuple[int, int, int]:
        user = make_user(email)
        count_queries.count = 0
        attempt = services.start_attempt(quiz, user.id)
        start = count_queries.count
        count_queries.count = 0
        services.save_answers(attempt, answers_for(attempt))
        save = count_queries.count
        count_queries.count = 0
        services.submit_attempt(attempt)
        return start, save, count_queries.count

    first = costs("a@example.com")
    for i in range(5):  # more attempts in the database must not cost more
        costs(f"b{i}@example.com")
    assert costs("c@example.com") == first
    assert max(first) <= 40  # grows with the questions in one attempt, nothing else


def test_scoring_fifty_questions_is_fast() -> None:
    import time

    from trainer.quizzes.types import TYPES

    data = {"options": [{"id": c, "fraction": 0.5 if c in "ab" else -1.0} for c in "abcd"]}
    start = time.perf_counter()
    for _ in range(50):
        TYPES["multiple"].grade(data, ["a", "b"])
        TYPES["ordering"].grade(
            {"steps": [{"id": f"s{i}"} for i in range(6)]}, [f"s{i}" for i in range(6)]
        )
    assert time.perf_counter() - start < 0.01


def test_questions_never_leave_their_key_in_what_is_presented(quiz: services.Quiz) -> None:
    from trainer.quizzes.presentation import attempt_view

    user = make_user()
    attempt = services.start_attempt(quiz, user.id)
    for view in attempt_view(attempt, "en", reveal=False):
        shown = repr(view.shown)
        assert "fraction" not in shown and "correct" not in shown and "answer" not in shown
        assert view.correct is None and view.explanation == ""
    assert db.session.scalar(select(func.count()).select_from(Question)) == 8


def test_fixed_questions_and_filters_shape_the_draw(app: Flask, tmp_path: Path) -> None:
    from tests.content_factory import make_tree_with_quiz

    root = make_tree_with_quiz(tmp_path)
    quizzes_file = root / "quizzes.yml"
    quizzes_file.write_text(
        quizzes_file.read_text()
        .replace("    draw: 7\n", "    draw: 2\n    questions: [q-essay]\n    difficulty: [1]\n")
        .replace("    essays: 1\n", ""),
        encoding="utf-8",
    )
    load_tree(read_tree(root))
    user = make_user()
    attempt = services.start_attempt(services.get_quiz("basics-quiz"), user.id)
    keys = [s.question.key for s in attempt.slots]
    assert keys[0] == "q-essay" and len(keys) == 3
    assert all(s.question.difficulty == 1 for s in attempt.slots[1:])


def test_unknown_fixed_question_is_reported(tmp_path: Path) -> None:
    from tests.content_factory import make_tree_with_quiz
    from trainer.content_tree import check_tree

    root = make_tree_with_quiz(tmp_path)
    quizzes_file = root / "quizzes.yml"
    quizzes_file.write_text(
        quizzes_file.read_text().replace(
            "    draw: 7\n", "    draw: 7\n    questions: [no-such-question]\n"
        ),
        encoding="utf-8",
    )
    assert any("questions lists ids" in p.message for p in check_tree(root))
