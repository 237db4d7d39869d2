"""A QA reviewer imports a call, evaluates it with the checker's suggestions pre-selected; the
agent disputes one criterion and the team lead changes it; the agent's evidence follows."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.qa.conftest import VOICE_CALL


def signed_in(browser: Any, live_server: str, email: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, email)
    page.wait_for_url("**/")
    return context, page


def import_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["agent_email", "channel", "date", "reference", "transcript"])
    writer.writerow(["trainee@example.com", "voice", "2026-12-05", "BR-CALL-1", VOICE_CALL])
    writer.writerow(["trainee@example.com", "voice", "2026-12-05", "BR-CALL-2", "Boss: hi"])
    return out.getvalue().encode("utf-8")


def test_reviewer_evaluates_with_suggestions_agent_disputes_lead_resolves(
    browser: Any, live_server: str, live_app: Flask
) -> None:
    context, page = signed_in(browser, live_server, "qa@example.com")
    page.goto("/qa/import")
    page.set_input_files(
        "#file", files=[{"name": "calls.csv", "mimeType": "text/csv", "buffer": import_file()}]
    )
    page.locator("main form button[type=submit]").click()
    report = page.locator("#import-report")
    assert "BR-CALL-1" in report.inner_text() and "BR-CALL-2" in report.inner_text()
    assert report.locator("tr.row--error").count() == 1
    page.goto("/qa/?status=to-review")
    page.get_by_role("link", name="BR-CALL-1").click()
    greeting = page.locator('fieldset[data-criterion="greeting"]')
    assert greeting.get_attribute("data-suggested") == "100"
    assert greeting.locator('input[value="100"]').is_checked()
    # Criteria the checker cannot judge are the reviewer's alone: give them the top level.
    for fieldset in page.locator("fieldset.criterion").all():
        if not fieldset.locator("input[type=radio]:checked").count():
            fieldset.locator('input[type=radio]:not([value="na"])').last.check()
    page.locator('fieldset[data-criterion="empathy"] input[value="40"]').check()
    page.locator("#notes").fill("5: 道歉比较笼统")
    screenshot(page, "qa-evaluate-zh")
    page.locator("#evaluation-form button[type=submit]").click()
    page.wait_for_url("**/qa/evaluations/*")
    evaluation_url = page.url
    assert page.locator("#qa-result").get_attribute("data-total-score")
    assert "道歉比较笼统" in page.locator("#line-5").inner_text()
    context.close()

    context, page = signed_in(browser, live_server, "trainee@example.com")
    page.goto("/qa/mine")
    page.get_by_role("link", name="BR-CALL-1").click()
    page.locator("#dispute select").select_option("empathy")
    page.locator("#dispute textarea").fill("第5行我说明了原因并具体道歉。")
    page.locator("#dispute button[type=submit]").click()
    assert page.locator('#disputes article[data-state="open"]').count() == 1
    context.close()

    context, page = signed_in(browser, live_server, "instructor@example.com")
    page.goto(evaluation_url)
    form = page.locator("form.resolve")
    form.locator("select").first.select_option("change")
    form.locator("select").nth(1).select_option("70")
    form.locator("textarea").fill("道歉具体，但没有说到客户的损失。")
    form.locator("button[type=submit]").click()
    assert page.locator('#disputes article[data-state="changed"]').count() == 1
    assert (
        page.locator('#qa-scores tr[data-criterion="empathy"]').get_attribute("data-level") == "70"
    )
    screenshot(page, "qa-dispute-resolved-zh")
    context.close()

    with live_app.app_context():
        from trainer.competency.models import Evidence
        from trainer.extensions import db
        from trainer.qa.models import Interaction

        interaction = db.session.scalar(
            select(Interaction).where(Interaction.reference == "BR-CALL-1")
        )
        assert interaction is not None
        ref = f"qa:{interaction.evaluations[0].id}:empathy"
        assert [
            e.score for e in db.session.scalars(select(Evidence).where(Evidence.source_ref == ref))
        ] == [0.7]
