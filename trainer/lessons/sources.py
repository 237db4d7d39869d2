"""Readable names for the source references in lesson front matter (e.g. "000 L316-615").

A trainee sees the document's title and the chapter a reference falls in, which is what a reader
can find in the book; the line and slide numbers of the seed files stay in the front matter for
authors and reviewers. "ext: <citation>" names a published source beyond the seeds (a study, a
law, an official hotline) and is shown as written.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

SEED_TITLES = {
    "000": ("《客户关系管理(修订本)》", "Customer Relationship Management (revised edition)"),
    "001": ("《客户关系管理》课程教学大纲汇编", "CRM course syllabi and teaching plans"),
    "002": ("《客户服务管理》课件", "Customer Service Management (slides)"),
    "003": (
        "《客户服务导论与呼叫中心实务(第4版)》",
        "Introduction to Customer Service and Call-Centre Practice (4th edition)",
    ),
}

# (first line or slide, zh, en): the part of each seed that starts there, from the digests'
# maps in shared/seeds/digests. A reference belongs to the last part starting at or before it.
CHAPTERS: dict[str, list[tuple[int, str, str]]] = {
    "000": [
        (1, "目录", "table of contents"),
        (260, "项目一 认识客户关系管理工作", "Project 1, Understanding CRM work"),
        (316, "项目一 模块一 客户关系管理概述", "Project 1, Module 1: CRM overview"),
        (
            617,
            "项目一 模块二 客户关系管理人员必备的能力与素质",
            "Project 1, Module 2: abilities and qualities of CRM staff",
        ),
        (734, "项目一 解决方案（岗位设计、目标与职责）", "Project 1, solutions: jobs and duties"),
        (1201, "项目一 习题与实践训练", "Project 1, exercises and practice"),
    ],
    "001": [
        (1, "专接本课程教学大纲", "syllabus for upgrading students"),
        (35, "职业学校教学大纲", "vocational-school syllabus"),
        (61, "物流管理本科教学大纲", "logistics-management syllabus"),
        (91, "《客户关系的建立与维护》教学设计", "teaching design: building relationships"),
        (117, "教学课件：客户关系营销", "teaching slides: relationship marketing"),
        (160, "教学教案", "lesson plans"),
        (198, "市场营销专业教学大纲", "marketing syllabus"),
        (212, "旅游专业教学大纲", "tourism syllabus"),
        (228, "名词解释", "glossary"),
        (258, "结课论文：屈臣氏的客户关系管理", "term paper: CRM at Watsons"),
    ],
    "002": [
        (1, "第1章 客户服务概述", "Chapter 1, customer service basics"),
        (27, "第2章 客户服务理念", "Chapter 2, customer-service philosophy"),
        (53, "第3章 客户服务技巧", "Chapter 3, customer-service skills"),
        (77, "第4章 客户服务质量管理", "Chapter 4, service-quality management"),
        (93, "第5章 大客户服务管理", "Chapter 5, key-account service management"),
        (124, "第6章 客户服务关系管理", "Chapter 6, customer-service relationship management"),
    ],
    "003": [
        (1, "前言", "preface"),
        (60, "第1章 客户管理概论", "Chapter 1, introduction to customer management"),
        (352, "第2章 客户定位与客户识别", "Chapter 2, customer positioning and identification"),
        (694, "第3章 客户管理的目标", "Chapter 3, goals of customer management"),
        (1190, "第4章 客户价值营销", "Chapter 4, customer-value marketing"),
    ],
}
REFERENCE = re.compile(r"^(\d{3}) ([LS])(\d+)(?:-[LS]?(\d+))?$")


def chapter(seed: str, start: int, lang: str) -> str | None:
    parts = [part for part in CHAPTERS.get(seed, []) if part[0] <= start]
    if not parts:
        return None
    _first, zh, en = parts[-1]
    return en if lang == "en" else zh


def describe(source: str, lang: str) -> str:
    """What a trainee reads for one source: the document and its chapter, never line numbers."""
    if source == "practice":
        return _("Written from professional practice")
    if source.startswith("ext: "):
        return source[len("ext: ") :]
    match = REFERENCE.match(source)
    if not match or match.group(1) not in SEED_TITLES:
        return source
    seed, _kind, start, _end = match.groups()
    title = SEED_TITLES[seed][1 if lang == "en" else 0]
    part = chapter(seed, int(start), lang)
    if part is None:
        return title
    return _("%(title)s, %(chapter)s", title=title, chapter=part)


def describe_all(sources: list[str], lang: str) -> list[str]:
    """The sources of a lesson as a trainee reads them, each document and chapter once."""
    seen: dict[str, None] = {}
    for source in sources:
        seen.setdefault(describe(source, lang), None)
    return list(seen)
