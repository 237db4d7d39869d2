"""Reading a transcript as contact-centre systems give it: plain text, CSV or JSON lines.

The transcript is kept as written; these turns are what the reviewer reads line by line and
what the checker reads (the agent's turns). Every problem names its line, so a reviewer can fix
an export before anything is stored.

- plain text: one turn per line, ``Agent: …`` / ``Customer: …`` / ``坐席：…`` / ``客户：…``,
  optionally after a time, ``[00:12] Agent: …`` or ``00:12 Agent: …``;
- CSV: a header ``speaker,time,text`` (time may be empty), one turn per row;
- JSON lines: one object per line, ``{"speaker": …, "time": …, "text": …}`` (time optional,
  a string ``mm:ss`` or a number of seconds).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from .models import Speaker

MAX_BYTES = 200 * 1024
MAX_TURNS = 2000
FORMATS = ("text", "csv", "jsonl")

SPEAKERS: dict[str, Speaker] = {
    "agent": Speaker.AGENT,
    "坐席": Speaker.AGENT,
    "客服": Speaker.AGENT,
    "customer": Speaker.CUSTOMER,
    "客户": Speaker.CUSTOMER,
}
TIME = re.compile(r"^(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)$")
TEXT_LINE = re.compile(
    r"^\s*(?:\[(?P<bracketed>[^\]]{1,12})\]\s*|(?P<bare>\d{1,2}(?::\d{1,2}){1,2})\s+)?"
    r"(?P<speaker>[^:：\s][^:：]{0,19}?)\s*[:：]\s*(?P<text>.*)$"
)


@dataclass(frozen=True)
class Turn:
    line: int  # line of the transcript as written (1-based)
    speaker: Speaker
    time: str | None
    text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "speaker": self.speaker.value,
            "time": self.time,
            "text": self.text,
        }


@dataclass(frozen=True)
class LineProblem:
    line: int  # 0: the transcript as a whole
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return str(_l("line %(n)d: %(message)s", n=self.line, message=self.message))


class TranscriptError(ValueError):
    def __init__(self, problems: list[LineProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Transcript:
    format: str
    turns: list[Turn]


def detect_format(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{"):
        return "jsonl"
    if [h.strip().lower() for h in first.split(",")][:3] == ["speaker", "time", "text"]:
        return "csv"
    return "text"


def _time(raw: Any, line: int, problems: list[LineProblem]) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 0 <= raw < 360000:
        seconds = int(raw)
        hours, rest = divmod(seconds, 3600)
        return (
            f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
            if hours
            else f"{rest // 60:02d}:{rest % 60:02d}"
        )
    value = str(raw).strip()
    if not TIME.match(value):
        problems.append(
            LineProblem(line, str(_l("the time “%(t)s” is not mm:ss or hh:mm:ss", t=value[:20])))
        )
        return None
    return value


def _speaker(raw: Any, line: int, problems: list[LineProblem]) -> Speaker | None:
    speaker = SPEAKERS.get(str(raw or "").strip().lower())
    if speaker is None:
        problems.append(
            LineProblem(
                line,
                str(
                    _l(
                        "unknown speaker “%(s)s” (use Agent, Customer, 坐席 or 客户)",
                        s=str(raw or "")[:30],
                    )
                ),
            )
        )
    return speaker


def _turn(
    line: int, speaker_raw: Any, time_raw: Any, text_raw: Any, problems: list[LineProblem]
) -> Turn | None:
    before = len(problems)
    speaker = _speaker(speaker_raw, line, problems)
    time = _time(time_raw, line, problems)
    text = str(text_raw or "").strip() if not isinstance(text_raw, dict | list) else ""
    if not text:
        problems.append(LineProblem(line, str(_l("the turn has no text"))))
    if len(problems) > before or speaker is None:
        return None
    return Turn(line, speaker, time, text)


def _plain(text: str, problems: list[LineProblem]) -> list[Turn]:
    turns = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = TEXT_LINE.match(raw)
        if match is None:
            problems.append(
                LineProblem(
                    number,
                    str(_l("the line names no speaker (start it with “Agent:” or “Customer:”)")),
                )
            )
            continue
        when = match.group("bracketed") or match.group("bare")
        turn = _turn(number, match.group("speaker"), when, match.group("text"), problems)
        if turn:
            turns.append(turn)
    return turns


def _csv(text: str, problems: list[LineProblem]) -> list[Turn]:
    reader = csv.reader(io.StringIO(text))
    turns = []
    header_seen = False
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not header_seen:
                header_seen = True
                if [c.strip().lower() for c in row] != ["speaker", "time", "text"]:
                    problems.append(
                        LineProblem(line, str(_l("the first row is the header speaker,time,text")))
                    )
                    return []
                continue
            if len(row) != 3:
                problems.append(
                    LineProblem(
                        line, str(_l("a row has speaker, time and text: %(n)d cells", n=len(row)))
                    )
                )
                continue
            turn = _turn(line, row[0], row[1], row[2], problems)
            if turn:
                turns.append(turn)
    except csv.Error as exc:
        problems.append(LineProblem(reader.line_num, str(_l("not valid CSV: %(e)s", e=str(exc)))))
    return turns


def _jsonl(text: str, problems: list[LineProblem]) -> list[Turn]:
    turns = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError:
            problems.append(LineProblem(number, str(_l("not a JSON object"))))
            continue
        if not isinstance(item, dict):
            problems.append(LineProblem(number, str(_l("not a JSON object"))))
            continue
        turn = _turn(number, item.get("speaker"), item.get("time"), item.get("text"), problems)
        if turn:
            turns.append(turn)
    return turns


READERS = {"text": _plain, "csv": _csv, "jsonl": _jsonl}


def parse(text: str, fmt: str | None = None) -> Transcript:
    """The turns of a transcript, or TranscriptError with every problem and its line."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise TranscriptError(
            [LineProblem(0, str(_l("The transcript is over %(kb)d kB.", kb=MAX_BYTES // 1024)))]
        )
    text = text.lstrip("\ufeff")
    fmt = fmt or detect_format(text)
    problems: list[LineProblem] = []
    turns = READERS[fmt](text, problems)
    if not problems and not turns:
        problems.append(LineProblem(0, str(_l("The transcript is empty."))))
    if len(turns) > MAX_TURNS:
        problems.append(LineProblem(0, str(_l("At most %(n)d turns.", n=MAX_TURNS))))
    if not problems and not any(t.speaker == Speaker.AGENT for t in turns):
        problems.append(LineProblem(0, str(_l("The transcript has no turn of the agent."))))
    if problems:
        raise TranscriptError(problems[:50])
    return Transcript(fmt, turns)
