"""The scenario checker: the shipped scenarios pass; broken graphs are refused with exact lines."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.content_factory import REAL_CONTENT, make_tree_with_scenario
from trainer.content_tree import check_tree, read_tree
from trainer.roleplay.definition import Scenario

FILE = "roleplays/test-call.yml"


def messages(root: Path) -> list[str]:
    return [f"{Path(p.path).relative_to(root)}:{p.line}: {p.message}" for p in check_tree(root)]


def edit(root: Path, old: str, new: str) -> None:
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_valid_scenario_passes_and_maxima_are_longest_paths(tmp_path: Path) -> None:
    root = make_tree_with_scenario(tmp_path)
    assert messages(root) == []
    (scenario,) = read_tree(root).scenarios
    # empathy: 2 (open) + 3 (written); resolution: 2 (ask) + 3 (offer); language: only the
    # written turn; closing: 2.
    assert scenario.max_points == {
        "empathy": 5.0,
        "resolution": 5.0,
        "language": 2.0,
        "closing": 2.0,
    }


def test_the_shipped_scenarios_pass() -> None:
    problems = [str(p) for p in check_tree(REAL_CONTENT) if "/roleplays/" in p.path]
    assert problems == []


def test_every_shipped_written_turn_is_scored_at_once_and_changes_the_call() -> None:
    """A checklist, so the call is scored when it ends; two routes or more, so what the trainee
    writes decides how the customer answers; and the critical phrases have a consequence."""
    for path in sorted((REAL_CONTENT / "roleplays").glob("*.yml")):
        scenario = Scenario.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for node_id, node in scenario.nodes.items():
            if node.free_text is None:
                continue
            where = f"{path.name}: {node_id}"
            assert len(node.free_text.checklist) >= 3, where
            assert len(node.free_text.routes) >= 2, where
            assert {r.next for r in node.free_text.routes} - {node.free_text.next}, where
            assert any(r.when in ("critical", "avoided") for r in node.free_text.routes), where


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # an unreachable node
        (
            "next: end-escalated, points: {closing: 1}",
            "next: end-resolved, points: {closing: 1}",
            f"{FILE}:116: node “end-escalated” cannot be reached from the start",
        ),
        # a dead end: a choice pointing nowhere
        (
            "next: close, points: {resolution: 3}",
            "next: nowhere, points: {resolution: 3}",
            f"{FILE}:104: next node “nowhere” does not exist",
        ),
        # a cycle
        (
            "next: end-resolved, points: {closing: 2}",
            "next: open, points: {closing: 2}",
            f"{FILE}:107: cycle: open → ask → write → offer → close → open",
        ),
        # an unknown criterion
        (
            "points: {closing: 1}",
            "points: {courtesy: 1}",
            f"{FILE}:111: unknown criterion “courtesy”",
        ),
        # a missing language
        (
            '    customer: {zh: 那你说怎么办？, en: "So what are you going to do?"}',
            "    customer: {zh: 那你说怎么办？}",
            f"{FILE}:102: missing key “en” in customer line",
        ),
        # too few decisions
        (
            "next: end-lost, points: {resolution: -2}",
            "next: end-lost, points: {resolution: -2}",
            None,
        ),
    ],
)
def test_broken_scenarios_are_refused(
    tmp_path: Path, old: str, new: str, expected: str | None
) -> None:
    root = make_tree_with_scenario(tmp_path)
    edit(root, old, new)
    found = messages(root)
    if expected is None:
        assert found == []
    else:
        assert expected in found, found


def test_every_path_needs_four_decisions(tmp_path: Path) -> None:
    root = make_tree_with_scenario(tmp_path)
    edit(root, "next: ask, points: {empathy: 2}", "next: offer, points: {empathy: 2}")
    found = messages(root)
    assert any("after only 2 decision(s); every path needs at least 4" in m for m in found), found


def test_a_dead_end_node_is_refused(tmp_path: Path) -> None:
    root = make_tree_with_scenario(tmp_path)
    edit(root, "    ending: lost\n", "")
    found = messages(root)
    assert any(
        "node “end-lost” needs exactly one of choices, free_text or ending" in m for m in found
    ), found


def test_unknown_phrase_and_weights_are_checked(tmp_path: Path) -> None:
    root = make_tree_with_scenario(tmp_path)
    edit(root, "avoid: [not-my-job]", "avoid: [not-a-phrase]")
    edit(
        root,
        "    weight: 20\n    competency: reception-etiquette",
        "    weight: 25\n    competency: reception-etiquette",
    )
    found = messages(root)
    assert f"{FILE}:70: unknown phrase “not-a-phrase” (see phrases.yml)" in found, found
    assert any("criterion weights add up to 105, not 100" in m for m in found), found
