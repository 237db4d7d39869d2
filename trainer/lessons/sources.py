"""Readable names for the source references in lesson front matter (e.g. "000 L316-615")."""

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
REFERENCE = re.compile(r"^(\d{3}) ([LS])(\d+)(?:-[LS]?(\d+))?$")


def describe(source: str, lang: str) -> str:
    if source == "practice":
        return _("Written from professional practice")
    match = REFERENCE.match(source)
    if not match or match.group(1) not in SEED_TITLES:
        return source
    seed, kind, start, end = match.groups()
    title = SEED_TITLES[seed][1 if lang == "en" else 0]
    span = start if not end or end == start else f"{start}–{end}"
    if kind == "S":
        return _("%(title)s, slide %(span)s", title=title, span=span)
    return _("%(title)s, lines %(span)s", title=title, span=span)
