"""A trainee plays a call, leaves half-way, resumes, finishes and sees the score at once, plays
it again and sees the change; an instructor confirms or changes the checker's score."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in

SCENARIO = "refund-refused"


def take_turn(page: Any) -> None:
    area = page.locator("#reply-text")
    if area.count():
        area.fill(
            "让您两次白等，真的非常抱歉，我理解您的心情。我现在就为您查工单并确认新的上门时间。"
        )
        page.get_by_role("button", name="发送回答").click()
    else:
        page.locator("button.reply").first.click()


def advance(page: Any) -> None:
    """Take one turn and wait until the next turn (or the debrief) is on the page."""
    turn = page.locator("input[name=turn]").get_attribute("value")
    take_turn(page)
    page.wait_for_function(
        "turn => location.pathname.endsWith('/debrief') || "
        "(document.querySelector('input[name=turn]') || {}).value !== turn",
        arg=turn,
    )


def finish_call(page: Any) -> None:
    """Take turns until the call ends (a scenario has no cycles, so it always does)."""
    for _ in range(20):
        if "/debrief" in page.url:
            break
        advance(page)
        page.wait_for_load_state("load")


def test_play_resume_debrief_and_grading(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto(f"/roleplay/{SCENARIO}")
    page.get_by_role("button", name="开始通话").click()
    page.wait_for_url("**/roleplay/session/*")
    session_url = page.url
    assert page.locator("meter.mood__meter").count() == 1
    for _ in range(2):
        advance(page)
    screenshot(page, "roleplay-player-zh")
    context.close()

    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto(f"/roleplay/{SCENARIO}")
    page.get_by_role("link", name="继续这通电话").click()
    page.wait_for_url(session_url)  # the same call, where it was
    assert page.locator(".chat__line--trainee").count() == 2
    screenshot(page, "roleplay-player-phone")
    finish_call(page)
    assert "/debrief" in page.url
    total = page.locator("[data-total-score]")
    first_score = float(total.get_attribute("data-total-score") or "")  # scored at once
    assert total.get_attribute("data-passed") in ("true", "false")
    assert page.get_by_text("自动评分").first.is_visible()
    assert page.get_by_role("heading", name="评分表").is_visible()
    screenshot(page, "roleplay-debrief-zh")

    page.get_by_role("link", name="再练一次").click()
    page.wait_for_url(f"**/roleplay/{SCENARIO}")
    assert page.get_by_role("heading", name="你的通话记录").is_visible()
    page.get_by_role("button", name="重新开始").click()
    page.wait_for_url("**/roleplay/session/*")
    assert page.url != session_url
    finish_call(page)
    assert "/debrief" in page.url
    assert page.get_by_role("columnheader", name="与上次相比").is_visible()
    last_try = page.get_by_text("上一次：")
    assert f"{first_score:.1f}/100" in last_try.inner_text()
    screenshot(page, "roleplay-debrief-retry-phone")
    context.close()

    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "instructor@example.com")
    page.wait_for_url("**/")
    page.goto("/grading/?kind=call")
    page.get_by_role("link", name="确认或修改").first.click()
    page.wait_for_url("**/roleplay/grading/*")
    grading_url = page.url
    for field in page.locator("input[type=number]").all():
        field.fill(field.get_attribute("max") or "2")
    page.locator("textarea[name=comment]").first.fill("共情和方案都到位。")
    page.get_by_role("button", name="修改评分").first.click()
    page.wait_for_url("**/grading/")  # on to what is still waiting
    page.goto(grading_url)
    assert page.get_by_text("讲师已评分").first.is_visible()
    screenshot(page, "roleplay-grading-zh")
    context.close()
