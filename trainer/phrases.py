"""The shared list of phrases to use and to avoid (content/phrases.yml), and matching them in
what a trainee writes: full- and half-width alike, case and spaces ignored, traditional
variants where the list gives them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .content import LANGS, Problem, Schema, read_yaml

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


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", "", text)


def load_phrases(root: Path, problems: list[Problem]) -> dict[str, Phrase]:
    file = root / FILE_NAME
    shown = str(file)
    if not file.exists():
        problems.append(Problem(shown, 1, "the phrase list is missing"))
        return {}
    doc = read_yaml(file, shown, problems)
    if doc is None:
        return {}
    s = Schema(doc, problems)
    top = s.mapping((), doc.data, ("phrases",))
    if top is None or not isinstance(top.get("phrases"), list):
        s.problem(("phrases",), "phrases must be a list")
        return {}
    phrases: dict[str, Phrase] = {}
    for i, raw in enumerate(top["phrases"]):
        keys = ("phrases", i)
        entry = s.mapping(
            keys,
            raw,
            ("id", "kind", "zh", "en"),
            ("critical", "zh_hant", "better", "note"),
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
        examples: dict[str, list[str]] = {}
        for lang in (*LANGS, "zh_hant"):
            if lang not in entry:
                continue
            values = s.text_list((*keys, lang), entry[lang], f"{lang} forms")
            if values:
                forms.extend(normalise(v) for v in values)
                if lang in LANGS:
                    examples[lang] = values
        better = note = {}
        if entry["kind"] == "avoid":
            better = s.bilingual((*keys, "better"), entry.get("better"), "better wording") or {}
        if "note" in entry:
            note = s.bilingual((*keys, "note"), entry["note"], "note") or {}
        phrases[entry["id"]] = Phrase(
            entry["id"],
            entry["kind"],
            bool(entry.get("critical")),
            tuple(dict.fromkeys(forms)),
            better,
            note,
            examples,
        )
    return phrases


def find_phrases(text: str, phrases: dict[str, Phrase]) -> list[str]:
    """Ids of the phrases whose forms occur in `text`, in list order."""
    said = normalise(text)
    return [p.id for p in phrases.values() if any(form and form in said for form in p.forms)]
