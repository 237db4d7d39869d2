"""Finding terms in what a person wrote, by words rather than raw substrings.

Text is normalised (full/half width, case, traditional characters) with a map back to what was
written, so a match can be quoted as the person wrote it. Chinese is cut into words with jieba
and a term must start or end on a word edge (「保证」 is not found in 「确保证件」); English is cut
into words with contractions opened ("don't" → do not) and light stemming ("called" → call). A
term right after a negation in its clause does not count: 「我不能保证」 promises nothing and
"I won't tell you to calm down" tells nobody to calm down.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import zhconv
from zhconv import convert

from .text_search import _jieba


def _load_conversion_table() -> None:
    # zhconv reads its table through a file it never closes; read it ourselves, closed.
    if zhconv.zhconv.zhcdicts is None:
        table = Path(zhconv.zhconv.__file__).with_name("zhcdict.json")
        data = json.loads(table.read_text(encoding="utf-8"))
        data["SIMPONLY"] = frozenset(data["SIMPONLY"])
        data["TRADONLY"] = frozenset(data["TRADONLY"])
        zhconv.zhconv.zhcdicts = data


_load_conversion_table()

CJK = re.compile(r"[\u3400-\u9fff]")
SENTENCE_END = re.compile(r"[。！？!?；;\n]+|\.(?=\s|$)")
CLAUSE_END = re.compile(r"[，,、：:（）()—–\-]+")
EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Words that start with a negating character but negate nothing after them.
ZH_NOT_NEGATION = (
    "不仅",
    "不但",
    "不错",
    "不好意思",
    "不管",
    "不过",
    "不断",
    "不少",
    "不久",
    "不便",
    "不满",
    "不舒服",
    "没关系",
    "别的",
    "别人",
    "非常",
    "未来",
)
ZH_NEGATION = re.compile(r"不|没|别|无法|未|勿|莫|绝非|并非")
ZH_WINDOW = 4  # characters before a term in which a negation turns it off
EN_NEGATION = {"not", "never", "no", "without", "nor"}
EN_WINDOW = 4  # words before a term
EN_CONTRACTIONS = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "i'm": ("i", "am"),
    "i'll": ("i", "will"),
    "i'd": ("i", "would"),
    "i've": ("i", "have"),
    "you're": ("you", "are"),
    "we're": ("we", "are"),
    "we'll": ("we", "will"),
    "it's": ("it", "is"),
    "that's": ("that", "is"),
    "there's": ("there", "is"),
    "let's": ("let", "us"),
}


def _stem(word: str) -> str:
    """A light English stemmer: the same stem for call, calls, called and calling."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") or word.endswith("ied"):
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "ls":
                stem = stem[:-1]  # "stopped" → "stop"
            return stem.rstrip("e")
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word.rstrip("e") if len(word) > 3 else word


def en_words(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) for every English word of already-normalised text."""
    out: list[tuple[str, int, int]] = []
    for match in EN_WORD.finditer(text):
        word, start, end = match.group(0), match.start(), match.end()
        if word in EN_CONTRACTIONS:
            parts: Sequence[str] = EN_CONTRACTIONS[word]
        elif word.endswith("n't"):
            parts = (word[:-3], "not")
        elif word.endswith("'s"):
            parts = (word[:-2],)
        else:
            parts = (word,)
        out.extend((_stem(p), start, end) for p in parts if p)
    return out


def normalise_char(char: str) -> str:
    text = unicodedata.normalize("NFKC", char).casefold()
    if text in "’‘`´":
        return "'"
    if text in "“”「」『』":
        return '"'
    return text


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """The form terms are written in: NFKC, case-folded, simplified characters."""
    return "".join(normalise_char(c) for c in convert(text, "zh-hans"))


@dataclass
class Sentence:
    text: str  # normalised
    origin: list[int]  # index in the original text of each character of `text`
    compact: str = ""  # `text` without spaces: what Chinese terms are matched in
    compact_at: list[int] = field(default_factory=list)  # compact index → index in `text`
    edges: set[int] = field(default_factory=set)  # word edges in `compact`
    words: list[tuple[str, int, int]] = field(default_factory=list)  # English stems
    clause_starts: list[int] = field(default_factory=list)  # in `text`


class Reading:
    """A text cut into sentences, ready for many term lookups."""

    def __init__(self, original: str):
        self.original = original
        simplified = convert(original, "zh-hans")
        if len(simplified) != len(original):  # conversions are one character to one
            simplified = original
        norm: list[str] = []
        origin: list[int] = []
        for i, char in enumerate(simplified):
            for out in normalise_char(char):
                norm.append(out)
                origin.append(i)
        text = "".join(norm)
        self.text = text
        self.sentences: list[Sentence] = []
        start = 0
        for match in [*SENTENCE_END.finditer(text), None]:
            end = match.start() if match else len(text)
            if text[start:end].strip():
                self.sentences.append(self._sentence(text[start:end], origin[start:end]))
            if match:
                start = match.end()

    @staticmethod
    def _sentence(text: str, origin: list[int]) -> Sentence:
        s = Sentence(text, origin)
        for i, char in enumerate(text):
            if not char.isspace():
                s.compact_at.append(i)
        s.compact = "".join(text[i] for i in s.compact_at)
        if CJK.search(s.compact):
            jieba = _jieba()
            for _word, a, b in jieba.tokenize(s.compact, mode="search"):  # type: ignore[attr-defined]
                s.edges.update((a, b))
        s.edges.update((0, len(s.compact)))
        s.words = en_words(text)
        s.clause_starts = [0, *(m.end() for m in CLAUSE_END.finditer(text))]
        return s

    def quote(self, sentence: Sentence, start: int, end: int) -> str:
        """The original characters behind text[start:end] of a sentence."""
        if start >= end:
            return ""
        return self.original[sentence.origin[start] : sentence.origin[end - 1] + 1]


@dataclass(frozen=True)
class Hit:
    said: str  # as the person wrote it
    sentence: int


def _clause_start(s: Sentence, at: int) -> int:
    return max(c for c in s.clause_starts if c <= at)


def _zh_negated(s: Sentence, text_at: int) -> bool:
    window = s.text[max(_clause_start(s, text_at), text_at - ZH_WINDOW) : text_at]
    window = re.sub(r"\s", "", window)
    for benign in ZH_NOT_NEGATION:
        window = window.replace(benign, "")
    return ZH_NEGATION.search(window) is not None


def _en_negated(s: Sentence, word_index: int) -> bool:
    start_char = s.words[word_index][1]
    clause = _clause_start(s, start_char)
    before = [w for w, a, _ in s.words[max(0, word_index - EN_WINDOW) : word_index] if a >= clause]
    return any(w in EN_NEGATION for w in before)


def _find_part(s: Sentence, part: str) -> tuple[int, int] | None:
    """Where a single term (no '+') stands in the sentence, not negated: (start, end) in text."""
    if CJK.search(part):
        needle = re.sub(r"\s", "", part)
        at = s.compact.find(needle)
        while at != -1:
            end = at + len(needle)
            on_edge = at in s.edges or end in s.edges
            if len(needle) == 1:
                on_edge = at in s.edges and end in s.edges
            digits_ok = not (needle[0].isdigit() and at > 0 and s.compact[at - 1].isdigit()) and (
                not (needle[-1].isdigit() and end < len(s.compact) and s.compact[end].isdigit())
            )
            text_start = s.compact_at[at]
            if on_edge and digits_ok and not _zh_negated(s, text_start):
                return text_start, s.compact_at[end - 1] + 1
            at = s.compact.find(needle, at + 1)
        return None
    wanted = [w for w, _, _ in en_words(part)]
    if not wanted:
        return None
    stems = [w for w, _, _ in s.words]
    for i in range(len(stems) - len(wanted) + 1):
        if stems[i : i + len(wanted)] == wanted and not (
            wanted[0] not in EN_NEGATION and _en_negated(s, i)
        ):
            return s.words[i][1], s.words[i + len(wanted) - 1][2]
    return None


class Synonyms:
    """Groups of words that stand for each other in a term."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()):
        self.by_word: dict[str, tuple[str, ...]] = {}
        for group in groups:
            words = tuple(dict.fromkeys(normalise(w).strip() for w in group if w.strip()))
            for word in words:
                self.by_word[word] = tuple(dict.fromkeys((*self.by_word.get(word, ()), *words)))

    def variants(self, part: str) -> tuple[str, ...]:
        return self.by_word.get(part, (part,))


def find_term(
    reading: Reading,
    term: str,
    synonyms: Synonyms | None = None,
    first: int = 0,
    only: int | None = None,
) -> Hit | None:
    """The first sentence (from `first`, or just sentence `only`) holding the term — every '+'
    part, in any order — quoted as written."""
    parts = [normalise(p).strip() for p in term.split("+") if p.strip()]
    if not parts:
        return None
    groups = [synonyms.variants(p) if synonyms else (p,) for p in parts]
    for index, s in enumerate(reading.sentences):
        if index < first or (only is not None and index != only):
            continue
        spans = []
        for variants in groups:
            span = next((sp for v in variants if (sp := _find_part(s, v)) is not None), None)
            if span is None:
                break
            spans.append(span)
        else:
            if len(spans) == 1:
                return Hit(reading.quote(s, *spans[0]), index)
            return Hit(" … ".join(reading.quote(s, a, b) for a, b in sorted(spans)), index)
    return None


def script_counts(text: str) -> tuple[int, int]:
    """(Chinese characters, English words) in a text."""
    return len(CJK.findall(text)), len(re.findall(r"[A-Za-z]{2,}", text))


def clauses(reading: Reading) -> list[str]:
    out: list[str] = []
    for s in reading.sentences:
        out.extend(c.strip() for c in CLAUSE_END.split(s.text) if c.strip())
    return out
