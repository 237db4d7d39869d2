"""A trainee reads a lesson, marks it complete, sees progress, and searches the course."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import PHONE, screenshot, sign_in


def test_read_complete_and_see_progress(page: Any) -> None:
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/lessons/?lang=zh")
    screenshot(page, "course-zh-desktop")
    page.get_by_role("link", name="处理客户投诉的基本方法").click()
    page.wait_for_url("**/lessons/complaint-handling-basics")
    assert page.get_by_role("heading", level=1).inner_text() == "处理客户投诉的基本方法"
    assert page.get_by_role("heading", name="关键术语").is_visible()
    screenshot(page, "lesson-zh-desktop")
    page.get_by_role("button", name="标记为已完成").click()
    page.wait_for_url("**/lessons/complaint-handling-basics")
    assert page.get_by_text("已将本课标记为完成。").is_visible()
    assert page.get_by_text("您已完成本课。").is_visible()

    page.goto("/lessons/")
    module = page.locator(".module", has_text="正确处理客户投诉")
    assert "1/5" in module.locator(".module__meta").inner_text()
    assert module.get_by_text("进行中").first.is_visible()

    page.goto("/lessons/complaint-handling-basics?lang=en")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Basic Methods for Handling Complaints"
    )
    page.set_viewport_size(PHONE)
    screenshot(page, "lesson-en-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_search_in_both_languages(page: Any) -> None:
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/search?lang=zh")
    page.get_by_role("searchbox").fill("投诉")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    titles = page.locator(".result h2").all_inner_texts()
    assert "处理客户投诉的基本方法" in titles[:6]
    assert page.locator(".result mark").first.inner_text() == "投诉"
    screenshot(page, "search-zh")

    page.goto("/search?q=complaint&lang=en")
    titles = page.locator(".result h2").all_inner_texts()
    assert "Basic Methods for Handling Complaints" in titles[:6]
    page.get_by_role("link", name="Basic Methods for Handling Complaints").first.click()
    page.wait_for_url("**/lessons/complaint-handling-basics")


def test_glossary_links_to_the_lesson(page: Any) -> None:
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/lessons/glossary?lang=en")
    entry = page.locator(".glossary__entry", has_text="Active listening").first
    entry.get_by_role("link").click()
    page.wait_for_url("**/lessons/listening-skills#term-active-listening")
    screenshot(page, "glossary-target-en")
