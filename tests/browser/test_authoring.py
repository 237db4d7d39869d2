"""An instructor edits and publishes a lesson, writes a question, builds and plays a scenario,
assigns a module that the trainee then sees, and reads the analytics."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.browser.conftest import DESKTOP, screenshot, sign_in


def instructor_page(browser: Any, live_server: str) -> Any:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, "instructor@example.com")
    page.wait_for_url("**/")
    return page


def test_edit_and_publish_a_lesson(browser: Any, live_server: str) -> None:
    page = instructor_page(browser, live_server)
    page.goto("/authoring/lessons/greeting-etiquette?lang=en")
    english = page.locator("#file_en")
    text = english.input_value()
    english.fill(text.replace("\ntitle: ", "\ntitle: (Revised) ", 1))
    page.wait_for_timeout(800)  # the live preview renders on the server
    assert page.locator("#preview_en h2").count() > 0
    screenshot(page, "authoring-lesson-en")
    page.get_by_role("button", name="Publish as a new version").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Published as version 2.").is_visible()
    page.goto("/lessons/greeting-etiquette?lang=en")
    assert page.get_by_role("heading", level=1).inner_text().startswith("(Revised)")
    page.context.close()


def test_write_a_question_and_build_a_scenario(browser: Any, live_server: str) -> None:
    page = instructor_page(browser, live_server)
    page.goto("/authoring/questions?bank=p4-communication&lang=en")
    page.get_by_role("link", name="True or false").click()
    page.locator("#key").fill("greeting-etiquette-browser-q1")
    page.locator("#lesson").select_option("greeting-etiquette")
    page.locator("#competency").select_option("reception-etiquette")
    page.locator("#text_zh").fill("接听电话时应先报出单位和自己的工号。")
    page.locator("#text_en").fill(
        "When answering, give the organisation and your staff number first."
    )
    page.locator("#explanation_zh").fill("这样客户知道在和谁通话。")
    page.locator("#explanation_en").fill("So the customer knows who they are talking to.")
    page.locator("input[name=answer][value=true]").check()
    page.get_by_role("button", name="Save question").click()
    page.wait_for_url("**/preview")
    assert page.get_by_text("Question saved.").is_visible()

    page.goto("/authoring/scenarios/new?key=browser-parcel&lang=en")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/authoring/scenarios/browser-parcel")
    assert page.locator("svg.graph").count() == 1
    screenshot(page, "authoring-scenario-graph")
    page.get_by_role("link", name="Play as a trainee").first.click()
    page.locator("a.reply").first.click()
    assert page.get_by_text("Preview: nothing is recorded").is_visible()
    page.context.close()


def test_assign_a_module_the_trainee_sees_and_read_analytics(
    browser: Any, live_server: str
) -> None:
    page = instructor_page(browser, live_server)
    page.goto("/assignments/?lang=en")
    page.locator("#what").select_option("module:p5-complaints")
    page.locator("#team").select_option(label="热线一组")
    page.locator("#due").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Assignment set.").is_visible()
    page.goto("/roleplay/late-repair/analytics?lang=en")
    assert page.locator("svg.graph").count() == 1
    page.goto("/analytics/teams?lang=en")
    assert page.locator("table.heat").count() == 1
    screenshot(page, "team-skills-en")
    page.context.close()

    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="en-GB")
    trainee = context.new_page()
    sign_in(trainee, "trainee@example.com")
    trainee.wait_for_url("**/")
    trainee.goto("/?lang=en")
    assert trainee.get_by_role("heading", name="Assigned work due").is_visible()
    assert trainee.get_by_role("link", name="Handling Complaints Correctly").is_visible()
    screenshot(trainee, "home-trainee-assigned-en")
    context.close()
