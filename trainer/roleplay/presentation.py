"""What the player and the debrief show, in the reader's language, built from a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..phrases import Phrase
from . import engine
from .models import PlaySession


def t(value: dict[str, str] | None, lang: str) -> str:
    if not value:
        return ""
    return value.get(lang) or value.get("zh") or ""


@dataclass(frozen=True)
class Line:
    speaker: str  # "customer" or "trainee"
    text: str
    direction: str = ""
    mood: int | None = None
    feedback: str = ""
    better: str = ""  # the better reply, where the trainee's was not the best
    points: dict[str, float] = field(default_factory=dict)
    avoided: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    awaiting_grading: bool = False
    comment: str = ""
    seconds: float | None = None


def transcript(
    session: PlaySession, lang: str, with_feedback: bool, phrases: dict[str, Phrase] | None = None
) -> list[Line]:
    nodes = session.scenario.data["nodes"]
    lines: list[Line] = []
    for turn in session.turns:
        node = nodes[turn.node]
        lines.append(Line("customer", t(node["customer"], lang), t(node.get("direction"), lang)))
        if turn.choice is not None:
            choice = node["choices"][turn.choice]
            best = engine.best_choice(node)
            lines.append(
                Line(
                    "trainee",
                    t(choice["reply"], lang),
                    mood=turn.mood_after,
                    feedback=t(choice["feedback"], lang) if with_feedback else "",
                    better=t(node["choices"][best]["reply"], lang)
                    if with_feedback and best != turn.choice
                    else "",
                    points=turn.points if with_feedback else {},
                    seconds=turn.seconds,
                )
            )
        else:
            names = phrases or {}
            lines.append(
                Line(
                    "trainee",
                    turn.text or "",
                    mood=turn.mood_after,
                    better=t(node["free_text"]["model_answer"], lang) if with_feedback else "",
                    points=turn.points if with_feedback and not turn.needs_grading else {},
                    avoided=[_phrase_label(names, p, lang) for p in turn.phrases_avoided]
                    if with_feedback
                    else [],
                    used=[_phrase_label(names, p, lang) for p in turn.phrases_used]
                    if with_feedback
                    else [],
                    awaiting_grading=turn.needs_grading,
                    comment=turn.comment or "",
                    seconds=turn.seconds,
                )
            )
    if session.ending:
        end = nodes[session.ending]
        lines.append(Line("customer", t(end["customer"], lang), t(end.get("direction"), lang)))
    return lines


def _phrase_label(phrases: dict[str, Phrase], phrase_id: str, lang: str) -> str:
    phrase = phrases.get(phrase_id)
    if phrase is None:
        return phrase_id
    forms = phrase.examples.get(lang) or phrase.examples.get("zh") or [phrase_id]
    return forms[0]


@dataclass(frozen=True)
class Prompt:
    """The current turn: the customer's line and what the trainee may answer."""

    customer: str
    direction: str
    choices: list[tuple[int, str]]  # (index as written, reply) in this session's order
    free_text: dict[str, Any] | None


def current_prompt(session: PlaySession, lang: str) -> Prompt:
    node = session.scenario.data["nodes"][session.node]
    choices = []
    if "choices" in node:
        order = session.orders.get(session.node, list(range(len(node["choices"]))))
        choices = [(i, t(node["choices"][i]["reply"], lang)) for i in order]
    free = None
    if "free_text" in node:
        free = {"prompt": t(node["free_text"]["prompt"], lang)}
    return Prompt(t(node["customer"], lang), t(node.get("direction"), lang), choices, free)


@dataclass(frozen=True)
class CriterionRow:
    id: str
    name: str
    weight: int
    percent: float | None
    level: str
    competency: str


def rubric_rows(session: PlaySession, lang: str) -> list[CriterionRow]:
    rows = []
    for criterion in session.scenario.data["rubric"]:
        percent = (session.criterion_scores or {}).get(criterion["id"])
        level = t(engine.level_reached(criterion, percent), lang) if percent is not None else ""
        rows.append(
            CriterionRow(
                criterion["id"],
                t(criterion["name"], lang),
                criterion["weight"],
                percent,
                level,
                criterion["competency"],
            )
        )
    return rows
