"""A trainee's real activity through the services: a lesson, a quiz with an essay that is
graded and then regraded, and a finished role-play call."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_user
from tests.content_factory import make_full_tree
from tests.quizzes.test_services import answers_for
from tests.roleplay.test_services import STRONG
from trainer.auth.models import Role, User
from trainer.content_tree import load_tree, read_tree
from trainer.lessons import services as lessons
from trainer.quizzes import services as quizzes
from trainer.roleplay import services as roleplay


def produce_activity(tmp_path: Path) -> User:
    load_tree(read_tree(make_full_tree(tmp_path)))
    trainee = make_user(name="王小明")
    teacher = make_user("teacher@example.com", (Role.INSTRUCTOR,), name="李老师")
    assert lessons.complete_lesson(trainee.id, "lesson-one")
    attempt = quizzes.start_attempt(quizzes.get_quiz("basics-quiz"), trainee.id)
    quizzes.save_answers(attempt, answers_for(attempt))
    quizzes.submit_attempt(attempt)
    essay = next(s for s in attempt.slots if s.question.type == "essay")
    quizzes.grade_essay(attempt, essay.position, teacher.id, [2, 1], "好")
    quizzes.grade_essay(attempt, essay.position, teacher.id, [0, 0], "重新评分")
    session = roleplay.start_session(roleplay.get_scenario("test-call"), trainee.id)
    for move in [0, 0, STRONG, 0, 0]:
        if isinstance(move, str):
            roleplay.write(session, session.turns_taken, move, _book(), "zh")
        else:
            roleplay.choose(session, session.turns_taken, move)
    return trainee


def _book():  # type: ignore[no-untyped-def]
    from tests.content_factory import REAL_CONTENT
    from trainer.phrases import load_phrase_book

    return load_phrase_book(REAL_CONTENT, [])
