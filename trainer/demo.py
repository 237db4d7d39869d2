"""`trainer demo`: the four demo accounts, two teams, and a few colleagues with some activity,
made through the same services a person's clicks go through (so the HR view has something to
show). Everything here is marked as demo data by its example.com addresses."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from .auth import services as accounts
from .auth.models import Role, User
from .extensions import db

TEAMS = ("热线一组", "在线客服组")
ACCOUNTS = (
    ("trainee@example.com", "王小雨", Role.TRAINEE, TEAMS[0]),
    ("instructor@example.com", "李老师", Role.INSTRUCTOR, None),
    ("hr@example.com", "赵敏", Role.HR, None),
    ("admin@example.com", "系统管理员", Role.ADMIN, None),
)
# Colleagues of the demo trainee: (email, name, team, lessons read, quizzes passed)
COLLEAGUES = (
    ("chen.jing@example.com", "陈静", TEAMS[0], 12, ("p1-crm-work-quiz", "p4-communication-quiz")),
    ("liu.yang@example.com", "刘洋", TEAMS[0], 6, ("p1-crm-work-quiz",)),
    ("zhou.min@example.com", "周敏", TEAMS[1], 20, ("p1-crm-work-quiz", "p4-communication-quiz")),
    ("sun.hao@example.com", "孙浩", TEAMS[1], 3, ()),
    ("wu.lei@example.com", "吴磊", TEAMS[1], 0, ()),
)


def right_answers(attempt: Any) -> dict[str, list[str]]:
    """The form a trainee who knows every answer would send (demo activity only): the right
    response of each question, put under the attempt's answer tokens."""
    from .quizzes.services import answer_form

    responses: dict[int, Any] = {}
    for slot in attempt.slots:
        data, kind = slot.question.data, slot.question.type
        if kind == "single":
            responses[slot.position] = max(data["options"], key=lambda o: o["fraction"])["id"]
        elif kind == "multiple":
            responses[slot.position] = [o["id"] for o in data["options"] if o["fraction"] > 0]
        elif kind == "truefalse":
            responses[slot.position] = bool(data["answer"])
        elif kind == "matching":
            responses[slot.position] = {pair["id"]: pair["id"] for pair in data["pairs"]}
        elif kind == "ordering":
            responses[slot.position] = [step["id"] for step in data["steps"]]
        elif kind == "numeric":
            answer = data["answers"][0]
            responses[slot.position] = f"{answer.get('value', answer.get('min'))}"
        elif kind == "short":
            responses[slot.position] = data["answers"][0]["text"]
    return answer_form(attempt, responses)


def create_demo(password: str) -> list[tuple[str, Role]]:
    teams = {name: accounts.get_or_create_team(name) for name in TEAMS}
    db.session.commit()
    for email, name, role, team in ACCOUNTS:
        if accounts.find_user_by_email(email) is None:
            accounts.create_user(email, name, password, [role], team=teams.get(team or ""))
    _colleagues(password, teams)
    return [(email, role) for email, _name, role, _team in ACCOUNTS]


def _colleagues(password: str, teams: dict[str, Any]) -> None:
    from .lessons.models import Lesson
    from .lessons.services import complete_lesson
    from .quizzes import services as quizzes

    lessons = list(
        db.session.scalars(
            select(Lesson.id)
            .where(Lesson.archived.is_(False))
            .order_by(Lesson.module_id, Lesson.position)
        )
    )
    rng = random.Random(7)
    for email, name, team, read, passed in COLLEAGUES:
        if accounts.find_user_by_email(email) is not None:
            continue
        user: User = accounts.create_user(email, name, password, [Role.TRAINEE], team=teams[team])
        for lesson_id in lessons[:read]:
            complete_lesson(user.id, lesson_id)
        for slug in passed:
            try:
                quiz = quizzes.get_quiz(slug)
            except quizzes.NotFound:
                continue  # content not loaded yet: the colleague simply has no quiz activity
            attempt = quizzes.start_attempt(quiz, user.id)
            answers = right_answers(attempt)
            if rng.random() < 0.3 and answers:  # not everyone is perfect
                answers.pop(next(iter(answers)))
            quizzes.save_answers(attempt, answers)
            quizzes.submit_attempt(attempt)
