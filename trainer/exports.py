"""Every CSV and XLSX file the site hands out is written here, under one rule for cell values.

The rule (OWASP, "CSV Injection"): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
carriage return — and, as `defusedcsv` adds, `|` or `%` — could be read by a spreadsheet as a
formula, so it gets a leading apostrophe and is always stored as text. Text that is only a
number ("-12.5") is left alone, and real numbers are never touched: a negative score stays a
number. XLSX cells get the same apostrophe, so a sheet saved again as CSV stays safe. Dates are
real date cells in XLSX and ISO 8601 text in CSV.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice

from defusedcsv import csv as defused_csv
from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

Cell = str | int | float | Decimal | date | datetime | None

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")
_PLAIN_NUMBER = re.compile(r"^-?[0-9,.]+$")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Column widths come from the header and this many first rows: enough to fit real data without
# holding a large export in memory before the first byte is written.
WIDTH_SAMPLE = 1000
MAX_WIDTH = 60


def neutralise(text: str) -> str:
    """The text as a spreadsheet will show it and never evaluate it."""
    if text.startswith(DANGEROUS_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _naive_utc(moment: datetime) -> datetime:
    # Spreadsheets have no time zones; the headers of exports with times say "UTC".
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def csv_text(value: Cell) -> str | int | float | Decimal:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _naive_utc(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], chunk_size: int = 64_000
) -> Iterator[str]:
    """The CSV file in pieces of about `chunk_size` characters, starting with a BOM.

    The BOM makes Excel read the Chinese as UTF-8. Cells pass `neutralise` first and then
    `defusedcsv`'s writer, which refuses the same starts again should a cell ever bypass it.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = defused_csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
        if buffer.tell() > chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters are about two Latin ones wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return "0000-00-00 00:00:00"
    if isinstance(value, date):
        return "0000-00-00"
    return neutralise(value) if isinstance(value, str) else str(value)


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet: header row frozen, columns as wide as their content, typed cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit on sheet names
    iterator = iter(rows)
    sample = list(islice(iterator, WIDTH_SAMPLE))
    widths = [display_width(h) for h in header]
    for row in sample:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], display_width(_shown(value)))
            else:
                widths.append(display_width(_shown(value)))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"

    def cell(value: Cell) -> WriteOnlyCell:
        if isinstance(value, str):
            text = WriteOnlyCell(sheet, value=neutralise(value))
            text.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            return text
        if isinstance(value, datetime):
            moment = WriteOnlyCell(sheet, value=_naive_utc(value))
            moment.number_format = DATETIME_FORMAT
            return moment
        if isinstance(value, date):
            day = WriteOnlyCell(sheet, value=value)
            day.number_format = DATE_FORMAT
            return day
        return WriteOnlyCell(sheet, value=value)

    sheet.append([cell(h) for h in header])
    for row in sample:
        sheet.append([cell(v) for v in row])
    for row in iterator:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename={filename}"}


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    """A streamed CSV download (rows are read while the file is sent)."""
    return Response(
        stream_with_context(csv_chunks(header, rows)),
        mimetype=CSV_MIMETYPE,
        headers=_attachment(filename),
    )


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> Response:
    return Response(
        xlsx_bytes(title, header, rows), mimetype=XLSX_MIMETYPE, headers=_attachment(filename)
    )
