"""The terminology rules of content/glossary.yml: each rule fails on a bad example and leaves the
good form alone, findings point at the file and line, and the lessons and scenarios keep them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

from tests.content_factory import REAL_CONTENT, make_tree
from trainer.glossary import Glossary, check_line, check_terms, check_yaml, load_glossary


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    problems: list = []
    loaded = load_glossary(REAL_CONTENT, problems)
    assert loaded is not None and problems == []
    return loaded


def zh(glossary: Glossary, line: str) -> list[str]:
    return check_line(glossary, line, "zh")


def en(glossary: Glossary, line: str) -> list[str]:
    return check_line(glossary, line, "en")


def test_the_variant_spelling_of_the_agent_is_refused(glossary: Glossary) -> None:
    assert zh(glossary, "座席员先核实身份。") == ["“座席”: write “坐席” (glossary)"]
    assert zh(glossary, "坐席员先核实身份。") == []


def test_seat_calques_are_refused_with_the_english_term(glossary: Glossary) -> None:
    # The longer form wins: one finding, naming the word to write.
    assert en(glossary, "The seat agent verifies the caller.") == [
        "“seat agent”: write “agent” (glossary)"
    ]
    assert en(glossary, "Ask your Seat Team Leader.") == [
        "“Seat Team Leader”: write “team leader” (glossary)"
    ]
    # Plain English use of the word is not a calque.
    assert en(glossary, "Lock your screen when you leave your seat.") == []
    assert en(glossary, "The agent verifies the caller.") == []


@pytest.mark.parametrize(
    ("line", "form"),
    [
        ("Only golden key accounts matter.", "golden key accounts"),
        ("VIPs get the God treatment.", "the God treatment"),
        ("Every customer is God.", "customer is God"),
        ('Never send a customer "into the cold palace".', "into the cold palace"),
    ],
)
def test_listed_calques_are_refused(glossary: Glossary, line: str, form: str) -> None:
    [message] = en(glossary, line)
    assert message.startswith(f"“{form}”: write “")


@pytest.mark.parametrize(
    "line",
    ["补偿100元。", "补偿 2,600 元。", "预算200万元。", "人民币200。", "RMB 200。", "CNY 200元。"],
)
def test_chinese_amounts_are_written_with_the_yuan_sign(glossary: Glossary, line: str) -> None:
    assert any("¥ before the number" in m for m in zh(glossary, line)), line


def test_good_and_spoken_chinese_amounts_pass(glossary: Glossary) -> None:
    assert zh(glossary, "补偿¥100，预算¥200万，合计¥1,460。") == []
    # An amount read aloud in words is speech, which the paraphrasing lesson teaches.
    assert zh(glossary, "读出完整数额，例如“一千二百八十元整”。") == []
    # 元 in other words is not money.
    assert zh(glossary, "多元化的服务单元。") == []
    assert zh(glossary, "补偿¥ 100。") == ["no space between ¥ and the number: ¥200"]


@pytest.mark.parametrize(
    "line",
    [
        "a refund of 100 yuan",
        "a 150-yuan coupon",
        "a refund of ¥100",
        "RMB 100",
        "100 CNY",
        "CNY100",
    ],
)
def test_english_amounts_are_written_with_the_code(glossary: Glossary, line: str) -> None:
    assert any("CNY before the number" in m for m in en(glossary, line)), line


def test_good_and_spoken_english_amounts_pass(glossary: Glossary) -> None:
    assert en(glossary, "a refund of CNY 100, a CNY 1,460 bill") == []
    assert en(glossary, 'say "one thousand two hundred and eighty yuan exactly"') == []


def test_ascii_quotes_and_punctuation_next_to_chinese_are_refused(glossary: Glossary) -> None:
    messages = zh(glossary, '同一句"很抱歉"，有的人说出来让人消气')
    assert messages == [
        'ASCII “"” in Chinese text, column 4: use “…”',
        'ASCII “"” in Chinese text, column 8: use “…”',
    ]
    assert zh(glossary, "先听,再说") == ["ASCII “,” in Chinese text, column 3: use ，"]
    assert zh(glossary, "**注意**: 先核实") == ["ASCII “:” in Chinese text, column 7: use ："]
    assert zh(glossary, "您说的'用不了'是什么") != []
    assert zh(glossary, "真的吗?") == ["ASCII “?” in Chinese text, column 4: use ？"]
    assert zh(glossary, "客户说「这不归我管」") == [
        "“「”: Chinese text quotes with “…” and ‘…’",
        "“」”: Chinese text quotes with “…” and ‘…’",
    ]


def test_ascii_that_is_not_chinese_prose_passes(glossary: Glossary) -> None:
    assert zh(glossary, "同一句“很抱歉”，有的人说出来让人消气。") == []
    assert zh(glossary, "电费¥1,460，上午10:30前回电。") == []  # numbers keep their ASCII
    assert zh(glossary, "首次解决（first call resolution, FCR）") == []  # English inside
    assert zh(glossary, "见[倾听](lesson:listening-skills)和`a,b`。") == []


def test_yaml_findings_carry_the_line_and_skip_syntax_and_typed_forms(glossary: Glossary) -> None:
    text = (
        "id: x\n"
        'title: {zh: "你好", en: "Hi"}\n'  # the YAML quotes are syntax
        "summary:\n"
        "  zh: |\n"
        "    第一行。\n"
        '    第二行"错了"。\n'
        "  en: a 100 yuan refund\n"
        "checklist:\n"
        "  zh: [100元, 座席]\n"  # forms a trainee may type: not checked
    )
    found = [str(p) for p in check_yaml(glossary, text, "f.yml")]
    assert found == [
        'f.yml:6: ASCII “"” in Chinese text, column 8: use “…”',
        'f.yml:6: ASCII “"” in Chinese text, column 11: use “…”',
        "f.yml:7: “yuan”: write amounts as CNY before the number, e.g. CNY 200",
    ]


def test_check_content_reports_glossary_findings_as_path_line_message(
    app: Flask, tmp_path: Path
) -> None:
    root = make_tree(tmp_path)
    shutil.copy(REAL_CONTENT / "glossary.yml", root / "glossary.yml")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["check-content", str(root)]).exit_code == 0
    lesson = next((root / "modules").glob("*/*.zh.md"))
    lines = lesson.read_text(encoding="utf-8").split("\n")
    lines.append("座席要先核实身份。")
    lesson.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(args=["check-content", str(root)])
    assert result.exit_code == 1
    assert f"{lesson}:{len(lines)}: “座席”: write “坐席” (glossary)" in result.output


def test_the_lessons_and_scenarios_keep_the_glossary() -> None:
    owned = [
        str(p)
        for p in check_terms(REAL_CONTENT)
        if "/questions/" not in p.path  # the banks are being rewritten on their own branch
    ]
    assert owned == []
