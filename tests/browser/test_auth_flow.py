"""What a person does: sign in, switch language, sign out; a wrong password; a forbidden page."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in


def test_trainee_signs_in_switches_language_and_signs_out(page: Any) -> None:
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    screenshot(page, "login-zh-desktop")
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("欢迎")
    screenshot(page, "home-trainee-zh-desktop")

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    page.set_viewport_size(PHONE)
    screenshot(page, "home-trainee-en-phone")
    # The phone layout must not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)

    page.reload()  # the choice is remembered without the parameter
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto("/")
    assert "/login" in page.url


def test_wrong_password_shows_an_error(page: Any) -> None:
    sign_in(page, "trainee@example.com", "not-the-password")
    alert = page.get_by_role("alert")
    assert "电子邮箱或密码不正确" in alert.inner_text()
    assert "/login" in page.url
    screenshot(page, "login-wrong-password-zh")


def test_trainee_opening_an_admin_page_gets_403(page: Any) -> None:
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    response = page.goto("/admin/")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "无权访问"
    screenshot(page, "forbidden-zh")


def test_admin_sees_people_on_a_phone(page: Any) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "admin@example.com")
    page.wait_for_url("**/")
    page.goto("/admin/?lang=en")
    assert page.get_by_role("link", name="王小雨").is_visible()
    screenshot(page, "admin-people-en-phone")
    # Keyboard use: the skip link is the first thing Tab reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
