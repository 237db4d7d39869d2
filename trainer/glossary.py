"""The course's terminology rules (content/glossary.yml), enforced on every content file.

`trainer check-content` runs these after the structural checks. They are style rules, not
loading rules: a finding makes check-content fail, but `load-content` still loads the files,
because a variant spelling must never keep a corrected lesson out of the database.

What is checked is the text a learner reads: YAML scalar values (not keys, not comments) and
Markdown bodies (not code, not link targets). Each value is judged in its language: under a
`zh`/`zh_hant` or `en` key, else by the lesson's `lang`, else Chinese when it holds a Han
character. Lists under a language key are forms a trainee may type (checklists, accepted
answers) and are not checked; amounts spelled out in words are speech and are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import safe_yaml
from .content import Problem, read_text, split_front_matter

GLOSSARY = "glossary.yml"

# Han characters, CJK punctuation, full-width forms, and the curly quotes Chinese text uses: a
# neighbour from this set makes an ASCII mark "Chinese punctuation written in ASCII".
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’…—]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Characters skipped when looking for a mark's neighbour: spaces and Markdown emphasis.
_SKIP = " \t*_~"
# Amounts in digits only: an amount spelled out in words (“一千二百八十元整”) is how it is said
# aloud, and the paraphrasing lesson teaches exactly that.
_ZH_YUAN = re.compile(r"[0-9０-９][0-9０-９,，.]*\s*[万千百亿]?\s*元(?![素旦化件])")
_ZH_CODES = re.compile(r"人民币|(?<![A-Za-z])(?:RMB|CNY)(?![A-Za-z])|￥")
_ZH_SIGN_SPACE = re.compile(r"¥\s+\d")
_EN_CURRENCY = [
    # After digits only: "one thousand two hundred and eighty yuan" is an amount read aloud.
    (re.compile(r"\d[\d,.]*[\s-]*yuan\b", re.I), "“yuan”"),
    (re.compile(r"\bRMB\b|\bRmb\b"), "“RMB”"),
    (re.compile(r"[¥￥]"), "“¥”"),
    (re.compile(r"\d[\d,.]*\s*CNY\b"), "the code after the number"),
    (re.compile(r"\bCNY(?=\d)"), "“CNY” without a space"),
]
_CODE_SPAN = re.compile(r"`[^`]*`")
_URL = re.compile(r"\]\([^)]*\)|\bhttps?://[^\s)\]>]*")


@dataclass(frozen=True)
class Glossary:
    # lang -> [(form, preferred)], longest form first
    avoid: dict[str, list[tuple[str, str]]]
    ascii_marks: tuple[str, ...]
    full_width: dict[str, str]
    avoid_quotes: tuple[str, ...]

    @property
    def en_patterns(self) -> list[tuple[re.Pattern[str], str, str]]:
        return [
            (re.compile(r"\b" + re.escape(form) + r"\b", re.I), form, use)
            for form, use in self.avoid["en"]
        ]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def load_glossary(root: Path, problems: list[Problem]) -> Glossary | None:
    """The glossary of a content tree, or None when the tree has none (then nothing is checked)."""
    file = root / GLOSSARY
    if not file.exists():
        return None
    shown = str(file)
    text = read_text(file, shown, problems)
    if text is None:
        return None
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(shown, (mark.line + 1) if mark else 1, f"invalid YAML: {exc}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(shown, 1, "expected a mapping with terms, calques, punctuation"))
        return None
    avoid: dict[str, list[tuple[str, str]]] = {"zh": [], "en": []}
    for term in data.get("terms") or []:
        if not isinstance(term, dict):
            continue
        for lang in ("zh", "en"):
            use = term.get(lang)
            for form in _strings((term.get("avoid") or {}).get(lang)):
                avoid[lang].append((form, str(use)))
    for calque in data.get("calques") or []:
        if isinstance(calque, dict) and isinstance(calque.get("avoid"), str):
            avoid["en"].append((calque["avoid"], str(calque.get("use"))))
    for lang in avoid:
        avoid[lang].sort(key=lambda pair: -len(pair[0]))
    zh = ((data.get("punctuation") or {}).get("zh")) or {}
    return Glossary(
        avoid=avoid,
        ascii_marks=tuple(_strings(zh.get("ascii_next_to_chinese"))),
        full_width={str(k): str(v) for k, v in (zh.get("full_width") or {}).items()},
        avoid_quotes=tuple(_strings(zh.get("avoid_quotes"))),
    )


def _neighbour(line: str, index: int, step: int) -> str:
    index += step
    while 0 <= index < len(line) and line[index] in _SKIP:
        index += step
    return line[index] if 0 <= index < len(line) else ""


def _prose(line: str) -> str:
    """The line with code spans and links' targets blanked, keeping every column."""
    for pattern in (_CODE_SPAN, _URL):
        line = pattern.sub(lambda m: " " * len(m.group(0)), line)
    return line


def check_line(glossary: Glossary, line: str, lang: str) -> list[str]:
    """Every glossary rule this one line of `lang` text breaks, as messages."""
    line = _prose(line)
    found: list[str] = []
    if lang == "zh":
        for form, use in glossary.avoid["zh"]:
            if form in line:
                found.append(f"“{form}”: write “{use}” (glossary)")
        for match in _ZH_YUAN.finditer(line):
            found.append(f"“{match.group(0)}”: write amounts as ¥ before the number, e.g. ¥200")
        for match in _ZH_CODES.finditer(line):
            found.append(f"“{match.group(0)}”: write amounts as ¥ before the number, e.g. ¥200")
        if _ZH_SIGN_SPACE.search(line):
            found.append("no space between ¥ and the number: ¥200")
        for quote in glossary.avoid_quotes:
            if quote in line:
                found.append(f"“{quote}”: Chinese text quotes with “…” and ‘…’")
        for index, char in enumerate(line):
            if char not in glossary.ascii_marks:
                continue
            before, after = _neighbour(line, index, -1), _neighbour(line, index, 1)
            if _CHINESE.match(before or " ") or _CHINESE.match(after or " "):
                wide = glossary.full_width.get(char, "full-width punctuation")
                found.append(f"ASCII “{char}” in Chinese text, column {index + 1}: use {wide}")
    else:
        taken: list[tuple[int, int]] = []
        for pattern, _form, use in glossary.en_patterns:
            for match in pattern.finditer(line):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                taken.append(match.span())
                found.append(f"“{match.group(0)}”: write “{use}” (glossary)")
        for pattern, what in _EN_CURRENCY:
            if pattern.search(line):
                found.append(f"{what}: write amounts as CNY before the number, e.g. CNY 200")
    return found


def _language(path: tuple[Any, ...], default: str | None, text: str) -> str:
    for key in reversed(path):
        if key in ("zh", "zh_hant"):
            return "zh"
        if key == "en":
            return "en"
    if default:
        return default
    return "zh" if _HAN.search(text) else "en"


def _scalars(node: yaml.Node, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _scalars(item, (*path, index))
    elif isinstance(node, yaml.ScalarNode):
        yield path, node


def check_yaml(
    glossary: Glossary, text: str, shown: str, offset: int = 0, default: str | None = None
) -> list[Problem]:
    """Findings in one YAML document; `offset` is the line before the document starts."""
    try:
        root = safe_yaml.compose(text)
    except yaml.YAMLError:
        return []  # the structural checks already report bad YAML
    if root is None:
        return []
    problems = []
    for path, node in _scalars(root, ()):
        if any(key in ("source", "sources") for key in path):
            continue  # citations keep the source's own spelling and punctuation
        if len(path) >= 2 and isinstance(path[-1], int) and path[-2] in ("zh", "zh_hant", "en"):
            # A list under a language key holds the forms a trainee may type or say (checklist
            # items, accepted answers), variants included on purpose: not prose we write.
            continue
        raw = text[node.start_mark.index : node.end_mark.index]
        if node.style in ('"', "'") and len(raw) >= 2:
            raw = " " + raw[1:-1]  # the YAML quotes are syntax, not the text's punctuation
        lang = _language(path, default, node.value)
        for number, line in enumerate(raw.split("\n")):
            for message in check_line(glossary, line, lang):
                problems.append(Problem(shown, node.start_mark.line + 1 + offset + number, message))
    return problems


def check_markdown(glossary: Glossary, text: str, shown: str, lang: str | None) -> list[Problem]:
    """Findings in a lesson: its front matter as YAML, its body line by line outside code."""
    problems: list[Problem] = []
    front, body, body_start = split_front_matter(text, shown, [])
    match = re.match(r"\A---[ \t]*\n(.*?)^---[ \t]*\n?", text, re.S | re.M)
    if front is not None and match:
        if isinstance(front.data, dict) and front.data.get("lang") in ("zh", "en"):
            lang = str(front.data["lang"])
        problems += check_yaml(glossary, match.group(1), shown, offset=1, default=lang)
    fenced = False
    for number, line in enumerate(body.split("\n"), start=body_start):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        for message in check_line(glossary, line, lang or ("zh" if _HAN.search(line) else "en")):
            problems.append(Problem(shown, number, message))
    return problems


def content_files(root: Path) -> list[Path]:
    """The learner-facing files the glossary governs. Not phrases.yml: its forms are what
    trainees may type, variants included, so the checker can recognise them."""
    files = [root / name for name in ("course.yml", "competencies.yml", "quizzes.yml")]
    files += [root / "certifications.yml"]
    files += sorted((root / "modules").glob("*/module.yml"))
    files += sorted((root / "modules").glob("*/*.md"))
    files += sorted((root / "questions").glob("*.yml"))
    files += sorted((root / "roleplays").glob("*.yml"))
    return [f for f in files if f.is_file() and f.name != "README.md"]


def check_terms(root: Path) -> list[Problem]:
    """Every glossary finding in a content tree, sorted by file and line."""
    problems: list[Problem] = []
    glossary = load_glossary(root, problems)
    if glossary is None:
        return problems
    for file in content_files(root):
        shown = str(file)
        text = read_text(file, shown, problems)
        if text is None:
            continue
        if file.suffix == ".md":
            suffix = file.name.rsplit(".", 2)
            lang = suffix[1] if len(suffix) == 3 and suffix[1] in ("zh", "en") else None
            problems += check_markdown(glossary, text, shown, lang)
        else:
            problems += check_yaml(glossary, text, shown)
    return sorted(set(problems))
