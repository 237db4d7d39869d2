"""Reading and checking the course files: `course.yml`, module folders and lesson files.

`read_course(root)` returns the whole course, or raises `ContentError` with every problem found.
Nothing here touches the database; `services.load_course` writes what this returns.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..competency.framework import Framework, load_framework
from ..content import (
    LANGS,
    ContentError,
    Located,
    Problem,
    Schema,
    read_text,
    read_yaml,
)
from ..content import split_front_matter as split
from ..markup import lesson_links

COURSE_FILE = "course.yml"
MODULES_DIR = "modules"
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)\.(zh|en)\.md$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A seed reference ("003 L630", "002 S45-50"), "practice", or "ext: <citation>" for a published
# source beyond the seeds (a study, a law, an official hotline) that a fact in the lesson rests on.
SOURCE = re.compile(r"^(practice|00[0-3] ([LS])\d+(-\2?\d+)?|ext: \S.*)$")
LESSON_KEYS = (
    "id",
    "lang",
    "module",
    "order",
    "minutes",
    "title",
    "competencies",
    "sources",
    "objectives",
    "key_terms",
    "summary",
)
SHARED_KEYS = ("id", "module", "order", "minutes", "competencies", "sources")
MIN_ZH_BODY_CHARS = 800  # CONTENT.md: 800–2,000 Chinese characters of body
MIN_EN_BODY_WORDS = 350
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class KeyTerm:
    id: str
    term: str
    definition: str


@dataclass(frozen=True)
class LessonText:
    title: str
    objectives: list[str]
    key_terms: list[KeyTerm]
    summary: str
    body: str


@dataclass(frozen=True)
class LessonDef:
    id: str
    module: str
    order: int
    minutes: int
    competencies: list[str]
    sources: list[str]
    texts: dict[str, LessonText]
    # Where each language came from (file, line where the body starts), for messages only.
    origin: dict[str, tuple[str, int]] = field(default_factory=dict, compare=False)

    def content_hash(self) -> str:
        """Changes exactly when anything a learner sees or a rule depends on changes."""
        data = asdict(self)
        data.pop("origin")
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class ModuleDef:
    id: str
    order: int
    title: dict[str, str]
    description: dict[str, str]
    hours_theory: int
    hours_practice: int
    lessons: list[LessonDef] = field(default_factory=list)


@dataclass(frozen=True)
class CourseDef:
    id: str
    title: dict[str, str]
    description: dict[str, str]
    modules: list[ModuleDef]
    framework: Framework

    @property
    def lessons(self) -> list[LessonDef]:
        return [lesson for module in self.modules for lesson in module.lessons]


def read_course(root: Path) -> CourseDef:
    problems: list[Problem] = []
    course = _read_course(root, problems)
    if problems or course is None:
        raise ContentError(sorted(set(problems)))
    return course


def check_course(root: Path) -> list[Problem]:
    problems: list[Problem] = []
    _read_course(root, problems)
    return sorted(set(problems))


def _read_course(root: Path, problems: list[Problem]) -> CourseDef | None:
    framework = load_framework(root, problems)
    file = root / COURSE_FILE
    shown = str(file)
    if not file.exists():
        problems.append(Problem(shown, 1, "the course file is missing"))
        return None
    doc = read_yaml(file, shown, problems)
    if doc is None:
        return None
    s = Schema(doc, problems)
    top = s.mapping((), doc.data, ("id", "title", "description", "modules"), what="the course")
    if top is None:
        return None
    course_id = top.get("id")
    if not isinstance(course_id, str) or not SLUG.match(course_id):
        s.problem(("id",), "the course id must be lower-case letters, digits and hyphens")
    title = s.bilingual(("title",), top.get("title"), "course title")
    description = s.bilingual(("description",), top.get("description"), "course description")
    module_ids = s.text_list(("modules",), top.get("modules"), "modules") or []

    modules_dir = root / MODULES_DIR
    on_disk = (
        {p.name for p in modules_dir.iterdir() if p.is_dir()} if modules_dir.is_dir() else set()
    )
    for index, module_id in enumerate(module_ids):
        if module_id not in on_disk:
            s.problem(
                ("modules", index), f"module “{module_id}” has no folder {modules_dir / module_id}"
            )
        if module_ids.index(module_id) != index:
            s.problem(("modules", index), f"module “{module_id}” is listed twice")
    for name in sorted(on_disk - set(module_ids)):
        problems.append(
            Problem(str(modules_dir / name), 1, f"folder is not listed in {COURSE_FILE} modules")
        )

    known_competencies = framework.ids if framework else set()
    modules = []
    for order, module_id in enumerate(dict.fromkeys(module_ids), start=1):
        if module_id in on_disk:
            module = _read_module(modules_dir / module_id, order, known_competencies, problems)
            if module is not None:
                modules.append(module)
    # Links are checked against every lesson file present, valid or not, so one broken lesson
    # does not also break every link to it.
    named = {
        m.group(2)
        for module_id in module_ids
        if module_id in on_disk
        for f in (modules_dir / module_id).iterdir()
        if (m := LESSON_FILE.match(f.name))
    }
    _check_across_lessons(modules, named, problems)
    if framework is None or title is None or description is None or not isinstance(course_id, str):
        return None
    return CourseDef(course_id, title, description, modules, framework)


def _read_module(
    folder: Path, order: int, competencies: set[str], problems: list[Problem]
) -> ModuleDef | None:
    file = folder / "module.yml"
    shown = str(file)
    if not file.exists():
        problems.append(Problem(shown, 1, "the module file is missing"))
        return None
    doc = read_yaml(file, shown, problems)
    if doc is None:
        return None
    s = Schema(doc, problems)
    top = s.mapping((), doc.data, ("id", "title", "description", "hours"), what="a module")
    if top is None:
        return None
    if top.get("id") != folder.name:
        s.problem(("id",), f"the module id must equal its folder name “{folder.name}”")
    title = s.bilingual(("title",), top.get("title"), "module title")
    description = s.bilingual(("description",), top.get("description"), "module description")
    hours = s.mapping(("hours",), top.get("hours"), ("theory", "practice"), what="hours")
    theory = practice = None
    if hours is not None:
        theory = s.integer(("hours", "theory"), hours.get("theory"), "theory hours", 0, 100)
        practice = s.integer(("hours", "practice"), hours.get("practice"), "practice hours", 0, 100)
    lessons = _read_lessons(folder, competencies, problems)
    if title is None or description is None or theory is None or practice is None:
        return None
    return ModuleDef(folder.name, order, title, description, theory, practice, lessons)


def _read_lessons(folder: Path, competencies: set[str], problems: list[Problem]) -> list[LessonDef]:
    pairs: dict[str, dict[str, tuple[Path, Located | None, dict[str, Any] | None]]] = {}
    for file in sorted(folder.iterdir()):
        if file.name == "module.yml" or file.is_dir():
            continue
        match = LESSON_FILE.match(file.name)
        if not match:
            problems.append(
                Problem(
                    str(file),
                    1,
                    "unexpected file; lesson files are named NN-<lesson-id>.<zh|en>.md",
                )
            )
            continue
        number, lesson_id, lang = match.groups()
        parsed = _read_lesson_file(
            file, folder.name, lesson_id, int(number), lang, competencies, problems
        )
        pairs.setdefault(lesson_id, {})[lang] = (file, *parsed)
    lessons = []
    for lesson_id, by_lang in pairs.items():
        for lang in LANGS:
            if lang not in by_lang:
                other = next(iter(by_lang.values()))[0]
                missing = other.with_name(other.name.rsplit(".", 2)[0] + f".{lang}.md")
                problems.append(
                    Problem(str(other), 1, f"the {lang} version {missing.name} is missing")
                )
        if len(by_lang) != len(LANGS):
            continue
        lesson = _pair(lesson_id, by_lang, problems)
        if lesson is not None:
            lessons.append(lesson)
    orders: dict[int, str] = {}
    for lesson in sorted(lessons, key=lambda x: x.id):
        if lesson.order in orders:
            problems.append(
                Problem(
                    str(folder),
                    1,
                    f"lessons “{orders[lesson.order]}” and "
                    f"“{lesson.id}” have the same order {lesson.order}",
                )
            )
        orders[lesson.order] = lesson.id
    return sorted(lessons, key=lambda x: x.order)


def _read_lesson_file(
    file: Path,
    module_id: str,
    lesson_id: str,
    number: int,
    lang: str,
    competencies: set[str],
    problems: list[Problem],
) -> tuple[Located | None, dict[str, Any] | None]:
    shown = str(file)
    text = read_text(file, shown, problems)
    if text is None:
        return None, None
    doc, body, body_line = split(text, shown, problems)
    if doc is None:
        return None, None
    s = Schema(doc, problems)
    front = s.mapping((), doc.data, LESSON_KEYS, what="lesson front matter")
    if front is None:
        return doc, None
    if front.get("id") != lesson_id:
        s.problem(("id",), f"id must be “{lesson_id}”, as in the file name")
    if front.get("lang") != lang:
        s.problem(("lang",), f"lang must be “{lang}”, as in the file name")
    if front.get("module") != module_id:
        s.problem(("module",), f"module must be “{module_id}”, the folder it is in")
    if (
        "order" in front
        and s.integer(("order",), front["order"], "order", 1, 99) is not None
        and front["order"] != number
    ):
        s.problem(("order",), f"order {front['order']} differs from the file number {number:02d}")
    # Missing keys are already reported; only the values that are there are checked.
    if "minutes" in front:
        s.integer(("minutes",), front["minutes"], "minutes", 5, 240)
    if "title" in front:
        s.text(("title",), front["title"], "title")
    if "summary" in front:
        s.text(("summary",), front["summary"], "summary")
    if "objectives" in front:
        s.text_list(("objectives",), front["objectives"], "objectives")
    comps = []
    if "competencies" in front:
        comps = s.text_list(("competencies",), front["competencies"], "competencies") or []
    for index, cid in enumerate(comps):
        if competencies and cid not in competencies:
            s.problem(("competencies", index), f"unknown competency “{cid}”")
    sources = []
    if "sources" in front:
        sources = s.text_list(("sources",), front["sources"], "sources") or []
    for index, source in enumerate(sources):
        if not SOURCE.match(source):
            s.problem(
                ("sources", index),
                f"source “{source}” is not “practice”, “ext: <citation>” or like "
                "“000 L316-615”, “003 L630” or “002 S45-50”",
            )
    terms = front.get("key_terms")
    if "key_terms" not in front:
        pass
    elif not isinstance(terms, list) or not terms:
        s.problem(("key_terms",), "key_terms must be a non-empty list")
    else:
        for index, term in enumerate(terms):
            entry = s.mapping(
                ("key_terms", index), term, ("id", "term", "definition"), what="a key term"
            )
            if entry is None:
                continue
            if not isinstance(entry.get("id"), str) or not SLUG.match(entry["id"]):
                s.problem(
                    ("key_terms", index, "id"),
                    "a key term id must be lower-case letters, digits and hyphens",
                )
            s.text(("key_terms", index, "term"), entry.get("term"), "term")
            s.text(("key_terms", index, "definition"), entry.get("definition"), "definition")
    if not body.strip():
        problems.append(Problem(shown, body_line, "the lesson body is empty"))
    else:
        _check_body(body, lang, shown, body_line, problems)
    front["_body"] = body.strip()
    front["_body_line"] = body_line + len(body) - len(body.lstrip("\n"))
    front["_path"] = shown
    return doc, front


def _check_body(body: str, lang: str, shown: str, first_line: int, problems: list[Problem]) -> None:
    in_code = False
    for offset, line in enumerate(body.splitlines()):
        if line.startswith("```"):
            in_code = not in_code
        if not in_code and re.match(r"^#\s", line):
            problems.append(
                Problem(
                    shown,
                    first_line + offset,
                    "headings start at ## (the page title is the lesson's h1)",
                )
            )
    if lang == "zh" and len(CJK.findall(body)) < MIN_ZH_BODY_CHARS:
        problems.append(
            Problem(
                shown,
                first_line,
                f"the body has {len(CJK.findall(body))} Chinese "
                f"characters; a lesson needs at least {MIN_ZH_BODY_CHARS}",
            )
        )
    if lang == "en" and len(body.split()) < MIN_EN_BODY_WORDS:
        problems.append(
            Problem(
                shown,
                first_line,
                f"the body has {len(body.split())} words; an "
                f"English lesson needs at least {MIN_EN_BODY_WORDS}",
            )
        )


def _pair(
    lesson_id: str,
    by_lang: dict[str, tuple[Path, Located | None, dict[str, Any] | None]],
    problems: list[Problem],
) -> LessonDef | None:
    zh_file, _zh_doc, zh = by_lang["zh"]
    en_file, en_doc, en = by_lang["en"]
    if zh is None or en is None or en_doc is None:
        return None
    ok = True
    for key in SHARED_KEYS:
        if key in zh and key in en and zh[key] != en[key]:
            problems.append(
                Problem(
                    str(en_file),
                    en_doc.line(key),
                    f"{key} differs from the zh file ({zh_file.name})",
                )
            )
            ok = False
    zo, eo = zh.get("objectives"), en.get("objectives")
    if isinstance(zo, list) and isinstance(eo, list) and len(zo) != len(eo):
        problems.append(
            Problem(
                str(en_file),
                en_doc.line("objectives"),
                f"{len(eo)} objectives here but {len(zo)} in the zh file",
            )
        )
        ok = False
    zt, et = _term_ids(zh.get("key_terms")), _term_ids(en.get("key_terms"))
    if zt is not None and et is not None and zt != et:
        problems.append(
            Problem(
                str(en_file),
                en_doc.line("key_terms"),
                "key term ids differ from the zh file: " + ", ".join(sorted(zt ^ et)),
            )
        )
        ok = False
    try:
        texts = {
            lang: LessonText(
                title=front["title"].strip(),
                objectives=[o.strip() for o in front["objectives"]],
                key_terms=[
                    KeyTerm(t["id"], t["term"].strip(), t["definition"].strip())
                    for t in front["key_terms"]
                ],
                summary=front["summary"].strip(),
                body=front["_body"],
            )
            for lang, front in (("zh", zh), ("en", en))
        }
        lesson = LessonDef(
            id=lesson_id,
            module=zh["module"],
            order=zh["order"],
            minutes=zh["minutes"],
            competencies=list(zh["competencies"]),
            sources=[str(s) for s in zh["sources"]],
            texts=texts,
            origin={lang: (f["_path"], f["_body_line"]) for lang, f in (("zh", zh), ("en", en))},
        )
    except (KeyError, TypeError, AttributeError):
        return None  # already reported field by field
    return lesson if ok else None


def _term_ids(terms: Any) -> set[str] | None:
    if not isinstance(terms, list):
        return None
    return {str(t.get("id")) for t in terms if isinstance(t, dict)}


def _check_across_lessons(
    modules: list[ModuleDef], named: set[str], problems: list[Problem]
) -> None:
    seen: dict[str, str] = {}
    terms: dict[str, str] = {}
    lessons = [lesson for module in modules for lesson in module.lessons]
    for lesson in lessons:
        where = lesson.origin["zh"][0]
        if lesson.id in seen:
            problems.append(
                Problem(where, 2, f"lesson id “{lesson.id}” is also used in {seen[lesson.id]}")
            )
        seen[lesson.id] = lesson.module
        for term in lesson.texts["zh"].key_terms:
            if term.id in terms:
                problems.append(
                    Problem(
                        where,
                        1,
                        f"key term id “{term.id}” is also used by lesson “{terms[term.id]}”",
                    )
                )
            terms[term.id] = lesson.id
    for lesson in lessons:
        for lang, text in lesson.texts.items():
            path, first_line = lesson.origin[lang]
            for number, line in enumerate(text.body.splitlines()):
                for target in lesson_links(line):
                    if target not in named:
                        problems.append(
                            Problem(path, first_line + number, f"link to unknown lesson “{target}”")
                        )
