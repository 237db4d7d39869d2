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
    ("qa@example.com", "质检员周", Role.QA, None),
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
    _quality_review()
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


# Real contacts of the demo trainee for the QA pages: (reference, channel, days ago, transcript,
# levels the reviewer changes from the checker's suggestion or gives alone, critical errors).
DEMO_CONTACTS: tuple[tuple[str, str, int, str, dict[str, str], list[str]], ...] = (
    (
        "DEMO-CALL-0412",
        "voice",
        6,
        "[00:00] 坐席：您好，这里是客服热线，我是工号5207，请问有什么可以帮您？\n"
        "[00:04] 客户：我这个月话费扣了两次，手机还停机了，怎么回事？\n"
        "[00:11] 坐席：为了您的账户安全，我需要先核实一下机主身份证号后四位。\n"
        "[00:18] 客户：3306。\n"
        "[00:25] 坐席：您是说这个月的套餐费扣了两次，手机也停了，对吗？\n"
        "[00:28] 客户：对。\n"
        "[00:30] 坐席：让您这么着急，真的很抱歉。我来帮您处理，现在就给您恢复通话。\n"
        "[00:52] 坐席：退款两个工作日内退回。请问还有其他问题吗？感谢您的来电。\n"
        "[00:55] 客户：好的，谢谢。",
        {
            "listening": "70",
            "questioning": "70",
            "language": "70",
            "closing": "100",
            "call-record": "100",
            "hold-transfer": "na",
        },
        [],
    ),
    (
        "DEMO-CALL-0419",
        "voice",
        3,
        "[00:00] 坐席：喂，什么事？\n"
        "[00:03] 客户：我的宽带又断了，这周第三次了！\n"
        "[00:08] 坐席：这个不归我们管，您找装维吧。\n"
        "[00:12] 客户：你们不就是客服吗？\n"
        "[00:15] 坐席：我帮您转过去。\n"
        "[00:16] 客户：……",
        {
            "listening": "0",
            "questioning": "0",
            "empathy": "0",
            "language": "0",
            "call-record": "50",
            "verification": "na",
            "hold-transfer": "0",
        },
        ["call-avoidance"],
    ),
    (
        "DEMO-CHAT-2207",
        "chat",
        2,
        "[10:02:11] 坐席：您好，我是在线客服小王，很高兴为您服务。\n"
        "[10:02:40] 客户：我的订单三天了还没发货，发票也没开。\n"
        "[10:03:05] 坐席：让您等了这么久，真的很抱歉。"
        "我需要查一下物流记录，大约三分钟，查到后马上回复您。\n"
        "[10:06:10] 坐席：感谢您的耐心等待。订单今天下午发出，发票今天补开。\n"
        "[10:06:30] 客户：好。\n"
        "[10:06:45] 坐席：请问还有其他问题吗？感谢您的耐心。",
        {
            "verification": "na",
            "empathy": "40",
            "resolution": "100",
            "clarity": "100",
            "contact-record": "100",
        },
        [],
    ),
    (
        "DEMO-CALL-0425",
        "voice",
        1,
        "[00:00] 坐席：您好，客服热线，工号5207，请问有什么可以帮您？\n"
        "[00:05] 客户：我想问一下国际漫游怎么开。\n"
        "[00:09] 坐席：可以在营业厅或者App里开通，开通前请确认目的地的资费。",
        {},
        [],
    ),
)


def _quality_review() -> None:
    """A QA reviewer's evaluations of the demo trainee's calls and chats, one of them disputed;
    the newest call is left in the queue to review (safe to run again: references are unique)."""
    from datetime import timedelta
    from pathlib import Path

    from flask import current_app

    from .database import utcnow
    from .phrases import load_phrase_book
    from .qa import services as qa
    from .qa.models import Interaction

    reviewer = accounts.find_user_by_email("qa@example.com")
    agent = accounts.find_user_by_email("trainee@example.com")
    if reviewer is None or agent is None:
        return
    book = load_phrase_book(Path(current_app.config["TRAINER_CONTENT_DIR"]), [])
    for reference, channel, days, transcript, changes, critical in DEMO_CONTACTS:
        if db.session.scalar(select(Interaction.id).where(Interaction.reference == reference)):
            continue
        try:
            card = qa.definition(qa.scorecard_for(qa.Channel(channel)))
        except qa.QAError:
            return  # content not loaded yet: no QA demo data
        when = (utcnow() - timedelta(days=days)).date()
        interaction = qa.create_interaction(
            qa.NewInteraction(agent.email, channel, when, reference, transcript), reviewer
        )
        if reference == DEMO_CONTACTS[-1][0]:
            continue  # waits in the reviewer's queue
        suggested = qa.suggest(interaction, card, book).criteria
        levels = {
            c.id: str(suggested[c.id].level) if c.id in suggested else "70" for c in card.criteria
        }
        for c in card.criteria:  # a level the scorecard does not have falls to the nearest
            if c.id not in suggested and int(levels[c.id]) not in c.level_values:
                levels[c.id] = str(c.level_values[-2])
        levels.update(changes)
        evaluation = qa.evaluate(
            interaction,
            reviewer,
            qa.EvaluationInput(
                levels,
                notes="1: 开场完整" if not critical else "3: 推诿，没有了解问题就转走",
                critical=critical,
            ),
            book,
        )
        if reference == "DEMO-CHAT-2207":
            qa.open_dispute(
                evaluation,
                agent,
                "empathy",
                "我在第3行具体为等待道歉并说明了原因，不只是套话。",
                int(current_app.config.get("TRAINER_QA_DISPUTE_DAYS", qa.DEFAULT_DISPUTE_DAYS)),
            )
