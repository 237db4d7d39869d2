"""Two languages: switching, remembering, defaults, and no untranslated text anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent / "trainer"
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))


def test_default_language_is_chinese(client: FlaskClient) -> None:
    page = client.get("/login").text
    assert '<html lang="zh-Hans">' in page and "登录" in page


def test_accept_language_picks_english(client: FlaskClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en">' in page and "Sign in" in page


def test_lang_parameter_switches_and_is_remembered(client: FlaskClient) -> None:
    assert "Sign in" in client.get("/login?lang=en").text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "zh-CN"}).text
    assert "登录" in client.get("/login?lang=zh").text
    assert "登录" in client.get("/login").text


def test_unknown_lang_value_is_ignored(client: FlaskClient) -> None:
    assert "登录" in client.get("/login?lang=fr").text


def test_error_pages_in_both_languages(client: FlaskClient) -> None:
    assert "页面不存在" in client.get("/nowhere?lang=zh").text
    response = client.get("/nowhere?lang=en")
    assert response.status_code == 404 and "Page not found" in response.text


# Text between tags, and the human-readable attributes, must come from a gettext call.
_TAG = re.compile(r"<[^>]+>")
_JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
_ATTR = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"{]*)"')
ALLOWED = {"中文", "English", "训", "—", "·", "|", "/", "×", "%", "→", "←", "✓", "✗", ":"}


def _untranslated(source: str) -> list[str]:
    found = [m for m in _ATTR.findall(source) if m.strip()]
    text = _JINJA.sub(" ", source)
    text = re.sub(r"<(script|style|pre)\b.*?</\1>", " ", text, flags=re.S)
    for chunk in _TAG.split(text):
        chunk = chunk.strip()
        if chunk and chunk not in ALLOWED and re.search(r"[A-Za-z\u4e00-\u9fff]", chunk):
            found.append(chunk)
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_untranslated_literals(template: Path) -> None:
    assert _untranslated(template.read_text(encoding="utf-8")) == []


def test_the_checker_catches_a_literal() -> None:
    assert _untranslated("<p>Hello</p>") == ["Hello"]
    assert _untranslated('<input placeholder="Search">') == ["Search"]
    assert _untranslated("<p>{{ _('Hello') }}</p>") == []


def test_every_message_has_a_chinese_translation() -> None:
    path = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    missing = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert missing == []
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == []


def test_the_catalogue_covers_every_string_in_the_code(app: Flask) -> None:
    from babel.messages.extract import extract_from_dir

    path = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle)}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    extracted = {
        msg if isinstance(msg, str) else msg[0]
        for _file, _line, msg, _comments, _ctx in extract_from_dir(
            str(ROOT), method_map, options, keywords=keywords
        )
    }
    assert sorted(extracted - known) == []
