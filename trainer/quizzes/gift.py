"""Moodle's GIFT format: reading it as Moodle's importer does (without Moodle's known bugs) and
writing it as Moodle's exporter does, byte for byte.

`parse_gift(text)` returns the questions it could read and a problem for each block it could not,
with its line number, so one malformed question never hides the problems of the rest of a file.
Imported text is monolingual: it is stored as both the zh and the en text.

The rules follow `question/format/gift/format.php` in moodle/moodle; docs/gift.md says where we
deliberately differ (refusing what Moodle silently misreads).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("html", "markdown", "plain", "moodle")
DEFAULT_FORMAT = "moodle"  # GIFT text without a [format] prefix is Moodle auto-format

# Escaped specials are swapped for Unicode noncharacters (reserved for exactly this kind of
# internal use) while a question is cut into pieces, and swapped back in each piece: the same
# two-step approach as Moodle's escapedchar_pre/escapedchar_post, without its `&&058;` strings
# that a real text could contain.
_HOLD = {":": "\ufdd0", "#": "\ufdd1", "=": "\ufdd2", "{": "\ufdd3", "}": "\ufdd4", "~": "\ufdd5"}
_NEWLINE = "\ufdd6"
_RELEASE = {v: k for k, v in _HOLD.items()} | {_NEWLINE: "\n"}
_ESCAPE = re.compile(r"\\(\\|[:#={}~n])")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_FORMAT_PREFIX = re.compile(r"^\[(html|markdown|plain|moodle)\]")
_ID = re.compile(r"\[id:((?:\\\]|[^\]\n])*)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]\n])*)\]")


@dataclass
class GiftQuestion:
    line: int
    name: str
    type: str
    text: str
    text_format: str
    data: dict[str, Any]
    general_feedback: str = ""
    general_feedback_format: str = DEFAULT_FORMAT
    category: str = ""
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""


@dataclass
class GiftProblem:
    line: int
    message: str
    warning: bool = False  # the question was kept (e.g. stray punctuation dropped)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class GiftResult:
    questions: list[GiftQuestion] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)

    @property
    def refused(self) -> list[GiftProblem]:
        return [p for p in self.problems if not p.warning]


class GiftEncodingError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# --- bytes → text ---------------------------------------------------------------------------


def decode_gift(raw: bytes, encoding: str = "utf-8") -> str:
    """The file's text: a UTF-8 (or UTF-16) byte-order mark is honoured and dropped; any other
    encoding (GBK...) must be named, because guessing turns a wrong guess into silent mojibake."""
    if raw.startswith(codecs.BOM_UTF8):
        raw, encoding = raw[len(codecs.BOM_UTF8) :], "utf-8"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    codec = "gb18030" if encoding.lower() in ("gbk", "gb2312") else encoding  # a superset
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        utf8 = encoding.lower() in ("utf-8", "utf8")
        hint = " If it is GBK, pass --encoding gbk." if utf8 else ""
        raise GiftEncodingError(
            line, f"the file is not {encoding} text (byte 0x{raw[exc.start]:02x}).{hint}"
        ) from None
    except LookupError:
        raise GiftEncodingError(1, f"unknown encoding “{encoding}”") from None
    if "\x00" in text:
        raise GiftEncodingError(text[: text.index("\x00")].count("\n") + 1, "not a text file")
    return text


# --- escapes --------------------------------------------------------------------------------


def _hold(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        char = match.group(1)
        if char == "\\":
            return "\\"
        return _NEWLINE if char == "n" else _HOLD[char]

    return _ESCAPE.sub(swap, text)


def _release(text: str) -> str:
    return "".join(_RELEASE.get(char, char) for char in text)


def unescape(text: str) -> str:
    """GIFT text as stored: `\\\\` is one backslash, `\\:` a colon, `\\n` a new line."""
    return _release(_hold(text))


def escape(text: str) -> str:
    """Stored text as GIFT, as Moodle's repchar writes it."""
    text = text.replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n").replace("\r", "")


# --- comments: idnumber and tags ------------------------------------------------------------


def idnumber_and_tags(comment: str) -> tuple[str, list[str]]:
    """Moodle's `// [id:…] [tag:…]` comment convention; `\\]` is a `]` inside the brackets."""
    found = _ID.search(comment)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = [t.strip().replace("\\]", "]") for t in _TAG.findall(comment)]
    return idnumber, [t for t in tags if t]


# --- reading --------------------------------------------------------------------------------


@dataclass
class _Block:
    line: int  # of the first line that is not a comment
    text: str
    comments: str


def _blocks(text: str) -> list[_Block]:
    """Questions are separated by blank lines; `//` comment lines belong to their block."""
    blocks: list[_Block] = []
    lines: list[str] = []
    comments: list[str] = []
    start = 0

    def close() -> None:
        if lines:
            blocks.append(_Block(start, "\n".join(lines), "\n".join(comments)))
        lines.clear()
        comments.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            close()
        elif stripped.startswith("//"):
            comments.append(stripped)
        else:
            if not lines:
                start = number
            lines.append(line)
    close()
    return blocks


def parse_gift(text: str) -> GiftResult:
    result = GiftResult()
    category = ""
    for block in _blocks(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")):
        body, line = block.text.strip(), block.line
        if body.startswith("$CATEGORY:"):
            # Moodle needs a blank line after the category; a question right below it is read too.
            first, _, rest = body.partition("\n")
            category = unescape(first[len("$CATEGORY:") :].strip())
            if not rest.strip():
                continue
            body, line = rest.strip(), line + 1
        try:
            question = _parse_block(_hold(body), line, result)
        except ValueError as exc:
            result.problems.append(GiftProblem(line, str(exc)))
            continue
        question.category = category
        question.idnumber, question.tags = idnumber_and_tags(block.comments)
        result.questions.append(question)
    return result


def _text_and_format(raw: str, default: str = DEFAULT_FORMAT) -> tuple[str, str]:
    """Moodle's parse_text_with_format on held text: an optional [format] prefix, then the text."""
    raw = raw.strip()
    match = _FORMAT_PREFIX.match(raw)
    if match:
        return _release(raw[match.end() :]).strip(), match.group(1)
    return _release(raw).strip(), default


def _comment(body: str, default: str) -> tuple[str, tuple[str, str]]:
    """'answer # feedback' → (answer, (feedback, its format)); Moodle's commentparser."""
    answer, _, feedback = body.partition("#")
    return answer.strip(), _text_and_format(feedback, default)


def _weight(body: str) -> tuple[float | None, str]:
    body = body.strip()
    match = _WEIGHT.match(body)
    if not match:
        return None, body
    value = float(match.group(1))
    if not -100 <= value <= 100:
        raise ValueError(f"the weight {match.group(0)} is not between -100% and 100%")
    return value / 100, body[match.end() :]


def _parse_block(body: str, line: int, result: GiftResult) -> GiftQuestion:
    name = ""
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            raise ValueError("the question name is not closed with '::'")
        name = _release(body[2:end]).strip()
        body = body[end + 2 :].strip()
    open_at, close_at = body.find("{"), body.find("}")
    if open_at < 0 and close_at < 0:
        text, fmt = _text_and_format(body)
        if not text:
            raise ValueError("the question has no text")
        return GiftQuestion(line, name or _default_name(text), "description", text, fmt, {})
    if close_at < 0:
        raise ValueError("the answer block is not closed with '}'")
    if open_at < 0 or close_at < open_at:
        raise ValueError("a '}' without its '{' (escape a literal brace as \\})")
    answers, after = body[open_at + 1 : close_at], body[close_at + 1 :]
    if "{" in answers:
        raise ValueError("a '{' inside an answer block (escape a literal brace as \\{)")
    if "{" in after or "}" in after:
        raise ValueError("more than one answer block in one question")
    trailing = after.strip()
    if trailing and not re.search(r"\w", _release(trailing)):
        # Moodle keeps stray punctuation after '}' as text after a blank; we drop it and say so.
        shown = _release(trailing)
        result.problems.append(
            GiftProblem(line, f"ignored stray text after '}}': {shown}", warning=True)
        )
        after = ""
    # As Moodle: answers in the middle of the text leave a blank "_____" where they were.
    before = body[:open_at]
    question_text = before + ("_____" + after if after.strip() else "")
    text, fmt = _text_and_format(question_text)
    answers = answers.strip()
    general, general_format = "", fmt
    gf_at = answers.rfind("####")
    if gf_at >= 0:
        general, general_format = _text_and_format(answers[gf_at + 4 :], fmt)
        answers = answers[:gf_at].strip()
    if not text:
        raise ValueError("the question has no text")
    kind, data = _answers(answers, fmt)
    return GiftQuestion(
        line, name or _default_name(text), kind, text, fmt, data, general, general_format
    )


def _default_name(text: str) -> str:
    """Moodle names an unnamed question after the start of its text."""
    plain = re.sub(r"<[^>]*>", " ", text)
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain[:60] if len(plain) <= 60 else plain[:59] + "…"


def _split(answers: str, marker: str) -> list[str]:
    """Moodle's explode on a marker, dropping an empty first piece."""
    parts = answers.split(marker)
    if not parts[0].strip():
        parts = parts[1:]
    return parts


def _answers(answers: str, fmt: str) -> tuple[str, dict[str, Any]]:
    # The same order of tests as Moodle's importer, so a file means the same in both.
    if not answers:
        return "essay", {"model_answer": {}, "rubric": []}
    if answers.startswith("#"):
        return "numeric", _numeric(answers[1:], fmt)
    if "~" in answers:
        return _choice(answers, fmt)
    if "=" in answers and "->" in answers:
        return "matching", _matching(answers, fmt)
    check = answers.split("#", 1)[0].strip()
    if check in ("T", "TRUE", "F", "FALSE"):
        return "truefalse", _truefalse(answers, fmt)
    return "short", _short(answers, fmt)


def _truefalse(answers: str, fmt: str) -> dict[str, Any]:
    bits = answers.split("#", 2)
    wrong = _text_and_format(bits[1], fmt) if len(bits) > 1 else ("", fmt)
    right = _text_and_format(bits[2], fmt) if len(bits) > 2 else ("", fmt)
    return {
        "answer": bits[0].strip() in ("T", "TRUE"),
        "feedback_wrong": wrong[0],
        "feedback_wrong_format": wrong[1],
        "feedback_right": right[0],
        "feedback_right_format": right[1],
    }


def _choice(answers: str, fmt: str) -> tuple[str, dict[str, Any]]:
    single = "=" in answers
    parts = _split(answers.replace("=", "~="), "~")
    if len(parts) < 2:
        raise ValueError("a multiple-choice question needs at least two answers")
    options: list[dict[str, Any]] = []
    for index, part in enumerate(parts):
        part = part.strip()
        if part.startswith("="):
            fraction: float | None = 1.0
            part = part[1:]
        else:
            fraction, part = _weight(part)
        answer, (feedback, feedback_format) = _comment(part, fmt)
        text, text_format = _text_and_format(answer, fmt)
        options.append(
            {
                "id": chr(ord("a") + index) if index < 26 else f"o{index}",
                "text": {"zh": text, "en": text},
                "format": text_format,
                "fraction": fraction or 0.0,
                "feedback": {"zh": feedback, "en": feedback} if feedback else None,
                "feedback_format": feedback_format,
            }
        )
    if not any(o["fraction"] > 0 for o in options):
        raise ValueError("no answer earns any marks")
    return ("single" if single else "multiple"), {"options": options, "shuffle": True}


def _short(answers: str, fmt: str) -> dict[str, Any]:
    out = []
    for part in _split(answers, "="):
        weight, part = _weight(part)
        answer, (feedback, feedback_format) = _comment(part, fmt)
        text = _text_and_format(answer, fmt)[0]
        if not text:
            raise ValueError("a short answer is empty")
        out.append(
            {
                "text": text,
                "fraction": 1.0 if weight is None else weight,
                "feedback": feedback,
                "feedback_format": feedback_format,
            }
        )
    if not out:
        raise ValueError("a short-answer question needs an answer")
    return {"answers": out}


def _matching(answers: str, fmt: str) -> dict[str, Any]:
    pairs, distractors = [], []
    for index, part in enumerate(_split(answers, "="), start=1):
        left, arrow, right = part.strip().partition("->")
        if not arrow:
            raise ValueError("a matching answer needs '->'")
        left_text, left_format = _text_and_format(left, fmt)
        right_text = _release(right).strip()
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
    """A number as GIFT writes one; Moodle's importer takes anything here as "any answer"."""
    shown = _release(text).strip()
    if not _NUMBER.match(shown):
        raise ValueError(f"“{shown}” is not a number")
    return float(shown)


def _numeric(body: str, fmt: str) -> dict[str, Any]:
    wrong_at = body.find("~")
    wrong = body[wrong_at:] if wrong_at >= 0 else ""
    body = body[:wrong_at] if wrong_at >= 0 else body
    answers = []
    for part in _split(body, "="):
        weight, part = _weight(part)
        value_text, (feedback, feedback_format) = _comment(part, fmt)
        fraction = 1.0 if weight is None else weight
        answer: dict[str, Any]
        if value_text.find("..") > 0:
            low, high = value_text.split("..", 1)
            answer = {"min": _number(low), "max": _number(high)}
            if answer["min"] > answer["max"]:
                raise ValueError(f"the range {_release(value_text)} runs backwards")
        else:
            value, colon, tolerance = value_text.partition(":")
            if colon and not tolerance.strip():
                raise ValueError(f"“{_release(value_text)}” has no tolerance after ':'")
            answer = {"value": _number(value), "tolerance": abs(_number(tolerance or "0"))}
        answer.update(fraction=fraction, feedback=feedback, feedback_format=feedback_format)
        answers.append(answer)
    if not answers:
        raise ValueError("a numerical question needs a number")
    other, other_format = "", fmt
    if wrong:
        value_text, (other, other_format) = _comment(wrong[1:], fmt)
        if value_text:
            raise ValueError("a wrong numerical answer ('~') can carry only feedback")
    return {
        "answers": answers,
        "other_feedback": other,
        "other_feedback_format": other_format,
        "unit": {"zh": "", "en": ""},
    }


# --- writing (Moodle's writequestion) -------------------------------------------------------


def _write(text: str, fmt: str, default: str = DEFAULT_FORMAT) -> str:
    """Moodle's write_questiontext: a [format] prefix only when it differs from the default."""
    prefix = f"[{fmt}]" if text and fmt != default else ""
    return prefix + escape(text)


def _pct(fraction: float) -> str:
    """A weight as Moodle writes it (`50`, `-33.33333`), exact to Moodle's 7-digit grades."""
    value = round(fraction * 100, 5)
    return f"{value:.5f}".rstrip("0").rstrip(".") if value else "0"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _header(question: dict[str, Any]) -> str:
    out = ""
    if question.get("id") is not None:
        name = " ".join(str(question["name"]).split())
        out += f"// question: {question['id']}  name: {name}\n"
    bits = []
    if question.get("idnumber"):
        bits.append("[id:" + str(question["idnumber"]).replace("]", "\\]") + "]")
    bits += ["[tag:" + str(t).replace("]", "\\]") + "]" for t in question.get("tags") or []]
    if bits:
        out += "// " + " ".join(bits) + "\n"
    return out


def to_gift(question: dict[str, Any], lang: str) -> str:
    """One question (as stored: type, name, text, data, general feedback...) in GIFT, ending in
    the blank line that separates it from the next."""
    kind, data = question["type"], question["data"]

    def pick(v: Any) -> str:
        return (v or {}).get(lang, "") if isinstance(v, dict) else (v or "")

    qfmt = data.get("format", "plain")
    head = (
        _header(question)
        + "::"
        + escape(question["name"])
        + "::"
        + _write(pick(question["text"]), qfmt)
    )
    general = _write(
        pick(question.get("general_feedback")), data.get("general_feedback_format", qfmt), qfmt
    )
    general = "####" + general if general else ""
    if kind == "description":
        return head + "\n\n"
    if kind == "essay":
        return head + "{" + general + "}\n\n"
    if kind == "truefalse":
        right = _write(
            data.get("feedback_right", ""), data.get("feedback_right_format", qfmt), qfmt
        )
        wrong = _write(
            data.get("feedback_wrong", ""), data.get("feedback_wrong_format", qfmt), qfmt
        )
        notes = ("#" + wrong if wrong else "#" if right else "") + ("#" + right if right else "")
        return head + "{" + ("TRUE" if data["answer"] else "FALSE") + notes + general + "}\n\n"
    if kind == "ordering":
        raise ValueError("GIFT has no ordering questions")
    lines: list[str] = []
    opening = "{"
    if kind in ("single", "multiple"):
        for option in data["options"]:
            fraction = option["fraction"]
            if fraction == 1 and kind == "single":
                prefix = "="
            elif fraction == 0:
                prefix = "~"
            else:
                prefix = f"~%{_pct(fraction)}%"
            feedback = pick(option.get("feedback"))
            line = prefix + _write(pick(option["text"]), option.get("format", qfmt), qfmt)
            if feedback:
                line += "#" + _write(feedback, option.get("feedback_format", qfmt), qfmt)
            lines.append(line)
    elif kind == "short":
        for answer in data["answers"]:
            if answer.get("lang", lang) != lang:
                continue
            feedback = _write(answer.get("feedback", ""), answer.get("feedback_format", qfmt), qfmt)
            lines.append(f"=%{_pct(answer['fraction'])}%{escape(answer['text'])}#{feedback}")
    elif kind == "matching":
        for pair in data["pairs"]:
            left = _write(pick(pair["left"]), pair.get("format", qfmt), qfmt)
            lines.append(f"={left} -> {escape(pick(pair['right']))}")
        for extra in data.get("distractors", []):
            lines.append(f"= -> {escape(pick(extra['right']))}")
    elif kind == "numeric":
        opening = "{#"
        for answer in data["answers"]:
            if "min" in answer:
                value = f"{_num(answer['min'])}..{_num(answer['max'])}"
            else:
                value = f"{_num(answer['value'])}:{_num(answer['tolerance'])}"
            feedback = _write(answer.get("feedback", ""), answer.get("feedback_format", qfmt), qfmt)
            lines.append(f"=%{_pct(answer['fraction'])}%{value}#{feedback}")
        if data.get("other_feedback"):
            other = _write(data["other_feedback"], data.get("other_feedback_format", qfmt), qfmt)
            lines.append("~#" + other)
    else:
        raise ValueError(f"GIFT has no {kind} questions")
    if general:
        lines.append(general)
    return head + opening + "\n" + "".join(f"\t{line}\n" for line in lines) + "}\n\n"


def category_to_gift(category: str) -> str:
    """Moodle's category switch, which its importer and ours read back."""
    return f"// question: 0  name: Switch category to {category}\n$CATEGORY: {category}\n\n"


def questions_to_gift(
    questions: list[dict[str, Any]], lang: str, category: str = ""
) -> tuple[str, list[str]]:
    """A GIFT file for the questions GIFT can express, and the names of those it cannot.

    Each question's own category (kept from an import) wins over `category`; a `$CATEGORY:` line
    is written whenever the category changes."""
    out: list[str] = []
    skipped = []
    current = None
    for question in questions:
        try:
            text = to_gift(question, lang)
        except ValueError:
            skipped.append(question["name"])
            continue
        wanted = question.get("category") or category
        if wanted and wanted != current:
            out.append(category_to_gift(wanted))
            current = wanted
        out.append(text)
    return "".join(out), skipped
