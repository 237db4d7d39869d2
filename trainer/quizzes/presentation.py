"""What the quiz pages show for each slot: the question without its key while the attempt runs,
and with the right answers and explanations in the review when the quiz allows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..markup import render_text
from .models import Attempt, AttemptSlot
from .types import TYPES, matching_numeric_answer, matching_short_answer, text_in


@dataclass(frozen=True)
class SlotView:
    position: int
    type: str
    type_label: str
    text_html: str
    points: float
    shown: dict[str, Any]  # what the type presents (options, lefts/rights, steps...)
    response: Any
    saved: bool
    # Only filled in when feedback may be shown:
    fraction: float | None = None
    awaiting_grading: bool = False
    correct: list[str] | None = None  # the right answer, as readable lines
    chosen: list[str] | None = None  # the trainee's answer, as readable lines
    feedback: str = ""
    explanation: str = ""
    comment: str = ""


def _readable_answer(slot: AttemptSlot, lang: str) -> tuple[list[str], list[str], str]:
    """(correct answer lines, chosen answer lines, per-answer feedback)."""
    q, data, response = slot.question, slot.question.data, slot.response
    kind = q.type
    if kind in ("single", "multiple"):
        options = {o["id"]: o for o in data["options"]}
        correct = [text_in(o["text"], lang) for o in data["options"] if o["fraction"] > 0]
        ids = [response] if isinstance(response, str) else list(response or [])
        chosen = [text_in(options[i]["text"], lang) for i in ids if i in options]
        feedback = " ".join(
            text_in(options[i].get("feedback"), lang)
            for i in ids
            if i in options and options[i].get("feedback")
        )
        return correct, chosen, feedback
    if kind == "truefalse":
        words = {True: "✓", False: "✗"}
        right = response == data["answer"]
        feedback = (
            data.get("feedback_right" if right else "feedback_wrong", "")
            if response is not None
            else ""
        )
        return (
            [words[data["answer"]]],
            ([words[response]] if response is not None else []),
            feedback,
        )
    if kind == "matching":
        rights = {p["id"]: p["right"] for p in data["pairs"]}
        rights.update({d["id"]: d["right"] for d in data.get("distractors", [])})
        correct = [
            f"{text_in(p['left'], lang)} → {text_in(p['right'], lang)}" for p in data["pairs"]
        ]
        chosen = (
            [
                f"{text_in(p['left'], lang)} → "
                + (text_in(rights.get((response or {}).get(p["id"], ""), ""), lang) or "—")
                for p in data["pairs"]
            ]
            if response
            else []
        )
        return correct, chosen, ""
    if kind == "ordering":
        steps = {s["id"]: s["text"] for s in data["steps"]}
        correct = [text_in(s["text"], lang) for s in data["steps"]]
        chosen = [text_in(steps[i], lang) for i in (response or []) if i in steps]
        return correct, chosen, ""
    if kind == "numeric":
        unit = text_in(data.get("unit"), lang)
        correct = []
        for a in data["answers"]:
            if a["fraction"] < 1:
                continue
            if "min" in a:
                correct.append(f"{a['min']:g} – {a['max']:g} {unit}".strip())
            elif a["tolerance"]:
                correct.append(f"{a['value']:g} ± {a['tolerance']:g} {unit}".strip())
            else:
                correct.append(f"{a['value']:g} {unit}".strip())
        hit = matching_numeric_answer(data, response) if response else None
        feedback = (hit or {}).get("feedback", "") or (
            data.get("other_feedback", "") if response and not hit else ""
        )
        return correct, ([f"{response} {unit}".strip()] if response else []), feedback
    if kind == "short":
        accepted = [
            a["text"]
            for a in data["answers"]
            if a["fraction"] >= 1 and a.get("lang", lang) == lang and a["text"] != "*"
        ]
        hit = matching_short_answer(data, response)
        return accepted, ([str(response)] if response else []), (hit or {}).get("feedback", "")
    if kind == "essay":
        model = text_in(data.get("model_answer"), lang)
        return ([model] if model else []), ([str(response)] if response else []), ""
    return [], [], ""


def slot_view(slot: AttemptSlot, lang: str, reveal: bool) -> SlotView:
    q = slot.question
    kind = TYPES[q.type]
    base: dict[str, Any] = {
        "position": slot.position,
        "type": q.type,
        "type_label": str(kind.label),
        "text_html": render_text(text_in(q.text, lang), q.data.get("format", "plain")),
        "points": q.points,
        "shown": kind.present(q.data, slot.order, lang),
        "response": slot.response,
        "saved": slot.saved_at is not None,
    }
    if not reveal:
        return SlotView(**base)
    correct, chosen, feedback = _readable_answer(slot, lang)
    return SlotView(
        **base,
        fraction=slot.fraction,
        awaiting_grading=slot.needs_grading,
        correct=correct,
        chosen=chosen,
        feedback=feedback,
        explanation=text_in(q.explanation, lang),
        comment=slot.comment or "",
    )


def attempt_view(attempt: Attempt, lang: str, reveal: bool) -> list[SlotView]:
    return [slot_view(slot, lang, reveal) for slot in attempt.slots]
