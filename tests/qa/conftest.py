"""QA fixtures: the shipped competencies and scorecards, an agent, reviewers and a lead."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from tests.conftest import make_team, make_user
from tests.content_factory import REAL_CONTENT
from trainer.auth.models import Role, User
from trainer.phrases import PhraseBook, load_phrase_book
from trainer.qa import services
from trainer.qa.models import Interaction
from trainer.qa.scorecard import read_scorecards

VOICE_CALL = "\n".join(
    [
        "[00:00] 坐席：您好，这里是客服热线，我是工号5207，请问有什么可以帮您？",
        "[00:05] 客户：我这个月的话费扣了两次，手机也停了！",
        "[00:12] 坐席：为了您的账户安全，我需要先核实一下机主身份证号后四位。",
        "[00:20] 客户：1234。",
        "[00:25] 坐席：让您这么着急，真的很抱歉。我来帮您处理，现在就给您恢复通话。",
        "[00:40] 坐席：请问还有其他问题吗？感谢您的来电。",
        "[00:42] 客户：没有了，谢谢。",
    ]
)


@dataclass
class People:
    agent: User
    reviewer: User
    second: User
    lead: User


@pytest.fixture
def book() -> PhraseBook:
    return load_phrase_book(REAL_CONTENT, [])


@pytest.fixture
def people(app: Flask, real_course: None) -> People:
    from trainer.competency.services import competencies_by_id

    problems: list = []
    cards = read_scorecards(REAL_CONTENT, set(competencies_by_id()), problems)
    assert problems == []
    services.load_scorecards(cards)
    team = make_team()
    return People(
        make_user("agent@example.com", (Role.TRAINEE,), team=team, name="王小雨"),
        make_user("qa1@example.com", (Role.QA,), name="质检一"),
        make_user("qa2@example.com", (Role.QA,), name="质检二"),
        make_user("lead@example.com", (Role.INSTRUCTOR,), name="组长"),
    )


def make_interaction(
    people: People, reference: str = "CALL-1", transcript: str = VOICE_CALL, channel: str = "voice"
) -> Interaction:
    return services.create_interaction(
        services.NewInteraction(people.agent.email, channel, "2026-12-01", reference, transcript),
        people.reviewer,
    )
