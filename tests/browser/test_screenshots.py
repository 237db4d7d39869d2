"""The trainee's main pages at 1280 px and 375 px in both languages, saved for a person to look at
(test-artifacts/screenshots/), each checked to fit its width, by axe-core and for raw ids: home, a
lesson with a table, a quiz attempt and its review, a role-play call, its debrief and the profile.
The review and the debrief are here because no link of the crawl in test_every_page reaches them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    content_ids,
    raw_ids_shown,
    screenshot,
    sign_in,
)
from tests.browser.test_every_page import AXE, RUN_AXE
from tests.browser.test_quizzes import answer_first_choice

# Other browser tests play p4-communication-quiz and refund-refused; these stay out of their way.
QUIZ = {"zh": "p8-work-stress-quiz", "en": "p8-work-stress-quiz"}
SCENARIO = {"zh": "late-repair", "en": "confused-caller"}
LESSON = "/lessons/understanding-stress"
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


REPLY = {
    "zh": "给您添麻烦了，真的非常抱歉，我理解您的心情。我现在就为您查询并确认处理时间。",
    "en": "I'm sorry for the trouble. I understand, and I will check it for you now.",
}


def take_turn(page: Any, lang: str) -> None:
    """Answer one turn in `lang` and wait for the next one (or the debrief)."""
    turn = page.locator("input[name=turn]").get_attribute("value")
    area = page.locator("#reply-text")
    if area.count():
        area.fill(REPLY[lang])
    page.locator(".turn__form button[type=submit]").first.click()
    page.wait_for_function(
        "turn => location.pathname.endsWith('/debrief') || "
        "(document.querySelector('input[name=turn]') || {}).value !== turn",
        arg=turn,
    )
    page.wait_for_load_state("load")


def finish_call(page: Any, lang: str) -> None:
    """Answer every turn, in whichever language the page is in, until the debrief."""
    for _ in range(20):
        if "/debrief" in page.url:
            return
        take_turn(page, lang)


def shoot(page: Any, name: str, lang: str, ids: frozenset[str]) -> None:
    """Both widths of the page that is open, each checked to fit and by axe-core."""
    assert raw_ids_shown(page, ids, lang) == [], f"{name} ({lang}) shows raw ids"
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        width, viewport = page.evaluate(WIDTH)
        assert width <= viewport, f"{name} ({lang}, {label}) is {width}px wide at {viewport}px"
        violations = page.evaluate(RUN_AXE)
        assert violations == [], f"axe-core on {name} ({lang}, {label}): {violations}"
        screenshot(page, f"ux-{name}-{lang}-{label}")
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_main_pages_at_both_widths(
    browser: Any, live_server: str, live_app: Flask, lang: str
) -> None:
    ids = content_ids(live_app)
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto(f"/?lang={lang}")
    shoot(page, "home", lang, ids)
    page.goto(LESSON)
    assert page.locator(".prose table").count() >= 1
    shoot(page, "lesson", lang, ids)
    page.goto(f"/quizzes/{QUIZ[lang]}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/quizzes/attempt/*")
    slots = page.locator("li.question")
    for i in range(3):
        answer_first_choice(page, slots.nth(i))
    shoot(page, "quiz", lang, ids)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button[name=then][value=submit]").click()
    page.wait_for_url("**/review")
    shoot(page, "quiz-review", lang, ids)
    page.goto("/profile")
    shoot(page, "profile", lang, ids)
    page.goto(f"/roleplay/{SCENARIO[lang]}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/roleplay/session/*")
    shoot(page, "roleplay", lang, ids)
    finish_call(page, lang)
    assert "/debrief" in page.url
    shoot(page, "debrief", lang, ids)
    context.close()
