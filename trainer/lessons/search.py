"""Search over lessons and key terms, for Chinese and English, behind one function.

SQLite uses an FTS5 index and PostgreSQL its full-text search; both read the same
`search_documents.tokens`, where Chinese is already cut into words with jieba.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import and_, delete, select, text

from ..extensions import db
from ..text_search import query_terms, snippet
from .models import PG_VECTOR, Lesson, LessonText, LessonVersion, SearchDocument

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class SearchHit:
    lesson_id: str
    lesson_title: str
    kind: str  # "lesson" or "term"
    anchor: str
    title: str
    snippet: Markup


def rebuild_index() -> None:
    """Refill the documents from the current version of every live lesson."""
    from .services import index_documents

    db.session.execute(delete(SearchDocument))
    versions = db.session.scalars(
        select(LessonVersion)
        .join(
            Lesson,
            and_(Lesson.id == LessonVersion.lesson_id, Lesson.version == LessonVersion.number),
        )
        .where(Lesson.archived.is_(False))
    ).all()
    for version in versions:
        db.session.add_all(index_documents(version))
    db.session.flush()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))


def _fts5_query(terms: list[str], joiner: str) -> str:
    return f" {joiner} ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _matching_ids(terms: list[str], limit: int) -> list[int]:
    if db.engine.dialect.name == "sqlite":
        for joiner in ("AND", "OR"):  # all words first; any word if nothing has all
            ids = list(
                db.session.scalars(
                    # A word in the title counts ten times one in the body.
                    text(
                        "SELECT rowid FROM search_fts WHERE search_fts MATCH :q "
                        "ORDER BY bm25(search_fts, 10.0, 1.0) LIMIT :n"
                    ),
                    {"q": _fts5_query(terms, joiner), "n": limit},
                )
            )
            if ids:
                return ids
        return []
    for joiner in (" & ", " | "):
        query = joiner.join("'" + t.replace("'", "''").replace("\\", "") + "'" for t in terms)
        en, zh = PG_VECTOR.format(cfg="english"), PG_VECTOR.format(cfg="simple")
        ids = list(
            db.session.scalars(
                text(
                    f"SELECT id FROM search_documents WHERE "
                    f"(lang = 'en' AND {en} @@ to_tsquery('english', :q)) OR "
                    f"(lang = 'zh' AND {zh} @@ to_tsquery('simple', :q)) "
                    f"ORDER BY CASE WHEN lang = 'en' THEN ts_rank({en}, to_tsquery('english', :q)) "
                    f"ELSE ts_rank({zh}, to_tsquery('simple', :q)) END DESC, id LIMIT :n"
                ),
                {"q": query, "n": limit},
            )
        )
        if ids:
            return ids
    return []


@dataclass(frozen=True)
class SearchResults:
    """The first `limit` hits and how many there are in all, so a page can say "first 30 of 52"."""

    hits: list[SearchHit]
    total: int


# Enough for every lesson and key term of a large course; a bound so one query stays cheap.
MAX_MATCHES = 2000


def search(query: str, lang: str, limit: int = 30) -> list[SearchHit]:
    """Ranked hits for a query in either language, shown in `lang` (see search_results)."""
    return search_results(query, lang, limit).hits


def search_results(query: str, lang: str, limit: int = 30) -> SearchResults:
    """Ranked hits for a query in either language, each shown in `lang`.

    A lesson or key term that matched only in the other language is shown through its text in
    the page's language (title and extract), so a Chinese page never lists an English result.
    """
    terms = query_terms(query[:MAX_QUERY_LENGTH])
    if not terms:
        return SearchResults([], 0)
    ids = _matching_ids(terms, MAX_MATCHES)
    if not ids:
        return SearchResults([], 0)
    matched = {
        d.id: d
        for d in db.session.scalars(select(SearchDocument).where(SearchDocument.id.in_(ids)))
    }
    order: list[tuple[str, str, str]] = []
    for doc_id in ids:  # the same lesson or term matched in both languages: one result
        doc = matched[doc_id]
        key = (doc.lesson_id, doc.kind, doc.anchor)
        if key not in order:
            order.append(key)
    total = len(order)
    shown = order[:limit]
    lesson_ids = {key[0] for key in shown}
    in_lang = {
        (d.lesson_id, d.kind, d.anchor): d
        for d in db.session.scalars(
            select(SearchDocument).where(
                SearchDocument.lesson_id.in_(lesson_ids), SearchDocument.lang == lang
            )
        )
    }
    fallback = {(d.lesson_id, d.kind, d.anchor): d for d in matched.values()}
    titles = dict(
        db.session.execute(
            select(Lesson.id, LessonText.title)
            .join(
                LessonVersion,
                and_(LessonVersion.lesson_id == Lesson.id, LessonVersion.number == Lesson.version),
            )
            .join(
                LessonText, and_(LessonText.version_id == LessonVersion.id, LessonText.lang == lang)
            )
            .where(Lesson.id.in_(lesson_ids))
        ).all()
    )
    hits = []
    for key in shown:
        doc = in_lang.get(key) or fallback[key]
        hits.append(
            SearchHit(
                doc.lesson_id,
                titles.get(doc.lesson_id, doc.title),
                doc.kind,
                doc.anchor,
                doc.title,
                snippet(doc.content, terms),
            )
        )
    # Whole lessons first, then key terms; each group keeps its rank order.
    return SearchResults(sorted(hits, key=lambda hit: hit.kind != "lesson"), total)
