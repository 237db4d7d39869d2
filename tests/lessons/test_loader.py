"""The content checker: the shipped tree passes; each kind of mistake is reported at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content_factory import REAL_CONTENT, make_tree
from trainer.content import ContentError
from trainer.lessons.loader import check_course, read_course


def messages(root: Path) -> list[str]:
    return [f"{Path(p.path).relative_to(root)}:{p.line}: {p.message}" for p in check_course(root)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_content_has_no_problems() -> None:
    assert [str(p) for p in check_course(REAL_CONTENT)] == []
    course = read_course(REAL_CONTENT)
    assert len(course.modules) == 9
    assert len(course.lessons) >= 38
    assert len(course.framework.competencies) >= 10
    for lesson in course.lessons:
        assert set(lesson.texts) == {"zh", "en"}
        assert lesson.sources, lesson.id


def test_a_valid_tree_passes(tmp_path: Path) -> None:
    assert messages(make_tree(tmp_path)) == []


LESSON_ZH = "modules/m1-basics/01-lesson-one.zh.md"
LESSON_EN = "modules/m1-basics/01-lesson-one.en.md"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            LESSON_ZH,
            "minutes: 20\n",
            "minutes: 20\ndifficulty: 2\n",
            f"{LESSON_ZH}:7: unknown key “difficulty” in lesson front matter (allowed: id, lang, "
            "module, order, minutes, title, competencies, sources, objectives, key_terms, summary)",
        ),
        (
            LESSON_ZH,
            "summary: 第一课.\n",
            "",
            f"{LESSON_ZH}:2: missing key “summary” in lesson front matter",
        ),
        (
            LESSON_ZH,
            "competencies: [active-listening]",
            "competencies: [telepathy]",
            f"{LESSON_ZH}:8: unknown competency “telepathy”",
        ),
        (
            LESSON_ZH,
            "title: 第一课\n",
            "title: [第一课\n",
            f"{LESSON_ZH}:8: invalid YAML: expected ',' or ']', but got ':'",
        ),
        (
            LESSON_EN,
            "minutes: 20",
            "minutes: 25",
            f"{LESSON_EN}:6: minutes differs from the zh file (01-lesson-one.zh.md)",
        ),
        (
            LESSON_ZH,
            "(lesson:lesson-two)",
            "(lesson:lesson-nine)",
            f"{LESSON_ZH}:47: link to unknown lesson “lesson-nine”",
        ),
        (
            LESSON_ZH,
            "order: 1",
            "order: 2",
            f"{LESSON_ZH}:5: order 2 differs from the file number 01",
        ),
        (
            LESSON_ZH,
            'sources: ["000 L316-615", practice]',
            'sources: ["page 12"]',
            f"{LESSON_ZH}:9: source “page 12” is not “practice”, “ext: <citation>” or like "
            "“000 L316-615”, “003 L630” or “002 S45-50”",
        ),
        (
            LESSON_ZH,
            "## 先听后说",
            "# 先听后说",
            f"{LESSON_ZH}:19: headings start at ## (the page title is the lesson's h1)",
        ),
        (
            LESSON_ZH,
            "minutes: 20\n",
            "minutes: 20\nminutes: 30\n",
            f"{LESSON_ZH}:7: duplicate key “minutes”",
        ),
        (
            "course.yml",
            "modules: [m1-basics]",
            "modules: [m1-basics, m2-missing]",
            "course.yml:4: module “m2-missing” has no folder",
        ),
    ],
)
def test_each_mistake_is_reported_at_its_line(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    root = make_tree(tmp_path)
    edit(root / file, old, new)
    found = messages(root)
    assert any(message.startswith(expected) for message in found), found


def test_a_missing_language_is_reported(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (root / LESSON_EN).unlink()
    assert f"{LESSON_ZH}:1: the en version 01-lesson-one.en.md is missing" in messages(root)


def test_a_duplicate_lesson_id_is_reported(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    module = root / "modules" / "m2-more"
    module.mkdir()
    (module / "module.yml").write_text(
        (root / "modules/m1-basics/module.yml").read_text().replace("m1-basics", "m2-more")
    )
    for lang in ("zh", "en"):
        source = (root / f"modules/m1-basics/01-lesson-one.{lang}.md").read_text()
        (module / f"01-lesson-one.{lang}.md").write_text(
            source.replace("module: m1-basics", "module: m2-more").replace(
                "lesson-one-term", "other-term"
            )
        )
    edit(root / "course.yml", "modules: [m1-basics]", "modules: [m1-basics, m2-more]")
    found = messages(root)
    assert any("lesson id “lesson-one” is also used in m1-basics" in m for m in found), found


def test_every_problem_is_reported_at_once_and_nothing_loads(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    edit(root / LESSON_ZH, "competencies: [active-listening]", "competencies: [telepathy]")
    edit(root / "modules/m1-basics/02-lesson-two.en.md", "minutes: 20\n", "minutes: 20\nextra: 1\n")
    with pytest.raises(ContentError) as error:
        read_course(root)
    # The bad competency in both language files, and the unknown key; nothing cascades.
    assert len(error.value.problems) == 3, error.value.problems


def test_a_short_lesson_is_refused(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    text = (root / LESSON_ZH).read_text()
    (root / LESSON_ZH).write_text(text.split("---\n\n")[0] + "---\n\n## 太短\n\n只有几句话。\n")
    found = messages(root)
    assert any("a lesson needs at least 800" in m for m in found), found


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (root / LESSON_ZH).write_bytes((root / LESSON_ZH).read_text().encode("gb18030"))
    assert f"{LESSON_ZH}:1: the file is not UTF-8 text" in messages(root)
