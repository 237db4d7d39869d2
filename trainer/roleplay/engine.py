"""The rules of a call, as pure functions on a typed scenario: what a reply does to the mood and
the score, what lateness costs, and how the call is scored at the end. No database here;
services.py stores what these return."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .checker import ReplyCheck, react
from .definition import Criterion, Level, Scenario

MOOD_MIN, MOOD_MAX = 0, 100
GRACE_SECONDS = 5  # network and reading time before a reply counts as late
LATE_MOOD = -10  # what a late reply costs when the scenario names no `timeout`


@dataclass(frozen=True)
class Step:
    next_node: str
    mood: int
    points: dict[str, float]
    critical: str | None
    ended_by_mood: bool
    route: str | None = None  # the free-text route taken ("critical", "missing"...)
    late: bool = False


def clamp_mood(value: int) -> int:
    return max(MOOD_MIN, min(MOOD_MAX, value))


def _after(scenario: Scenario, next_node: str, mood: int) -> tuple[str, bool]:
    floor = scenario.mood_floor
    if floor and mood <= floor.at and not scenario.nodes[next_node].ending:
        return floor.ending, True
    return next_node, False


@dataclass(frozen=True)
class Lateness:
    late: bool
    mood: int  # its cost, 0 or negative
    hung_up: str | None  # the ending node when the customer has given up waiting


def lateness(scenario: Scenario, seconds: float) -> Lateness:
    """A reply after the per-turn limit is late and costs mood; past `hang_up_after` the
    customer is gone before the reply arrives."""
    limit = scenario.turn_seconds
    if not limit or seconds <= limit + GRACE_SECONDS:
        return Lateness(False, 0, None)
    timeout = scenario.timeout
    if (
        timeout
        and timeout.hang_up_after
        and timeout.ending
        and seconds > limit + timeout.hang_up_after
    ):
        return Lateness(True, 0, timeout.ending)
    return Lateness(True, timeout.mood if timeout else LATE_MOOD, None)


def _late(step: Step, scenario: Scenario, late: Lateness) -> Step:
    if not late.late:
        return step
    mood = clamp_mood(step.mood + late.mood)
    target, by_mood = step.next_node, step.ended_by_mood
    if not by_mood:
        target, by_mood = _after(scenario, step.next_node, mood)
    return Step(target, mood, step.points, step.critical, by_mood, step.route, True)


def choose(
    scenario: Scenario, node_id: str, index: int, mood: int, late: Lateness | None = None
) -> Step:
    choices = scenario.nodes[node_id].choices or []
    choice = choices[index]
    new_mood = clamp_mood(mood + choice.mood)
    target, by_mood = _after(scenario, choice.next, new_mood)
    step = Step(target, new_mood, dict(choice.points), choice.critical, by_mood)
    return _late(step, scenario, late) if late else step


def write(
    scenario: Scenario, node_id: str, mood: int, check: ReplyCheck, late: Lateness | None = None
) -> Step:
    """A written reply scored by the checker: its points, and where the customer takes it."""
    turn = scenario.nodes[node_id].free_text
    assert turn is not None
    reaction = react(turn, check)
    new_mood = clamp_mood(mood + reaction.mood)
    target, by_mood = _after(scenario, reaction.next_node, new_mood)
    step = Step(target, new_mood, dict(check.points), check.critical, by_mood, reaction.route)
    return _late(step, scenario, late) if late else step


def unscored(scenario: Scenario, node_id: str, mood: int, late: Lateness | None = None) -> Step:
    """A written reply at a turn with no checklist: it waits for an instructor's grade."""
    turn = scenario.nodes[node_id].free_text
    assert turn is not None
    target, by_mood = _after(scenario, turn.next, mood)
    step = Step(target, mood, {}, None, by_mood)
    return _late(step, scenario, late) if late else step


@dataclass(frozen=True)
class Score:
    criteria: dict[str, float]  # criterion → percent 0–100
    total: float  # weighted mean, 0–100
    passed: bool


def score(
    scenario: Scenario,
    max_points: dict[str, float],
    earned: dict[str, float],
    critical_errors: list[str],
) -> Score:
    """Per criterion: points earned ÷ most achievable; total: weighted mean; a critical error
    fails the call whatever the total."""
    criteria = {}
    for criterion in scenario.rubric:
        top = max_points.get(criterion.id) or 0.0
        share = max(0.0, earned.get(criterion.id, 0.0)) / top if top else 0.0
        criteria[criterion.id] = round(100 * min(share, 1.0), 1)
    total = weighted_total(scenario.rubric, criteria)
    return Score(criteria, total, passes(total, scenario.pass_mark, critical_errors))


def weighted_total(
    rubric: Sequence[Criterion],
    percents: Mapping[str, float],
    not_applicable: Collection[str] = (),
) -> float:
    """The weighted mean of criterion percents (0–100). A criterion marked not applicable
    gives its weight to the others in proportion to theirs, so the total is still out of 100
    (the QA scorecards' N/A rule; a role-play marks none)."""
    applied = [c for c in rubric if c.id not in not_applicable]
    weight = sum(c.weight for c in applied)
    if not weight:
        return 0.0
    return round(sum(c.weight * percents[c.id] for c in applied) / weight, 1)


def passes(total: float, pass_mark: int, critical_errors: Collection[str]) -> bool:
    """A critical error fails the evaluation whatever the total: it cannot be averaged away."""
    return total >= pass_mark and not critical_errors


def level_reached(criterion: Criterion, percent: float) -> Level:
    return criterion.level(percent)
