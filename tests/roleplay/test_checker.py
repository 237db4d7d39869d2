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
