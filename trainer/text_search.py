"""Cutting text into searchable words (Chinese has no spaces) and marking matches in snippets."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from markupsafe import Markup, escape

CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokens_for_index(text: str) -> str:
    """Space-separated words; Chinese runs are cut into words and their parts (search mode)."""
    jieba = _jieba()
    words: list[str] = []
    for match in WORD.finditer(text):
        chunk = match.group(0)
        if CJK.match(chunk):
            words.extend(w for w in jieba.cut_for_search(chunk) if w.strip())  # type: ignore[attr-defined]
        else:
            words.append(chunk.lower())
    return " ".join(words)


def query_terms(query: str) -> list[str]:
    """The words of a search query, in order, without repeats."""
    jieba = _jieba()
    terms: list[str] = []
    for match in WORD.finditer(query):
        chunk = match.group(0)
        if CJK.match(chunk):
            terms.extend(w for w in jieba.cut(chunk) if w.strip())  # type: ignore[attr-defined]
        else:
            terms.append(chunk.lower())
    return list(dict.fromkeys(terms))


def snippet(text: str, terms: list[str], width: int = 70) -> Markup:
    """A short extract around the first match, with every match wrapped in <mark>."""
    if not terms:
        return Markup(escape(text[: width * 2]))
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width)
    end = min(len(text), start + width * 2 + (len(first.group(0)) if first else 0))
    extract = text[start:end]
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(extract):
        parts.append(str(escape(extract[last : match.start()])))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(str(escape(extract[last:])))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Markup(prefix + "".join(parts) + suffix)
