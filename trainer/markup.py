"""Markdown written by people becomes safe HTML here, and nowhere else."""

from __future__ import annotations

import html as html_lib
import re

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
TABLE_OPEN = re.compile(r"<table>")
TABLE_SCROLL_OPEN = '<div class="table-scroll" tabindex="0" data-always-focusable><table>'
LESSON_LINK = re.compile(r"\]\(lesson:([a-z0-9-]+)\)")


def lesson_links(text: str) -> list[str]:
    """The lesson ids that `[text](lesson:<id>)` links in this Markdown point to."""
    return LESSON_LINK.findall(text)


def render_markdown(text: str, lesson_url_prefix: str = "/lessons/") -> str:
    """Markdown → sanitised HTML. Raw HTML, scripts, event handlers and odd URLs are dropped."""
    text = LESSON_LINK.sub(lambda m: f"]({lesson_url_prefix}{m.group(1)})", text)
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # A wide table scrolls inside its own box (reachable by keyboard), never the whole page.
    return TABLE_OPEN.sub(TABLE_SCROLL_OPEN, clean).replace("</table>", "</table></div>")


def plain_text(markdown_text: str) -> str:
    """Readable text for search and snippets: Markdown syntax removed, whitespace collapsed."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", markdown_text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*(#+|>|[-*+]|\d+\.)\s*", "", text, flags=re.M)
    text = re.sub(r"[|*_`~]+", " ", text)
    text = re.sub(r"^\s*:?-{3,}:?(\s+:?-{3,}:?)*\s*$", " ", text, flags=re.M)
    return re.sub(r"\s+", " ", text).strip()


EMPHASIS = re.compile(r"\*\*([^*\n]+?)\*\*")


def _clean_html(text: str) -> str:
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS | {"img", "span", "div", "u"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_text(text: str, text_format: str = "plain") -> str:
    """Question text in its GIFT format (html, markdown, plain, moodle) as safe HTML.

    Moodle's own "moodle" auto-format is HTML in which a line break is a break, so it is
    sanitised like HTML; plain text is escaped."""
    if text_format == "html":
        return _clean_html(text)
    if text_format == "moodle":
        return _clean_html(text.replace("\r\n", "\n").replace("\n", "<br>"))
    if text_format == "markdown":
        return render_markdown(text)
    # Plain text keeps one piece of markup: **…** for the word a reader must not miss, the
    # negation of a stem ("which is **not**…", “哪一项**不**…”), so it is read before answering.
    return EMPHASIS.sub(r"<strong>\1</strong>", str(escape(text))).replace("\n", "<br>")


def render_inline(text: str, text_format: str = "plain") -> Markup:
    """A short text (an option, a feedback) as safe HTML without the paragraph Markdown wraps
    around a single line, so it sits inside a label or a sentence."""
    html = render_text(text, text_format).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def text_only(text: str, text_format: str = "plain") -> str:
    """The words of a formatted text, for places that show plain text (a select, a list)."""
    if text_format in ("html", "moodle"):
        return html_lib.unescape(nh3.clean(text, tags=set())).strip()
    if text_format == "markdown":
        return plain_text(text)
    return text
