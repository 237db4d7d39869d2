"""Scoring a written reply at once, with every point explained.

A free-text turn lists what a good reply does (its checklist), each item tied to a rubric
criterion and shown by words in both languages. The checker reads the reply by words
(wording.py), credits each item once, quotes what earned it, names what is missing, quotes the
phrases to avoid that were written, and gives a verdict. Nothing here is a model's guess: the
debrief can show the trainee exactly why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..phrases import PhraseBook, said_phrases
from ..wording import Reading, clauses, find_term, script_counts
from .definition import FreeText, Scenario, Verdict

STRONG_AT = 0.75  # share of the checklist (by weight) for a strong reply
WEAK_BELOW = 0.40
VERDICT_MOOD = {"strong": 10, "adequate": 0, "weak": -10}
MAX_REPEAT_SHARE = 0.5  # more than half the clauses repeated: padding


@dataclass(frozen=True)
class ItemFound:
    id: str
    criterion: str
    said: str  # the words that earned it, as written


@dataclass(frozen=True)
class Avoided:
    phrase: str
    said: str
    critical: bool


@dataclass(frozen=True)
class ReplyCheck:
    verdict: Verdict
    criteria: dict[str, float]  # criterion → percent of this turn's checklist found
    points: dict[str, float]  # criterion → points earned (of the turn's maximum)
    found: list[ItemFound]
    missing: list[str]  # item ids
    avoided: list[Avoided]
    critical: str | None  # the scenario's critical error raised, if any
    flags: list[str] = field(default_factory=list)  # wrong-language, padded, off-topic
    coverage: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The contract of `trainer score-reply`, plus the explanations."""
        return {
            "verdict": self.verdict,
            "criteria": self.criteria,
            "found": [{"item": f.id, "criterion": f.criterion, "said": f.said} for f in self.found],
            "missing": self.missing,
            "avoided": [{"phrase": a.phrase, "said": a.said} for a in self.avoided],
            "critical": self.critical,
            "flags": self.flags,
            "points": self.points,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReplyCheck:
        return cls(
            verdict=data["verdict"],
            criteria=data["criteria"],
            points=data.get("points", {}),
            found=[ItemFound(f["item"], f["criterion"], f["said"]) for f in data["found"]],
            missing=list(data["missing"]),
            avoided=[
                Avoided(a["phrase"], a["said"], bool(a.get("critical"))) for a in data["avoided"]
            ],
            critical=data.get("critical"),
            flags=list(data.get("flags", [])),
        )


def wrong_language(text: str, lang: str) -> bool:
    cjk, words = script_counts(text)
    if lang == "en":
        return cjk >= 4 and cjk > 2 * words
    return words >= 4 and cjk < words


def padded(reading: Reading) -> bool:
    parts = clauses(reading)
    if len(parts) < 4:
        return False
    repeated = len(parts) - len(set(parts))
    return repeated / len(parts) > MAX_REPEAT_SHARE


def check_reply(
    scenario: Scenario, turn: FreeText, text: str, lang: str, book: PhraseBook
) -> ReplyCheck:
    reading = Reading(text)
    flags = []
    if wrong_language(text, lang):
        flags.append("wrong-language")
    if padded(reading):
        flags.append("padded")
    said = said_phrases(reading, {p.id: p for p in book.phrases.values() if p.kind == "avoid"})
    avoided = [Avoided(s.phrase, s.said, book.phrases[s.phrase].critical) for s in said]
    critical = None
    if any(a.critical for a in avoided):
        critical = scenario.phrase_error() or next(a.phrase for a in avoided if a.critical)

    found: list[ItemFound] = []
    missing: list[str] = []
    credit = not flags  # a reply in the other language or of padding earns nothing
    weights: dict[str, float] = {}
    earned: dict[str, float] = {}
    for item in turn.checklist:
        weights[item.criterion] = weights.get(item.criterion, 0.0) + item.weight
        hit = None
        if credit:
            hit = next(
                (h for term in item.terms(lang) if (h := find_term(reading, term, book.synonyms))),
                None,
            )
        if hit is None:
            missing.append(item.id)
            continue
        found.append(ItemFound(item.id, item.criterion, hit.said))
        earned[item.criterion] = earned.get(item.criterion, 0.0) + item.weight
    if credit and not found:
        flags.append("off-topic")

    criteria = {
        c: round(100 * earned.get(c, 0.0) / weights[c], 1) if weights.get(c) else 0.0
        for c in turn.criteria
    }
    points = {c: round(top * criteria[c] / 100, 2) for c, top in turn.criteria.items()}
    total = sum(weights.values())
    coverage = sum(earned.values()) / total if total else 0.0
    verdict: Verdict
    if critical or flags or coverage < WEAK_BELOW:
        verdict = "weak"
    elif coverage >= STRONG_AT and not avoided:
        verdict = "strong"
    else:
        verdict = "adequate"
    return ReplyCheck(
        verdict, criteria, points, found, missing, avoided, critical, flags, round(coverage, 3)
    )


@dataclass(frozen=True)
class Reaction:
    next_node: str
    mood: int  # the change of mood
    route: str | None  # which route was taken ("critical", "missing"...), None for the default


def react(turn: FreeText, check: ReplyCheck) -> Reaction:
    """Where the call goes after this reply: the first route that holds, else `next`."""
    for route in turn.routes:
        holds = {
            "critical": check.critical is not None,
            "avoided": bool(check.avoided),
            "missing": any(i in check.missing for i in route.items),
        }.get(route.when, check.verdict == route.when)
        if holds:
            mood = route.mood if route.mood is not None else VERDICT_MOOD[check.verdict]
            return Reaction(route.next, mood, route.when)
    return Reaction(turn.next, VERDICT_MOOD[check.verdict], None)


MAX_REPLY = 2000


def reply_problem(text: str) -> LazyString | None:
    """Why a reply cannot be taken at all (it is then not stored), or None."""
    stripped = text.strip()
    if not stripped:
        return _l("Write a reply before sending it.")
    if len(stripped) > MAX_REPLY:
        return _l("The reply is too long (at most %(n)d characters).", n=MAX_REPLY)
    if not any(ch.isalnum() for ch in stripped):
        return _l("Write your reply in words: emoji and punctuation alone say nothing.")
    return None
