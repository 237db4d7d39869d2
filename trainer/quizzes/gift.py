"""Moodle's GIFT format: reading it as Moodle does (without Moodle's known bugs) and writing it.

`parse_gift(text)` returns the questions it could read and a problem for each block it could not,
with its line number, so one malformed question never stops the rest of a file.
Imported text is monolingual: it is stored as both the zh and the en text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("html", "markdown", "plain", "moodle")
SPECIAL = "~=#{}:"
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


@dataclass
class GiftQuestion:
    line: int
    name: str
    type: str
    text: str
    text_format: str
    data: dict[str, Any]
    general_feedback: str = ""
    category: str = ""


@dataclass
class GiftProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class GiftResult:
    questions: list[GiftQuestion] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)


# --- escapes --------------------------------------------------------------------------------


def unescape(text: str) -> str:
    text = re.sub(r"\\([~=#{}:])", r"\1", text)
    return text.replace("\\n", "\n")


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _find(text: str, char: str, start: int = 0) -> int:
    """Index of the first unescaped `char` at or after `start`, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _split_unescaped(text: str, chars: str) -> list[tuple[str, str]]:
    """Split before each unescaped char of `chars`: [(marker, body), ...]."""
    parts: list[tuple[str, str]] = []
    marker, start, i = "", 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            parts.append((marker, text[start:i]))
            marker, start = text[i], i + 1
        i += 1
    parts.append((marker, text[start:]))
    return parts


def _text_and_format(raw: str, default: str = "moodle") -> tuple[str, str]:
    raw = raw.strip()
    match = re.match(r"^\[(html|markdown|plain|moodle)\]", raw)
    if match:
        return unescape(raw[match.end() :].strip()), match.group(1)
    return unescape(raw), default


def _feedback(body: str) -> tuple[str, str]:
    """'answer # feedback' → (answer, feedback text)."""
    hash_at = _find(body, "#")
    if hash_at < 0:
        return body, ""
    return body[:hash_at], _text_and_format(body[hash_at + 1 :])[0]


def _weight(body: str) -> tuple[float | None, str]:
    body = body.strip()
    match = _WEIGHT.match(body)
    if match:
        return float(match.group(1)) / 100, body[match.end() :]
    return None, body


# --- reading --------------------------------------------------------------------------------


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions are separated by blank lines; `//` comment lines are dropped."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def parse_gift(text: str) -> GiftResult:
    result = GiftResult()
    category = ""
    for line, block in _blocks(text.replace("\r\n", "\n").lstrip("\ufeff")):
        if block.startswith("$CATEGORY:"):
            first, _, rest = block.partition("\n")
            category = first[len("$CATEGORY:") :].strip()
            if not rest.strip():
                continue
            block, line = rest, line + 1
        try:
            question = _parse_block(block, line, result)
        except ValueError as exc:
            result.problems.append(GiftProblem(line, str(exc)))
            continue
        question.category = category
        result.questions.append(question)
    return result


def _parse_block(block: str, line: int, result: GiftResult) -> GiftQuestion:
    name = ""
    body = block.strip()
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            raise ValueError("the question name is not closed with '::'")
        name = unescape(body[2:end].strip())
        body = body[end + 2 :]
    open_at = _find(body, "{")
    if open_at < 0:
        if _find(body, "}") >= 0:
            raise ValueError("a '}' without its '{'")
        text, fmt = _text_and_format(body)
        if not text:
            raise ValueError("the question has no text")
        return GiftQuestion(line, name or text[:40], "description", text, fmt, {})
    close_at = _find(body, "}", open_at + 1)
    if close_at < 0:
        raise ValueError("the answer block is not closed with '}'")
    before, answers, after = body[:open_at], body[open_at + 1 : close_at], body[close_at + 1 :]
    if _find(answers, "{") >= 0:
        raise ValueError("a '{' inside an answer block (escape it as \\{)")
    text, fmt = _text_and_format(before)
    trailing = after.strip()
    if trailing and not re.search(r"\w", trailing):
        # Moodle keeps stray punctuation after '}' as text; we report it and drop it.
        result.problems.append(GiftProblem(line, f"ignored stray text after '}}': {trailing}"))
        trailing = ""
    if trailing:
        text = f"{text} _____ {unescape(trailing)}".strip()
    general = ""
    gf_at = answers.find("####")
    while gf_at >= 0 and gf_at > 0 and answers[gf_at - 1] == "\\":
        gf_at = answers.find("####", gf_at + 1)
    if gf_at >= 0:
        general = _text_and_format(answers[gf_at + 4 :])[0]
        answers = answers[:gf_at]
    kind, data = _answers(answers.strip())
    if not text:
        raise ValueError("the question has no text")
    return GiftQuestion(line, name or text[:40], kind, text, fmt, data, general)


def _answers(answers: str) -> tuple[str, dict[str, Any]]:
    if not answers:
        return "essay", {"model_answer": {}, "rubric": []}
    if answers.startswith("#"):
        return "numeric", _numeric(answers[1:])
    tf = re.match(r"^(T|TRUE|F|FALSE)\s*(#|$)", answers)
    if tf:
        value = tf.group(1) in ("T", "TRUE")
        notes = [p for _, p in _split_unescaped(answers, "#")][1:]
        wrong = _text_and_format(notes[0])[0] if notes else ""
        right = _text_and_format(notes[1])[0] if len(notes) > 1 else ""
        return "truefalse", {"answer": value, "feedback_wrong": wrong, "feedback_right": right}
    parts = [(m, b) for m, b in _split_unescaped(answers, "=~") if m]
    if not parts:
        raise ValueError("the answers must start with '=' or '~'")
    if any(_find(b, "-") >= 0 and "->" in b for m, b in parts if m == "="):
        return "matching", _matching(parts)
    if all(m == "=" for m, _ in parts):
        return "short", _short(parts)
    return _choice(parts)


def _choice(parts: list[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    options: list[dict[str, Any]] = []
    for index, (marker, body) in enumerate(parts):
        answer, feedback = _feedback(body)
        weight, answer = _weight(answer)
        text, fmt = _text_and_format(answer)
        fraction = weight if weight is not None else (1.0 if marker == "=" else 0.0)
        options.append(
            {
                "id": chr(ord("a") + index) if index < 26 else f"o{index}",
                "text": {"zh": text, "en": text},
                "format": fmt,
                "fraction": fraction,
                "feedback": {"zh": feedback, "en": feedback} if feedback else None,
            }
        )
    single = any(marker == "=" for marker, _ in parts)
    if not any(o["fraction"] > 0 for o in options):
        raise ValueError("no answer earns any marks")
    return ("single" if single else "multiple"), {"options": options, "shuffle": True}


def _short(parts: list[tuple[str, str]]) -> dict[str, Any]:
    answers = []
    for _marker, body in parts:
        answer, feedback = _feedback(body)
        weight, answer = _weight(answer)
        answers.append(
            {
                "text": unescape(answer.strip()),
                "fraction": 1.0 if weight is None else weight,
                "feedback": feedback,
            }
        )
    return {"answers": answers}


def _matching(parts: list[tuple[str, str]]) -> dict[str, Any]:
    pairs, distractors = [], []
    for index, (marker, body) in enumerate(parts, start=1):
        if marker != "=":
            raise ValueError("matching answers all start with '='")
        left, arrow, right = body.partition("->")
        if not arrow:
            raise ValueError("a matching answer needs '->'")
        left_text, left_format = _text_and_format(left)
        right_text = unescape(right.strip())
        if not right_text:
            raise ValueError("a matching answer has nothing after '->'")
        if left_text:
            pairs.append(
                {
                    "id": f"p{index}",
                    "left": {"zh": left_text, "en": left_text},
                    "format": left_format,
                    "right": {"zh": right_text, "en": right_text},
                }
            )
        else:  # an empty question side is an extra wrong answer (Moodle's distractor)
            distractors.append({"id": f"d{index}", "right": {"zh": right_text, "en": right_text}})
    if len(pairs) < 2:
        raise ValueError("a matching question needs at least two pairs")
    return {"pairs": pairs, "distractors": distractors}


def _number(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number") from None


def _numeric(body: str) -> dict[str, Any]:
    answers = []
    parts = _split_unescaped(body, "=~")
    _first_marker, first_body = parts[0]
    parts = [("=", first_body), *parts[1:]] if first_body.strip() else parts[1:]
    for marker, part in parts:
        value_text, feedback = _feedback(part)
        weight, value_text = _weight(value_text)
        value_text = value_text.strip()
        if marker == "~":
            if value_text:
                raise ValueError("a wrong numerical answer ('~') can carry only feedback")
            answers.append({"other": True, "fraction": 0.0, "feedback": feedback})
            continue
        fraction = 1.0 if weight is None else weight
        if ".." in value_text:
            low, high = value_text.split("..", 1)
            answers.append(
                {
                    "min": _number(low),
                    "max": _number(high),
                    "fraction": fraction,
                    "feedback": feedback,
                }
            )
        else:
            value, _, tolerance = value_text.partition(":")
            answers.append(
                {
                    "value": _number(value),
                    "tolerance": abs(_number(tolerance or "0")),
                    "fraction": fraction,
                    "feedback": feedback,
                }
            )
    if not any(not a.get("other") for a in answers):
        raise ValueError("a numerical question needs a number")
    return {
        "answers": [a for a in answers if not a.get("other")],
        "other_feedback": next((a["feedback"] for a in answers if a.get("other")), ""),
        "unit": {"zh": "", "en": ""},
    }


# --- writing --------------------------------------------------------------------------------


def _fmt(text: str, fmt: str) -> str:
    prefix = f"[{fmt}]" if fmt and fmt != "moodle" else ""
    return prefix + escape(text)


def _pct(fraction: float) -> str:
    value = round(fraction * 100, 5)
    return f"%{value:g}%"


def to_gift(question: dict[str, Any], lang: str) -> str:
    """One question (as stored: type, text, data, name...) in GIFT."""
    kind, data = question["type"], question["data"]

    def pick(v: Any) -> str:
        return (v or {}).get(lang, "") if isinstance(v, dict) else (v or "")

    head = f"::{escape(question['name'])}::" + _fmt(
        pick(question["text"]), data.get("format", "moodle")
    )
    general = pick(question.get("general_feedback"))
    tail = f"\n####{escape(general)}" if general else ""
    if kind == "description":
        return head
    if kind == "essay":
        return head + " {" + tail + "}"
    if kind == "truefalse":
        answer = "TRUE" if data["answer"] else "FALSE"
        feedback = ""
        if data.get("feedback_wrong") or data.get("feedback_right"):
            wrong, right = data.get("feedback_wrong", ""), data.get("feedback_right", "")
            feedback = f"#{escape(wrong)}#{escape(right)}"
        return head + " {" + answer + feedback + tail + "}"
    lines = []
    if kind in ("single", "multiple"):
        for option in data["options"]:
            fraction = option["fraction"]
            if kind == "single" and fraction == 1.0:
                prefix = "="
            elif kind == "single" and fraction == 0.0:
                prefix = "~"
            else:
                prefix = "~" + _pct(fraction)
            feedback = pick(option.get("feedback"))
            lines.append(
                prefix
                + _fmt(pick(option["text"]), option.get("format", "moodle"))
                + (f" #{escape(feedback)}" if feedback else "")
            )
    elif kind == "short":
        for answer in data["answers"]:
            weight = "" if answer["fraction"] == 1.0 else _pct(answer["fraction"])
            feedback = answer.get("feedback", "")
            lines.append(
                "=" + weight + escape(answer["text"]) + (f"#{escape(feedback)}" if feedback else "")
            )
    elif kind == "matching":
        for pair in data["pairs"]:
            lines.append(
                "="
                + _fmt(pick(pair["left"]), pair.get("format", "moodle"))
                + " -> "
                + escape(pick(pair["right"]))
            )
        for extra in data.get("distractors", []):
            lines.append("= -> " + escape(pick(extra["right"])))
    elif kind == "numeric":
        entries = []
        for answer in data["answers"]:
            weight = "" if answer["fraction"] == 1.0 else _pct(answer["fraction"])
            if "min" in answer:
                value = f"{answer['min']:g}..{answer['max']:g}"
            else:
                value = f"{answer['value']:g}:{answer['tolerance']:g}"
            feedback = answer.get("feedback", "")
            entries.append("=" + weight + value + (f"#{escape(feedback)}" if feedback else ""))
        if data.get("other_feedback"):
            entries.append("~#" + escape(data["other_feedback"]))
        return head + " {#\n    " + "\n    ".join(entries) + tail + "\n}"
    elif kind == "ordering":
        raise ValueError("GIFT has no ordering questions")
    return head + " {\n    " + "\n    ".join(lines) + tail + "\n}"


def questions_to_gift(
    questions: list[dict[str, Any]], lang: str, category: str = ""
) -> tuple[str, list[str]]:
    """A GIFT file for the questions GIFT can express, and the names of those it cannot."""
    out = [f"$CATEGORY: {category}\n"] if category else []
    skipped = []
    for question in questions:
        try:
            out.append(to_gift(question, lang))
        except ValueError:
            skipped.append(question["name"])
    return "\n\n".join(out) + "\n", skipped
