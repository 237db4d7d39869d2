"""The written-reply checker: words not substrings, negation, padding, language, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.phrases import load_phrase_book, said_phrases
from trainer.roleplay import checker
from trainer.roleplay.definition import ChecklistItem, Route, Text
from trainer.roleplay.scoring_cli import ReplyRefused, load_scenario, score_reply
from trainer.wording import Reading, find_term

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def book():
    problems: list = []
    result = load_phrase_book(CONTENT, problems)
    assert problems == []
    return result


def said(text, book):
    return [s.phrase for s in said_phrases(Reading(text), book.phrases, book.synonyms)]


def avoided(text, book):
    """The phrases to avoid said in the text."""
    phrases = {k: p for k, p in book.phrases.items() if p.kind == "avoid"}
    return [s.phrase for s in said_phrases(Reading(text), phrases)]


def test_forbidden_phrases_are_found_as_written_and_not_when_negated(book):
    hits = said_phrases(Reading("先生，这不归我管。"), book.phrases)
    assert [h.said for h in hits] == ["这不归我管"]
    assert said("我不会说这不归我管，这件事我来跟进。", book) == []
    assert "calm-down" in said("Calm down, sir.", book)
    assert "calm-down" not in said("I won't tell you to calm down.", book)
    assert said("That's not my job!", book) == ["not-my-job"]


def test_terms_match_on_word_edges_not_inside_other_words():
    assert find_term(Reading("我保证明天修好"), "保证") is not None
    assert find_term(Reading("请确保证件齐全"), "保证") is None
    assert find_term(Reading("我不能保证今天修好"), "保证") is None
    assert find_term(Reading("明天8点到10点上门"), "8点") is not None
    assert find_term(Reading("18点以后"), "8点") is None


def test_traditional_width_and_inflection_are_the_same_words():
    assert find_term(Reading("我們明天回電"), "我们明天回电") is not None
    assert find_term(Reading("ＡＢＣ"), "abc") is not None
    assert find_term(Reading("He called us twice."), "call") is not None
    assert find_term(Reading("We will ring you back, at home."), "ring+back") is not None


@pytest.fixture(scope="module")
def close_turn():
    scenario, book = load_scenario(CONTENT, "late-repair")
    turn = scenario.nodes["close"].free_text
    assert turn is not None
    items = [
        ChecklistItem(
            id="visit",
            criterion="closing",
            what=Text(zh="复述上门时间", en="Restates the visit"),
            zh=["明天+8点", "周六+早上", "第一单"],
            en=["tomorrow+8", "saturday+morning", "first job"],
        ),
        ChecklistItem(
            id="money",
            criterion="closing",
            what=Text(zh="补偿", en="Compensation"),
            zh=["100元", "一百元", "补偿"],
            en=["100 yuan", "compensation"],
        ),
        ChecklistItem(
            id="staff",
            criterion="ownership",
            what=Text(zh="工号与跟进", en="Staff number and follow-up"),
            zh=["工号", "我来跟进", "由我跟进"],
            en=["staff number", "follow this up"],
        ),
    ]
    routes = [Route(when="critical", next="end-lost", mood=-30)]
    return scenario, turn.model_copy(update={"checklist": items, "routes": routes}), book


def test_a_complete_reply_is_strong_and_each_item_is_explained(close_turn):
    scenario, turn, book = close_turn
    reply = (
        "跟您确认：明天周六早上8点第一单上门；补偿100元三个工作日内到账。我的工号3316，我来跟进。"
    )
    result = checker.check_reply(scenario, turn, reply, "zh", book)
    assert result.verdict == "strong"
    assert {f.id for f in result.found} == {"visit", "money", "staff"}
    assert result.criteria == {"closing": 100.0, "ownership": 100.0}
    assert checker.react(turn, result).next_node == turn.next


def test_repetition_and_the_wrong_language_earn_nothing(close_turn):
    scenario, turn, book = close_turn
    padded = "我非常理解您的心情。" * 200
    result = checker.check_reply(scenario, turn, padded[:2000], "en", book)
    assert result.verdict == "weak"
    assert result.points == {"closing": 0.0, "ownership": 0.0}
    assert "wrong-language" in result.flags
    repeated = checker.check_reply(scenario, turn, "补偿100元。" * 8, "zh", book)
    assert "padded" in repeated.flags and repeated.verdict == "weak"


def test_a_critical_phrase_fails_the_reply_and_changes_the_route(close_turn):
    scenario, turn, book = close_turn
    reply = "明天周六早上8点第一单上门，补偿100元。工资的事这不归我管。"
    result = checker.check_reply(scenario, turn, reply, "zh", book)
    assert result.verdict == "weak"
    assert result.critical == "forbidden-phrase"
    assert result.avoided[0].said == "这不归我管"
    assert checker.react(turn, result).next_node == "end-lost"


def test_score_reply_refuses_unknown_turns_and_empty_replies():
    with pytest.raises(ReplyRefused):
        score_reply(CONTENT, "no-such-scenario", "close", "zh", "好的")
    with pytest.raises(ReplyRefused):
        score_reply(CONTENT, "late-repair", "no-such-node", "zh", "好的")
    with pytest.raises(ReplyRefused):
        score_reply(CONTENT, "late-repair", "open", "zh", "好的")
    for text in ("", "   ", "😀😀", "好" * 2001):
        with pytest.raises(ReplyRefused):
            score_reply(CONTENT, "late-repair", "close", "zh", text)


def test_score_reply_command_prints_the_contract(tmp_path):
    trainer = Path(sys.executable).with_name("trainer")
    run = subprocess.run(
        [str(trainer), "score-reply", "late-repair", "close", "--lang", "zh"],
        input="明天见，我的工号是3316。",
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "TRAINER_ENV": "development",
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "TRAINER_CONTENT_DIR": str(CONTENT),
        },
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert set(result) >= {"verdict", "criteria", "found", "missing", "avoided", "critical"}
    missing = subprocess.run(
        [str(trainer), "score-reply", "late-repair", "nowhere", "--lang", "zh"],
        input="好的",
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "TRAINER_ENV": "development",
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "TRAINER_CONTENT_DIR": str(CONTENT),
        },
    )
    assert missing.returncode == 2 and "nowhere" in missing.stderr


# ------------------------------------------------------------------ issue 12: known faults


def test_note_is_not_read_as_not():
    assert find_term(Reading("Please note the refund goes back to your card."), "refund")
    assert find_term(Reading("Noted, and I'll call you back tomorrow."), "call+tomorrow")
    assert find_term(Reading("I won't refund you."), "refund") is None


def test_a_not_a_questions_negate_nothing():
    assert find_term(Reading("请问您有没有收到补偿券？"), "收到") is not None
    assert find_term(Reading("是不是师傅没联系上您？"), "师傅") is not None
    assert find_term(Reading("您看能不能接受这个方案？"), "接受") is not None
    assert find_term(Reading("要不要安排师傅明天上门？"), "安排") is not None
    # a real negation still turns the term off
    assert find_term(Reading("我们没有安排师傅上门"), "安排") is None
    assert find_term(Reading("我不能保证今天修好"), "保证") is None


def test_a_negation_belongs_to_its_own_verb():
    assert find_term(Reading("补偿券没到实在抱歉"), "抱歉") is not None
    assert find_term(Reading("一百五十元的补偿券还没收到"), "补偿券") is not None
    assert find_term(Reading("之前没跟您说清楚真是抱歉"), "抱歉") is not None
    assert find_term(Reading("特别抱歉"), "抱歉") is not None


def test_blame_with_a_subject_is_blame_and_its_negation_is_not(book):
    assert "blame-customer" in avoided("空调不洗是你自己的问题，电费高也怪不了别人。", book)
    assert "blame-customer" in avoided("那是您自己没看清。", book)
    assert "blame-customer" in avoided("这是您的问题。", book)
    assert "blame-customer" in avoided("That's your own fault.", book)
    assert "blame-customer" in avoided("It's your fault.", book)
    assert avoided("这不是您的问题，是我们没跟上。", book) == []
    assert avoided("我不觉得是您自己操作错了。", book) == []
    assert avoided("It's not your fault at all.", book) == []


def test_a_negated_saying_reaches_the_end_of_its_clause(book):
    assert avoided("I'm not going to just tell you it's company policy.", book) == []
    assert avoided("我不想跟您说规定就是这样来打发您。", book) == []
    assert avoided("我不能保证明天一定到。", book) == []
    assert "its-the-rule" in avoided("It's company policy.", book)


def test_a_quoted_phrase_is_mentioned_not_said(book):
    assert avoided("昨天那位同事说“这不归我管”，这是不对的，这件事我来跟进。", book) == []
    assert avoided("昨天那位同事说「这不归我管。」这是不对的。", book) == []
    assert avoided('My colleague told you "not my department"; that was wrong of us.', book) == []
    assert avoided("这不归我管。", book) == ["not-my-job"]
    # a reply written wholly in quotation marks is still the reply
    assert avoided("“这件事这不归我管。”", book) == ["not-my-job"]


def test_a_clause_ending_form_needs_the_end_of_its_clause(book):
    assert "its-the-rule" in avoided("没办法。", book)
    assert "its-the-rule" in avoided("这个真没办法啊，您再等等。", book)
    assert avoided("这个我没办法直接减免，但我能为您做的是马上开通自动还款。", book) == []


@pytest.mark.parametrize(
    "text",
    [
        "我保证明天一定到。",
        "肯定给您全额退。",
        "包在我身上。",
        "I guarantee it.",
        "I promise you'll have it tomorrow.",
        "We'll definitely refund you.",
        "I'll refund you in full myself.",
    ],
)
def test_over_promises_are_found(book, text):
    assert {"over-promise", "promise-time-or-money"} & set(avoided(text, book))


@pytest.mark.parametrize(
    "text",
    [
        "我不能保证明天一定到，但我会在下午四点前给您回电。",
        "八年的老客户碰上这种事，心里肯定不舒服。",
        "那肯定是骗子，直接挂断就行。",
        "I can't promise it'll arrive tomorrow, but I'll call you by 4 pm.",
        "I'll call you back by 4 pm tomorrow.",
        "需要交500元保证金。",
    ],
)
def test_no_promise_is_found_where_none_is_made(book, text):
    assert not {"over-promise", "promise-time-or-money"} & set(avoided(text, book))


def test_a_phrase_to_avoid_drops_the_verdict_one_level(close_turn):
    scenario, turn, book = close_turn
    complete = "明天周六早上8点第一单上门；补偿100元。我的工号3316，我来跟进。"
    check = checker.check_reply(scenario, turn, complete + "我保证明天一定修好。", "zh", book)
    assert check.avoided and not check.critical and check.verdict == "adequate"
    half = "明天周六早上8点第一单上门；补偿100元。"
    assert checker.check_reply(scenario, turn, half, "zh", book).verdict == "adequate"
    check = checker.check_reply(scenario, turn, half + "我保证明天一定修好。", "zh", book)
    assert check.verdict == "weak" and check.critical is None
    check = checker.check_reply(scenario, turn, half + " I guarantee it.", "zh", book)
    assert check.verdict == "weak"


@pytest.fixture(scope="module")
def courtesy_turn(close_turn):
    scenario, turn, book = close_turn
    items = [
        ChecklistItem(
            id="feelings",
            criterion="closing",
            what=Text(zh="体谅心情", en="Acknowledges the feeling"),
            zh=["理解", "心情"],
            en=["understand", "frustrating"],
        ),
        ChecklistItem(
            id="sorry",
            criterion="closing",
            what=Text(zh="致歉", en="Apologises"),
            zh=["抱歉", "对不起"],
            en=["sorry", "apologise"],
        ),
        ChecklistItem(
            id="visit",
            criterion="ownership",
            what=Text(zh="上门时间", en="The visit"),
            zh=["明天+8点", "第一单"],
            en=["tomorrow+8", "first job"],
        ),
    ]
    return scenario, turn.model_copy(update={"checklist": items, "routes": []}), book


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("非常理解您的心情，给您带来不便非常抱歉，感谢您的耐心等待。", "zh"),
        ("我非常理解您的心情。" * 5, "zh"),
        ("I completely understand how frustrating that must be, and I'm so sorry.", "en"),
        ("I understand how you feel. " * 5, "en"),
    ],
)
def test_a_reply_of_stock_phrases_only_is_weak(courtesy_turn, text, lang):
    scenario, turn, book = courtesy_turn
    check = checker.check_reply(scenario, turn, text, lang, book)
    assert check.verdict == "weak" and "padded" in check.flags
    assert check.points == {"closing": 0.0, "ownership": 0.0}


def test_stock_phrases_beside_the_case_still_count(courtesy_turn):
    scenario, turn, book = courtesy_turn
    text = "非常理解您的心情，给您带来不便非常抱歉。明天早上8点第一单上门。"
    check = checker.check_reply(scenario, turn, text, "zh", book)
    assert check.verdict == "strong" and check.flags == []
    text = "I'm so sorry. The technician comes tomorrow at 8, first job."
    assert checker.check_reply(scenario, turn, text, "en", book).verdict == "adequate"
