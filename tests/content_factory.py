"""A small, valid content tree for tests that need to break or change one thing at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

REAL_CONTENT = Path(__file__).resolve().parent.parent / "content"

BODY_ZH = (
    "## 先听后说\n\n"
    + "\n\n".join(
        f"第{i}段：接到来电时，先让客户把话说完，再用一句话复述要点，确认理解无误后再给出方案。"
        "记录关键信息，说明下一步和时间，结束前再确认一次客户是否还有其他问题。"
        for i in range(1, 14)
    )
    + "\n\n更多方法见[倾听](lesson:lesson-two)。\n"
)
BODY_EN = (
    "## Listen first\n\n"
    + "\n\n".join(
        f"Paragraph {i}: when a call comes in, let the customer finish, restate the main point in "
        "one sentence and check it before offering a solution. Record the key facts, say what "
        "happens next and when, and before closing ask whether there is anything else."
        for i in range(1, 14)
    )
    + "\n\nMore in [listening](lesson:lesson-two).\n"
)


def lesson_file(
    lesson_id: str,
    lang: str,
    order: int,
    title: str,
    term: str,
    competencies: str = "[active-listening]",
    body: str | None = None,
) -> str:
    other = "lesson-one" if lesson_id == "lesson-two" else "lesson-two"
    text = body if body is not None else (BODY_ZH if lang == "zh" else BODY_EN)
    return (
        "---\n"
        f"id: {lesson_id}\n"
        f"lang: {lang}\n"
        "module: m1-basics\n"
        f"order: {order}\n"
        "minutes: 20\n"
        f"title: {title}\n"
        f"competencies: {competencies}\n"
        'sources: ["000 L316-615", practice]\n'
        "objectives:\n"
        f"  - {title}-1\n"
        "key_terms:\n"
        f"  - id: {lesson_id}-term\n"
        f"    term: {term}\n"
        f"    definition: {term}.\n"
        f"summary: {title}.\n"
        "---\n\n" + text.replace(f"lesson:{lesson_id})", f"lesson:{other})")
    )


def make_tree(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REAL_CONTENT / "competencies.yml", root / "competencies.yml")
    (root / "course.yml").write_text(
        "id: test-course\n"
        "title: {zh: 测试课程, en: Test course}\n"
        "description: {zh: 用于测试的课程。, en: A course for tests.}\n"
        "modules: [m1-basics]\n",
        encoding="utf-8",
    )
    module = root / "modules" / "m1-basics"
    module.mkdir(parents=True, exist_ok=True)
    (module / "module.yml").write_text(
        "id: m1-basics\n"
        "title: {zh: 基础, en: Basics}\n"
        "description: {zh: 基础模块。, en: The basics.}\n"
        "hours: {theory: 1, practice: 1}\n",
        encoding="utf-8",
    )
    for order, lesson_id, zh, en, zh_term, en_term in [
        (1, "lesson-one", "第一课", "Lesson one", "倾听", "Listening"),
        (2, "lesson-two", "第二课", "Lesson two", "复述", "Paraphrasing"),
    ]:
        (module / f"0{order}-{lesson_id}.zh.md").write_text(
            lesson_file(lesson_id, "zh", order, zh, zh_term), encoding="utf-8"
        )
        (module / f"0{order}-{lesson_id}.en.md").write_text(
            lesson_file(lesson_id, "en", order, en, en_term), encoding="utf-8"
        )
    return root
