"""Every page of every demo role, in both languages, on a 375 px phone: no page is wider than the
screen, axe-core finds no serious or critical accessibility violation, and no content id or
enum value (`in_progress`, `crm-overview-q3`) is shown where its label belongs.

The crawl starts at the role's home and follows every same-site link it finds, so a new page is
checked as soon as something links to it. Pages of one kind (one endpoint) are sampled a few at a
time; every lesson is visited, because a lesson's tables come from its text. axe-core is the
npm package's `axe.min.js`, vendored in tests/browser/vendor/; it is given to each page as an
init script (the DevTools protocol, so the page's Content-Security-Policy still holds for the
page's own scripts and the site ships no test code).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from tests.browser.conftest import PHONE, content_ids, raw_ids_shown, sign_in
from tests.browser.test_roleplay import advance

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
ROLES = [
    "trainee@example.com",
    "instructor@example.com",
    "hr@example.com",
    "admin@example.com",
    "qa@example.com",
]
# Downloads and machine endpoints, not pages; signing out ends the crawl's session.
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".gift", ".json")
SKIP_PREFIXES = ("/api/", "/static/", "/logout", "/badges/", "/lti/", "/healthz")
PER_ENDPOINT = 2
# Where an author works with the ids the content files use (file names, question keys, bank
# slugs, the audit log's targets), the id is the thing shown, on purpose.
IDS_ON_PURPOSE = ("authoring.", "quizzes.banks", "quizzes.quiz_analysis", "admin.audit_log")
UNSAMPLED = {"lessons.lesson"}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
         v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def endpoint_of(app: Flask, path: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return str(endpoint)


def crawl(page: Any, app: Flask, lang: str) -> tuple[list[str], dict[str, list[str]], set[str]]:
    """Visit the role's pages; return what overflowed, what axe or the id check found, and the
    endpoints seen."""
    ids = content_ids(app)
    too_wide: list[str] = []
    findings: dict[str, list[str]] = {}
    seen_paths: set[str] = set()
    per_endpoint: dict[str, int] = {}
    queue: deque[str] = deque([f"/?lang={lang}"])
    while queue:
        url = queue.popleft()
        response = page.goto(url)
        assert response is not None and response.ok, (
            f"{url} answered {response and response.status}"
        )
        width, viewport = page.evaluate(WIDTH)
        if width > viewport:
            too_wide.append(f"{url} is {width}px wide")
        violations = page.evaluate(RUN_AXE)
        if not (endpoint_of(app, urlsplit(url).path) or "").startswith(IDS_ON_PURPOSE):
            shown = raw_ids_shown(page, ids, lang)
            violations += [f"raw id shown instead of its label: {i}" for i in shown]
        if violations:
            findings[url] = violations
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            if parts.netloc != urlsplit(page.url).netloc or parts.path in seen_paths:
                continue
            path = parts.path
            if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
                continue
            endpoint = endpoint_of(app, path)
            if endpoint is None or endpoint == "static":
                continue
            if endpoint not in UNSAMPLED and per_endpoint.get(endpoint, 0) >= PER_ENDPOINT:
                continue
            per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
            seen_paths.add(path)
            queue.append(path + (f"?{parts.query}" if parts.query else ""))
    return too_wide, findings, set(per_endpoint)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("email", ROLES)
def test_no_page_is_wider_than_a_phone_and_axe_finds_nothing_serious(
    browser: Any, live_server: str, live_app: Flask, email: str, lang: str
) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="zh-CN")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp: list[str] = []
    page.on(
        "console",
        lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, email)
    page.wait_for_url("**/")
    too_wide, findings, endpoints = crawl(page, live_app, lang)
    context.close()
    assert len(endpoints) >= 5, f"the crawl reached too little: {sorted(endpoints)}"
    assert too_wide == [], "pages wider than a 375 px phone:\n" + "\n".join(too_wide)
    report = "\n".join(f"{url}\n  " + "\n  ".join(found) for url, found in findings.items())
    assert findings == {}, "axe-core or the id check found problems:\n" + report
    assert csp == [], f"the page broke its Content-Security-Policy: {csp}"


def test_axe_sees_a_violation(browser: Any, live_server: str) -> None:
    """Without this, an empty result above could mean axe never ran."""
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.goto("/login")
    page.evaluate("() => document.querySelector('#email').removeAttribute('id')")
    violations = page.evaluate(RUN_AXE)
    context.close()
    assert any(v.startswith("label ") for v in violations), violations


def test_every_destination_is_reachable_from_the_phone_menu(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/?lang=zh")
    menu = page.get_by_role("button", name="菜单")
    certificates = page.locator(".site-nav").get_by_role("link", name="证书")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not certificates.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    for name in ("首页", "课程", "测验", "角色扮演", "我的画像", "证书", "搜索"):
        assert page.locator(".site-nav").get_by_role("link", name=name).is_visible(), name
    page.keyboard.press("Escape")
    assert not certificates.is_visible()
    menu.click()
    page.locator(".site-nav").get_by_role("link", name="搜索").click()
    page.wait_for_url("**/search*")
    page.set_viewport_size({"width": 1280, "height": 860})  # on a desktop there is no menu
    assert not page.get_by_role("button", name="菜单").is_visible()
    assert page.locator(".site-nav").get_by_role("link", name="证书").is_visible()
    context.close()


def test_focus_moves_to_the_customers_new_line_after_each_turn(
    browser: Any, live_server: str
) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/roleplay/silent-customer")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/roleplay/session/*")
    for _ in range(2):
        before = page.locator("[data-current]").inner_text()
        turn = page.locator("input[name=turn]").get_attribute("value")
        advance(page)
        if "/debrief" in page.url:
            break
        page.wait_for_function(
            "turn => (document.querySelector('input[name=turn]') || {}).value !== turn", arg=turn
        )
        focused = page.evaluate(
            "() => [document.activeElement.matches('[data-current]'), "
            "document.activeElement.textContent, document.activeElement.tabIndex]"
        )
        assert focused[0], f"focus is on {page.evaluate('document.activeElement.outerHTML')}"
        assert focused[1] != before and focused[2] == -1
    context.close()


def test_the_id_check_sees_a_raw_id(browser: Any, live_server: str, live_app: Flask) -> None:
    """Without this, an empty result above could mean the id check never matched anything."""
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    page.evaluate(
        "() => document.querySelector('main').append('进行中 in_progress · p1-crm-work-quiz')"
    )
    shown = raw_ids_shown(page, content_ids(live_app), "zh")
    context.close()
    assert shown == ["in_progress", "p1-crm-work-quiz"]
