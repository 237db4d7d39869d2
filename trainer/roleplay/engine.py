"""The rules of a call, as pure functions: what a reply does to the mood and the score, and how
the session is scored at the end. No database here; services.py stores what these return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..phrases import Phrase, find_phrases

MOOD_MIN, MOOD_MAX = 0, 100


@dataclass(frozen=True)
class Step:
    next_node: str
    mood: int
    points: dict[str, float]
    critical: str | None
    ended_by_mood: bool


def clamp_mood(value: int) -> int:
    return max(MOOD_MIN, min(MOOD_MAX, value))


def _after(scenario: dict[str, Any], next_node: str, mood: int) -> tuple[str, bool]:
    floor = scenario.get("mood_floor")
    if floor and mood <= floor["at"] and "ending" not in scenario["nodes"][next_node]:
        return floor["ending"], True
    return next_node, False


def choose(scenario: dict[str, Any], node_id: str, index: int, mood: int) -> Step:
    choice = scenario["nodes"][node_id]["choices"][index]
    new_mood = clamp_mood(mood + int(choice.get("mood", 0)))
    target, by_mood = _after(scenario, choice["next"], new_mood)
    return Step(
        target,
        new_mood,
        {k: float(v) for k, v in choice["points"].items()},
        choice.get("critical"),
        by_mood,
    )


@dataclass(frozen=True)
class FreeTextCheck:
    used: list[str]  # recommended phrases found
    avoided: list[str]  # phrases to avoid that were said
    critical: str | None  # the critical error raised by a forbidden phrase, if any


def check_free_text(
    scenario: dict[str, Any], node_id: str, text: str, phrases: dict[str, Phrase]
) -> FreeTextCheck:
    """Every avoid-phrase counts, not only those the turn lists: a forbidden phrase is
    forbidden anywhere. A critical one raises the scenario's phrase error."""
    found = find_phrases(text, phrases)
    used = [p for p in found if phrases[p].kind == "use"]
    avoided = [p for p in found if phrases[p].kind == "avoid"]
    critical = None
    if any(phrases[p].critical for p in avoided):
        critical = next((e["id"] for e in scenario["critical_errors"] if e.get("phrases")), None)
    return FreeTextCheck(used, avoided, critical)


def free_text_step(scenario: dict[str, Any], node_id: str, mood: int, check: FreeTextCheck) -> Step:
    """Until graded, a written reply earns nothing; the customer reacts to its tone at once."""
    turn = scenario["nodes"][node_id]["free_text"]
    change = 5 * len(check.used) - 15 * len(check.avoided)
    new_mood = clamp_mood(mood + change)
    target, by_mood = _after(scenario, turn["next"], new_mood)
    return Step(target, new_mood, {}, check.critical, by_mood)


@dataclass(frozen=True)
class Score:
    criteria: dict[str, float]  # criterion → percent 0–100
    total: float  # weighted mean, 0–100
    passed: bool


def score(
    scenario: dict[str, Any],
    max_points: dict[str, float],
    earned: dict[str, float],
    critical_errors: list[str],
) -> Score:
    """Per criterion: points earned ÷ most achievable; total: weighted mean; a critical error
    fails the call whatever the total."""
    criteria = {}
    for criterion in scenario["rubric"]:
        cid = criterion["id"]
        top = max_points.get(cid) or 0.0
        share = max(0.0, earned.get(cid, 0.0)) / top if top else 0.0
        criteria[cid] = round(100 * min(share, 1.0), 1)
    total = round(sum(c["weight"] * criteria[c["id"]] for c in scenario["rubric"]) / 100, 1)
    return Score(criteria, total, total >= scenario["pass_mark"] and not critical_errors)


def level_reached(criterion: dict[str, Any], percent: float) -> dict[str, Any]:
    reached = criterion["levels"][0]
    for level in criterion["levels"]:
        if percent >= level["min"]:
            reached = level
    return reached


def best_choice(node: dict[str, Any]) -> int:
    """The reply a trainer would hold up: most points, then kindest to the mood."""
    return max(
        range(len(node["choices"])),
        key=lambda i: (
            sum(node["choices"][i]["points"].values()),
            node["choices"][i].get("mood", 0),
        ),
    )


def best_ending(scenario: dict[str, Any]) -> str | None:
    """The ending reached by always taking the best reply."""
    nodes, node_id = scenario["nodes"], scenario["start"]
    seen = set()
    while node_id not in seen:
        seen.add(node_id)
        node = nodes[node_id]
        if "ending" in node:
            return node_id
        node_id = (
            node["choices"][best_choice(node)]["next"]
            if "choices" in node
            else node["free_text"]["next"]
        )
    return None
