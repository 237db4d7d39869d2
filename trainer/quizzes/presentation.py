"""What the quiz pages show for each slot: the question without its key while the attempt runs,
and with the right answers and explanations in the review when the quiz allows it.

Options, rows and steps are shown in the order this attempt drew, under this attempt's tokens;
nothing the page gets is an authoring id. The review lists them in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from ..markup import render_inline, render_text, text_only
from .models import Attempt, AttemptSlot
from .tokens import Tokens, ids_in_order
from .types import TOKENISED, TYPES, matching_numeric_answer, matching_short_answer, text_in


@dataclass(frozen=True)
class SlotView:
    position: int
    type: str
    type_label: str
    text_html: str
    points: float
    shown: dict[str, Any]  # what the type presents under tokens (options, rows, steps...)
    response: Any  # the trainee's text (numeric, short, essay); choices are marked in `shown`
    saved: bool
    # token → the option's or row's text as safe HTML in its own format (the page shows these;
    # `shown` keeps the plain text the JSON API serves).
    labels: dict[str, Markup] = field(default_factory=dict)
    # Only filled in when feedback may be shown:
    fraction: float | None = None
    awaiting_grading: bool = False
    correct: list[str] | None = None  # the right answer, as readable lines
    chosen: list[str] | None = None  # the trainee's answer, as readable lines
    feedback: str = ""
    explanation: str = ""
    comment: str = ""
    feedback_html: str = ""  # safe HTML (Markup) once filled in
    explanation_html: str = ""


Notes = list[tuple[str, str]]  # feedback texts with their formats


def _notes_html(notes: Notes) -> Markup:
    return Markup(" ").join(render_inline(text, fmt) for text, fmt in notes if text)


def labels_of(data: dict[str, Any], tokens: Tokens, lang: str) -> dict[str, Markup]:
    """Each option and matching row under its token, rendered in its format (GIFT answers and
    subquestions have their own format, or inherit the question's)."""
    fmt = data.get("format", "plain")
    items = {o["id"]: (o["text"], o.get("format", fmt)) for o in data.get("options", [])}
    items.update({p["id"]: (p["left"], p.get("format", fmt)) for p in data.get("pairs", [])})
    out = {}
    for group in ("options", "rows"):
        for token, item_id in tokens.get(group, []):
            if item_id in items:
                text, item_format = items[item_id]
                out[token] = render_inline(text_in(text, lang), item_format)
    return out


def _readable_answer(
    slot: AttemptSlot, tokens: Tokens, lang: str
) -> tuple[list[str], list[str], Notes]:
    """(correct answer lines, chosen answer lines, per-answer feedback with its format), in the
    order the trainee saw the options and rows."""
    q, data, response = slot.question, slot.question.data, slot.response
    kind = q.type
    fmt = data.get("format", "plain")
    if kind in ("single", "multiple"):
        options = {o["id"]: o for o in data["options"]}
        shown = [i for i in ids_in_order(tokens, "options") if i in options] or list(options)

        def label(i: str) -> str:
            return text_only(text_in(options[i]["text"], lang), options[i].get("format", fmt))

        correct = [label(i) for i in shown if options[i]["fraction"] > 0]
        picked = {response} if isinstance(response, str) else set(response or [])
        ids = [i for i in shown if i in picked]
        notes = [
            (text_in(options[i]["feedback"], lang), options[i].get("feedback_format", fmt))
            for i in ids
            if options[i].get("feedback")
        ]
        return correct, [label(i) for i in ids], notes
    if kind == "truefalse":
        words = {True: _("True"), False: _("False")}  # 对/错: a ✗ answer reads as "wrong"
        side = "feedback_right" if response == data["answer"] else "feedback_wrong"
        notes = (
            [(data.get(side, ""), data.get(f"{side}_format", fmt))] if response is not None else []
        )
        return (
            [words[data["answer"]]],
            ([words[response]] if response is not None else []),
            notes,
        )
    if kind == "matching":
        rights = {p["id"]: p["right"] for p in data["pairs"]}
        rights.update({d["id"]: d["right"] for d in data.get("distractors", [])})
        pairs = {p["id"]: p for p in data["pairs"]}
        rows = [i for i in ids_in_order(tokens, "rows") if i in pairs] or list(pairs)

        def left(i: str) -> str:
            return text_only(text_in(pairs[i]["left"], lang), pairs[i].get("format", fmt))

        correct = [f"{left(i)} → {text_in(pairs[i]['right'], lang)}" for i in rows]
        chosen = (
            [
                f"{left(i)} → "
                + (text_in(rights.get((response or {}).get(i, ""), ""), lang) or "—")
                for i in rows
            ]
            if response
            else []
        )
        return correct, chosen, []
    if kind == "ordering":
        steps = {s["id"]: s["text"] for s in data["steps"]}
        correct = [text_in(s["text"], lang) for s in data["steps"]]
        chosen = [text_in(steps[i], lang) for i in (response or []) if i in steps]
        return correct, chosen, []
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
        if hit and hit.get("feedback"):
            notes = [(hit["feedback"], hit.get("feedback_format", fmt))]
        elif response and not hit:
            notes = [(data.get("other_feedback", ""), data.get("other_feedback_format", fmt))]
        else:
            notes = []
        return correct, ([f"{response} {unit}".strip()] if response else []), notes
    if kind == "short":
        accepted = [
            a["text"]
            for a in data["answers"]
            if a["fraction"] >= 1 and a.get("lang", lang) == lang and a["text"] != "*"
        ]
        hit = matching_short_answer(data, response)
        notes = [(hit["feedback"], hit.get("feedback_format", fmt))] if hit else []
        return accepted, ([str(response)] if response else []), notes
    if kind == "essay":
        model = text_in(data.get("model_answer"), lang)
        return ([model] if model else []), ([str(response)] if response else []), []
    return [], [], []


def slot_view(slot: AttemptSlot, lang: str, reveal: bool) -> SlotView:
    from .services import slot_tokens

    q = slot.question
    kind = TYPES[q.type]
    tokens = slot_tokens(slot)
    base: dict[str, Any] = {
        "position": slot.position,
        "type": q.type,
        "type_label": str(kind.label),
        "text_html": render_text(text_in(q.text, lang), q.data.get("format", "plain")),
        "points": q.points,
        "shown": kind.present(q.data, tokens, slot.response, lang),
        "response": None if q.type in TOKENISED else slot.response,
        "saved": slot.saved_at is not None,
        "labels": labels_of(q.data, tokens, lang),
    }
    # Only a marked question (or one waiting for its grader) shows its key: with immediate
    # feedback an unanswered question of a running attempt keeps it.
    marked = slot.fraction is not None or slot.needs_grading or q.type == "description"
    if not reveal or not marked:
        return SlotView(**base)
    correct, chosen, notes = _readable_answer(slot, tokens, lang)
    explanation = text_in(q.explanation, lang)
    explanation_format = q.data.get("general_feedback_format", q.data.get("format", "plain"))
    return SlotView(
        **base,
        fraction=slot.fraction,
        awaiting_grading=slot.needs_grading,
        correct=correct,
        chosen=chosen,
        feedback=" ".join(text for text, _fmt in notes if text),
        explanation=explanation,
        comment=slot.comment or "",
        feedback_html=_notes_html(notes),
        explanation_html=Markup(render_text(explanation, explanation_format))
        if explanation
        else "",
    )


def attempt_view(attempt: Attempt, lang: str, reveal: bool) -> list[SlotView]:
    return [slot_view(slot, lang, reveal) for slot in attempt.slots]


def slot_json(view: SlotView) -> dict[str, Any]:
    """One question of an attempt for the JSON API: what the page shows, under the same tokens
    and field names, and the outcome only when the page would show it."""
    out: dict[str, Any] = {
        "position": view.position,
        "field": f"q{view.position}",
        "type": view.type,
        "text_html": view.text_html,
        "points": view.points,
        "saved": view.saved,
        **view.shown,
    }
    if view.type not in TOKENISED:
        out["answer"] = view.response
    if view.correct is not None:
        out.update(
            fraction=view.fraction,
            awaiting_grading=view.awaiting_grading,
            correct=view.correct,
            chosen=view.chosen,
            feedback=view.feedback,
            explanation=view.explanation,
            comment=view.comment,
        )
    return out
