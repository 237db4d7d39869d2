"""Every import and export case of Moodle's own GIFT test, as fixtures (tests/fixtures/gift/).

Import: our parser reads each case's GIFT to the same question Moodle's test expects (seen
through `moodle_view`, which names our stored fields as Moodle does). Export: each case's Moodle
question (`from_moodle` turns it into our stored form) is written byte for byte as Moodle's test
expects. Every case then goes import → export → import without change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trainer.quizzes.gift import (
    GiftQuestion,
    idnumber_and_tags,
    parse_gift,
    questions_to_gift,
    to_gift,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gift"
IMPORTS = sorted(p.stem for p in (FIXTURES / "import").glob("*.gift"))
EXPORTS = sorted(p.stem for p in (FIXTURES / "export").glob("*.gift"))
QTYPE = {
    "single": "multichoice",
    "multiple": "multichoice",
    "matching": "match",
    "numeric": "numerical",
    "short": "shortanswer",
    "truefalse": "truefalse",
    "essay": "essay",
    "description": "description",
}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _en(value: Any) -> str:
    return value.get("en", "") if isinstance(value, dict) else (value or "")


def moodle_view(q: GiftQuestion) -> dict[str, Any]:
    """Our parsed question under the field names of Moodle's importer."""
    fmt, data = q.text_format, q.data
    out: dict[str, Any] = {
        "name": q.name,
        "questiontext": q.text,
        "questiontextformat": fmt,
        "generalfeedback": q.general_feedback,
        "generalfeedbackformat": q.general_feedback_format,
        "qtype": QTYPE[q.type],
        "tags": q.tags,
        "idnumber": q.idnumber,
    }
    if q.type in ("single", "multiple"):
        options = data["options"]
        out["single"] = 1 if q.type == "single" else 0
        out["answer"] = [{"text": _en(o["text"]), "format": o["format"]} for o in options]
        out["fraction"] = [o["fraction"] for o in options]
        out["feedback"] = [
            {"text": _en(o["feedback"]), "format": o["feedback_format"]} for o in options
        ]
    elif q.type == "matching":
        out["subquestions"] = [
            {"text": _en(p["left"]), "format": p["format"]} for p in data["pairs"]
        ] + [{"text": "", "format": fmt} for _ in data["distractors"]]
        out["subanswers"] = [_en(p["right"]) for p in data["pairs"] + data["distractors"]]
    elif q.type == "short":
        answers = data["answers"]
        out["answer"] = [a["text"] for a in answers]
        out["fraction"] = [a["fraction"] for a in answers]
        out["feedback"] = [{"text": a["feedback"], "format": a["feedback_format"]} for a in answers]
    elif q.type == "numeric":
        answers = data["answers"]
        # Moodle keeps a range as its middle ± half its width.
        values = [
            (a["value"], a["tolerance"])
            if "value" in a
            else ((a["min"] + a["max"]) / 2, (a["max"] - a["min"]) / 2)
            for a in answers
        ]
        out["answer"] = [_num(v) for v, _ in values]
        out["tolerance"] = [t for _, t in values]
        out["fraction"] = [a["fraction"] for a in answers]
        out["feedback"] = [{"text": a["feedback"], "format": a["feedback_format"]} for a in answers]
        if data["other_feedback"]:
            out["answer"].append("*")
            out["tolerance"].append("")
            out["fraction"].append(0)
            out["feedback"].append(
                {"text": data["other_feedback"], "format": data["other_feedback_format"]}
            )
    elif q.type == "truefalse":
        # Moodle files feedback by the answer given; ours by whether that answer is right.
        right = {"text": data["feedback_right"], "format": data["feedback_right_format"]}
        wrong = {"text": data["feedback_wrong"], "format": data["feedback_wrong_format"]}
        out["correctanswer"] = 1 if data["answer"] else 0
        out["feedbacktrue"] = right if data["answer"] else wrong
        out["feedbackfalse"] = wrong if data["answer"] else right
    return out


def _bi(text: str) -> dict[str, str]:
    return {"zh": text, "en": text}


def from_moodle(qd: dict[str, Any]) -> dict[str, Any]:
    """A question of Moodle's export tests in our stored form (as the bank export builds it)."""
    qtype, options = qd["qtype"], qd.get("options", {})
    data: dict[str, Any] = {
        "format": qd["questiontextformat"],
        "general_feedback_format": qd["generalfeedbackformat"],
    }
    kind = {v: k for k, v in QTYPE.items()}[qtype]
    if qtype == "essay":
        data.update(model_answer={}, rubric=[])
    elif qtype == "match":
        subs = options["subquestions"]
        data["pairs"] = [
            {
                "id": f"p{i}",
                "left": _bi(s["questiontext"]),
                "format": s["questiontextformat"],
                "right": _bi(s["answertext"]),
            }
            for i, s in enumerate(subs, 1)
            if s["questiontext"]
        ]
        data["distractors"] = [
            {"id": f"d{i}", "right": _bi(s["answertext"])}
            for i, s in enumerate(subs, 1)
            if not s["questiontext"]
        ]
    elif qtype == "multichoice":
        kind = "single" if options["single"] else "multiple"
        data["options"] = [
            {
                "id": chr(97 + i),
                "text": _bi(a["answer"]),
                "format": a["answerformat"],
                "fraction": a["fraction"],
                "feedback": _bi(a["feedback"]) if a["feedback"] else None,
                "feedback_format": a["feedbackformat"],
            }
            for i, a in enumerate(options["answers"])
        ]
    elif qtype == "numerical":
        real = [a for a in options["answers"] if a["answer"] not in ("", "*")]
        other = [a for a in options["answers"] if a["answer"] in ("", "*")]
        data["answers"] = [
            {
                "value": float(a["answer"]),
                "tolerance": float(a["tolerance"]),
                "fraction": a["fraction"],
                "feedback": a["feedback"],
                "feedback_format": a["feedbackformat"],
            }
            for a in real
        ]
        data["other_feedback"] = other[0]["feedback"] if other else ""
        data["other_feedback_format"] = other[0]["feedbackformat"] if other else data["format"]
    elif qtype == "shortanswer":
        data["answers"] = [
            {
                "text": a["answer"],
                "fraction": a["fraction"],
                "feedback": a["feedback"],
                "feedback_format": a["feedbackformat"],
            }
            for a in options["answers"]
        ]
    elif qtype == "truefalse":
        answers = options["answers"]
        true, false = answers[str(options["trueanswer"])], answers[str(options["falseanswer"])]
        right, wrong = (true, false) if true["fraction"] == 1 else (false, true)
        data.update(
            answer=true["fraction"] == 1,
            feedback_right=right["feedback"],
            feedback_right_format=right["feedbackformat"],
            feedback_wrong=wrong["feedback"],
            feedback_wrong_format=wrong["feedbackformat"],
        )
    return {
        "id": qd["id"],
        "type": kind,
        "name": qd["name"],
        "text": _bi(qd["questiontext"]),
        "general_feedback": _bi(qd["generalfeedback"]),
        "idnumber": qd.get("idnumber", ""),
        "tags": qd.get("tags", []),
        "data": data,
    }


def stored(q: GiftQuestion) -> dict[str, Any]:
    """A parsed question as the bank export hands it to the writer."""
    return {
        "type": q.type,
        "name": q.name,
        "text": _bi(q.text),
        "general_feedback": _bi(q.general_feedback),
        "idnumber": q.idnumber,
        "tags": q.tags,
        "category": q.category,
        "data": {
            **q.data,
            "format": q.text_format,
            "general_feedback_format": q.general_feedback_format,
        },
    }


def _read(case: str) -> tuple[str, dict[str, Any]]:
    gift = (FIXTURES / "import" / f"{case}.gift").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / "import" / f"{case}.json").read_text(encoding="utf-8"))
    return gift, expected


def test_every_case_of_moodles_test_is_a_fixture() -> None:
    assert len(IMPORTS) == 14 and len(EXPORTS) == 10


@pytest.mark.parametrize("case", IMPORTS)
def test_import_reads_as_moodle_does(case: str) -> None:
    gift, expected = _read(case)
    result = parse_gift(gift)
    assert result.problems == []
    assert len(result.questions) == 1
    view = moodle_view(result.questions[0])
    # Moodle's test checks the fields it names; tags and idnumber are empty unless named.
    expected.setdefault("tags", [])
    expected.setdefault("idnumber", "")
    assert {key: view[key] for key in expected} == expected


@pytest.mark.parametrize("case", json.loads((FIXTURES / "import" / "comments.json").read_text()))
def test_idnumber_and_tags_from_comments(case: dict[str, Any]) -> None:
    assert idnumber_and_tags(case["comment"]) == (case["idnumber"], case["tags"])


@pytest.mark.parametrize("case", EXPORTS)
def test_export_writes_what_moodle_writes(case: str) -> None:
    qdata = json.loads((FIXTURES / "export" / f"{case}.json").read_text(encoding="utf-8"))
    expected = (FIXTURES / "export" / f"{case}.gift").read_text(encoding="utf-8")
    assert to_gift(from_moodle(qdata), "en") == expected


@pytest.mark.parametrize("case", EXPORTS)
def test_moodles_expected_export_reads_back_to_the_same_question(case: str) -> None:
    qdata = json.loads((FIXTURES / "export" / f"{case}.json").read_text(encoding="utf-8"))
    text = (FIXTURES / "export" / f"{case}.gift").read_text(encoding="utf-8")
    [question] = parse_gift(text).questions
    original = from_moodle(qdata)
    again = stored(question)
    assert again["type"] == original["type"] and again["name"] == original["name"]
    assert again["text"] == original["text"]
    assert (again["idnumber"], again["tags"]) == (original["idnumber"], original["tags"])
    # Written once more, it is the same text: nothing was lost or changed on the way.
    assert to_gift({**again, "id": qdata["id"]}, "en") == text


@pytest.mark.parametrize("case", IMPORTS)
def test_import_export_import_is_stable(case: str) -> None:
    gift, _expected = _read(case)
    first = parse_gift(gift).questions
    text, skipped = questions_to_gift([stored(q) for q in first], "en")
    assert skipped == []
    second = parse_gift(text)
    assert second.problems == []
    assert [moodle_view(q) for q in second.questions] == [moodle_view(q) for q in first]
    again, _ = questions_to_gift([stored(q) for q in second.questions], "en")
    assert again == text


def test_backslashes_do_not_double_over_cycles() -> None:
    gift, _ = _read("backslash")
    for _cycle in range(3):
        [question] = parse_gift(gift).questions
        assert question.text == "A \\ B \\\\ C"
        gift, _skipped = questions_to_gift([stored(question)], "en")
    assert "A \\\\ B \\\\\\\\ C{}" in gift


def test_categories_round_trip() -> None:
    text = (
        "$CATEGORY: $course$/top/客服/投诉\n\n::A::甲？{T}\n\n"
        "$CATEGORY: $course$/top/客服/回访\n::B::乙？{F}\n"
    )
    first = parse_gift(text).questions
    assert [q.category for q in first] == ["$course$/top/客服/投诉", "$course$/top/客服/回访"]
    exported, _ = questions_to_gift([stored(q) for q in first], "zh")
    assert exported.count("$CATEGORY:") == 2
    assert [q.category for q in parse_gift(exported).questions] == [q.category for q in first]
