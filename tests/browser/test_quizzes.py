"""A trainee takes a module quiz, closes the browser half-way, resumes, submits and reviews."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DESKTOP, screenshot, sign_in


def answer_first_choice(page: Any, slot: Any) -> None:
    radios = slot.locator("input[type=radio]")
    if radios.count():
        radios.first.check()
        return
    boxes = slot.locator("input[type=checkbox]")
    if boxes.count():
        boxes.first.check()
        return
    selects = slot.locator("select")
    for i in range(selects.count()):
        selects.nth(i).select_option(index=i + 1)
    text = slot.locator("input[type=text]")
    if text.count():
        text.first.fill("85")
    area = slot.locator("textarea")
    if area.count():
        area.first.fill("我理解您的心情，我马上帮您查询并给您一个明确的答复。")


def test_take_resume_submit_review(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/quizzes/p4-communication-quiz")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url("**/quizzes/attempt/*")
    attempt_url = page.url
    slots = page.locator("li.question")
    assert slots.count() == 10
    for i in range(5):  # half-way
        answer_first_choice(page, slots.nth(i))
    page.wait_for_timeout(1200)  # autosave runs in the background
    assert page.get_by_text("所有答案已保存").is_visible()
    screenshot(page, "quiz-attempt-zh")
    context.close()  # the browser is closed half-way

    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/quizzes/p4-communication-quiz")
    page.get_by_role("button", name="继续作答").click()
    page.wait_for_url(attempt_url)
    slots = page.locator("li.question")
    assert slots.nth(0).get_by_text("已保存").count() == 1  # what was answered is still there
    for i in range(5, 10):
        answer_first_choice(page, slots.nth(i))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/review")
    assert page.get_by_role("heading", level=1).inner_text().endswith("次作答回顾")
    assert page.locator(".explanation").count() >= 10
    screenshot(page, "quiz-review-zh")
    context.close()
