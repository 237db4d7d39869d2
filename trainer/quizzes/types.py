"""The question types: a registry from type name to how it is shown, read and graded.

Each type keeps its content in `Question.data` (options, answer key...). `layout` puts what the
trainee chooses from in the order one attempt shows it (options shuffled around the pinned ones,
matching rows and choices shuffled, ordering steps never in the right order); the attempt gives
each of those ids a random token (tokens.py). `present` gives what the browser may see before
submission, under those tokens (never the key, never an authoring id); `read` turns submitted
form values back into a stored response in authoring ids, refusing tokens the attempt did not
serve; `answer_form` is the inverse of `read` (the form that gives a response); `grade` gives a
fraction 0–1, or None when a person must grade it.
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

from .tokens import Layout, Maps, Tokens

Form = Mapping[str, list[str]]  # field name → submitted values


class ResponseError(ValueError):
    """A submitted answer that the question cannot accept; `message` is shown to the trainee."""

    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


class ForeignAnswer(ResponseError):
    """A field or token this attempt never served (another attempt's, made up, or an authoring
    id): no honest page sends one, so the whole request is refused and nothing is stored."""


def foreign() -> ForeignAnswer:
    return ForeignAnswer(
        _l("That answer was not offered in this attempt: reload the page and answer again.")
    )


@dataclass(frozen=True)
class QuestionType:
    name: str
    label: LazyString
    auto_graded: bool
    layout: Callable[[dict[str, Any], random.Random], Layout]
    # (data, tokens in the order shown, stored response, lang) → what the page shows
    present: Callable[[dict[str, Any], Tokens, Any, str], dict[str, Any]]
    # (data, the question's fields of the form, field name, token → id) → stored response
    read: Callable[[dict[str, Any], Form, str, Maps], Any]
    # (data, stored response, field name, id → token) → the form that gives that response
    answer_form: Callable[[dict[str, Any], Any, str, Maps], dict[str, list[str]]]
    grade: Callable[[dict[str, Any], Any], float | None]


def text_in(value: dict[str, str] | str | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("zh") or value.get("en") or ""


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _plain(form: Form, field: str) -> list[str]:
    """The non-empty values of `field`; a sub-field (`field-x`) is not part of this question."""
    if any(name != field for name in form):
        raise foreign()
    return [v for v in form.get(field, []) if v]


def _one(form: Form, field: str) -> str:
    values = _plain(form, field)
    if len(values) > 1:
        raise ResponseError(_l("Choose only one option."))
    return values[0] if values else ""


def _rows(form: Form, field: str, known: Mapping[str, str]) -> dict[str, str]:
    """{authoring id: value} of the sub-fields `field-<token>`; any other field is foreign."""
    out: dict[str, str] = {}
    for name, values in form.items():
        token = name[len(field) + 1 :] if name.startswith(field + "-") else None
        if token is None or token not in known:
            raise foreign()
        filled = [v for v in values if v]
        if len(filled) > 1:
            raise ResponseError(_l("Choose only one option."))
        out[known[token]] = filled[0].strip() if filled else ""
    return out


def _no_layout(data: dict[str, Any], rng: random.Random) -> Layout:
    return {}


# --- choice (single and multiple) ---------------------------------------------------------


def _layout_options(data: dict[str, Any], rng: random.Random) -> Layout:
    """A fresh order of the options; a pinned option ("all of the above") keeps its place."""
    options = data["options"]
    ids = [o["id"] for o in options]
    if data.get("shuffle", True):
        free = [k for k, o in enumerate(options) if not o.get("pin")]
        moved = [ids[k] for k in free]
        rng.shuffle(moved)
        for k, option_id in zip(free, moved, strict=True):
            ids[k] = option_id
    return {"options": ids}


def _present_options(
    data: dict[str, Any], tokens: Tokens, response: Any, lang: str
) -> dict[str, Any]:
    by_id = {o["id"]: o for o in data["options"]}
    chosen = {response} if isinstance(response, str) else set(response or [])
    return {
        "options": [
            {"token": t, "text": text_in(by_id[i]["text"], lang), "checked": i in chosen}
            for t, i in tokens.get("options", [])
            if i in by_id
        ]
    }


def _read_single(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    chosen = _one(form, field)
    if not chosen:
        return None
    if chosen not in maps.get("options", {}):
        raise foreign()
    return maps["options"][chosen]


def _form_single(data: dict[str, Any], response: Any, field: str, maps: Maps) -> dict[str, Any]:
    return {field: [maps["options"][response]]} if response else {field: [""]}


def _grade_single(data: dict[str, Any], response: Any) -> float:
    fractions = {o["id"]: o["fraction"] for o in data["options"]}
    return _clamp(fractions.get(response, 0.0)) if response else 0.0


def _read_multiple(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    known = maps.get("options", {})
    chosen = set(_plain(form, field))
    if any(c not in known for c in chosen):
        raise foreign()
    return sorted(known[c] for c in chosen) or None


def _form_multiple(data: dict[str, Any], response: Any, field: str, maps: Maps) -> dict[str, Any]:
    return {field: [maps["options"][i] for i in response or []] or [""]}


def _grade_multiple(data: dict[str, Any], response: Any) -> float:
    fractions = {o["id"]: o["fraction"] for o in data["options"]}
    return _clamp(sum(fractions.get(c, 0.0) for c in response or []))


# --- true/false -----------------------------------------------------------------------------


def _layout_truefalse(data: dict[str, Any], rng: random.Random) -> Layout:
    return {"options": ["true", "false"]}  # the same for every question: says nothing


def _present_truefalse(
    data: dict[str, Any], tokens: Tokens, response: Any, lang: str
) -> dict[str, Any]:
    words = {"true": _l("True"), "false": _l("False")}
    return {
        "options": [
            {
                "token": t,
                "text": str(words[i]),
                "checked": response is not None and response == (i == "true"),
            }
            for t, i in tokens.get("options", [])
        ]
    }


def _read_truefalse(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    value = _one(form, field)
    if not value:
        return None
    if value not in maps.get("options", {}):
        raise foreign()
    return maps["options"][value] == "true"


def _form_truefalse(data: dict[str, Any], response: Any, field: str, maps: Maps) -> dict[str, Any]:
    if response is None:
        return {field: [""]}
    return {field: [maps["options"]["true" if response else "false"]]}


def _grade_truefalse(data: dict[str, Any], response: Any) -> float:
    return 1.0 if response is not None and response == data["answer"] else 0.0


# --- matching -------------------------------------------------------------------------------


def _layout_matching(data: dict[str, Any], rng: random.Random) -> Layout:
    rows = [p["id"] for p in data["pairs"]]
    choices = rows + [d["id"] for d in data.get("distractors", [])]
    rng.shuffle(rows)
    rng.shuffle(choices)
    return {"rows": rows, "choices": choices}


def _present_matching(
    data: dict[str, Any], tokens: Tokens, response: Any, lang: str
) -> dict[str, Any]:
    lefts = {p["id"]: p["left"] for p in data["pairs"]}
    rights = {p["id"]: p["right"] for p in data["pairs"]}
    rights.update({d["id"]: d["right"] for d in data.get("distractors", [])})
    choice_token = {i: t for t, i in tokens.get("choices", [])}
    answer = response or {}
    return {
        "rows": [
            {
                "token": t,
                "text": text_in(lefts[i], lang),
                "selected": choice_token.get(answer.get(i, ""), ""),
            }
            for t, i in tokens.get("rows", [])
            if i in lefts
        ],
        "choices": [
            {"token": t, "text": text_in(rights[i], lang)}
            for t, i in tokens.get("choices", [])
            if i in rights
        ],
    }


def _read_matching(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    choices = maps.get("choices", {})
    answer = {}
    for left, value in _rows(form, field, maps.get("rows", {})).items():
        if not value:
            continue
        if value not in choices:
            raise foreign()
        answer[left] = choices[value]
    return answer or None


def _form_matching(data: dict[str, Any], response: Any, field: str, maps: Maps) -> dict[str, Any]:
    answer = response or {}
    return {
        f"{field}-{token}": [maps["choices"][answer[left]] if left in answer else ""]
        for left, token in maps["rows"].items()
    }


def _grade_matching(data: dict[str, Any], response: Any) -> float:
    pairs = data["pairs"]
    right = sum(1 for p in pairs if (response or {}).get(p["id"]) == p["id"])
    return right / len(pairs) if pairs else 0.0


# --- ordering -------------------------------------------------------------------------------


def _layout_steps(data: dict[str, Any], rng: random.Random) -> Layout:
    ids = [s["id"] for s in data["steps"]]
    correct = list(ids)
    while len(ids) > 1 and ids == correct:  # never show the answer as the starting order
        rng.shuffle(ids)
    return {"steps": ids}


def _present_ordering(
    data: dict[str, Any], tokens: Tokens, response: Any, lang: str
) -> dict[str, Any]:
    by_id = {s["id"]: s for s in data["steps"]}
    order = list(response or [])
    shown = [(t, i) for t, i in tokens.get("steps", []) if i in by_id]
    return {
        "steps": [
            {
                "token": t,
                "text": text_in(by_id[i]["text"], lang),
                "position": order.index(i) + 1 if i in order else None,
            }
            for t, i in shown
        ],
        "positions": list(range(1, len(shown) + 1)),
    }


def _read_ordering(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    steps = maps.get("steps", {})
    given = _rows(form, field, steps)
    if not any(given.values()):
        return None
    n = len(steps)
    if len(given) < n or not all(given.values()):
        raise ResponseError(_l("Give every step a position."))
    positions: dict[str, int] = {}
    for step, value in given.items():
        if not value.isdigit() or not 1 <= int(value) <= n:
            raise ResponseError(_l("Give each step a position from 1 to %(n)d.", n=n))
        positions[step] = int(value)
    if len(set(positions.values())) != n:
        raise ResponseError(_l("Each position can be used only once."))
    return sorted(positions, key=lambda s: positions[s])


def _form_ordering(data: dict[str, Any], response: Any, field: str, maps: Maps) -> dict[str, Any]:
    order = list(response or [])
    return {
        f"{field}-{token}": [str(order.index(step) + 1) if step in order else ""]
        for step, token in maps["steps"].items()
    }


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


def _text(form: Form, field: str) -> str:
    if any(name != field for name in form):
        raise foreign()
    values = form.get(field) or []
    return values[0] if values else ""


def _read_numeric(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    raw = _text(form, field)
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


def _read_short(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    value = _text(form, field).strip()
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


def _read_essay(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    value = _text(form, field).strip()
    if len(value) > ESSAY_MAX_LENGTH:
        raise ResponseError(
            _l("The answer is too long (at most %(n)d characters).", n=ESSAY_MAX_LENGTH)
        )
    return value or None


def _nothing(data: dict[str, Any], tokens: Tokens, response: Any, lang: str) -> dict[str, Any]:
    return {}


def _read_nothing(data: dict[str, Any], form: Form, field: str, maps: Maps) -> Any:
    return None


def _form_text(data: dict[str, Any], response: Any, field: str, maps: Maps) -> dict[str, Any]:
    return {field: ["" if response is None else str(response)]}


def _form_nothing(data: dict[str, Any], response: Any, field: str, maps: Maps) -> dict[str, Any]:
    return {}


TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        QuestionType(
            "single",
            _l("Single choice"),
            True,
            _layout_options,
            _present_options,
            _read_single,
            _form_single,
            _grade_single,
        ),
        QuestionType(
            "multiple",
            _l("Multiple choice"),
            True,
            _layout_options,
            _present_options,
            _read_multiple,
            _form_multiple,
            _grade_multiple,
        ),
        QuestionType(
            "truefalse",
            _l("True or false"),
            True,
            _layout_truefalse,
            _present_truefalse,
            _read_truefalse,
            _form_truefalse,
            _grade_truefalse,
        ),
        QuestionType(
            "matching",
            _l("Matching"),
            True,
            _layout_matching,
            _present_matching,
            _read_matching,
            _form_matching,
            _grade_matching,
        ),
        QuestionType(
            "ordering",
            _l("Ordering"),
            True,
            _layout_steps,
            _present_ordering,
            _read_ordering,
            _form_ordering,
            _grade_ordering,
        ),
        QuestionType(
            "numeric",
            _l("Numeric"),
            True,
            _no_layout,
            _nothing,
            _read_numeric,
            _form_text,
            _grade_numeric,
        ),
        QuestionType(
            "short",
            _l("Short answer"),
            True,
            _no_layout,
            _nothing,
            _read_short,
            _form_text,
            _grade_short,
        ),
        QuestionType(
            "essay",
            _l("Essay"),
            False,
            _no_layout,
            _nothing,
            _read_essay,
            _form_text,
            lambda data, response: None,
        ),
        QuestionType(
            "description",
            _l("Description"),
            True,
            _no_layout,
            _nothing,
            _read_nothing,
            _form_nothing,
            lambda data, response: None,
        ),
    )
}

# Types whose answers are chosen from what the attempt shows (and so travel as tokens).
TOKENISED = frozenset({"single", "multiple", "truefalse", "matching", "ordering"})
