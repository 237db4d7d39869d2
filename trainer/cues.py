"""Test-wiseness cues in the content: how often the length of an option gives the key away.

"Pick the longest" is the first cue item writers learn to avoid. For each bank and scenario,
per language, this measures how often the strategy finds the key (single choice), the keyed
options (multiple choice) or the best reply (role-play choices), against what blind guessing
gets. `trainer check-content` prints the shares and fails content whose share exceeds chance
by more than MAX_EXCESS (docs/decisions.md, "Length cues").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .content import LANGS

# A bank may beat blind guessing by this much before check-content refuses it: small banks
# vary by chance, but a share this far above it is a pattern a trainee can learn.
MAX_EXCESS = 0.20


@dataclass(frozen=True)
class Cue:
    where: str  # a bank slug or a scenario id
    kind: str  # single | multiple | replies
    lang: str
    items: int  # questions or choice nodes measured
    longest: float  # share of the key that "pick the longest" finds
    shortest: float  # the same for "pick the shortest": over-correcting is a cue as well
    chance: float  # the same share for a blind guess

    @property
    def too_high(self) -> bool:
        return self.items > 0 and max(self.longest, self.shortest) - self.chance > MAX_EXCESS

    def __str__(self) -> str:
        return (
            f"{self.where} [{self.kind}, {self.lang}]: of {self.items}, the longest option is "
            f"the key in {self.longest:.0%}, the shortest in {self.shortest:.0%} "
            f"(chance {self.chance:.0%})"
        )


def longest_hits(lengths: Sequence[int], keyed: set[int]) -> float:
    """What "pick the k longest" earns, k being the number of keyed options: the share of its
    picks that are keyed. Ties at the cut-off are shared out, as a guesser would pick among
    them at random."""
    k = len(keyed)
    if not lengths or not k:
        return 0.0
    ranked = sorted(set(lengths), reverse=True)
    hits, taken = 0.0, 0
    for size in ranked:
        tied = [i for i, n in enumerate(lengths) if n == size]
        room = k - taken
        if room <= 0:
            break
        share = min(1.0, room / len(tied))
        hits += share * sum(1 for i in tied if i in keyed)
        taken += len(tied)
    return hits / k


def measure(
    where: str, kind: str, items: Sequence[tuple[Mapping[str, Sequence[str]], set[int]]]
) -> list[Cue]:
    """One Cue per language; `items` holds, per question or node, the option texts by language
    and the indexes of the keyed options."""
    cues = []
    for lang in LANGS:
        measured = [(texts[lang], keyed) for texts, keyed in items if texts.get(lang)]
        if not measured:
            continue
        longest = sum(longest_hits([len(t) for t in texts], keyed) for texts, keyed in measured)
        shortest = sum(longest_hits([-len(t) for t in texts], keyed) for texts, keyed in measured)
        chance = sum(len(keyed) / len(texts) for texts, keyed in measured)
        n = len(measured)
        cues.append(Cue(where, kind, lang, n, longest / n, shortest / n, chance / n))
    return cues
