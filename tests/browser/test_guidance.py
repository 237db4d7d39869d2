"""A new trainee is told what to do next and why: a call left half-way is on the home page with
a Resume link, and after the call ends the profile's "why this level" counts its evidence."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_roleplay import SCENARIO
from tests.browser.test_screenshots import finish_call, take_turn
from trainer.auth import services as accounts
from trainer.auth.models import Role


def _why(page: Any) -> dict[str, str]:
    return {
        block.get_attribute("data-competency"): block.inner_text()
        for block in page.locator(".why").all()
    }


def test_home_lists_the_unfinished_call_and_the_profile_explains_the_change(
    browser: Any, live_server: str, live_app: Flask
) -> None:
    with live_app.app_context():
        accounts.create_user("newcomer@example.com", "新学员", "another-horse-77", [Role.TRAINEE])
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="en-US")
    page = context.new_page()
    sign_in(page, "newcomer@example.com", "another-horse-77")
    page.wait_for_url("**/")
    page.goto("/profile?lang=en")
    before = _why(page)
    assert before and all("No evidence yet" in text for text in before.values())

    page.goto(f"/roleplay/{SCENARIO}?lang=en")
    page.get_by_role("button", name="Start the call").click()
    page.wait_for_url("**/roleplay/session/*")
    take_turn(page, "en")
    page.goto("/?lang=en")
    started = page.locator("ul.in-progress li")
    assert started.count() == 1 and "Resume" in started.inner_text()
    screenshot(page, "guide-home-in-progress-en")
    started.locator("a").click()
    page.wait_for_url("**/roleplay/session/*")
    finish_call(page, "en")
    assert "/debrief" in page.url, "the call did not end"

    page.goto("/profile?lang=en")
    after = _why(page)
    changed = [key for key in after if after[key] != before.get(key)]
    assert changed, "the finished call moved no competency's explanation"
    assert any("role-play" in after[key].lower() for key in changed)
    screenshot(page, "guide-profile-en-desktop")
    page.goto("/?lang=en")
    assert "Nothing started and left unfinished." in page.locator("ul.in-progress").inner_text()
    context.close()

    for lang in ("zh", "en"):
        phone = browser.new_context(viewport=PHONE, base_url=live_server, locale="zh-CN")
        small = phone.new_page()
        sign_in(small, "newcomer@example.com", "another-horse-77")
        small.goto(f"/profile?lang={lang}")
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(small, f"guide-profile-{lang}-phone")
        phone.close()
