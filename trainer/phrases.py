"""The shared list of phrases to use and to avoid (content/phrases.yml), its synonym groups and
context terms, and finding the phrases in what a trainee writes (by words, see wording.py)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import LANGS, Problem, Schema, read_yaml
from .wording import Hit, Reading, Synonyms, find_term

FILE_NAME = "phrases.yml"


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
    top = s.mapping((), doc.data, ("phrases",), ("contexts", "synonyms"))
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
                forms.extend(normalise(v) for v in values)
                written.extend(values)
                if lang in LANGS:
                    examples[lang] = values
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
    return PhraseBook(phrases, synonyms)


def said_phrases(
    reading: Reading, phrases: dict[str, Phrase], synonyms: Synonyms | None = None
) -> list[Said]:
    """The phrases written, in list order, each quoted as written. A phrase with a context
    counts only in a sentence that also holds one of its context terms."""
    out = []
    for phrase in phrases.values():
        hit = next((h for form in phrase.written if (h := _said(reading, form, phrase))), None)
        if hit is not None:
            out.append(Said(phrase.id, hit.said))
    return out


def _said(reading: Reading, form: str, phrase: Phrase) -> Hit | None:
    first = 0
    while (hit := find_term(reading, form, first=first)) is not None:
        if not phrase.context or any(
            find_term(reading, c, only=hit.sentence) for c in phrase.context
        ):
            return hit
        first = hit.sentence + 1
    return None


def find_phrases(text: str, phrases: dict[str, Phrase]) -> list[str]:
    """Ids of the phrases written in `text`, in list order."""
    return [s.phrase for s in said_phrases(Reading(text), phrases)]
