"""Answer keys that do not lean one way: "always answer false" must not pay.

A bank whose true/false questions are mostly keyed false teaches the trainee a rule about the
bank, not about the work (issue 18 found 42 of 46 keyed false). Every shipped bank keeps its
share of "false" keys between 35 % and 65 %, so the one-word strategy scores about what a coin
scores. The band is wider than "exactly half" because a bank holds only four to nine of them.
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.content_factory import REAL_CONTENT
from trainer.content_tree import ContentTree, read_tree

LOW, HIGH = 0.35, 0.65


@cache
def shipped() -> ContentTree:
    return read_tree(REAL_CONTENT)


def false_share(keys: list[bool]) -> float:
    return sum(1 for k in keys if not k) / len(keys)


def test_the_share_counts_false_keys() -> None:
    assert false_share([False, False, True, True]) == 0.5
    assert false_share([False, False, False, True]) == 0.75


def test_every_bank_has_true_false_questions() -> None:
    for slug, questions in shipped().banks.items():
        assert sum(1 for q in questions if q.type == "truefalse") >= 4, slug


@pytest.mark.parametrize("slug", sorted(shipped().banks))
def test_true_false_keys_are_balanced_in_every_bank(slug: str) -> None:
    keys = [q.data["answer"] for q in shipped().banks[slug] if q.type == "truefalse"]
    share = false_share(keys)
    assert LOW <= share <= HIGH, (
        f"{slug}: {sum(1 for k in keys if not k)} of {len(keys)} true/false questions are keyed "
        f"false ({share:.0%}); keep it within {LOW:.0%}–{HIGH:.0%}"
    )
