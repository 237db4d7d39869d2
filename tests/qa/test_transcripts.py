"""Transcripts in every form contact-centre systems export, and every way they go wrong."""

from __future__ import annotations

import json

import pytest

from trainer.qa import transcripts
from trainer.qa.transcripts import TranscriptError, parse


def messages(text: str, fmt: str | None = None) -> list[str]:
    with pytest.raises(TranscriptError) as info:
        parse(text, fmt)
    return [str(p) for p in info.value.problems]


def test_plain_text_in_both_languages_with_and_without_times(english: None) -> None:
    t = parse("坐席：您好\n\n客户：你好\n[00:12] Agent: hello\n1:02:03 Customer: hi")
    assert t.format == "text"
    assert [(x.line, x.speaker.value, x.time, x.text) for x in t.turns] == [
        (1, "agent", None, "您好"),
        (3, "customer", None, "你好"),
        (4, "agent", "00:12", "hello"),
        (5, "customer", "1:02:03", "hi"),
    ]


def test_csv_with_quoted_commas_and_empty_times(english: None) -> None:
    t = parse('speaker,time,text\nagent,00:01,"hello, there"\ncustomer,,hi\n')
    assert t.format == "csv"
    assert [(x.line, x.speaker.value, x.time, x.text) for x in t.turns] == [
        (2, "agent", "00:01", "hello, there"),
        (3, "customer", None, "hi"),
    ]


def test_json_lines_with_seconds_as_time(english: None) -> None:
    lines = [
        json.dumps({"speaker": "agent", "time": 75, "text": "您好"}, ensure_ascii=False),
        json.dumps({"speaker": "客户", "text": "hi"}, ensure_ascii=False),
    ]
    t = parse("\n".join(lines))
    assert t.format == "jsonl"
    assert [(x.speaker.value, x.time) for x in t.turns] == [("agent", "01:15"), ("customer", None)]


def test_unknown_speakers_and_bad_times_are_named_by_line(english: None) -> None:
    found = messages("Agent: hi\nSupervisor: listen\n[99:99] Customer: y\nno label here")
    assert found == [
        "line 2: unknown speaker “Supervisor” (use Agent, Customer, 坐席 or 客户)",
        "line 3: the time “99:99” is not mm:ss or hh:mm:ss",
        "line 4: the line names no speaker (start it with “Agent:” or “Customer:”)",
    ]
    assert messages("speaker,time,text\nagent,1:2:3:4,hi\nbot,,x\n") == [
        "line 2: the time “1:2:3:4” is not mm:ss or hh:mm:ss",
        "line 3: unknown speaker “bot” (use Agent, Customer, 坐席 or 客户)",
    ]
    assert (
        messages('{"speaker": "agent", "text": "hi"}\n[1, 2]\n{"speaker": "x", "text": "y"}')[0]
        == "line 2: not a JSON object"
    )


def test_size_limit_and_empty_and_no_agent(english: None) -> None:
    big = "Agent: " + "x" * transcripts.MAX_BYTES
    assert messages(big) == ["The transcript is over 200 kB."]
    assert messages("  \n") == ["The transcript is empty."]
    assert messages("Customer: hello?") == ["The transcript has no turn of the agent."]
