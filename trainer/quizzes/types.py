"""The question types: a registry from type name to how it is shown, read and graded.

Each type keeps its content in `Question.data` (options, answer key...). `present` gives what the
browser may see before submission (never the key); `read` turns submitted form values into a
stored response, refusing what the question does not offer; `grade` gives a fraction 0–1, or
None when a person must grade it.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

Form = Mapping[str, list[str]]  # field name → submitted values


class ResponseError(ValueError):
    """A submitted answer that the question cannot accept; `message` is shown to the trainee."""

    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class QuestionType:
    name: str
    label: LazyString
    auto_graded: bool
    shuffle: Callable[[dict[str, Any], random.Random], list[Any]]
    present: Callable[[dict[str, Any], list[Any], str], dict[str, Any]]
    read: Callable[[dict[str, Any], Form, str], Any]
    grade: Callable[[dict[str, Any], Any], float | None]


def text_in(value: dict[str, str] | str | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("zh") or value.get("en") or ""


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _one(form: Form, name: str) -> str:
    values = form.get(name) or []
    return values[0] if values else ""


# --- choice (single and multiple) ---------------------------------------------------------


def _shuffle_options(data: dict[str, Any], rng: random.Random) -> list[Any]:
    ids = [o["id"] for o in data["options"]]
    if data.get("shuffle", True):
        rng.shuffle(ids)
    return ids


def _present_options(data: dict[str, Any], order: list[Any], lang: str) -> dict[str, Any]:
    by_id = {o["id"]: o for o in data["options"]}
    return {
        "options": [{"id": i, "text": text_in(by_id[i]["text"], lang)} for i in order if i in by_id]
    }


def _read_single(data: dict[str, Any], form: Form, field: str) -> Any:
    chosen = _one(form, field)
    if not chosen:
        return None
    if chosen not in {o["id"] for o in data["options"]}:
        raise ResponseError(_l("That option is not part of this question."))
    return chosen


def _grade_single(data: dict[str, Any], response: Any) -> float:
    fractions = {o["id"]: o["fraction"] for o in data["options"]}
    return _clamp(fractions.get(response, 0.0)) if response else 0.0


def _read_multiple(data: dict[str, Any], form: Form, field: str) -> Any:
    chosen = sorted(set(form.get(field) or []))
    known = {o["id"] for o in data["options"]}
    if any(c not in known for c in chosen):
        raise ResponseError(_l("That option is not part of this question."))
    return chosen or None


def _grade_multiple(data: dict[str, Any], response: Any) -> float:
    fractions = {o["id"]: o["fraction"] for o in data["options"]}
    return _clamp(sum(fractions.get(c, 0.0) for c in response or []))


# --- true/false -----------------------------------------------------------------------------


def _read_truefalse(data: dict[str, Any], form: Form, field: str) -> Any:
    value = _one(form, field)
    if not value:
        return None
    if value not in ("true", "false"):
        raise ResponseError(_l("Answer true or false."))
    return value == "true"


def _grade_truefalse(data: dict[str, Any], response: Any) -> float:
    return 1.0 if response is not None and response == data["answer"] else 0.0


# --- matching -------------------------------------------------------------------------------


def _shuffle_matching(data: dict[str, Any], rng: random.Random) -> list[Any]:
    rights = [p["id"] for p in data["pairs"]] + [d["id"] for d in data.get("distractors", [])]
    rng.shuffle(rights)
    return rights


def _present_matching(data: dict[str, Any], order: list[Any], lang: str) -> dict[str, Any]:
    rights = {p["id"]: p["right"] for p in data["pairs"]}
    rights.update({d["id"]: d["right"] for d in data.get("distractors", [])})
    return {
        "lefts": [{"id": p["id"], "text": text_in(p["left"], lang)} for p in data["pairs"]],
        "rights": [{"id": i, "text": text_in(rights[i], lang)} for i in order if i in rights],
    }


def _read_matching(data: dict[str, Any], form: Form, field: str) -> Any:
    lefts = {p["id"] for p in data["pairs"]}
    rights = lefts | {d["id"] for d in data.get("distractors", [])}
    answer = {}
    for left in lefts:
        value = _one(form, f"{field}-{left}")
        if value:
            if value not in rights:
                raise ResponseError(_l("That option is not part of this question."))
            answer[left] = value
    return answer or None


def _grade_matching(data: dict[str, Any], response: Any) -> float:
    pairs = data["pairs"]
    right = sum(1 for p in pairs if (response or {}).get(p["id"]) == p["id"])
    return right / len(pairs) if pairs else 0.0


# --- ordering -------------------------------------------------------------------------------


def _shuffle_steps(data: dict[str, Any], rng: random.Random) -> list[Any]:
    ids = [s["id"] for s in data["steps"]]
    correct = list(ids)
    while len(ids) > 1 and ids == correct:  # never show the answer as the starting order
        rng.shuffle(ids)
    return ids


def _present_ordering(data: dict[str, Any], order: list[Any], lang: str) -> dict[str, Any]:
    by_id = {s["id"]: s for s in data["steps"]}
    return {
        "steps": [{"id": i, "text": text_in(by_id[i]["text"], lang)} for i in order],
        "positions": list(range(1, len(order) + 1)),
    }


def _read_ordering(data: dict[str, Any], form: Form, field: str) -> Any:
    ids = [s["id"] for s in data["steps"]]
    positions: dict[str, int] = {}
    for step in ids:
        value = _one(form, f"{field}-{step}")
        if not value:
            return None if not positions else _incomplete()
        if not value.isdigit() or not 1 <= int(value) <= len(ids):
            raise ResponseError(_l("Give each step a position from 1 to %(n)d.", n=len(ids)))
        positions[step] = int(value)
    if len(set(positions.values())) != len(ids):
        raise ResponseError(_l("Each position can be used only once."))
    return sorted(ids, key=lambda s: positions[s])


def _incomplete() -> Any:
    raise ResponseError(_l("Give every step a position."))


def _grade_ordering(data: dict[str, Any], response: Any) -> float:
    ids = [s["id"] for s in data["steps"]]
    if not response:
        return 0.0
    return sum(1 for a, b in zip(ids, response, strict=False) if a == b) / len(ids)


# --- numeric --------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(raw: str) -> float:
    text = unicodedata.normalize("NFKC", raw).strip().replace(",", "").replace("%", "")
    text = text.replace("\u2212", "-")  # the typographic minus sign
    if not _NUMBER.match(text):
        raise ResponseError(_l("“%(value)s” is not a number.", value=raw.strip()))
    return float(text)


def _read_numeric(data: dict[str, Any], form: Form, field: str) -> Any:
    raw = _one(form, field)
    if not raw.strip():
        return None
    parse_number(raw)
    return unicodedata.normalize("NFKC", raw).strip()


def matching_numeric_answer(data: dict[str, Any], response: Any) -> dict[str, Any] | None:
    if response is None:
        return None
    value = parse_number(str(response))
    best = None
    for answer in data["answers"]:
        low = answer.get("min", answer.get("value", 0) - answer.get("tolerance", 0))
        high = answer.get("max", answer.get("value", 0) + answer.get("tolerance", 0))
        # A small epsilon so 85.5 ± 0.5 accepts 85 and 86 despite binary floats.
        if low - 1e-9 <= value <= high + 1e-9 and (
            best is None or answer["fraction"] > best["fraction"]
        ):
            best = answer
    return best


def _grade_numeric(data: dict[str, Any], response: Any) -> float:
    answer = matching_numeric_answer(data, response)
    return _clamp(answer["fraction"]) if answer else 0.0


# --- short answer ---------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Full- and half-width alike, case and spaces ignored, trailing punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\s+", "", text)
    return text.strip(".。!！?？,，;；:：\"'“”‘’")


def _read_short(data: dict[str, Any], form: Form, field: str) -> Any:
    value = _one(form, field).strip()
    if len(value) > 500:
        raise ResponseError(_l("The answer is too long (at most 500 characters)."))
    return value or None


def matching_short_answer(data: dict[str, Any], response: Any) -> dict[str, Any] | None:
    if not response:
        return None
    given = normalise_text(str(response))
    best = None
    for answer in data["answers"]:
        pattern = answer["text"]
        if "*" in pattern:
            parts = [re.escape(normalise_text(p)) for p in pattern.split("*")]
            hit = re.fullmatch(".*".join(parts), given) is not None
        else:
            hit = normalise_text(pattern) == given
        if hit and (best is None or answer["fraction"] > best["fraction"]):
            best = answer
    return best


def _grade_short(data: dict[str, Any], response: Any) -> float:
    answer = matching_short_answer(data, response)
    return _clamp(answer["fraction"]) if answer else 0.0


# --- essay and description ------------------------------------------------------------------

ESSAY_MAX_LENGTH = 5000


def _read_essay(data: dict[str, Any], form: Form, field: str) -> Any:
    value = _one(form, field).strip()
    if len(value) > ESSAY_MAX_LENGTH:
        raise ResponseError(
            _l("The answer is too long (at most %(n)d characters).", n=ESSAY_MAX_LENGTH)
        )
    return value or None


def _no_order(data: dict[str, Any], rng: random.Random) -> list[Any]:
    return []


def _nothing(data: dict[str, Any], order: list[Any], lang: str) -> dict[str, Any]:
    return {}


def _read_nothing(data: dict[str, Any], form: Form, field: str) -> Any:
    return None


TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        QuestionType(
            "single",
            _l("Single choice"),
            True,
            _shuffle_options,
            _present_options,
            _read_single,
            _grade_single,
        ),
        QuestionType(
            "multiple",
            _l("Multiple choice"),
            True,
            _shuffle_options,
            _present_options,
            _read_multiple,
            _grade_multiple,
        ),
        QuestionType(
            "truefalse",
            _l("True or false"),
            True,
            _no_order,
            _nothing,
            _read_truefalse,
            _grade_truefalse,
        ),
        QuestionType(
            "matching",
            _l("Matching"),
            True,
            _shuffle_matching,
            _present_matching,
            _read_matching,
            _grade_matching,
        ),
        QuestionType(
            "ordering",
            _l("Ordering"),
            True,
            _shuffle_steps,
            _present_ordering,
            _read_ordering,
            _grade_ordering,
        ),
        QuestionType(
            "numeric", _l("Numeric"), True, _no_order, _nothing, _read_numeric, _grade_numeric
        ),
        QuestionType(
            "short", _l("Short answer"), True, _no_order, _nothing, _read_short, _grade_short
        ),
        QuestionType(
            "essay",
            _l("Essay"),
            False,
            _no_order,
            _nothing,
            _read_essay,
            lambda data, response: None,
        ),
        QuestionType(
            "description",
            _l("Description"),
            True,
            _no_order,
            _nothing,
            _read_nothing,
            lambda data, response: None,
        ),
    )
}
