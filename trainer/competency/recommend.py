"""'What next': each domain offers activities that practise given competencies; the profile asks
all of them. Domains register their suggester in create_app, so this core package never imports
a domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "lesson", "quiz" or "roleplay"
    competency_id: str
    title: str
    endpoint: str
    args: dict[str, Any]


Suggester = Callable[[int, list[str], str], list[Suggestion]]
_SUGGESTERS: list[Suggester] = []


def register(suggester: Suggester) -> None:
    if suggester not in _SUGGESTERS:
        _SUGGESTERS.append(suggester)


def suggest(
    user_id: int, competency_ids: list[str], lang: str, per_kind: int = 2, competencies: int = 3
) -> list[Suggestion]:
    """For the first `competencies` ids (weakest first) that have anything to offer."""
    found: list[Suggestion] = []
    for suggester in _SUGGESTERS:
        found.extend(suggester(user_id, competency_ids, lang))
    out: list[Suggestion] = []
    chosen = 0
    for competency_id in competency_ids:
        mine = [s for s in found if s.competency_id == competency_id]
        if not mine:
            continue
        for kind in ("lesson", "quiz", "roleplay"):
            out.extend([s for s in mine if s.kind == kind][:per_kind])
        chosen += 1
        if chosen == competencies:
            break
    return out
