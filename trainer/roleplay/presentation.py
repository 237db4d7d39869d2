"""What the player and the debrief show, in the reader's language, built from a session."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from .checker import ReplyCheck
from .definition import Node, Scenario
from .models import PlaySession, ScoredBy
from .services import choice_order, choice_token, definition


def t(value: dict[str, str] | None, lang: str) -> str:
    """A bilingual value read from a scenario's stored data."""
    if not value:
        return ""
    return value.get(lang) or value.get("zh") or ""


def separator(lang: str) -> str:
    """Between items of a list in running text: 、 in Chinese, a comma in English."""
    return "、" if lang == "zh" else ", "


@dataclass(frozen=True)
class Points:
    name: str  # the criterion's name in the reader's language
    points: float


@dataclass(frozen=True)
class Found:
    what: str  # what the checklist item asks, in the reader's language
    said: str  # the words that earned it, as the trainee wrote them


@dataclass(frozen=True)
class Checked:
    """The checker's findings on a written reply, ready to show."""

    verdict: str
    found: list[Found]
    missing: list[str]
    avoided: list[str]  # phrases to avoid, as the trainee wrote them
    flags: list[str]


@dataclass(frozen=True)
class Line:
    speaker: str  # "customer" or "trainee"
    text: str
    direction: str = ""
    mood: int | None = None
    feedback: str = ""
    better: str = ""  # the better reply, where the trainee's was not the best
    points: list[Points] = field(default_factory=list)
    checked: Checked | None = None
    scored_by: str = ""
    awaiting_grading: bool = False
    comment: str = ""
    seconds: float | None = None
    late: bool = False


FLAGS = {
    "padded": lambda: _("Only stock phrases or repetition: padding earns nothing."),
    "off-topic": lambda: _("Nothing in the reply answers what the customer said."),
    "wrong-language": lambda: _("Written in the other language."),
}

# How an author reads a free-text turn's routes in the preview.
ROUTE_WHEN = {
    "critical": lambda: _("A critical phrase to avoid written"),
    "avoided": lambda: _("A phrase to avoid written"),
    "strong": lambda: _("A strong reply"),
    "adequate": lambda: _("An adequate reply"),
    "weak": lambda: _("A weak reply"),
    "missing": lambda: _("Checklist items missing"),
}


def _points(scenario: Scenario, points: dict[str, float], lang: str) -> list[Points]:
    out = []
    for criterion_id, value in points.items():
        criterion = scenario.criterion(criterion_id)
        out.append(Points(criterion.name.get(lang) if criterion else criterion_id, value))
    return out


def _checked(node: Node, explanation: dict[str, object], lang: str) -> Checked:
    check = ReplyCheck.from_json(explanation)
    items = {i.id: i for i in (node.free_text.checklist if node.free_text else [])}
    return Checked(
        check.verdict,
        [Found(items[f.id].what.get(lang) if f.id in items else f.id, f.said) for f in check.found],
        [items[m].what.get(lang) if m in items else m for m in check.missing],
        [a.said for a in check.avoided],
        [str(FLAGS[f]()) for f in check.flags if f in FLAGS],
    )


def transcript(session: PlaySession, lang: str, with_feedback: bool) -> list[Line]:
    scenario = definition(session.scenario)
    lines: list[Line] = []
    for turn in session.turns:
        node = scenario.nodes[turn.node]
        direction = node.direction.get(lang) if node.direction else ""
        lines.append(Line("customer", node.customer.get(lang), direction))
        if turn.choice is not None and node.choices:
            choice = node.choices[turn.choice]
            best = scenario.best_choice(node)
            lines.append(
                Line(
                    "trainee",
                    choice.reply.get(lang),
                    mood=turn.mood_after,
                    feedback=choice.feedback.get(lang) if with_feedback else "",
                    better=node.choices[best].reply.get(lang)
                    if with_feedback and best != turn.choice
                    else "",
                    points=_points(scenario, turn.points, lang) if with_feedback else [],
                    seconds=turn.seconds,
                    late=turn.late,
                )
            )
        else:
            free_text = node.free_text
            scored = turn.scored_by != ScoredBy.PENDING
            lines.append(
                Line(
                    "trainee",
                    turn.text or "",
                    mood=turn.mood_after,
                    better=free_text.model_answer.get(lang) if with_feedback and free_text else "",
                    points=_points(scenario, turn.points, lang) if with_feedback and scored else [],
                    checked=_checked(node, turn.explanation, lang)
                    if with_feedback and turn.explanation
                    else None,
                    scored_by=str(turn.scored_by) if with_feedback else "",
                    awaiting_grading=turn.needs_grading,
                    comment=turn.comment or "",
                    seconds=turn.seconds,
                    late=turn.late,
                )
            )
    if session.ending:
        end = scenario.nodes[session.ending]
        direction = end.direction.get(lang) if end.direction else ""
        lines.append(Line("customer", end.customer.get(lang), direction))
    return lines


@dataclass(frozen=True)
class Prompt:
    """The current turn: the customer's line and what the trainee may answer."""

    customer: str
    direction: str
    choices: list[tuple[str, str]]  # (token, reply) in this session's order
    free_text: str | None  # the prompt of a written turn


def current_prompt(session: PlaySession, lang: str) -> Prompt:
    scenario = definition(session.scenario)
    node = scenario.nodes[session.node]
    choices = []
    if node.choices:
        choices = [
            (choice_token(session, i), node.choices[i].reply.get(lang))
            for i in choice_order(session)
        ]
    free = node.free_text.prompt.get(lang) if node.free_text else None
    direction = node.direction.get(lang) if node.direction else ""
    return Prompt(node.customer.get(lang), direction, choices, free)


@dataclass(frozen=True)
class CriterionRow:
    id: str
    name: str
    weight: int
    percent: float | None
    level: str
    competency: str
    change: float | None = None  # against the trainee's previous call of this scenario


def rubric_rows(
    session: PlaySession, lang: str, previous: dict[str, float] | None = None
) -> list[CriterionRow]:
    rows = []
    for criterion in definition(session.scenario).rubric:
        percent = (session.criterion_scores or {}).get(criterion.id)
        before = (previous or {}).get(criterion.id)
        rows.append(
            CriterionRow(
                criterion.id,
                criterion.name.get(lang),
                criterion.weight,
                percent,
                criterion.level(percent).get(lang) if percent is not None else "",
                criterion.competency,
                round(percent - before, 1) if percent is not None and before is not None else None,
            )
        )
    return rows
