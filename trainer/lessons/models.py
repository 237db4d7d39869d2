"""The curriculum as versioned data, and each learner's progress through it.

A lesson keeps every published version; `Lesson.version` names the current one. Learner rows
(`LessonProgress`) point at the version they read, so editing never rewrites history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Base, utcnow


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)


class Module(Base):
    __tablename__ = "modules"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    position: Mapped[int]
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    hours_theory: Mapped[int]
    hours_practice: Mapped[int]
    archived: Mapped[bool] = mapped_column(default=False)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh


class Lesson(Base):
    __tablename__ = "lessons"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    module_id: Mapped[str] = mapped_column(ForeignKey("modules.id"), index=True)
    position: Mapped[int]
    version: Mapped[int]  # the number of the current LessonVersion
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonVersion(Base):
    __tablename__ = "lesson_versions"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[str] = mapped_column(ForeignKey("lessons.id"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    minutes: Mapped[int]
    sources: Mapped[list[str]] = mapped_column(JSON)
    competencies: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who published it in the browser (None for versions loaded from content files).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    texts: Mapped[list[LessonText]] = relationship(
        cascade="all, delete-orphan", order_by="LessonText.lang"
    )


class LessonText(Base):
    """One language of one version. `body_html` is rendered and sanitised once, at load time."""

    __tablename__ = "lesson_texts"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("lesson_versions.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(5), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[list[str]] = mapped_column(JSON)
    key_terms: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)


class LessonCompetency(Base):
    """Which competencies a lesson version teaches (for 'what would move this competency')."""

    __tablename__ = "lesson_competencies"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("lesson_versions.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[str] = mapped_column(ForeignKey("competencies.id"), primary_key=True)


class LessonProgress(Base):
    """A learner opened (started_at) and perhaps completed a lesson, on a given version."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        ForeignKeyConstraint(["version_id"], ["lesson_versions.id"]),
        Index("ix_lesson_progress_lesson", "lesson_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[str] = mapped_column(ForeignKey("lessons.id"), primary_key=True)
    version_id: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class SearchDocument(Base):
    """What search looks through: each lesson text and each key term, per language.

    `tokens` is the text cut into words (jieba for Chinese), so both SQLite FTS5 and PostgreSQL
    full-text search can treat Chinese like a language with spaces.
    """

    __tablename__ = "search_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[str] = mapped_column(ForeignKey("lessons.id"), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(10))  # "lesson" or "term"
    anchor: Mapped[str] = mapped_column(String(80), default="")
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    title_tokens: Mapped[str] = mapped_column(Text)  # weighted above the rest when ranking
    tokens: Mapped[str] = mapped_column(Text)


# The full-text indexes live outside the ORM's metadata (SQLite's is a virtual table); they are
# created with the table, here for `create_all` and in the migration for `upgrade`.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title_tokens, tokens, "
    "content='search_documents', content_rowid='id', tokenize='porter unicode61')"
)
PG_VECTOR = (
    "(setweight(to_tsvector('{cfg}', title_tokens), 'A') || "
    "setweight(to_tsvector('{cfg}', tokens), 'D'))"
)
PG_FTS_INDEXES = (
    "CREATE INDEX IF NOT EXISTS fts_search_documents_en ON search_documents "
    f"USING gin ({PG_VECTOR.format(cfg='english')}) WHERE lang = 'en'",
    "CREATE INDEX IF NOT EXISTS fts_search_documents_zh ON search_documents "
    f"USING gin ({PG_VECTOR.format(cfg='simple')}) WHERE lang = 'zh'",
)
event.listen(SearchDocument.__table__, "after_create", DDL(SQLITE_FTS).execute_if(dialect="sqlite"))
for _statement in PG_FTS_INDEXES:
    event.listen(
        SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
event.listen(
    SearchDocument.__table__,
    "before_drop",
    DDL("DROP TABLE IF EXISTS search_fts").execute_if(dialect="sqlite"),
)
