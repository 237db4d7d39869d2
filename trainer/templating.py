"""What every template may use: navigation for the person's roles and small display helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .auth.models import Role
from .i18n import current_language


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any
    roles: frozenset[Role]


# Each domain adds its pages here as it lands; the home page is always first.
NAV_ITEMS: list[NavItem] = [
    NavItem("home.index", _l("Home"), frozenset(Role)),
    NavItem("lessons.course", _l("Lessons"), frozenset(Role)),
    NavItem("quizzes.index", _l("Quizzes"), frozenset(Role)),
    NavItem("roleplay.index", _l("Role-play"), frozenset(Role)),
    NavItem("competency.own_profile", _l("My profile"), frozenset({Role.TRAINEE})),
    NavItem("certification.mine", _l("Certificates"), frozenset({Role.TRAINEE})),
    NavItem("certification.hr", _l("Certification"), frozenset({Role.HR, Role.ADMIN})),
    NavItem("inbox.index", _l("Grading"), frozenset({Role.INSTRUCTOR, Role.ADMIN})),
    NavItem("assignments.index", _l("Assignments"), frozenset({Role.INSTRUCTOR, Role.ADMIN})),
    NavItem("authoring.lessons", _l("Authoring"), frozenset({Role.INSTRUCTOR, Role.ADMIN})),
    NavItem("competency.teams", _l("Team skills"), frozenset({Role.INSTRUCTOR, Role.HR})),
    NavItem("qa.queue", _l("Quality review"), frozenset({Role.QA, Role.INSTRUCTOR, Role.ADMIN})),
    NavItem("qa.mine", _l("My evaluations"), frozenset({Role.TRAINEE})),
    NavItem("lessons.search", _l("Search"), frozenset(Role)),
    NavItem("admin.users", _l("People"), frozenset({Role.ADMIN})),
]


def navigation() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for item in NAV_ITEMS:
        if current_user.has_role(*item.roles):
            items.append(
                {
                    "url": url_for(item.endpoint),
                    "label": item.label,
                    "active": request.endpoint == item.endpoint,
                }
            )
    return items


def colon() -> str:
    """The colon after a label: full-width in Chinese (「时间限制：20 分钟」), ": " in English."""
    return "：" if current_language() == "zh" else ": "


def bracketed(text: str) -> str:
    """A stage direction in the brackets of the page's language: 「（语气急促）」, "(flustered)"."""
    return f"（{text}）" if current_language() == "zh" else f"({text})"


def points(value: float | None) -> str:
    """A score as a person reads it: one decimal at most, none when whole (8.6667 → 8.7)."""
    if value is None:
        return ""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"


def lang_switch_url(lang: str) -> str:
    values: dict[str, Any] = {**request.args.to_dict(), **(request.view_args or {})}
    values["lang"] = lang
    return url_for(request.endpoint or "home.index", **values)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["points"] = points
    app.jinja_env.globals["bracketed"] = bracketed
    app.jinja_env.globals["colon"] = colon  # a global, so macros imported without context see it

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"navigation": navigation, "lang_switch_url": lang_switch_url}
