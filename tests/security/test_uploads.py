"""Oversized and malformed files in every upload field: each answered with a readable message in
the person's language, nothing stored, never a 500 or a traceback.

The upload fields are the user CSV import (admin) and the GIFT bank import (instructor). A new
upload field belongs in UPLOADS: the route test below fails when a form with a file input is not
listed here."""

from __future__ import annotations

import importlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import login, make_user
from trainer.auth.models import Role, User
from trainer.extensions import db
from trainer.qa.models import Interaction
from trainer.quizzes.models import Question

# Werkzeug's test client spools a large request body to a temporary file it never closes; that
# warning is about the test's client, not the app (the app closes its uploads in teardown).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@dataclass(frozen=True)
class Upload:
    path: str
    role: Role
    field: str
    filename: str
    extra: dict[str, str]
    stored: Any  # the model whose row count must not change

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.stored)) or 0


COVERED_FORMS = {"ImportUsersForm", "GiftImportForm", "ImportForm", "InteractionForm"}
UPLOADS = [
    Upload("/admin/import", Role.ADMIN, "file", "people.csv", {}, User),
    Upload("/quizzes/banks/", Role.INSTRUCTOR, "file", "bank.gift.txt", {"bank": "b"}, Question),
    Upload("/qa/import", Role.QA, "file", "calls.csv", {}, Interaction),
    Upload(
        "/qa/new",
        Role.QA,
        "upload",
        "call.txt",
        {"agent_email": "agent@example.com", "channel": "voice", "occurred_on": "2026-12-01"}
        | {"reference": "C-1"},
        Interaction,
    ),
]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
BAD_UTF8 = b"email,display_name,roles\n" + b"\xff\xfe\xc3(\x80abc\n"
MALFORMED = {
    "empty": b"",
    "whitespace": b" \n\t\n",
    "binary": PNG,
    "invalid-utf8": BAD_UTF8,
    "nul-bytes": b"email,display_name\x00,roles\n\x00\x00\x00\n",
    "one-huge-line": b"a" * (2 * 1024 * 1024),
    "utf16": "email,display_name,roles\n王@example.com,王,trainee\n".encode("utf-16"),
    "only-bom": b"\xef\xbb\xbf",
}


# Text without braces is a GIFT "description" item: importing it is the format's rule, not a leak.
GIFT_DESCRIPTIONS = {"one-huge-line", "utf16"}


def _post(client: FlaskClient, upload: Upload, data: bytes, filename: str | None = None) -> Any:
    return client.post(
        upload.path + "?lang=zh",
        data={**upload.extra, upload.field: (io.BytesIO(data), filename or upload.filename)},
        content_type="multipart/form-data",
    )


def _sign_in(client: FlaskClient, upload: Upload) -> None:
    make_user("staff@example.com", roles=(upload.role,))
    login(client, "staff@example.com")


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text
    assert "Internal Server Error" not in text
    assert 'File "/' not in text


@pytest.mark.parametrize("upload", UPLOADS, ids=lambda u: u.path)
@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_a_malformed_file_is_refused_with_a_message(
    app: Flask, client: FlaskClient, upload: Upload, kind: str
) -> None:
    _sign_in(client, upload)
    before = upload.count()
    response = _post(client, upload, MALFORMED[kind])
    assert response.status_code in (200, 400), response.status_code
    _no_traceback(response.text)
    if not (upload.stored is Question and kind in GIFT_DESCRIPTIONS):
        assert upload.count() == before
    # The page says something in Chinese about the file, not just the bare form again.
    assert re.search(r"文件|行|编码|空|UTF-8|GBK|没有", response.text)
    assert 'lang="zh' in response.text


@pytest.mark.parametrize("upload", UPLOADS, ids=lambda u: u.path)
def test_a_file_over_the_request_limit_gets_a_readable_413(
    app: Flask, client: FlaskClient, upload: Upload
) -> None:
    _sign_in(client, upload)
    before = upload.count()
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = _post(client, upload, too_big)
    assert response.status_code == 413
    _no_traceback(response.text)
    assert "文件" in response.text  # "文件过大", in the person's language
    assert upload.count() == before


def test_a_gift_file_over_its_own_limit_is_refused_by_the_form(
    app: Flask, client: FlaskClient
) -> None:
    upload = UPLOADS[1]
    _sign_in(client, upload)
    response = _post(client, upload, b"::q:: x {T}\n" * (5 * 1024 * 1024 // 12 + 10))
    assert response.status_code == 200
    assert "5 MB" in response.text
    assert upload.count() == 0


@pytest.mark.parametrize("upload", UPLOADS, ids=lambda u: u.path)
@pytest.mark.parametrize(
    "filename", ["../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "a\x00.csv", "x" * 5000]
)
def test_a_hostile_file_name_is_never_used_as_a_path(
    app: Flask, client: FlaskClient, upload: Upload, filename: str
) -> None:
    _sign_in(client, upload)
    response = _post(client, upload, b"email,display_name,roles\n", filename=filename)
    assert response.status_code in (200, 400)
    _no_traceback(response.text)
    assert "passwd" not in response.text and "shadow" not in response.text


def test_a_csv_with_too_many_rows_stores_nothing(app: Flask, client: FlaskClient) -> None:
    from trainer.auth.services import CSV_MAX_ROWS

    upload = UPLOADS[0]
    _sign_in(client, upload)
    rows = "".join(f"u{i}@example.com,U{i},trainee\n" for i in range(CSV_MAX_ROWS + 1))
    response = _post(client, upload, ("email,display_name,roles\n" + rows).encode())
    assert response.status_code == 200
    assert str(CSV_MAX_ROWS) in response.text
    assert upload.count() == 1  # only the admin who uploaded


def test_every_upload_form_is_in_the_attack_list() -> None:
    """A form with a file field that is not covered above fails here, so it gets the suite."""
    from flask_wtf import FlaskForm
    from flask_wtf.file import FileField

    import trainer

    root = Path(trainer.__file__).parent
    forms = set()
    for path in root.rglob("forms.py"):
        module = importlib.import_module(
            ".".join(path.relative_to(root.parent).with_suffix("").parts)
        )
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, FlaskForm) and value is not FlaskForm:
                fields = vars(value).values()
                if any(getattr(f, "field_class", None) is FileField for f in fields):
                    forms.add(name)
    assert forms == COVERED_FORMS, "upload forms changed: add them to UPLOADS and COVERED_FORMS"
