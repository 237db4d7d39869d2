"""Scoring a written reply at once, with every point explained.

A free-text turn lists what a good reply does (its checklist), each item tied to a rubric
criterion and shown by words in both languages. The checker reads the reply by words
(wording.py), credits each item once, quotes what earned it, names what is missing, quotes the
phrases to avoid that were written, and gives a verdict. Nothing here is a model's guess: the
debrief can show the trainee exactly why.

The verdict (also in content/roleplays/README.md):
- weak: a critical phrase to avoid was said, or the reply is in the other language, padding
  (most clauses repeated, or nothing earned but by stock phrases: see `stock_only`) or off the
  topic, or fewer than WEAK_BELOW of the checklist (by weight) was found;
- otherwise strong from STRONG_AT of the checklist, else adequate;
- then a phrase to avoid that is not critical (an over-promise, 「规定就是这样」, "calm down")
  drops the verdict one level: strong → adequate, adequate → weak. Saying it undoes part of
  what the reply did, but less than a critical phrase, which fails the reply outright: an
  over-promise in an otherwise complete reply is adequate, in a half-done one weak.
A phrase only quoted is not said (see phrases.py), and a negated one is not said either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..phrases import PhraseBook, said_phrases
from ..wording import Reading, Span, clauses, find_term, script_counts
from .definition import ChecklistItem, FreeText, Scenario, Verdict

STRONG_AT = 0.75  # share of the checklist (by weight) for a strong reply
WEAK_BELOW = 0.40
VERDICT_MOOD = {"strong": 10, "adequate": 0, "weak": -10}
LOWER: dict[Verdict, Verdict] = {"strong": "adequate", "adequate": "weak", "weak": "weak"}
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


def stock_only(reading: Reading, items: list[ChecklistItem], lang: str, book: PhraseBook) -> bool:
    """Whether every item found was found only inside stock phrases (book.stock: 「非常理解您的
    心情」「给您带来不便非常抱歉」, "I completely understand", "thank you for your patience"). Such
    a reply is courtesy and nothing else, however it is worded, and is padding: the courtesy
    items of a checklist earn their credit only beside something said about the case."""
    if not items or not book.stock:
        return False
    stock: list[Span] = book.stock_spans(reading)
    return not any(
        find_term(reading, term, book.synonyms, exclude=stock)
        for item in items
        for term in item.terms(lang)
    )


class RaisesPhraseError(Protocol):
    """What the checker needs of a rubric: a role-play scenario, or a QA scorecard."""

    def phrase_error(self) -> str | None: ...


def check_reply(
    scenario: Scenario | RaisesPhraseError, turn: FreeText, text: str, lang: str, book: PhraseBook
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

    credit = not flags  # a reply in the other language or of padding earns nothing
    hits: dict[str, ItemFound] = {}
    if credit:
        for item in turn.checklist:
            hit = next(
                (h for term in item.terms(lang) if (h := find_term(reading, term, book.synonyms))),
                None,
            )
            if hit is not None:
                hits[item.id] = ItemFound(item.id, item.criterion, hit.said)
        found_items = [i for i in turn.checklist if i.id in hits]
        if stock_only(reading, found_items, lang, book):
            flags.append("padded")
            hits = {}
        elif not hits:
            flags.append("off-topic")

    found = [hits[i.id] for i in turn.checklist if i.id in hits]
    missing = [i.id for i in turn.checklist if i.id not in hits]
    weights: dict[str, float] = {}
    earned: dict[str, float] = {}
    for item in turn.checklist:
        weights[item.criterion] = weights.get(item.criterion, 0.0) + item.weight
        if item.id in hits:
            earned[item.criterion] = earned.get(item.criterion, 0.0) + item.weight

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
    else:
        verdict = "strong" if coverage >= STRONG_AT else "adequate"
        if avoided:  # not critical, or it would be weak already: one level down
            verdict = LOWER[verdict]
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
