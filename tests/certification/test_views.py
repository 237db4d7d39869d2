"""Certificates, verification, the HR dashboard and its exports: wiring and permissions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.certification.test_services import pass_quiz
from tests.conftest import login, make_team, make_user
from tests.content_factory import make_full_tree
from trainer.auth.models import Role
from trainer.certification import services
from trainer.content_tree import load_tree, read_tree


@pytest.fixture
def certified(app: Flask, tmp_path: Path) -> services.Certificate:
    load_tree(read_tree(make_full_tree(tmp_path)))
    user = make_user(team=make_team("热线一组"))
    pass_quiz(user.id)
    (certificate,) = services.certificates_of(user.id)
    return certificate


def test_holder_downloads_the_pdf_and_others_cannot(
    certified: services.Certificate, client: FlaskClient
) -> None:
    login(client, "trainee@example.com")
    page = client.get("/certificates?lang=en")
    assert "Basics certificate" in page.text and certified.code in page.text
    response = client.get(f"/certificates/{certified.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and b"/FontFile3" in response.data  # font embedded
    client.post("/logout")
    make_user("other@example.com")
    login(client, "other@example.com")
    assert client.get(f"/certificates/{certified.id}.pdf").status_code == 403


def test_verify_page_shows_only_public_facts_and_revocation(
    certified: services.Certificate, client: FlaskClient
) -> None:
    page = client.get(f"/verify/{certified.code}?lang=en")
    assert page.status_code == 200 and "Valid" in page.text and "王小雨" in page.text
    assert "trainee@example.com" not in page.text
    for bad in ["nope", "AAAAAAAAAAAA", "%00' or 1=1"]:
        missing = client.get(f"/verify/{bad}?lang=en")
        assert missing.status_code == 404 and "No certificate has this code" in missing.text
    make_user("admin@example.com", (Role.ADMIN,))
    login(client, "admin@example.com")
    refused = client.post(
        f"/certificates/{certified.id}/revoke?lang=en", data={"reason": ""}, follow_redirects=True
    )
    assert "Give the reason" in refused.text
    client.post(f"/certificates/{certified.id}/revoke", data={"reason": "资料有误"})
    client.post("/logout")
    revoked = client.get(f"/verify/{certified.code}?lang=en").text
    assert "Revoked" in revoked and "Revoked on" in revoked and "Valid until" not in revoked


def test_an_admin_reinstates_a_revoked_certificate_with_a_reason(
    certified: services.Certificate, client: FlaskClient
) -> None:
    from sqlalchemy import select

    from trainer.auth.models import AuditEvent
    from trainer.extensions import db

    make_user("admin@example.com", (Role.ADMIN,))
    login(client, "admin@example.com")
    client.post(f"/certificates/{certified.id}/revoke", data={"reason": "资料有误"})
    person = client.get(f"/hr/person/{certified.user_id}?lang=en").text
    assert "Reinstate certificate" in person
    refused = client.post(
        f"/certificates/{certified.id}/reinstate?lang=en",
        data={"reason": " "},
        follow_redirects=True,
    )
    assert "Give the reason for reinstating" in refused.text
    client.post(f"/certificates/{certified.id}/reinstate", data={"reason": "申诉成立，资料无误"})
    db.session.expire_all()
    assert services.certificate_status(certified) == "valid"
    standing = services.standings_of(certified.user_id)[certified.certification_id]
    assert services.status_of(standing) == services.Status.CERTIFIED
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.reinstate")
    ).one()
    assert event.details["reason"] == "申诉成立，资料无误"
    assert event.details["revoke_reason"] == "资料有误"
    client.post("/logout")
    page = client.get(f"/verify/{certified.code}?lang=en").text
    assert "Valid until" in page and "Revoked" not in page
    # Only an administrator may reinstate.
    make_user("hr@example.com", (Role.HR,))
    login(client, "hr@example.com")
    assert (
        client.post(f"/certificates/{certified.id}/reinstate", data={"reason": "x"}).status_code
        == 403
    )


def test_hr_dashboard_filters_and_exports(
    certified: services.Certificate, client: FlaskClient
) -> None:
    make_user("hr@example.com", (Role.HR,))
    login(client, "hr@example.com")
    page = client.get("/hr/?lang=en")
    assert page.status_code == 200 and "王小雨" in page.text and "<svg" in page.text
    odd = client.get("/hr/?lang=en&team=999&status=sleeping&certification=nope&expiring=-3")
    assert odd.status_code == 200
    for message in (
        "Unknown team",
        "Unknown status",
        "Unknown certification",
        "must be between 1 and 3650",
    ):
        assert message in odd.text
    csv = client.get("/hr/export.csv?certification=basics")
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert (
        lines[0].startswith("name,email,team") and "王小雨" in lines[1] and "certified" in lines[1]
    )
    empty = client.get("/hr/export.csv?q=nobody-at-all")
    assert empty.data.decode("utf-8-sig").strip().count("\n") == 0  # just the header
    xlsx = client.get("/hr/export.xlsx?certification=basics")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "name" and rows[1][0] == "王小雨"


def test_hr_pages_are_closed_to_trainees(
    certified: services.Certificate, client: FlaskClient
) -> None:
    login(client, "trainee@example.com")
    for path in ["/hr/", "/hr/export.csv", "/hr/export.xlsx", f"/hr/person/{certified.user_id}"]:
        assert client.get(path).status_code == 403
