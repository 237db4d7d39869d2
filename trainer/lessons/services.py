"""Rules for the curriculum: loading versions, progress, the course and lesson pages, glossary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import and_, func, select

from ..certification import services as certification
from ..competency.models import Competency, SourceKind
from ..competency.recommend import Suggestion
from ..competency.services import record_evidence, sync_framework
from ..database import utcnow
from ..extensions import db
from ..markup import plain_text, render_markdown
from ..text_search import tokens_for_index
from ..xapi import services as xapi
from . import search
from .loader import CourseDef, LessonDef
from .models import (
    Course,
    Lesson,
    LessonCompetency,
    LessonProgress,
    LessonText,
    LessonVersion,
    Module,
    SearchDocument,
)

# Reading is not mastery: completing a lesson is light evidence for what it teaches.
LESSON_EVIDENCE_SCORE = 1.0


class LessonNotFound(LookupError):
    pass


# --- loading ------------------------------------------------------------------------------


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    competencies_added: int = 0
    competencies_changed: int = 0


def load_course(
    course: CourseDef, progress: Callable[[LessonDef], None] | None = None
) -> LoadReport:
    """Idempotent upsert of a checked course, in one transaction; learner data is never touched."""
    report = LoadReport()
    report.competencies_added, report.competencies_changed = sync_framework(course.framework)
    db.session.flush()
    _upsert_course_and_modules(course)
    lessons = {row.id: row for row in db.session.scalars(select(Lesson))}
    hashes = dict(
        db.session.execute(
            select(LessonVersion.lesson_id, LessonVersion.content_hash).join(
                Lesson,
                and_(Lesson.id == LessonVersion.lesson_id, Lesson.version == LessonVersion.number),
            )
        ).all()
    )
    changed_ids: list[str] = []
    for lesson in course.lessons:
        row = lessons.get(lesson.id)
        digest = lesson.content_hash()
        if row is None:
            row = Lesson(id=lesson.id, module_id=lesson.module, position=lesson.order, version=0)
            db.session.add(row)
            report.added.append(lesson.id)
        elif hashes.get(lesson.id) == digest:
            if row.archived:
                report.restored.append(lesson.id)
            else:
                report.unchanged.append(lesson.id)
        else:
            report.updated.append(lesson.id)
        row.module_id, row.position, row.archived = lesson.module, lesson.order, False
        if hashes.get(lesson.id) != digest:
            row.version += 1
            _add_version(lesson, row.version, digest)
            changed_ids.append(lesson.id)
        if progress:
            progress(lesson)
    kept = {lesson.id for lesson in course.lessons}
    for lesson_id, row in lessons.items():
        if lesson_id not in kept and not row.archived:
            row.archived = True
            report.archived.append(lesson_id)
    db.session.flush()
    if changed_ids or report.archived or report.restored:
        search.rebuild_index()
    db.session.commit()
    return report


def _upsert_course_and_modules(course: CourseDef) -> None:
    row = db.session.get(Course, course.id) or Course(id=course.id)
    row.title_zh, row.title_en = course.title["zh"], course.title["en"]
    row.description_zh, row.description_en = course.description["zh"], course.description["en"]
    db.session.add(row)
    existing = {m.id: m for m in db.session.scalars(select(Module))}
    for module in course.modules:
        m = existing.get(module.id) or Module(id=module.id)
        m.course_id, m.position, m.archived = course.id, module.order, False
        m.title_zh, m.title_en = module.title["zh"], module.title["en"]
        m.description_zh, m.description_en = module.description["zh"], module.description["en"]
        m.hours_theory, m.hours_practice = module.hours_theory, module.hours_practice
        db.session.add(m)
    listed = {m.id for m in course.modules}
    for module_id, m in existing.items():
        if module_id not in listed:
            m.archived = True


def _add_version(lesson: LessonDef, number: int, digest: str) -> LessonVersion:
    version = LessonVersion(
        lesson_id=lesson.id,
        number=number,
        content_hash=digest,
        minutes=lesson.minutes,
        sources=lesson.sources,
        competencies=lesson.competencies,
        texts=[
            LessonText(
                lang=lang,
                title=text.title,
                objectives=text.objectives,
                key_terms=[
                    {"id": t.id, "term": t.term, "definition": t.definition} for t in text.key_terms
                ],
                summary=text.summary,
                body_md=text.body,
                body_html=render_markdown(text.body),
            )
            for lang, text in lesson.texts.items()
        ],
    )
    db.session.add(version)
    db.session.flush()
    for competency_id in lesson.competencies:
        db.session.add(LessonCompetency(version_id=version.id, competency_id=competency_id))
    return version


def index_documents(version: LessonVersion) -> Iterable[SearchDocument]:
    for text in version.texts:
        body = plain_text(text.body_md)
        yield SearchDocument(
            lesson_id=version.lesson_id,
            lang=text.lang,
            kind="lesson",
            anchor="",
            title=text.title,
            content=body,
            title_tokens=tokens_for_index(text.title),
            tokens=tokens_for_index(f"{text.summary} {body}"),
        )
        for term in text.key_terms:
            yield SearchDocument(
                lesson_id=version.lesson_id,
                lang=text.lang,
                kind="term",
                anchor=term["id"],
                title=term["term"],
                content=term["definition"],
                title_tokens=tokens_for_index(term["term"]),
                tokens=tokens_for_index(term["definition"]),
            )


# --- pages --------------------------------------------------------------------------------


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class LessonSummary:
    id: str
    title: str
    minutes: int
    status: Status


@dataclass(frozen=True)
class ModuleOverview:
    id: str
    title: str
    description: str
    hours_theory: int
    hours_practice: int
    lessons: list[LessonSummary]

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.status is Status.DONE)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    @property
    def status(self) -> Status:
        if self.lessons and self.done == len(self.lessons):
            return Status.DONE
        if any(lesson.status is not Status.NOT_STARTED for lesson in self.lessons):
            return Status.IN_PROGRESS
        return Status.NOT_STARTED

    @property
    def percent(self) -> int:
        return round(100 * self.done / len(self.lessons)) if self.lessons else 0


@dataclass(frozen=True)
class CourseOverview:
    title: str
    description: str
    modules: list[ModuleOverview]

    @property
    def lesson_count(self) -> int:
        return sum(len(m.lessons) for m in self.modules)

    @property
    def done(self) -> int:
        return sum(m.done for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.lesson_count) if self.lesson_count else 0

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)

    @property
    def hours(self) -> int:
        return round(self.minutes / 60)

    def next_lesson(self) -> LessonSummary | None:
        """The first lesson not yet completed in course order (module, then lesson), whether
        started or not: the course's order, not the lesson viewed last."""
        return next(
            (
                lesson
                for m in self.modules
                for lesson in m.lessons
                if lesson.status is not Status.DONE
            ),
            None,
        )


def course_overview(user_id: int, lang: str) -> CourseOverview | None:
    """Every live module and lesson with this learner's status: three queries in all."""
    course = db.session.scalars(select(Course).limit(1)).first()
    if course is None:
        return None
    modules = db.session.scalars(
        select(Module).where(Module.archived.is_(False)).order_by(Module.position)
    ).all()
    rows = db.session.execute(
        select(
            Lesson.id,
            Lesson.module_id,
            LessonText.title,
            LessonVersion.minutes,
            LessonProgress.completed_at,
            LessonProgress.started_at,
        )
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .join(LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang))
        .outerjoin(
            LessonProgress,
            and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id),
        )
        .where(Lesson.archived.is_(False))
        .order_by(Lesson.position)
    ).all()
    by_module: dict[str, list[LessonSummary]] = {}
    for lesson_id, module_id, title, minutes, completed, started in rows:
        status = Status.DONE if completed else Status.IN_PROGRESS if started else Status.NOT_STARTED
        by_module.setdefault(module_id, []).append(LessonSummary(lesson_id, title, minutes, status))
    return CourseOverview(
        title=course.title_en if lang == "en" else course.title_zh,
        description=course.description_en if lang == "en" else course.description_zh,
        modules=[
            ModuleOverview(
                m.id,
                m.title(lang),
                m.description(lang),
                m.hours_theory,
                m.hours_practice,
                by_module.get(m.id, []),
            )
            for m in modules
        ],
    )


@dataclass(frozen=True)
class Neighbour:
    id: str
    title: str


@dataclass(frozen=True)
class LessonPage:
    id: str
    version: int
    module_title: str
    text: LessonText
    minutes: int
    sources: list[str]
    competencies: list[Competency]
    previous: Neighbour | None
    next: Neighbour | None
    completed: bool
    position: int
    module_size: int


def lesson_page(lesson_id: str, user_id: int, lang: str) -> LessonPage:
    """Everything the lesson page shows, in a fixed number of queries whatever the course size."""
    row = db.session.execute(
        select(Lesson, LessonVersion, LessonText, Module)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .join(LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang))
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.id == lesson_id, Lesson.archived.is_(False))
    ).first()
    if row is None:
        raise LessonNotFound(lesson_id)
    lesson, version, text, module = row
    competencies = db.session.scalars(
        select(Competency)
        .join(LessonCompetency, LessonCompetency.competency_id == Competency.id)
        .where(LessonCompetency.version_id == version.id)
        .order_by(Competency.position)
    ).all()
    # Neighbours in course order: the live lessons' ids and titles, one narrow query.
    order = db.session.execute(
        select(Lesson.id, Lesson.module_id, LessonText.title)
        .join(Module, Module.id == Lesson.module_id)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .join(LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang))
        .where(Lesson.archived.is_(False), Module.archived.is_(False))
        .order_by(Module.position, Lesson.position)
    ).all()
    index = next(i for i, r in enumerate(order) if r[0] == lesson_id)
    previous = Neighbour(order[index - 1][0], order[index - 1][2]) if index > 0 else None
    following = (
        Neighbour(order[index + 1][0], order[index + 1][2]) if index + 1 < len(order) else None
    )
    in_module = [r[0] for r in order if r[1] == lesson.module_id]
    progress = _start(user_id, lesson.id, version.id)
    return LessonPage(
        id=lesson.id,
        version=version.number,
        module_title=module.title(lang),
        text=text,
        minutes=version.minutes,
        sources=version.sources,
        competencies=list(competencies),
        previous=previous,
        next=following,
        completed=progress.completed_at is not None,
        position=in_module.index(lesson.id) + 1,
        module_size=len(in_module),
    )


def _start(user_id: int, lesson_id: str, version_id: int) -> LessonProgress:
    """Opening a lesson marks it in progress (once); completed lessons stay completed."""
    progress = db.session.get(LessonProgress, (user_id, lesson_id))
    if progress is None:
        progress = LessonProgress(user_id=user_id, lesson_id=lesson_id, version_id=version_id)
        db.session.add(progress)
        db.session.commit()
    return progress


def complete_lesson(user_id: int, lesson_id: str) -> bool:
    """Mark a lesson complete; True the first time. Completing again changes nothing."""
    row = db.session.execute(
        select(Lesson, LessonVersion)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .where(Lesson.id == lesson_id, Lesson.archived.is_(False))
    ).first()
    if row is None:
        raise LessonNotFound(lesson_id)
    lesson, version = row
    progress = db.session.get(LessonProgress, (user_id, lesson_id), with_for_update=True)
    if progress is not None and progress.completed_at is not None:
        return False
    if progress is None:
        progress = LessonProgress(user_id=user_id, lesson_id=lesson_id, version_id=version.id)
        db.session.add(progress)
    progress.version_id = version.id
    progress.completed_at = utcnow()
    for competency_id in version.competencies:
        record_evidence(
            user_id,
            competency_id,
            LESSON_EVIDENCE_SCORE,
            SourceKind.LESSON,
            f"lesson:{lesson.id}@{version.number}",
        )
    titles = {t.lang: t.title for t in version.texts}
    xapi.record_lesson_completed(
        user_id,
        lesson.id,
        {"zh": titles.get("zh") or lesson.id, "en": titles.get("en") or lesson.id},
        progress.started_at or progress.completed_at,
        progress.completed_at,
    )
    db.session.commit()
    certification.refresh(user_id)
    return True


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    term: str
    definition: str
    other_term: str  # the same term in the other language
    lesson_id: str
    lesson_title: str


def glossary(lang: str) -> list[GlossaryEntry]:
    """Every key term of the live lessons, in both languages, sorted for the reader's language."""
    other = "en" if lang == "zh" else "zh"
    rows = db.session.execute(
        select(Lesson.id, LessonText.lang, LessonText.title, LessonText.key_terms)
        .join(
            LessonVersion,
            and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
        )
        .join(LessonText, LessonText.version_id == LessonVersion.id)
        .where(Lesson.archived.is_(False))
    ).all()
    titles: dict[str, str] = {}
    other_terms: dict[str, str] = {}
    mine: list[tuple[str, dict[str, str]]] = []
    for lesson_id, text_lang, title, terms in rows:
        if text_lang == lang:
            titles[lesson_id] = title
            mine.extend((lesson_id, t) for t in terms)
        elif text_lang == other:
            other_terms.update({t["id"]: t["term"] for t in terms})
    entries = [
        GlossaryEntry(
            t["id"],
            t["term"],
            t["definition"],
            other_terms.get(t["id"], ""),
            lesson_id,
            titles[lesson_id],
        )
        for lesson_id, t in mine
    ]
    return sorted(entries, key=lambda e: _sort_key(e.term, lang))


def _sort_key(term: str, lang: str) -> str:
    if lang == "en":
        return term.casefold()
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(term))


def count_lessons_by_language() -> dict[str, int]:
    rows = db.session.execute(
        select(LessonText.lang, func.count())
        .join(LessonVersion, LessonVersion.id == LessonText.version_id)
        .join(
            Lesson,
            and_(Lesson.id == LessonVersion.lesson_id, Lesson.version == LessonVersion.number),
        )
        .where(Lesson.archived.is_(False))
        .group_by(LessonText.lang)
    ).all()
    counts = {"zh": 0, "en": 0}
    counts.update(dict(rows))
    return counts


def suggest_lessons(user_id: int, competency_ids: list[str], lang: str) -> list[Suggestion]:
    """Live lessons that teach these competencies and that this trainee has not completed."""
    rows = db.session.execute(
        select(LessonCompetency.competency_id, Lesson.id, LessonText.title)
        .join(LessonVersion, LessonVersion.id == LessonCompetency.version_id)
        .join(
            Lesson,
            and_(Lesson.id == LessonVersion.lesson_id, Lesson.version == LessonVersion.number),
        )
        .join(LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang))
        .outerjoin(
            LessonProgress,
            and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id),
        )
        .where(
            LessonCompetency.competency_id.in_(competency_ids),
            Lesson.archived.is_(False),
            LessonProgress.completed_at.is_(None),
        )
        .order_by(Lesson.position)
    ).all()
    return [
        Suggestion("lesson", c, title, "lessons.lesson", {"lesson_id": lid})
        for c, lid, title in rows
    ]
