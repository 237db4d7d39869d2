"""Chinese pages use full-width punctuation: no ASCII colon in the zh catalogue, and no template
puts one after a translated label (templates use `colon()`, which gives 「：」 or ": ")."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask_babel import refresh

ROOT = Path(__file__).resolve().parent.parent / "trainer"
ZH_CATALOGUE = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
# What may keep its ASCII colon: placeholders, URLs, paths, and code a person types as shown.
NOT_PROSE = re.compile(
    r"%\([a-z_]+\)[sdf]|\{[a-z_]+\}|[a-z]+://\S+|/[\w./-]*:\S*|Authorization: Bearer"
    # A transcript's time formats and speaker labels, typed as shown (QA review).
    r"|(?:hh:)?mm:ss|\d+:\d\d|\b(?:Agent|Customer): "
)
COLON_AFTER_OUTPUT = re.compile(r"\}\}:(?=[ <])")


def ascii_colons(text: str) -> bool:
    return ":" in NOT_PROSE.sub("", text)


def test_the_check_sees_an_ascii_colon() -> None:
    assert ascii_colons("时间限制: 20 分钟")
    assert not ascii_colons("时间限制：%(n)d 分钟，见 https://example.com/a:b")


def test_no_ascii_colon_in_the_chinese_catalogue() -> None:
    with ZH_CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    offenders = []
    for message in catalogue:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else message.string
        offenders += [s for s in strings if s and ascii_colons(s)]
    assert offenders == []


def test_no_template_puts_an_ascii_colon_after_a_label() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COLON_AFTER_OUTPUT.search(line)
    ]
    assert offenders == []


LABEL = "{{ _('Time limit') }}{{ colon() }}"


def test_colon_follows_the_page_language(app: Flask) -> None:
    with app.test_request_context("/?lang=zh"):
        assert render_template_string(LABEL) == "时间限制："
    with app.test_request_context("/?lang=en"):
        refresh()  # the locale is cached on the app context the fixture holds
        assert render_template_string(LABEL) == "Time limit: "
