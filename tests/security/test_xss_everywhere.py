"""The XSS payloads in the remaining places people write and others read: a role-play written
reply (debrief, instructor grading, grading inbox), imported GIFT question names and text (bank
lists and previews), a CSV user import (report and admin pages) and scenario YAML (editor and
preview). Each is shown, and shown as text."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from tests.conftest import login, make_user
from tests.content_factory import make_tree_with_scenario
from tests.roleplay.test_views import BEST_PATH, replies, send, start
from tests.security.test_input_attacks import XSS, _raw_markup
from trainer.auth.models import Role
from trainer.authoring import services as authoring
from trainer.content_tree import load_tree, read_tree

PAYLOADS = XSS[:3]


@pytest.fixture
def scenario_tree(app: Flask, tmp_path: Path) -> None:
    load_tree(read_tree(make_tree_with_scenario(tmp_path)))
    make_user()
    make_user("teacher@example.com", (Role.INSTRUCTOR, Role.ADMIN), name="李老师")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_written_reply_is_text_in_the_debrief_and_for_the_grader(
    scenario_tree: None, client: FlaskClient, payload: str
) -> None:
    login(client, "trainee@example.com")
    session_id = start(client)
    send(client, session_id, 0, BEST_PATH[0])
    send(client, session_id, 1, BEST_PATH[1])
    reply = f"I'm truly sorry you waited, order 1023 is booked. {payload}"
    client.post(f"/roleplay/session/{session_id}/turn?lang=en", data={"turn": "2", "text": reply})
    client.post("/logout")
    login(client, "teacher@example.com")
    unfinished = client.get(f"/roleplay/grading/{session_id}?lang=en")  # was a 500
    assert unfinished.status_code == 200 and "has not ended yet" in unfinished.text
    client.post("/logout")
    login(client, "trainee@example.com")
    for turn in range(3, 12):  # finish the call with whatever replies are offered
        offered = replies(client, session_id)
        if not offered:
            break
        client.post(
            f"/roleplay/session/{session_id}/turn?lang=en",
            data={"turn": str(turn), "choice": next(iter(offered.values()))},
        )
    pages = [client.get(f"/roleplay/session/{session_id}/debrief?lang=en")]
    client.post("/logout")
    login(client, "teacher@example.com")
    pages += [client.get(f"/roleplay/grading/{session_id}?lang=en"), client.get("/grading/")]
    for page in pages:
        assert page.status_code == 200
        assert _raw_markup(page.text) == []
    assert str(escape(reply)) in pages[1].text or escape(reply) in html.unescape(pages[1].text)


def _gift_escape(text: str) -> str:
    return re.sub(r"([=~#{}:])", r"\\\1", text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_imported_gift_names_and_text_are_text_in_lists_and_previews(
    scenario_tree: None, client: FlaskClient, payload: str
) -> None:
    login(client, "teacher@example.com")
    gift = f"::{_gift_escape('名 ' + payload)}::{_gift_escape('题目 ' + payload)}{{=对 ~错}}\n"
    response = client.post(
        "/quizzes/banks/?lang=en",
        data={"bank": "hostile", "file": (io.BytesIO(gift.encode()), "q.gift.txt")},
        content_type="multipart/form-data",
    )
    assert "1 question imported." in response.text
    assert _raw_markup(response.text) == []
    listing = client.get("/authoring/questions?bank=hostile&lang=en")
    assert listing.status_code == 200 and _raw_markup(listing.text) == []
    ids = re.findall(r"/authoring/questions/(\d+)", listing.text)
    assert ids, "the imported question is listed"
    for url in (f"/authoring/questions/{ids[0]}/preview", f"/authoring/questions/{ids[0]}"):
        page = client.get(url + "?lang=en")
        assert page.status_code == 200 and _raw_markup(page.text) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_import_of_hostile_names_is_text_in_the_report_and_the_admin_pages(
    scenario_tree: None, client: FlaskClient, payload: str
) -> None:
    login(client, "teacher@example.com")
    name = payload.replace('"', "'")
    data = f'email,display_name,roles\nx1@example.com,"王 {name}",trainee\n'.encode()
    report = client.post(
        "/admin/import?lang=en",
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )
    assert report.status_code == 200 and _raw_markup(report.text) == []
    for url in ("/admin/", "/admin/teams", "/hr/"):
        page = client.get(url)
        assert page.status_code == 200 and _raw_markup(page.text) == [], url
    assert str(escape(f"王 {name}")) in client.get("/admin/").text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_scenario_yaml_with_markup_is_text_in_the_editor_and_the_preview(
    scenario_tree: None, client: FlaskClient, payload: str
) -> None:
    login(client, "teacher@example.com")
    text, _version, _draft = authoring.scenario_text("test-call")
    quoted = payload.replace("'", "''")
    hostile = re.sub(r"(?m)^(\s+en: )(.+)$", lambda m: f"{m.group(1)}'{quoted}'", text, count=3)
    for action in ("check", "draft"):
        page = client.post(
            "/authoring/scenarios/test-call?lang=en", data={"action": action, "yaml": hostile}
        )
        assert page.status_code in (200, 302) and _raw_markup(page.text) == []
    for url in ("/authoring/scenarios/test-call", "/authoring/scenarios/test-call/preview"):
        page = client.get(url + "?lang=en")
        assert page.status_code in (200, 400) and _raw_markup(page.text) == [], url
