"""Reading content files strictly: YAML with line numbers, front matter, and problem reports.

Every loader collects `Problem`s instead of stopping at the first, so an author sees all that is
wrong in one run, each as `path:line: message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import safe_yaml

LANGS = ("zh", "en")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found, when content cannot be loaded as a whole."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Located:
    """A parsed YAML document plus the line of every key, by its path of keys and indexes."""

    data: Any
    path: str
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    start_line: int = 1

    def line(self, *keys: Any) -> int:
        """The line of the deepest known key on this path (a missing key points at its parent)."""
        for end in range(len(keys), -1, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return self.start_line


def _walk(
    node: yaml.Node, prefix: tuple[Any, ...], located: Located, problems: list[Problem], offset: int
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                problems.append(Problem(located.path, line, f"duplicate key “{key}”"))
            seen.add(key)
            located.lines[(*prefix, key)] = line
            _walk(value_node, (*prefix, key), located, problems, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            located.lines[(*prefix, index)] = item.start_mark.line + 1 + offset
            _walk(item, (*prefix, index), located, problems, offset)


def parse_yaml(text: str, path: str, problems: list[Problem], offset: int = 0) -> Located | None:
    """Parse one YAML document; syntax errors and duplicate keys become problems."""
    located = Located(data=None, path=path, start_line=1 + offset)
    try:
        node, data = safe_yaml.compose_and_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 1 if mark else 1) + offset
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(path, line, f"invalid YAML: {reason}"))
        return None
    if node is not None:
        _walk(node, (), located, problems, offset)
    located.data = data
    return located


def read_text(file: Path, shown: str, problems: list[Problem]) -> str | None:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(shown, 1, "the file is not UTF-8 text"))
    except OSError as exc:
        problems.append(Problem(shown, 1, f"cannot read the file: {exc.strerror}"))
    return None


def read_yaml(file: Path, shown: str, problems: list[Problem]) -> Located | None:
    """Read and parse one YAML file; unreadable text and bad YAML become problems."""
    text = read_text(file, shown, problems)
    return parse_yaml(text, shown, problems) if text is not None else None


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*\n?", re.S | re.M)


def split_front_matter(
    text: str, path: str, problems: list[Problem]
) -> tuple[Located | None, str, int]:
    """(front matter, body, line where the body starts)."""
    match = _FRONT.match(text)
    if not match:
        problems.append(
            Problem(path, 1, "the file must start with YAML front matter between two '---' lines")
        )
        return None, text, 1
    front = parse_yaml(match.group(1), path, problems, offset=1)
    body_start = text.count("\n", 0, match.end()) + 1
    return front, text[match.end() :], body_start


class Schema:
    """Checks a mapping's keys and value types, reporting against the located document."""

    def __init__(self, doc: Located, problems: list[Problem]):
        self.doc = doc
        self.problems = problems

    def problem(self, keys: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.doc.path, self.doc.line(*keys), message))

    def mapping(
        self,
        keys: tuple[Any, ...],
        value: Any,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        what: str = "",
    ) -> dict[str, Any] | None:
        where = f" in {what}" if what else ""
        if not isinstance(value, dict):
            self.problem(keys, f"expected a mapping{where}")
            return None
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.problem((*keys, key), f"unknown key “{key}”{where} (allowed: {allowed})")
        for key in required:
            if key not in value:
                self.problem(keys, f"missing key “{key}”{where}")
        return value

    def text(self, keys: tuple[Any, ...], value: Any, what: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(keys, f"{what} must be non-empty text")
            return None
        return value.strip()

    def bilingual(self, keys: tuple[Any, ...], value: Any, what: str) -> dict[str, str] | None:
        mapping = self.mapping(keys, value, LANGS, what=what)
        if mapping is None:
            return None
        result = {}
        for lang in LANGS:
            if lang in mapping:
                text = self.text((*keys, lang), mapping[lang], f"{what} ({lang})")
                if text is not None:
                    result[lang] = text
        return result if len(result) == len(LANGS) else None

    def integer(
        self, keys: tuple[Any, ...], value: Any, what: str, low: int, high: int
    ) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem(keys, f"{what} must be a whole number from {low} to {high}")
            return None
        return value

    def text_list(self, keys: tuple[Any, ...], value: Any, what: str) -> list[str] | None:
        if not isinstance(value, list) or not value:
            self.problem(keys, f"{what} must be a non-empty list")
            return None
        items = []
        for index, item in enumerate(value):
            text = self.text((*keys, index), item if not isinstance(item, int) else str(item), what)
            if text is not None:
                items.append(text)
        return items if len(items) == len(value) else None
