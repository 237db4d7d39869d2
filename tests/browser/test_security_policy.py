"""The pages of every role work under the Content-Security-Policy: no violation in the console,
including the scripted parts (autosave, role-play turns, the authoring preview)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import DESKTOP, sign_in
from tests.browser.test_roleplay import SCENARIO, advance

PAGES = {
    "trainee@example.com": [
        "/",
        "/lessons/",
        "/lessons/glossary",
        "/search?q=投诉",
        "/quizzes/",
        "/roleplay/",
        "/profile",
        "/certificates",
        "/account",
        "/account/api-tokens",
    ],
    "instructor@example.com": [
        "/grading/",
        "/assignments/",
        "/authoring/lessons",
        "/authoring/scenarios/new",
        "/calibration/",
        "/analytics/teams",
        "/quizzes/banks/",
    ],
    "hr@example.com": ["/hr/", "/analytics/teams", "/certificates"],
    "admin@example.com": [
        "/admin/",
        "/admin/users/new",
        "/admin/teams",
        "/admin/import",
        "/admin/audit",
    ],
}


def _watch(page: Any) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return violations


def test_the_watch_sees_a_blocked_inline_script(browser: Any, live_server: str) -> None:
    """Without this, an empty list below could mean the listener hears nothing."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server)
    page = context.new_page()
    violations = _watch(page)
    page.goto("/login")
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true")
    assert page.evaluate("window.injected === undefined")
    page.wait_for_function("() => true")
    assert violations
    context.close()


def test_every_role_browses_without_a_violation(browser: Any, live_server: str) -> None:
    for email, paths in PAGES.items():
        context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(10_000)
        violations = _watch(page)
        sign_in(page, email)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status < 400, (email, path)
        if email == "trainee@example.com":
            page.goto("/lessons/")
            page.locator("main a[href*='/lessons/p']").first.click()
            page.goto(f"/roleplay/{SCENARIO}")
            page.locator("main form button[type=submit]").first.click()
            advance(page)
        assert violations == [], (email, violations)
        context.close()
