"""Loading versions, progress and evidence, the course overview, glossary and search."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import make_user
from tests.content_factory import make_tree
from trainer.competency.models import Evidence, SourceKind
from trainer.extensions import db
from trainer.lessons import services
from trainer.lessons.loader import read_course
from trainer.lessons.models import Lesson, LessonProgress, LessonVersion
from trainer.lessons.search import search


def load(root: Path) -> services.LoadReport:
    return services.load_course(read_course(root))


def test_loading_twice_changes_nothing(app: Flask, tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    first = load(root)
    assert sorted(first.added) == ["lesson-one", "lesson-two"]
    second = load(root)
    assert second.added == [] and second.updated == []
    assert sorted(second.unchanged) == ["lesson-one", "lesson-two"]
    assert db.session.scalar(select(func.count()).select_from(LessonVersion)) == 2


def test_a_changed_lesson_becomes_a_new_version_and_progress_keeps_the_old(
    app: Flask, tmp_path: Path
) -> None:
    root = make_tree(tmp_path)
    load(root)
    user = make_user()
    services.complete_lesson(user.id, "lesson-one")
    old_version_id = db.session.get(LessonProgress, (user.id, "lesson-one")).version_id
    path = root / "modules/m1-basics/01-lesson-one.en.md"
    path.write_text(path.read_text().replace("title: Lesson one", "title: Lesson one, revised"))
    report = load(root)
    assert report.updated == ["lesson-one"]
    lesson = db.session.get(Lesson, "lesson-one")
    assert lesson.version == 2
    progress = db.session.get(LessonProgress, (user.id, "lesson-one"))
    assert progress.version_id == old_version_id and progress.completed_at is not None
    page = services.lesson_page("lesson-one", user.id, "en")
    assert page.text.title == "Lesson one, revised" and page.version == 2


def test_a_removed_lesson_is_archived_not_deleted(app: Flask, tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    load(root)
    user = make_user()
    services.complete_lesson(user.id, "lesson-two")
    for lang in ("zh", "en"):
        (root / f"modules/m1-basics/02-lesson-two.{lang}.md").unlink()
    for lang in ("zh", "en"):  # lesson one linked to it; point the link elsewhere
        path = root / f"modules/m1-basics/01-lesson-one.{lang}.md"
        path.write_text(path.read_text().replace("lesson:lesson-two", "lesson:lesson-one"))
    report = load(root)
    assert report.archived == ["lesson-two"]
    overview = services.course_overview(user.id, "zh")
    assert overview is not None
    assert [lesson.id for m in overview.modules for lesson in m.lessons] == ["lesson-one"]
    with pytest.raises(services.LessonNotFound):
        services.lesson_page("lesson-two", user.id, "zh")
    assert db.session.get(LessonProgress, (user.id, "lesson-two")) is not None
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1


def test_completing_twice_is_harmless_and_records_light_evidence(
    app: Flask, tmp_path: Path
) -> None:
    load(make_tree(tmp_path))
    user = make_user()
    assert services.complete_lesson(user.id, "lesson-one") is True
    assert services.complete_lesson(user.id, "lesson-one") is False
    evidence = db.session.scalars(select(Evidence)).all()
    assert [(e.competency_id, e.source_kind, e.source_ref) for e in evidence] == [
        ("active-listening", SourceKind.LESSON, "lesson:lesson-one@1")
    ]
    assert evidence[0].weight < 1.0  # reading is not mastery


def test_course_overview_reports_progress_per_module(app: Flask, tmp_path: Path) -> None:
    load(make_tree(tmp_path))
    user = make_user()
    overview = services.course_overview(user.id, "en")
    assert overview is not None
    module = overview.modules[0]
    assert module.status is services.Status.NOT_STARTED and overview.percent == 0
    services.lesson_page("lesson-one", user.id, "en")  # opening it starts it
    module = services.course_overview(user.id, "en").modules[0]  # type: ignore[union-attr]
    assert module.status is services.Status.IN_PROGRESS
    assert module.lessons[0].status is services.Status.IN_PROGRESS
    services.complete_lesson(user.id, "lesson-one")
    services.complete_lesson(user.id, "lesson-two")
    overview = services.course_overview(user.id, "en")
    assert overview is not None and overview.percent == 100
    assert overview.modules[0].status is services.Status.DONE
    assert overview.next_lesson() is None


def test_lesson_page_has_neighbours_and_sanitised_html(app: Flask, tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    path = root / "modules/m1-basics/01-lesson-one.en.md"
    path.write_text(path.read_text() + "\n<script>alert(1)</script>\n[x](javascript:alert(1))\n")
    load(root)
    user = make_user()
    page = services.lesson_page("lesson-one", user.id, "en")
    assert page.previous is None and page.next is not None and page.next.id == "lesson-two"
    assert "<script" not in page.text.body_html
    assert "javascript:" not in page.text.body_html
    assert 'href="/lessons/lesson-two"' in page.text.body_html
    assert [c.id for c in page.competencies] == ["active-listening"]


def test_glossary_pairs_both_languages(app: Flask, tmp_path: Path) -> None:
    load(make_tree(tmp_path))
    entries = services.glossary("en")
    assert [(e.term, e.other_term, e.lesson_id) for e in entries] == [
        ("Listening", "倾听", "lesson-one"),
        ("Paraphrasing", "复述", "lesson-two"),
    ]
    # Chinese terms are sorted by pinyin: fù (复述) before qīng (倾听).
    assert [e.term for e in services.glossary("zh")] == ["复述", "倾听"]


@pytest.mark.usefixtures("real_course")
@pytest.mark.parametrize(("query", "lang"), [("投诉", "zh"), ("complaint", "en")])
def test_search_finds_the_complaint_lessons(app: Flask, query: str, lang: str) -> None:
    hits = search(query, lang)
    lessons = [h.lesson_id for h in hits if h.kind == "lesson"]
    assert {"complaint-handling-basics", "understanding-complaints"} <= set(lessons[:6])
    assert all(h.kind == "lesson" for h in hits[: len(lessons)])  # whole lessons come first
    assert "<mark>" in str(hits[0].snippet)


@pytest.mark.usefixtures("real_course")
def test_search_copes_with_chinese_phrases_and_nonsense(app: Flask) -> None:
    assert search("倾听的技巧", "zh")[0].lesson_id == "listening-skills"
    assert search("xyzzy", "en") == []
    assert search("   ", "en") == []
    # Query syntax characters are words to search for, never syntax.
    for query in ['"; DROP TABLE lessons; --', "complaint*", "a AND (b OR", "'\\"]:
        search(query, "en")
    assert db.session.scalar(select(func.count()).select_from(Lesson)) >= 38


@pytest.mark.usefixtures("real_course")
def test_search_counts_honestly_and_answers_in_the_pages_language(app: Flask) -> None:
    from trainer.lessons.search import search_results

    everything = search_results("投诉", "en", limit=1000)
    first = search_results("投诉", "en", limit=5)
    assert everything.total == len(everything.hits) > 5  # the cap is not the count
    assert first.total == everything.total and len(first.hits) == 5

    # A Chinese query on an English page lists English lessons and terms, not Chinese text.
    # (An English term may give the Chinese in brackets: "Composure under pressure (处变不惊)".)
    def chinese(text: str) -> bool:
        return bool(re.search(r"[\u4e00-\u9fff]", re.sub(r"\([^)]*\)", "", text)))

    assert not any(chinese(h.lesson_title) or chinese(h.title) for h in everything.hits)
    assert not any(chinese(str(h.snippet)) for h in everything.hits)
