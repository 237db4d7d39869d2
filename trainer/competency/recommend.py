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


@dataclass(frozen=True)
class Recommendation:
    suggestion: Suggestion
    # "new-kind": it would add a kind of evidence this competency lacks for its next level;
    # "practise": it practises the competency (and is not done or passed yet).
    reason: str
    also: tuple[str, ...] = ()  # other weak competencies the same activity practises


@dataclass(frozen=True)
class Group:
    competency_id: str
    items: list[Recommendation]


def suggest(
    user_id: int,
    competency_ids: list[str],
    lang: str,
    missing_kinds: dict[str, tuple[str, ...]] | None = None,
    per_kind: int = 2,
    competencies: int = 3,
) -> list[Group]:
    """One list grouped by competency, in the order given (weakest first, top level already
    left out by the caller), for the first `competencies` that have anything to offer.

    An activity that practises several of them appears once, under the weakest, naming the
    others. Within a group, activities that add a missing kind of evidence come first.
    """
    missing_kinds = missing_kinds or {}
    found: list[Suggestion] = []
    for suggester in _SUGGESTERS:
        found.extend(suggester(user_id, competency_ids, lang))
    covers: dict[tuple[str, str], list[str]] = {}
    for s in found:
        covers.setdefault(_key(s), []).append(s.competency_id)
    seen: set[tuple[str, str]] = set()
    groups: list[Group] = []
    for competency_id in competency_ids:
        items: list[Recommendation] = []
        for kind in ("lesson", "quiz", "roleplay"):
            mine = [s for s in found if s.competency_id == competency_id and s.kind == kind]
            fresh = [s for s in mine if _key(s) not in seen][:per_kind]
            for s in fresh:
                seen.add(_key(s))
                others = tuple(c for c in dict.fromkeys(covers[_key(s)]) if c != competency_id)
                adds = kind in missing_kinds.get(competency_id, ())
                items.append(Recommendation(s, "new-kind" if adds else "practise", others))
        if not items:
            continue
        items.sort(key=lambda r: r.reason != "new-kind")
        groups.append(Group(competency_id, items))
        if len(groups) == competencies:
            break
    return groups


def _key(s: Suggestion) -> tuple[str, str]:
    return s.endpoint, repr(sorted(s.args.items()))
