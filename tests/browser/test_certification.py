"""Profile, certificate PDF and verification, revocation, and the HR dashboard and exports."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask

from tests.browser.conftest import DESKTOP, screenshot, sign_in


def earn_foundation(app: Flask) -> str:
    """The demo trainee passes the two quizzes the foundation certificate asks for."""
    from trainer.auth.services import find_user_by_email
    from trainer.certification import services as certification
    from trainer.demo import right_answers
    from trainer.lessons.services import complete_lesson
    from trainer.quizzes import services as quizzes

    with app.app_context():
        user = find_user_by_email("trainee@example.com")
        assert user is not None
        for lesson in ("crm-overview", "listening-skills"):  # reading counts a little, too
            complete_lesson(user.id, lesson)
        for slug in ("p1-crm-work-quiz", "p4-communication-quiz"):
            attempt = quizzes.start_attempt(quizzes.get_quiz(slug), user.id)
            quizzes.save_answers(attempt, right_answers(attempt))
            quizzes.submit_attempt(attempt)
        certification.refresh(user.id)
        certificates = certification.certificates_of(user.id)
        assert certificates, "the foundation certificate should have been issued"
        return certificates[0].code


def test_profile_certificate_verify_and_revoke(
    browser: Any, live_server: str, live_app: Flask
) -> None:
    code = earn_foundation(live_app)
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, "trainee@example.com")
    page.wait_for_url("**/")
    page.goto("/profile")
    assert page.locator("svg.radar").count() == 1
    screenshot(page, "profile-zh")
    page.goto("/certificates")
    assert page.get_by_text("客户服务基础认证").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").first.click()
    assert download.value.suggested_filename == f"certificate-{code}.pdf"
    screenshot(page, "certificates-zh")
    page.goto(f"/verify/{code}")
    assert page.locator(".verify__status").inner_text() == "有效"
    context.close()

    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="en-GB")
    page = context.new_page()
    sign_in(page, "admin@example.com")
    page.wait_for_url("**/")
    page.goto("/hr/?certification=service-foundation&status=certified")
    page.get_by_role("link", name="王小雨").click()
    page.locator("details.revoke summary").first.click()
    page.locator("details.revoke textarea").first.fill("Issued in error during a demo")
    page.get_by_role("button", name="Revoke certificate").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"/verify/{code}")
    assert page.locator(".verify__status").inner_text() == "Revoked"
    screenshot(page, "verify-revoked-en")
    context.close()


def test_hr_filters_sees_expiring_and_exports(browser: Any, live_server: str) -> None:
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, "hr@example.com")
    page.wait_for_url("**/")
    page.goto("/hr/")
    assert page.locator("svg.bars").count() == 1
    page.locator("#f-team").select_option(label="在线客服组")
    page.get_by_role("button", name="筛选").click()
    names = page.locator("table.matrix tbody th").all_inner_texts()
    assert names and "王小雨" not in names
    screenshot(page, "hr-dashboard-zh")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    page.locator("#f-exp").fill("30")
    page.get_by_role("button", name="筛选").click()
    assert page.locator("table.matrix").count() == 1
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="导出 CSV").click()
    with open(csv_download.value.path(), "rb") as handle:
        assert handle.read(3) == b"\xef\xbb\xbf"
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="导出 Excel").click()
    from openpyxl import load_workbook

    with open(xlsx_download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet is not None and next(sheet.iter_rows(values_only=True))[0] == "name"
    context.close()
