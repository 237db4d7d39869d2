"""The length cue: how often "pick the longest" (or the shortest) finds the key, against chance,
and check-content refusing content where it pays."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content_factory import REAL_CONTENT, SCENARIO, make_tree_with_quiz
from trainer.content_tree import check_cues
from trainer.cues import MAX_EXCESS, longest_hits, measure


def test_pick_the_longest_shares_ties_as_a_guesser_would() -> None:
    assert longest_hits([10, 3, 3], {0}) == 1.0
    assert longest_hits([3, 10, 3], {0}) == 0.0
    assert longest_hits([5, 5, 2], {0}) == 0.5  # a coin toss between the two longest
    # Two keyed options: the two longest picks hold one of them.
    assert longest_hits([9, 8, 1, 1], {0, 2}) == 0.5


def test_a_bank_where_the_key_is_always_longest_is_far_above_chance() -> None:
    items = [
        ({"zh": ["一个很长很长的正确答案", "短", "也短"], "en": ["A", "Bb", "Ccc"]}, {0})
        for _ in range(10)
    ]
    zh, en = measure("bank", "single", items)
    assert zh.lang == "zh" and zh.longest == 1.0 and zh.chance == pytest.approx(1 / 3)
    assert zh.too_high
    assert en.longest == 0.0 and en.shortest == 1.0 and en.too_high  # the opposite cue
    assert "of 10, the longest option is the key in 100%" in str(zh)


def test_check_content_names_the_bank_and_the_threshold(tmp_path: Path) -> None:
    root = make_tree_with_quiz(tmp_path)
    (root / "roleplays").mkdir()
    (root / "roleplays" / "test-call.yml").write_text(SCENARIO, encoding="utf-8")
    cues, problems = check_cues(root)
    assert {c.where for c in cues} == {"m1-basics", "test-call"}
    # In the small test call the best reply is the longest in every node but one.
    flagged = [str(p) for p in problems if p.path == str(root / "roleplays" / "test-call.yml")]
    assert any("test-call [replies, zh]" in m for m in flagged)
    assert all(f"at most {MAX_EXCESS:.0%} above chance" in m for m in flagged)


def test_the_shipped_content_gives_no_length_cue() -> None:
    cues, problems = check_cues(REAL_CONTENT)
    assert cues, "the shipped banks and scenarios are measured"
    assert [str(p) for p in problems] == []
    for cue in cues:
        if cue.kind != "multiple":  # where one option in several is keyed, chance is under half
            assert cue.longest < 0.5, str(cue)  # "pick the longest" finds the key under half
