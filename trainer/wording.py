"""Finding terms in what a person wrote, by words rather than raw substrings.

Text is normalised (full/half width, case, traditional characters) with a map back to what was
written, so a match can be quoted as the person wrote it. Chinese is cut into words with jieba
and a term must start or end on a word edge (「保证」 is not found in 「确保证件」); English is cut
into words with contractions opened ("don't" → do not) and light stemming ("called" → call). A
term right after a negation in its clause does not count: 「我不能保证」 promises nothing and
"I won't tell you to calm down" tells nobody to calm down. "Right after" means the words between
the negation and the term can only carry it on (modal verbs, adverbs, pronouns: 「不会再跟您」);
a negation followed by a verb of its own belongs to that verb (「空调不洗是你自己的问题」,
「补偿券没到实在抱歉」), a negated verb of saying or thinking reaches to the end of its clause
(「我不想跟您说规定就是这样」, "I'm not going to just tell you it's company policy"), and an
A-not-A question (「有没有」「是不是」「能不能」) negates nothing.

Quotations are found too (Reading.quotes), so that a caller can tell a phrase quoted from one
that is said (see phrases.said_phrases).
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

# Words that hold a negating character but negate nothing after them.
ZH_NOT_NEGATION = (
    "不仅",
    "不但",
    "不错",
    "不好意思",
    "不管",
    "不论",
    "不过",
    "不断",
    "不少",
    "不久",
    "不便",
    "不满",
    "不舒服",
    "不如",
    "不客气",
    "不得不",
    "差不多",
    "要不然",
    "要不",
    "没关系",
    "没错",
    "别的",
    "别人",
    "特别",
    "分别",
    "区别",
    "个别",
    "告别",
    "级别",
    "类别",
    "差别",
    "识别",
    "非常",
    "未来",
    "莫名",
)
ZH_NEGATION = re.compile(r"无法|绝非|并非|不|没|别|未|勿|莫")
ZH_A_NOT_A = re.compile(r"(.)[不没]\1")  # 有没有, 是不是, 能不能, 要不要, 可不可以: a question
# What may stand between a negation and the term it turns off: modal verbs, adverbs, pronouns
# and the prepositions that bring them (「不会再跟您」「没法」「不能直接给您」).
ZH_CARRY = (
    "应该",
    "应当",
    "可以",
    "可能",
    "能够",
    "愿意",
    "打算",
    "需要",
    "必须",
    "一定",
    "完全",
    "轻易",
    "随便",
    "随意",
    "随口",
    "直接",
    "一直",
    "马上",
    "立刻",
    "真的",
    "必然",
    "办法",
    "这样",
    "这么",
    "那么",
    "我们",
    "你们",
    "他们",
    "她们",
    "咱们",
    *"会能要想用该应必敢肯得准许让够法有再也都就还又才总很太全真曾光只单先",
    *"我你您他她它跟对给和向帮替为与同把被",
)
# A negated verb of saying, thinking or promising turns off the rest of its clause: 「我不会跟您说
# 规定就是这样」「我不觉得是您自己操作错了」「我不能保证今天一定到」. Not when a result follows it:
# 「没说清楚」 is a fault owned.
ZH_SPEECH: tuple[str, ...] = (
    "告诉",
    "觉得",
    "认为",
    "是说",
    "回答",
    "答复",
    "答应",
    "承认",
    "保证",
    "承诺",
)
ZH_SPEECH += ("说", "讲", "怪", "骗")


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


ZH_CARRY_RUN = re.compile(f"(?:{_alternatives(ZH_CARRY)})*")
ZH_SPEECH_AT = re.compile(f"(?:{_alternatives(ZH_SPEECH)})(?!清|明白|好|完|错)")
EN_NEGATION = {"not", "never", "no", "without", "nor"}
EN_WINDOW = 4  # a negation turns off a term at most this many words after it
# Ends what a negation can reach, looking back from a term: "it didn't arrive and I apologise".
EN_SCOPE_END = {"and", "but", "so", "because", "although", "though", "while", "if", "when"}
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
EN_CONTRACTED = {"'ve": "have", "'re": "are", "'ll": "will", "'d": "would", "'m": "am"}


def _stem_word(word: str) -> str:
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


def _stem(word: str) -> str:
    """A light English stemmer: the same stem for call, calls, called and calling. No word but a
    negation gets a negation's stem: "note", "noted" and "noting" are "note", never "not"."""
    stem = _stem_word(word)
    if stem in EN_NEGATION and word not in EN_NEGATION:
        return stem + "e"
    return stem


# Verbs of saying and thinking, as stems: a negation before one reaches to the end of the clause.
EN_SPEECH_WORDS = "say said tell told claim pretend promise think thought believe mean meant"
EN_SPEECH_WORDS += " suggest imply quote hide guarantee swear"
EN_SPEECH = {_stem(w) for w in EN_SPEECH_WORDS.split(" ")}


def en_words(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) for every English word of already-normalised text."""
    out: list[tuple[str, int, int]] = []
    for match in EN_WORD.finditer(text):
        word, start, end = match.group(0), match.start(), match.end()
        contracted = next((c for c in EN_CONTRACTED if word.endswith(c)), None)
        if word in EN_CONTRACTIONS:
            parts: Sequence[str] = EN_CONTRACTIONS[word]
        elif word.endswith("n't"):
            parts = (word[:-3], "not")
        elif word.endswith("'s"):
            parts = (word[:-2],)
        elif contracted:
            parts = (word[: -len(contracted)], EN_CONTRACTED[contracted])
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


QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", "«": "»", "﹁": "﹂", "﹃": "﹄"}
STRAIGHT_QUOTES = ('"', "＂")


def quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of what stands inside quotation marks in the text as written: “…”, 「…」,
    『…』, ‘…’, "…" and '…' (an apostrophe, between letters, is no quotation mark)."""
    out: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # closing mark wanted, where the quotation starts
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if stack and char == stack[-1][0] and not (char == "’" and after.isalnum()):
            out.append((stack.pop()[1], i))
        elif char == "'" and stack and stack[-1][0] == "'":
            if not before.isspace() and not after.isalnum():
                out.append((stack.pop()[1], i))
        elif char in QUOTE_PAIRS:
            stack.append((QUOTE_PAIRS[char], i + 1))
        elif char in STRAIGHT_QUOTES:
            stack.append((char, i + 1))
        elif char == "'" and not before.isalnum() and after.isalnum():
            stack.append(("'", i + 1))
    return sorted(out)


@dataclass
class Sentence:
    text: str  # normalised
    origin: list[int]  # index in the original text of each character of `text`
    compact: str = ""  # `text` without spaces: what Chinese terms are matched in
    compact_at: list[int] = field(default_factory=list)  # compact index → index in `text`
    edges: set[int] = field(default_factory=set)  # word edges in `compact`
    words: list[tuple[str, int, int]] = field(default_factory=list)  # English stems
    clause_starts: list[int] = field(default_factory=list)  # in `text`


Span = tuple[int, int, int]  # (sentence index, start, end) in that sentence's `text`


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
        starts: list[int] = []
        start = 0
        for match in [*SENTENCE_END.finditer(text), None]:
            end = match.start() if match else len(text)
            if text[start:end].strip():
                self.sentences.append(self._sentence(text[start:end], origin[start:end]))
                starts.append(start)
            if match:
                start = match.end()
        self.quotes = self._quotes(origin, starts)

    def _quotes(self, origin: list[int], starts: list[int]) -> list[Span]:
        """What stands inside quotation marks, per sentence. A quotation holding most of the
        reply is the reply itself in quotation marks, not a quotation in it."""
        size = sum(not c.isspace() for c in self.original)
        inside = [False] * len(origin)
        for a, b in quotations(self.original):
            if 2 * sum(not c.isspace() for c in self.original[a:b]) > size:
                continue
            for j, at in enumerate(origin):
                if a <= at < b:
                    inside[j] = True
        out: list[Span] = []
        for index, (s, start) in enumerate(zip(self.sentences, starts, strict=True)):
            run = None
            for i in range(len(s.text) + 1):
                quoted = i < len(s.text) and inside[start + i]
                if quoted and run is None:
                    run = i
                elif not quoted and run is not None:
                    out.append((index, run, i))
                    run = None
        return out

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

    def clause(self, sentence: int, at: int) -> int:
        """Which clause of the sentence (0, 1, …) text position `at` is in."""
        starts = self.sentences[sentence].clause_starts
        return max(i for i, c in enumerate(starts) if c <= at)

    def ends_clause(self, sentence: int, end: int) -> bool:
        """Whether nothing but particles follows text position `end` in its clause."""
        rest = self.sentences[sentence].text[end:]
        stop = CLAUSE_END.search(rest)
        return CLAUSE_TAIL.fullmatch(rest[: stop.start()] if stop else rest) is not None


CLAUSE_TAIL = re.compile(r"[\s\"'.…~～了啊呀吧呢嘛哦哈的]*")


@dataclass(frozen=True)
class Hit:
    said: str  # as the person wrote it
    sentence: int
    spans: tuple[tuple[int, int], ...] = ()  # where each part stands in the sentence's text


def _clause_start(s: Sentence, at: int) -> int:
    return max(c for c in s.clause_starts if c <= at)


def _zh_reaches(gap: str) -> bool:
    """Whether a negation reaches over `gap`, the text between it and a term."""
    gap = re.sub(r"[\s\"']", "", gap)
    carried = ZH_CARRY_RUN.match(gap)
    rest = gap[carried.end() :] if carried else gap
    return not rest or ZH_SPEECH_AT.match(rest) is not None


def _zh_negated(s: Sentence, text_at: int) -> bool:
    start = _clause_start(s, text_at)
    around = s.text[start : text_at + 4]  # a word may run on into the term: 「不好意思」
    benign: set[int] = set()
    for word in ZH_NOT_NEGATION:
        for m in re.finditer(re.escape(word), around):
            benign.update(range(m.start(), m.end()))
    for m in ZH_A_NOT_A.finditer(around):
        benign.add(m.start() + 1)
    clause = s.text[start:text_at]
    return any(
        m.start() not in benign and _zh_reaches(clause[m.end() :])
        for m in ZH_NEGATION.finditer(clause)
    )


def _en_negated(s: Sentence, word_index: int) -> bool:
    clause = _clause_start(s, s.words[word_index][1])
    for n in range(word_index - 1, -1, -1):
        word, start, _ = s.words[n]
        if start < clause or word in EN_SCOPE_END:
            return False
        if word in EN_NEGATION:
            between = [w for w, _, _ in s.words[n + 1 : word_index]]
            near = between[:EN_WINDOW]
            return len(between) < EN_WINDOW or any(w in EN_SPEECH for w in near)
    return False


def _inside(span: tuple[int, int], excluded: Iterable[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in excluded)


def _part_spans(s: Sentence, part: str, negated: bool = False) -> Iterable[tuple[int, int]]:
    """Where a single term (no '+') stands in the sentence: (start, end) in text, each time it
    does, leaving out where a negation turns it off (unless `negated`)."""
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
            if on_edge and digits_ok and (negated or not _zh_negated(s, text_start)):
                yield text_start, s.compact_at[end - 1] + 1
            at = s.compact.find(needle, at + 1)
        return
    wanted = [w for w, _, _ in en_words(part)]
    if not wanted:
        return
    stems = [w for w, _, _ in s.words]
    for i in range(len(stems) - len(wanted) + 1):
        if stems[i : i + len(wanted)] == wanted and (
            negated or wanted[0] in EN_NEGATION or not _en_negated(s, i)
        ):
            yield s.words[i][1], s.words[i + len(wanted) - 1][2]


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
    exclude: Iterable[Span] = (),
) -> Hit | None:
    """The first sentence (from `first`, or just sentence `only`) holding the term — every '+'
    part, in any order — quoted as written. A part standing wholly inside one of the `exclude`
    spans does not count there (a quotation, a stock phrase)."""
    parts = [normalise(p).strip() for p in term.split("+") if p.strip()]
    if not parts:
        return None
    groups = [synonyms.variants(p) if synonyms else (p,) for p in parts]
    excluded: dict[int, list[tuple[int, int]]] = {}
    for index, a, b in exclude:
        excluded.setdefault(index, []).append((a, b))
    for index, s in enumerate(reading.sentences):
        if index < first or (only is not None and index != only):
            continue
        out = excluded.get(index, [])
        spans = []
        for variants in groups:
            span = next(
                (sp for v in variants for sp in _part_spans(s, v) if not _inside(sp, out)), None
            )
            if span is None:
                break
            spans.append(span)
        else:
            said = " … ".join(reading.quote(s, a, b) for a, b in sorted(spans))
            return Hit(said, index, tuple(spans))
    return None


def term_spans(reading: Reading, term: str, only: int | None = None) -> list[Span]:
    """Every place the term stands, negated or not: for a term with '+', every part's, in each
    sentence that holds them all."""
    parts = [normalise(p).strip() for p in term.split("+") if p.strip()]
    out: list[Span] = []
    for index, s in enumerate(reading.sentences):
        if only is not None and index != only:
            continue
        found = [[(index, a, b) for a, b in _part_spans(s, p, negated=True)] for p in parts]
        if found and all(found):
            out.extend(span for spans in found for span in spans)
    return out


def script_counts(text: str) -> tuple[int, int]:
    """(Chinese characters, English words) in a text."""
    return len(CJK.findall(text)), len(re.findall(r"[A-Za-z]{2,}", text))


def clauses(reading: Reading) -> list[str]:
    out: list[str] = []
    for s in reading.sentences:
        out.extend(c.strip() for c in CLAUSE_END.split(s.text) if c.strip())
    return out
