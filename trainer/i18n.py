"""Choosing the page language and time zone, and showing times in the reader's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale

from .extensions import babel

LANGUAGES = ("zh", "en")


def select_locale() -> str:
    """`?lang=` (remembered in the session), then Accept-Language, else Chinese.

    A person's saved language is put into the session when they sign in, so this never has to
    load the user: loading the user can itself need a translated message (Flask-Login's flash),
    which would ask for the locale again.
    """
    if not has_request_context():  # CLI and services: messages in the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return str(session["lang"])
    best = request.accept_languages.best_match(LANGUAGES)
    return best or str(current_app.config["BABEL_DEFAULT_LOCALE"])


def select_timezone() -> str:
    user = g.get("_login_user") if has_request_context() else None  # only if already loaded
    if user is not None and user.is_authenticated:
        return str(user.timezone)
    return str(current_app.config["TRAINER_DEFAULT_TIMEZONE"])


def current_language() -> str:
    """'zh' or 'en': the key for bilingual content in the language of this page."""
    locale = get_locale()
    return locale.language if locale and locale.language in LANGUAGES else "zh"


def local_time(value: datetime | None, fmt: str = "medium") -> str:
    """A time in the reader's zone and language, to the minute: seconds mean nothing to a reader
    ("medium" is the date in words and the time as hours and minutes)."""
    if not value:
        return ""
    if fmt == "medium":
        return f"{format_date(value, 'medium')} {format_time(value, 'short')}"
    return format_datetime(value, fmt)


def local_date(value: datetime | None, fmt: str = "medium") -> str:
    """The day in the reader's zone (a certificate's validity), e.g. 2027年12月7日 / Dec 7, 2027."""
    return format_date(value, fmt) if value else ""


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals["current_language"] = current_language
