"""Exports a spreadsheet can trust: formulas neutralised, numbers numbers, dates dates."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.certification.test_services import pass_quiz
from tests.conftest import login, make_team, make_user
from tests.content_factory import make_full_tree
from trainer.auth.models import Role
from trainer.content_tree import load_tree, read_tree
from trainer.exports import csv_chunks, display_width, neutralise, xlsx_bytes

EVIL = [
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "|calc",
    "%0A=1",
]
ORDINARY = ["王小雨", "Anna-Lena O'Brien", "李 明", "-12.5", "plain text"]


def test_neutralise_prefixes_only_dangerous_starts() -> None:
    for text in EVIL:
        assert neutralise(text) == "'" + text
    for text in ORDINARY:
        assert neutralise(text) == text


def _csv_rows(header: list[str], rows: list[list[object]]) -> list[list[str]]:
    text = "".join(csv_chunks(header, rows))  # type: ignore[arg-type]
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_cells_never_start_a_formula_and_keep_ordinary_values() -> None:
    rows = [[name, -3, 2.5, date(2027, 1, 31)] for name in EVIL + ORDINARY]
    read = _csv_rows(["name", "delta", "score", "expires"], rows)
    assert read[0] == ["name", "delta", "score", "expires"]
    for (name, *_rest), got in zip(rows, read[1:], strict=True):
        assert not got[0].startswith(("=", "+", "-", "@", "\t", "\r", "|", "%")) or got[0] in (
            ORDINARY
        )
        assert got[0].removeprefix("'") == name
        assert got[1:] == ["-3", "2.5", "2027-01-31"]
    assert [r[0] for r in read[len(EVIL) + 1 :]] == ORDINARY


def test_xlsx_types_cells_freezes_the_header_and_fits_columns() -> None:
    moment = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
    rows = [[name, -3, 0.75, date(2027, 1, 31), moment] for name in EVIL + ORDINARY]
    data = xlsx_bytes("people", ["name", "delta", "score", "expires", "at (UTC)"], rows)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    for row in sheet.iter_rows(min_row=2):
        name, delta, score, expires, at = row
        assert name.data_type == "s" and not str(name.value).startswith("=")
        assert delta.data_type == "n" and delta.value == -3
        assert score.value == 0.75
        assert expires.is_date and expires.value.date() == date(2027, 1, 31)
        assert at.is_date and at.value == datetime(2026, 12, 7, 8, 30)
    names = [c.value for c in sheet["A"][1:]]
    # XML turns a carriage return into a line feed; the apostrophe in front is what matters.
    assert names == [neutralise(n).replace("\r", "\n") for n in EVIL + ORDINARY]
    assert "王小雨" in names and "-12.5" in names
    widest = max(display_width(neutralise(n)) for n in EVIL + ORDINARY)
    assert sheet.column_dimensions["A"].width == widest + 2
    assert sheet.column_dimensions["D"].width == len("2027-01-31") + 2


def test_display_width_counts_chinese_as_double() -> None:
    assert display_width("王小雨") == 6 and display_width("abc") == 3


def test_hr_exports_neutralise_a_hostile_name(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_tree(read_tree(make_full_tree(tmp_path)))
    team = make_team("=cmd|' /C calc'!A0")
    evil = make_user("evil@example.com", name=EVIL[0], team=team)
    pass_quiz(evil.id)
    make_user("plain@example.com", name="Anna-Lena", team=team)
    make_user("hr@example.com", (Role.HR,))
    login(client, "hr@example.com")

    text = client.get("/hr/export.csv?certification=basics").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_email = {r["email"]: r for r in rows}
    assert by_email["evil@example.com"]["name"] == "'" + EVIL[0]
    assert by_email["evil@example.com"]["team"] == "'=cmd|' /C calc'!A0"
    assert by_email["plain@example.com"]["name"] == "Anna-Lena"
    expires = by_email["evil@example.com"]["expires"]
    assert date.fromisoformat(expires) > date.today()

    data = client.get("/hr/export.xlsx?certification=basics").data
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)
        record = dict(zip(header, row, strict=True))
        if record["email"].value == "evil@example.com":
            assert record["name"].value == "'" + EVIL[0]
            assert record["expires"].is_date
        else:
            assert record["name"].value == "Anna-Lena" and record["expires"].value is None
