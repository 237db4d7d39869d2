"""`trainer import-interactions FILE` and the service behind it: a report per row, and a
refused row stores nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from tests.qa.conftest import VOICE_CALL, People
from trainer.extensions import db
from trainer.qa import services
from trainer.qa.models import Interaction


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["agent email", "channel", "date", "reference", "transcript"])
    writer.writerows(rows)
    return out.getvalue()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Interaction)) or 0


def test_the_service_stores_good_rows_and_refuses_bad_ones_whole(
    people: People, english: None
) -> None:
    good = ["agent@example.com", "voice", "2026-12-01", "C-1", VOICE_CALL]
    chat = ["agent@example.com", "chat", "2026-12-02", "T-9", "Agent: hi\nCustomer: hello"]
    rows = [
        good,
        ["agent@example.com", "voice", "2026-13-01", "C-2", "Agent: hi\nBoss: x"],
        ["nobody@example.com", "fax", "2026-12-01", "C-3", "Agent: hi"],
        ["agent@example.com", "voice", "2026-12-01", "C-1", "Agent: hi"],
        chat,
    ]
    report = services.import_interactions(csv_text(rows), people.reviewer)
    assert [(r.line, r.reference, r.stored) for r in report.rows] == [
        (2, "C-1", True),
        (9, "C-2", False),
        (11, "C-3", False),
        (12, "C-1", False),
        (13, "T-9", True),
    ]
    assert report.rows[1].problems == [
        "The date “2026-13-01” is not YYYY-MM-DD.",
        "line 2: unknown speaker “Boss” (use Agent, Customer, 坐席 or 客户)",
    ]
    assert "The channel is voice, chat or email, not “fax”." in report.rows[2].problems
    assert count() == 2
    stored = db.session.scalar(select(Interaction).where(Interaction.reference == "C-1"))
    assert stored is not None and stored.transcript == VOICE_CALL
    assert stored.turns[0] == {
        "line": 1,
        "speaker": "agent",
        "time": "00:00",
        "text": "您好，这里是客服热线，我是工号5207，请问有什么可以帮您？",
    }
    # Importing the same file again refuses every row: the references are taken.
    again = services.import_interactions(csv_text([good, chat]), people.reviewer)
    assert [r.stored for r in again.rows] == [False, False] and count() == 2


def test_a_file_without_the_columns_stores_nothing(people: People, english: None) -> None:
    report = services.import_interactions("a,b\n1,2\n", people.reviewer)
    assert report.refused == 1 and report.rows == [] and count() == 0


def test_the_command_reports_each_row_and_exits_non_zero_on_a_refusal(
    app: Flask, people: People, tmp_path: Path
) -> None:
    file = tmp_path / "calls.csv"
    file.write_text(
        csv_text(
            [
                ["agent@example.com", "voice", "2026-12-01", "C-1", VOICE_CALL],
                ["agent@example.com", "email", "2026-12-01", "E-1", "客户：发票呢？\nMgr: x"],
            ]
        ),
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-interactions", str(file), "--by", "qa1@example.com"])
    assert result.exit_code == 1
    assert f"{file}:2: C-1: stored" in result.output
    # The report is in the site's default language (Chinese), like the other commands'.
    assert "E-1: refused: 第 2 行：未知的说话人“Mgr”" in result.output
    assert "1 stored, 1 refused." in result.output
    assert db.session.scalar(select(Interaction.reference)) == "C-1"
    ok = tmp_path / "ok.csv"
    ok.write_text(
        csv_text([["agent@example.com", "chat", "2026-12-03", "T-1", "Agent: hi"]]),
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-interactions", str(ok)])
    assert result.exit_code == 0, result.output
    assert count() == 2
