"""Authoring lessons in the browser: drafts, checking with the content checker, publishing a new
version, history with diffs, and restoring an old version.

Checking and publishing go through the same files and checker as `trainer load-content`: the
course is exported to a scratch folder, the edited lesson's two files replace the published
ones, and the whole tree is checked; publishing loads that tree, which adds one new version of
the edited lesson and leaves every other lesson and every learner's record untouched.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import and_, select

from ..auth.models import User
from ..auth.services import audit
from ..content import Problem
from ..content_export import export_content, lesson_files
from ..content_tree import check_tree, read_tree
from ..database import utcnow
from ..extensions import db
from ..lessons.models import Lesson, LessonText, LessonVersion
from ..lessons.services import load_course
from .models import Draft

LANGS = ("zh", "en")


class AuthoringError(Exception):
    def __init__(self, message: LazyString | str, problems: list[Problem] | None = None):
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


def get_lesson(lesson_id: str) -> tuple[Lesson, LessonVersion]:
    row = db.session.execute(
        select(Lesson, LessonVersion)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .where(Lesson.id == lesson_id, Lesson.archived.is_(False))
    ).first()
    if row is None:
        raise LookupError(lesson_id)
    return row[0], row[1]


@dataclass(frozen=True)
class Editing:
    lesson: Lesson
    files: dict[str, str]  # what the editor shows: the draft if there is one, else published
    draft: Draft | None
    published_by: User | None
    published_at: datetime


def editing(lesson_id: str) -> Editing:
    lesson, version = get_lesson(lesson_id)
    draft = db.session.scalar(select(Draft).where(Draft.kind == "lesson", Draft.key == lesson_id))
    files = dict(draft.files) if draft else lesson_files(lesson, version)
    author = db.session.get(User, version.author_id) if version.author_id else None
    return Editing(lesson, files, draft, author, version.created_at)


def _file_names(lesson: Lesson) -> dict[str, str]:
    return {
        lang: f"modules/{lesson.module_id}/{lesson.position:02d}-{lesson.id}.{lang}.md"
        for lang in LANGS
    }


def check(lesson_id: str, files: dict[str, str]) -> list[Problem]:
    """Every problem the content checker finds with these files in place of the published ones."""
    lesson, _version = get_lesson(lesson_id)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        export_content(root, lessons_only=True)
        names = _file_names(lesson)
        for lang in LANGS:
            (root / names[lang]).write_text(files.get(lang, ""), encoding="utf-8")
        problems = check_tree(root)
        # Report paths as the author knows them (content/modules/...), not the scratch folder.
        return [Problem(p.path.replace(scratch + "/", ""), p.line, p.message) for p in problems]


def _save_draft(
    kind: str, key: str, files: dict[str, str], base_version: int, revision: int | None, user: User
) -> Draft:
    """Keep work in progress; refuse to overwrite someone else's newer save.

    `revision` is the draft revision the editor started from (None when there was no draft).
    """
    draft = db.session.scalar(select(Draft).where(Draft.kind == kind, Draft.key == key))
    if draft is not None and revision != draft.revision:
        raise AuthoringError(
            _l(
                "This draft was changed by %(who)s at %(when)s. Reload the page to see their "
                "changes before saving yours.",
                who=draft.author.display_name if draft.author else "?",
                when=draft.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
            )
        )
    if draft is None:
        draft = Draft(kind=kind, key=key, files={}, base_version=base_version, revision=0)
        db.session.add(draft)
    draft.files = files
    draft.author_id, draft.updated_at = user.id, utcnow()
    draft.revision += 1
    db.session.commit()
    return draft


def save_draft(lesson_id: str, files: dict[str, str], revision: int | None, user: User) -> Draft:
    _lesson, version = get_lesson(lesson_id)
    return _save_draft(
        "lesson",
        lesson_id,
        {lang: files.get(lang, "") for lang in LANGS},
        version.number,
        revision,
        user,
    )


def publish(lesson_id: str, files: dict[str, str], base_version: int, user: User) -> int:
    """Publish the files as the lesson's next version; returns its number."""
    lesson, version = get_lesson(lesson_id)
    if version.number != base_version:
        author = db.session.get(User, version.author_id) if version.author_id else None
        raise AuthoringError(
            _l(
                "Version %(n)d was published by %(who)s at %(when)s while you were editing. "
                "Reload the page and apply your changes to it.",
                n=version.number,
                who=author.display_name if author else "?",
                when=version.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            )
        )
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        export_content(root, lessons_only=True)
        names = _file_names(lesson)
        for lang in LANGS:
            (root / names[lang]).write_text(files.get(lang, ""), encoding="utf-8")
        problems = check_tree(root)
        if problems:
            raise AuthoringError(
                _l("The lesson was not published: fix the problems below."),
                [Problem(p.path.replace(scratch + "/", ""), p.line, p.message) for p in problems],
            )
        report = load_course(read_tree(root).course)
    lesson, version = get_lesson(lesson_id)
    if lesson_id in report.updated:
        version.author_id = user.id
        audit(user, "lesson.publish", lesson_id, version=version.number)
    draft = db.session.scalar(select(Draft).where(Draft.kind == "lesson", Draft.key == lesson_id))
    if draft is not None:
        db.session.delete(draft)
    db.session.commit()
    return version.number


def discard_draft(lesson_id: str) -> None:
    draft = db.session.scalar(select(Draft).where(Draft.kind == "lesson", Draft.key == lesson_id))
    if draft is not None:
        db.session.delete(draft)
        db.session.commit()


@dataclass(frozen=True)
class VersionRow:
    number: int
    created_at: datetime
    author: str
    title: str


def history(lesson_id: str, lang: str) -> list[VersionRow]:
    rows = db.session.execute(
        select(LessonVersion, LessonText.title, User.display_name)
        .join(LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang))
        .outerjoin(User, User.id == LessonVersion.author_id)
        .where(LessonVersion.lesson_id == lesson_id)
        .order_by(LessonVersion.number.desc())
    ).all()
    return [VersionRow(v.number, v.created_at, name or "", title) for v, title, name in rows]


def _version_files(lesson_id: str, number: int) -> dict[str, str]:
    lesson = db.session.get(Lesson, lesson_id)
    version = db.session.scalar(
        select(LessonVersion).where(
            LessonVersion.lesson_id == lesson_id, LessonVersion.number == number
        )
    )
    if lesson is None or version is None:
        raise LookupError(number)
    return lesson_files(lesson, version)


def diff(lesson_id: str, a: int, b: int, lang: str) -> Markup:
    """A side-by-side diff of one language of two versions (difflib escapes the text)."""
    left = _version_files(lesson_id, a)[lang].splitlines()
    right = _version_files(lesson_id, b)[lang].splitlines()
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        left, right, f"v{a}", f"v{b}", context=True, numlines=2
    )
    return Markup(table)


def restore(lesson_id: str, number: int, user: User) -> int:
    """Publish an old version's text as the newest version (history is never rewritten)."""
    _lesson, current = get_lesson(lesson_id)
    return publish(lesson_id, _version_files(lesson_id, number), current.number, user)


# --- scenarios ------------------------------------------------------------------------------


def _scenario_checker() -> tuple[set[str], dict[str, Any]]:
    """The competency ids and phrase list the scenario checker needs."""
    from flask import current_app

    from ..competency.models import Competency
    from ..phrases import load_phrases

    competencies = set(db.session.scalars(select(Competency.id)))
    phrases = load_phrases(Path(current_app.config["TRAINER_CONTENT_DIR"]), [])
    return competencies, phrases


def scenario_text(key: str) -> tuple[str, int, Draft | None]:
    """(YAML to edit, published version id, draft) for a scenario."""
    import yaml

    from ..roleplay.models import Scenario

    row = db.session.scalar(
        select(Scenario).where(Scenario.key == key, Scenario.archived.is_(False))
    )
    if row is None:
        raise LookupError(key)
    draft = db.session.scalar(select(Draft).where(Draft.kind == "scenario", Draft.key == key))
    text = (
        draft.files["yaml"]
        if draft
        else yaml.safe_dump(row.data, allow_unicode=True, sort_keys=False, width=100)
    )
    return text, row.id, draft


def check_scenario_text(key: str, text: str) -> tuple[Any, list[Problem]]:
    """(the checked scenario or None, every problem) for YAML text, as the file checker does."""
    from ..content import parse_yaml
    from ..roleplay.loader import check_scenario

    problems: list[Problem] = []
    shown = f"content/roleplays/{key}.yml"
    doc = parse_yaml(text, shown, problems)
    if doc is None:
        return None, problems
    competencies, phrases = _scenario_checker()
    scenario = check_scenario(doc, key, competencies, phrases, problems)
    return scenario, sorted(set(problems))


def save_scenario_draft(key: str, text: str, revision: int | None, user: User) -> Draft:
    _text, version_id, _draft = scenario_text(key)
    return _save_draft("scenario", key, {"yaml": text}, version_id, revision, user)


def publish_scenario(key: str, text: str, base_version: int, user: User) -> None:
    """Publish the YAML as the scenario's new version; sessions keep the version they played."""
    from ..roleplay.loader import ScenarioDef
    from ..roleplay.models import Scenario
    from ..roleplay.services import load_scenarios

    _text, version_id, _draft = scenario_text(key)
    if version_id != base_version:
        raise AuthoringError(
            _l(
                "Someone published this scenario while you were editing. "
                "Reload the page and apply your changes to it."
            )
        )
    scenario, problems = check_scenario_text(key, text)
    if problems or scenario is None:
        raise AuthoringError(
            _l("The scenario was not published: fix the problems below."), problems
        )
    current = db.session.scalars(
        select(Scenario).where(Scenario.archived.is_(False)).order_by(Scenario.position)
    ).all()
    defs = [
        scenario if row.key == key else ScenarioDef(row.key, row.data, row.max_points)
        for row in current
    ]
    load_scenarios(defs)
    audit(user, "scenario.publish", key)
    draft = db.session.scalar(select(Draft).where(Draft.kind == "scenario", Draft.key == key))
    if draft is not None:
        db.session.delete(draft)
    db.session.commit()


TEMPLATE = Path(__file__).resolve().parent / "scenario_template.yml"


def scenario_template(key: str) -> str:
    """A small, valid scenario to start from (the checker accepts it as it is)."""
    return TEMPLATE.read_text(encoding="utf-8").replace("id: new-scenario", f"id: {key}", 1)


def create_scenario(key: str, text: str, user: User) -> None:
    """Publish a scenario that does not exist yet."""
    import re

    from ..roleplay.loader import ScenarioDef
    from ..roleplay.models import Scenario
    from ..roleplay.services import load_scenarios

    if not re.match(r"^[a-z0-9][a-z0-9-]{1,60}$", key):
        raise AuthoringError(_l("A scenario id is lower-case letters, digits and hyphens."))
    if db.session.scalar(select(Scenario.id).where(Scenario.key == key)):
        raise AuthoringError(_l("A scenario called “%(key)s” already exists.", key=key))
    scenario, problems = check_scenario_text(key, text)
    if problems or scenario is None:
        raise AuthoringError(
            _l("The scenario was not published: fix the problems below."), problems
        )
    current = db.session.scalars(
        select(Scenario).where(Scenario.archived.is_(False)).order_by(Scenario.position)
    ).all()
    load_scenarios([*(ScenarioDef(r.key, r.data, r.max_points) for r in current), scenario])
    audit(user, "scenario.create", key)
    db.session.commit()
