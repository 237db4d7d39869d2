"""Per-attempt answer tokens: what the browser sees in place of option, row and step ids.

When an attempt starts, each question's options (or matching rows and choices, or ordering
steps) are put in the order this attempt shows them, and each gets a random token. The pairs
(token, authoring id) are stored with the attempt's slot, in that order, so the page, the
autosave and the API speak tokens, and the server maps them back to authoring ids before it
stores, grades or counts anything. A token says nothing about the key, the authoring order or
another attempt (docs/decisions.md, "Answer tokens and shuffling").
"""

from __future__ import annotations

import secrets
import string

# group ("options", "rows", "choices", "steps") → authoring ids in the order shown
Layout = dict[str, list[str]]
# group → [token, authoring id] pairs in the order shown (as stored in AttemptSlot.tokens)
Tokens = dict[str, list[list[str]]]
# group → {token: authoring id} (reading a form) or {authoring id: token} (writing one)
Maps = dict[str, dict[str, str]]

_FIRST = string.ascii_lowercase  # a token is also an HTML id: start with a letter
_REST = string.ascii_lowercase + string.digits
LENGTH = 10  # 36^9 × 26 ≈ 2.6 × 10^15 tokens: guessing one is hopeless


def new_token(taken: set[str]) -> str:
    """A fresh random token, not yet in `taken` (which it is added to)."""
    while True:
        token = secrets.choice(_FIRST) + "".join(secrets.choice(_REST) for _ in range(LENGTH - 1))
        if token not in taken:
            taken.add(token)
            return token


def issue(layout: Layout, taken: set[str]) -> Tokens:
    """A token for every id of the layout, in the layout's order."""
    return {group: [[new_token(taken), str(i)] for i in ids] for group, ids in layout.items()}


def by_token(tokens: Tokens) -> Maps:
    return {group: {t: i for t, i in pairs} for group, pairs in tokens.items()}


def by_id(tokens: Tokens) -> Maps:
    return {group: {i: t for t, i in pairs} for group, pairs in tokens.items()}


def ids_in_order(tokens: Tokens, group: str) -> list[str]:
    return [i for _t, i in tokens.get(group, [])]


def all_tokens(tokens: Tokens) -> set[str]:
    return {t for pairs in tokens.values() for t, _i in pairs}
