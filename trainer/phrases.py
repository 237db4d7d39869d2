"""The shared list of phrases to use and to avoid (content/phrases.yml), its synonym groups,
context terms and stock phrases, and finding the phrases in what a trainee writes (by words, see
wording.py).

A phrase is *said* when one of its forms stands in the reply, not negated (wording.py), and:
- not inside quotation marks. Quoting is mentioning: an agent who reports or disowns a phrase
  (昨天那位同事说“这不归我管”，这是不对的; I won't hide behind "those are the rules") is not saying
  it to the customer, and a trainee writes quotation marks precisely to show that. A trainee
  could put quotation marks round a phrase and still mean it, but a reply spoken on the phone
  has no quotation marks, so the checker takes the marks at their word; a quotation holding most
  of the reply is the reply itself in quotation marks and counts as said (wording.Reading);
- for a form ending in "$", when nothing but particles follows it in its clause: 「没办法。」
  shuts the door, 「没办法直接减免，但我能为您做的是……」 does not;
- for a phrase with a context (time, money), when a context term stands in the form's clause, or
  in the clause before or after it when the form ends its clause: 「我保证明天一定到」,
  「肯定给您全额退」, "I promise, you'll have it tomorrow"; 「心里肯定不舒服」 promises nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import LANGS, Problem, Schema, read_yaml
from .wording import Hit, Reading, Span, Synonyms, find_term, term_spans

FILE_NAME = "phrases.yml"
CLAUSE_END = "$"  # a form ending in "$" counts only at the end of its clause


@dataclass(frozen=True)
class Phrase:
    id: str
    kind: str  # "use" or "avoid"
    critical: bool
    forms: tuple[str, ...]  # every spoken form, normalised
    better: dict[str, str]
    note: dict[str, str]
    examples: dict[str, list[str]]
    context: tuple[str, ...] = ()  # terms one of which must share the sentence (time, money)
    written: tuple[str, ...] = ()  # the forms as written in the file


@dataclass(frozen=True)
class PhraseBook:
    phrases: dict[str, Phrase]
    synonyms: Synonyms
    stock: tuple[str, ...] = ()  # stock phrases: courtesy that says nothing about the case

    def stock_spans(self, reading: Reading) -> list[Span]:
        """Where stock phrases stand in the reading."""
        return [span for form in self.stock for span in term_spans(reading, form)]


@dataclass(frozen=True)
class Said:
    phrase: str
    said: str  # the words as the person wrote them


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", "", text)


def load_phrases(root: Path, problems: list[Problem]) -> dict[str, Phrase]:
    return load_phrase_book(root, problems).phrases


def _contexts(s: Schema, raw: Any) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        s.problem(("contexts",), "contexts map a name to {zh: [...], en: [...]}")
        return {}
    out = {}
    for name, value in raw.items():
        entry = s.mapping(("contexts", name), value, LANGS, what=f"context “{name}”")
        if entry is None:
            continue
        terms: list[str] = []
        for lang in LANGS:
            if lang in entry:
                terms.extend(s.text_list(("contexts", name, lang), entry[lang], "terms") or [])
        out[str(name)] = tuple(terms)
    return out


def _stock(s: Schema, raw: Any, phrases: dict[str, Phrase]) -> tuple[str, ...]:
    """The stock phrases: the forms of the `use` phrases listed, and more forms."""
    if raw is None:
        return ()
    entry = s.mapping(("stock",), raw, (), ("phrases", *LANGS), what="the stock phrases")
    if entry is None:
        return ()
    forms: list[str] = []
    ids = s.text_list(("stock", "phrases"), entry.get("phrases", []), "phrase ids") or []
    for j, pid in enumerate(ids):
        phrase = phrases.get(pid)
        if phrase is None:
            s.problem(("stock", "phrases", j), f"unknown phrase “{pid}”")
        elif phrase.kind != "use":
            s.problem(("stock", "phrases", j), f"phrase “{pid}” is not a “use” phrase")
        else:
            forms.extend(phrase.written)
    for lang in LANGS:
        if lang in entry:
            forms.extend(s.text_list(("stock", lang), entry[lang], f"{lang} forms") or [])
    return tuple(dict.fromkeys(forms))


def _synonyms(s: Schema, raw: Any) -> Synonyms:
    if raw is None:
        return Synonyms()
    if not isinstance(raw, list):
        s.problem(("synonyms",), "synonyms is a list of groups of words")
        return Synonyms()
    groups = []
    for i, group in enumerate(raw):
        words = s.text_list(("synonyms", i), group, "a synonym group")
        if words is not None and len(words) < 2:
            s.problem(("synonyms", i), "a synonym group needs at least two words")
        elif words:
            groups.append(words)
    return Synonyms(groups)


def load_phrase_book(root: Path, problems: list[Problem]) -> PhraseBook:
    file = root / FILE_NAME
    shown = str(file)
    empty = PhraseBook({}, Synonyms())
    if not file.exists():
        problems.append(Problem(shown, 1, "the phrase list is missing"))
        return empty
    doc = read_yaml(file, shown, problems)
    if doc is None:
        return empty
    s = Schema(doc, problems)
    top = s.mapping((), doc.data, ("phrases",), ("contexts", "synonyms", "stock"))
    if top is None or not isinstance(top.get("phrases"), list):
        s.problem(("phrases",), "phrases must be a list")
        return empty
    contexts = _contexts(s, top.get("contexts"))
    synonyms = _synonyms(s, top.get("synonyms"))
    phrases: dict[str, Phrase] = {}
    for i, raw in enumerate(top["phrases"]):
        keys = ("phrases", i)
        entry = s.mapping(
            keys,
            raw,
            ("id", "kind", "zh", "en"),
            ("critical", "zh_hant", "better", "note", "context"),
            what="a phrase",
        )
        if entry is None or any(k not in entry for k in ("id", "kind", "zh", "en")):
            continue
        if entry["kind"] not in ("use", "avoid"):
            s.problem((*keys, "kind"), "kind is use or avoid")
            continue
        if entry["id"] in phrases:
            s.problem((*keys, "id"), f"duplicate phrase id “{entry['id']}”")
            continue
        forms: list[str] = []
        written: list[str] = []
        examples: dict[str, list[str]] = {}
        for lang in (*LANGS, "zh_hant"):
            if lang not in entry:
                continue
            values = s.text_list((*keys, lang), entry[lang], f"{lang} forms")
            if values:
                forms.extend(normalise(v.removesuffix(CLAUSE_END)) for v in values)
                written.extend(values)
                if lang in LANGS:
                    examples[lang] = [v.removesuffix(CLAUSE_END) for v in values]
        better = note = {}
        if entry["kind"] == "avoid":
            better = s.bilingual((*keys, "better"), entry.get("better"), "better wording") or {}
        if "note" in entry:
            note = s.bilingual((*keys, "note"), entry["note"], "note") or {}
        context: list[str] = []
        for j, name in enumerate(entry.get("context") or []):
            if name not in contexts:
                s.problem((*keys, "context", j), f"unknown context “{name}” (see contexts:)")
            else:
                context.extend(contexts[name])
        phrases[entry["id"]] = Phrase(
            entry["id"],
            entry["kind"],
            bool(entry.get("critical")),
            tuple(dict.fromkeys(forms)),
            better,
            note,
            examples,
            tuple(context),
            tuple(dict.fromkeys(written)),
        )
    return PhraseBook(phrases, synonyms, _stock(s, top.get("stock"), phrases))


def said_phrases(
    reading: Reading, phrases: dict[str, Phrase], synonyms: Synonyms | None = None
) -> list[Said]:
    """The phrases said (see the module's docstring), in list order, each quoted as written.
    `synonyms` are not used: a phrase's forms are written out in full."""
    out = []
    for phrase in phrases.values():
        hit = next((h for form in phrase.written if (h := _said(reading, form, phrase))), None)
        if hit is not None:
            out.append(Said(phrase.id, hit.said))
    return out


def _said(reading: Reading, form: str, phrase: Phrase) -> Hit | None:
    at_end = form.endswith(CLAUSE_END)
    term = form.removesuffix(CLAUSE_END)
    # A hit is tried sentence by sentence; `taken` leaves out the places already tried.
    taken: list[Span] = list(reading.quotes)
    while (hit := find_term(reading, term, exclude=taken)) is not None:
        end = max(b for _, b in hit.spans)
        if (not at_end or reading.ends_clause(hit.sentence, end)) and _in_context(
            reading, hit, phrase
        ):
            return hit
        taken.extend((hit.sentence, a, b) for a, b in hit.spans)
    return None


def _in_context(reading: Reading, hit: Hit, phrase: Phrase) -> bool:
    """Whether a context term stands in the hit's clause, or in the clause before or after it
    when the hit ends its clause (「我保证，明天一定到」, "I promise, you'll have it today")."""
    if not phrase.context:
        return True
    end = max(b for _, b in hit.spans)
    first = reading.clause(hit.sentence, min(a for a, _ in hit.spans))
    last = reading.clause(hit.sentence, end - 1)
    if reading.ends_clause(hit.sentence, end):
        first, last = first - 1, last + 1
    return any(
        first <= reading.clause(hit.sentence, a) <= last
        for term in phrase.context
        for _, a, _ in term_spans(reading, term, only=hit.sentence)
    )


def find_phrases(text: str, phrases: dict[str, Phrase]) -> list[str]:
    """Ids of the phrases written in `text`, in list order."""
    return [s.phrase for s in said_phrases(Reading(text), phrases)]
