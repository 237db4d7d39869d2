"""The shipped QA scorecards (content/scorecards/*.yml) keep the format of their README.

A reviewer scores a real call on one of these files, and its criteria move the same competencies
as the role-plays; so a weight that does not add up, an unknown competency or a level missing in
one language would show up as a wrong score or an empty line on the reviewer's form. The
checklist terms are run through the role-play checker's own word matching on a model agent's
words, so every suggestion the checker can make from a transcript is one it can actually find.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.content_factory import REAL_CONTENT
from trainer.glossary import check_yaml, load_glossary
from trainer.phrases import load_phrase_book
from trainer.roleplay.loader import ERROR_KINDS, SECTIONS
from trainer.wording import Reading, find_term

SCORECARDS = REAL_CONTENT / "scorecards"
FILES = sorted(p for p in SCORECARDS.glob("*.yml"))
KINDS = ("objective", "subjective")
TOP = {"id", "title", "channel", "summary", "pass_mark", "criteria", "critical_errors"}
CRITERION = {"id", "name", "section", "weight", "competency", "kind", "na_allowed", "guidance"}
CRITERION |= {"levels"}
LANGS = ("zh", "en")

# What an agent who does everything right says on each kind of contact: every checklist item of
# the scorecard must be found in it, in each language, by the checker's word matching.
MODEL_AGENT = {
    "voice-call": {
        "zh": (
            "您好，这里是客服热线，我是工号5207，请问有什么可以帮您？"
            "能说说具体是什么情况吗？"
            "为了您的账户安全，我需要先核实一下机主身份证号后四位。"
            "您是说这个月的套餐费扣了两次，手机也停了，对吗？"
            "让您这么着急，真的很抱歉。"
            "我需要查一下记录，大约两分钟，您方便稍等吗？"
            "让您久等了。"
            "我来帮您处理，现在就给您恢复通话。"
            "退款两个工作日内退回，或者您也可以选择抵扣下月话费。"
            "我再跟您确认一下：通话十五分钟内恢复，退款两个工作日到账。"
            "请问还有其他问题吗？感谢您的来电。"
        ),
        "en": (
            "Good evening, thank you for calling the service line, my name is Lin, staff number "
            "5207. How can I help you? "
            "Could you tell me what happened? "
            "For your security, I need to verify the last four digits of the account holder's ID. "
            "So you were charged twice this month and the phone was cut off, is that right? "
            "That must be worrying, and I'm sorry it happened. "
            "I need to check the record, it will take about two minutes, would you mind waiting? "
            "Thank you for holding. "
            "I'll restore your service now. "
            "The refund comes back within two working days, or alternatively it can go against "
            "next month's bill. "
            "To recap: calls work again within fifteen minutes and the refund follows. "
            "Is there anything else? Thank you for calling."
        ),
    },
    "written-channel": {
        "zh": (
            "您好，我是在线客服小林，很高兴为您服务。"
            "您在消息里提到三件事，我逐一回复：第一，订单已经发货；第二，发票可以补开；"
            "第三，运费差价会退回。"
            "为了您的账户安全，我先通过系统给您绑定的手机发一个验证链接，请点击完成验证。"
            "请不要在对话中发送密码或短信验证码。"
            "让您等了这么久，真的很抱歉。"
            "我需要查一下物流记录，大约三分钟，查到后马上回复您。"
            "感谢您的耐心等待。"
            "我来帮您处理，运费差价在三个工作日内退回原支付账户。"
            "如果不方便，也可以选择改为店铺余额。"
            "我总结一下本次处理的内容：发票今天补开，差价三个工作日内退回，工单号是A2041。"
            "请问还有其他问题吗？感谢您的耐心。"
        ),
        "en": (
            "Hello, I'm Lin from the online service team. "
            "You raised three points in your message, so I'll answer each: first, the order has "
            "shipped; second, the invoice can be reissued; third, the shipping difference will be "
            "refunded. "
            "For your security, I'll verify your account with a link sent to the phone number "
            "on file. Please never send your password or a verification code in this chat. "
            "I'm sorry you've had to wait so long for this. "
            "I need to check the delivery record, it will take about three minutes, and I'll "
            "come straight back to you. "
            "Thank you for waiting. "
            "I'll refund the shipping difference to your original payment account within three "
            "working days, or alternatively it can go to your store balance. "
            "To sum up: the invoice is reissued today, the difference is refunded within three "
            "working days, and your ticket number is A2041. "
            "Is there anything else I can help with? Thank you for your patience."
        ),
    },
}


@cache
def scorecard(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


@cache
def competency_ids() -> set[str]:
    data = yaml.safe_load((REAL_CONTENT / "competencies.yml").read_text(encoding="utf-8"))
    return {c["id"] for c in data["competencies"]}


def bilingual(value: Any, where: str) -> None:
    assert isinstance(value, dict) and set(value) == set(LANGS), f"{where}: zh and en, nothing else"
    for lang in LANGS:
        assert isinstance(value[lang], str) and value[lang].strip(), f"{where}.{lang} is empty"


def test_both_scorecards_are_shipped() -> None:
    assert [p.stem for p in FILES] == ["voice-call", "written-channel"]
    assert {scorecard(p)["channel"] for p in FILES} == {"voice", "written"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_top_level_follows_the_format(path: Path) -> None:
    card = scorecard(path)
    assert set(card) == TOP
    assert card["id"] == path.stem
    assert card["channel"] in ("voice", "written")
    assert isinstance(card["pass_mark"], int) and 0 <= card["pass_mark"] <= 100
    bilingual(card["title"], "title")
    bilingual(card["summary"], "summary")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_criteria_are_weighted_to_100_and_follow_the_call(path: Path) -> None:
    criteria = scorecard(path)["criteria"]
    assert 8 <= len(criteria) <= 12
    ids = [c["id"] for c in criteria]
    assert len(set(ids)) == len(ids), "criterion ids are unique"
    assert sum(c["weight"] for c in criteria) == 100
    # In call order: the opening comes first and the close last, whatever lies between.
    assert criteria[0]["section"] == "opening"
    assert criteria[-1]["section"] == "closing"
    for c in criteria:
        where = f"{path.stem}:{c.get('id')}"
        assert set(c) - {"checklist"} == CRITERION, where
        assert c["section"] in SECTIONS, where
        assert isinstance(c["weight"], int) and 1 <= c["weight"] <= 100, where
        assert c["competency"] in competency_ids(), where
        assert c["kind"] in KINDS, where
        assert isinstance(c["na_allowed"], bool), where
        bilingual(c["name"], f"{where}.name")
        bilingual(c["guidance"], f"{where}.guidance")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_levels_rise_from_zero_in_both_languages(path: Path) -> None:
    for c in scorecard(path)["criteria"]:
        levels = c["levels"]
        assert 3 <= len(levels) <= 4, c["id"]
        minimums = [level["min"] for level in levels]
        assert minimums[0] == 0, c["id"]
        assert minimums == sorted(set(minimums)), f"{c['id']}: minimums rise strictly"
        assert all(isinstance(m, int) and 0 <= m <= 100 for m in minimums), c["id"]
        for j, level in enumerate(levels):
            bilingual({k: v for k, v in level.items() if k != "min"}, f"{c['id']}.levels[{j}]")


def test_the_top_level_earns_full_marks_and_subjective_items_have_a_finer_scale() -> None:
    # A reviewer who picks the best level gives the criterion its whole weight; judgements
    # (where reviewers disagree most) get four levels, facts three.
    for path in FILES:
        for c in scorecard(path)["criteria"]:
            minimums = [level["min"] for level in c["levels"]]
            expected = [0, 40, 70, 100] if c["kind"] == "subjective" else [0, 50, 100]
            assert minimums == expected, (path.stem, c["id"])


def test_a_scorecard_says_where_a_criterion_may_not_apply() -> None:
    # A call with no hold has nothing to score on hold etiquette; a general question, nothing on
    # identity checks. Everything else applies to every contact.
    for path in FILES:
        na = {c["id"] for c in scorecard(path)["criteria"] if c["na_allowed"]}
        sections = {c["section"] for c in scorecard(path)["criteria"] if c["na_allowed"]}
        assert sections == {"hold", "compliance"}, (path.stem, na)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_checklist_items_have_terms_in_both_languages(path: Path) -> None:
    seen: set[str] = set()
    for c in scorecard(path)["criteria"]:
        for item in c.get("checklist", []):
            where = f"{c['id']}.{item.get('id')}"
            assert set(item) <= {"id", "what", "zh", "en", "weight"}, where
            assert {"id", "what", "zh", "en"} <= set(item), where
            assert item["id"] not in seen, f"{where}: checklist ids are unique in a scorecard"
            seen.add(item["id"])
            bilingual(item["what"], where)
            for lang in LANGS:
                terms = item[lang]
                assert isinstance(terms, list) and terms, f"{where}.{lang} has terms"
                assert all(isinstance(t, str) and t.strip() for t in terms), f"{where}.{lang}"
            if "weight" in item:
                assert 0 < item["weight"] <= 10, where
    assert seen, "the checker has something to suggest from"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGS)
def test_the_checker_finds_every_item_in_a_model_agents_words(path: Path, lang: str) -> None:
    problems: list = []
    book = load_phrase_book(REAL_CONTENT, problems)
    assert problems == []
    reading = Reading(MODEL_AGENT[path.stem][lang])
    missing = [
        item["id"]
        for c in scorecard(path)["criteria"]
        for item in c.get("checklist", [])
        if not any(find_term(reading, term, book.synonyms) for term in item[lang])
    ]
    assert missing == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_critical_errors_are_tagged_and_one_zeroes_the_call(path: Path) -> None:
    errors = scorecard(path)["critical_errors"]
    assert 3 <= len(errors) <= 5
    assert len({e["id"] for e in errors}) == len(errors)
    for e in errors:
        assert set(e) <= {"id", "kind", "name", "zero"}, e["id"]
        assert e["kind"] in ERROR_KINDS, e["id"]
        bilingual(e["name"], e["id"])
        assert isinstance(e.get("zero", False), bool), e["id"]
    # A data-protection breach cannot be averaged away.
    assert any(e["kind"] == "compliance" and e.get("zero") for e in errors)


def test_the_scorecards_keep_the_course_terminology() -> None:
    problems: list = []
    glossary = load_glossary(REAL_CONTENT, problems)
    assert glossary is not None and problems == []
    found = [
        str(p)
        for path in FILES
        for p in check_yaml(glossary, path.read_text(encoding="utf-8"), str(path))
    ]
    assert found == []
