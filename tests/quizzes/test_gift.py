"""GIFT: Moodle's own fixture reads as Moodle reads it; export then import gives the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.quizzes.gift import parse_gift, questions_to_gift

# Moodle's own fixture, copied unchanged from shared/fixtures/moodle (see its README there).
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "questions.gift.txt"


@pytest.fixture(scope="module")
def moodle() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def test_moodle_fixture_imports_as_nine_questions(moodle: str) -> None:
    result = parse_gift(moodle)
    assert [(q.name, q.type) for q in result.questions] == [
        ("Q8", "essay"),
        ("Moodle activities", "matching"),
        ("Q2", "single"),
        ("colours", "multiple"),
        ("Q5", "numeric"),
        ("Shortanswer", "short"),
        ("Q1", "truefalse"),
        ("2-08 TSL", "truefalse"),
        ("2-08 TSL", "truefalse"),
    ]
    # The stray '";' after Q5 and Q1 is reported by line, and the questions are kept.
    assert [(p.line, p.message) for p in result.problems] == [
        (31, "ignored stray text after '}': \";"),
        (41, "ignored stray text after '}': \";"),
    ]


def test_moodle_fixture_details(moodle: str) -> None:
    q = {q.name: q for q in parse_gift(moodle).questions}
    activities = q["Moodle activities"]
    assert activities.text_format == "html"
    assert len(activities.data["pairs"]) == 4 and len(activities.data["distractors"]) == 1
    assert activities.data["distractors"][0]["right"]["en"] == "Chat"
    assert [p["format"] for p in activities.data["pairs"]] == [
        "html",
        "moodle",
        "plain",
        "markdown",
    ]
    q2 = q["Q2"].data["options"]
    assert [(o["text"]["en"], o["fraction"]) for o in q2] == [
        ("yellow", 1),
        ("red", 0),
        ("blue", 0),
    ]
    assert q2[0]["feedback"]["en"] == "right; good!"
    assert q2[1]["feedback"]["en"] == "wrong, it's yellow"
    colours = q["colours"].data["options"]
    assert [o["fraction"] for o in colours] == [0.5, -1.0, 0.5, -1.0]
    assert q["Q5"].data["answers"] == [
        {
            "value": 3.0,
            "tolerance": 2.0,
            "fraction": 1.0,
            "feedback": "",
            "feedback_format": "moodle",
        }
    ]
    assert q["Q5"].data["other_feedback"] == "Completely wrong"
    short = q["Shortanswer"].data["answers"]
    assert [(a["text"], a["fraction"]) for a in short] == [("Frog", 1.0), ("Cat", 0.5), ("*", 0.0)]
    q1 = q["Q1"]
    assert q1.data["answer"] is False
    assert q1.data["feedback_wrong"] == "42 is the Ultimate Answer."
    assert q1.data["feedback_right"] == "You gave the right answer."
    assert q1.general_feedback.startswith("This is, of course")
    assert [x.data["answer"] for x in parse_gift(moodle).questions[-2:]] == [True, True]


def _comparable(questions: list) -> list:
    return [(q.name, q.type, q.text, q.text_format, q.data, q.general_feedback) for q in questions]


def test_export_then_import_gives_the_same_questions(moodle: str) -> None:
    first = parse_gift(moodle).questions
    items = [
        {
            "type": q.type,
            "name": q.name,
            "text": {"zh": q.text, "en": q.text},
            "data": {**q.data, "format": q.text_format},
            "general_feedback": q.general_feedback,
        }
        for q in first
    ]
    text, skipped = questions_to_gift(items, "en")
    assert skipped == []
    second = parse_gift(text)
    assert second.problems == []
    # Matching pairs carry their own format, the question text its own; both survive.
    assert _comparable(second.questions) == _comparable(first)


SYNTAX = """$CATEGORY: 客服/投诉

// comment lines are ignored
::转义::冒号\\: 等号\\= 井号\\# 花括号\\{\\} 波浪\\~ 都要保留{=对的\\=答案 ~错的}

::缺词::客户投诉时先要{=倾听 ~解释 ~反驳}，再表达理解。

::区间::满意度在多少到多少之间算合格？{#80..100}

::多个数值::首次解决率？{#
    =85:1
    =%50%80:2
}

::描述::这是一段说明文字，没有答案。

::markdown::[markdown]**加粗**的题目{T}

::坏题::没有闭合的答案块{=一 ~二
"""


def test_the_whole_syntax_including_chinese(tmp_path: Path) -> None:
    result = parse_gift(SYNTAX)
    by_name = {q.name: q for q in result.questions}
    assert all(q.category == "客服/投诉" for q in result.questions)
    assert by_name["转义"].text == "冒号: 等号= 井号# 花括号{} 波浪~ 都要保留"
    assert by_name["转义"].data["options"][0]["text"]["zh"] == "对的=答案"
    assert by_name["缺词"].text == "客户投诉时先要_____，再表达理解。"  # as Moodle: no spaces added
    assert by_name["区间"].data["answers"][0] == {
        "min": 80.0,
        "max": 100.0,
        "fraction": 1.0,
        "feedback": "",
        "feedback_format": "moodle",
    }
    assert [a["fraction"] for a in by_name["多个数值"].data["answers"]] == [1.0, 0.5]
    assert by_name["描述"].type == "description"
    assert by_name["markdown"].text_format == "markdown"
    assert [(p.line, p.message) for p in result.problems] == [
        (19, "the answer block is not closed with '}'")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::x:: Q {#abc}", "“abc” is not a number"),
        ("::x:: Q {~a ~b}", "no answer earns any marks"),
        ("::x:: Q {=a -> }", "a matching answer has nothing after '->'"),
        ("::x Q {T}", "the question name is not closed with '::'"),
    ],
)
def test_malformed_questions_are_reported_not_guessed(text: str, message: str) -> None:
    result = parse_gift(text)
    assert result.questions == []
    assert [p.message for p in result.problems] == [message]
