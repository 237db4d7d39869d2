"""The written-reply checker against the experts' labels (issue 12), as `python -m bench.agreement`
computes it: the same targets, and the bench's exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import agreement

LABELLED_REPLY = """\
scenario: late-repair
replies:
  - node: close
    lang: zh
    kind: over-promise
    verdict: weak
    forbidden: true
    critical: false
    text: 明天见，我保证明天一定修好。
"""


def test_the_checker_meets_the_targets_on_the_labelled_replies():
    scored, problems = agreement.run()
    assert problems == [], "\n".join(str(p) for p in problems)
    overall = agreement.tally(scored)[1]
    if overall.replies < agreement.MIN_REPLIES:
        pytest.skip(
            f"only {overall.replies} labelled replies in tests/roleplay/labelled "
            f"(the targets are judged on at least {agreement.MIN_REPLIES})"
        )
    assert agreement.failures(overall) == [], agreement.report(scored)
    assert (overall.agreement or 0.0) >= agreement.MIN_AGREEMENT
    assert overall.strong_weak <= agreement.MAX_STRONG_WEAK
    assert (overall.forbidden_recall or 0.0) >= agreement.MIN_FORBIDDEN_RECALL
    assert (overall.false_flag_rate or 0.0) <= agreement.MAX_FALSE_FLAGS


def test_each_missed_target_is_named():
    met = agreement.Tally(replies=300, agree=300, forbidden=40, forbidden_found=40, clean=260)
    assert agreement.failures(met) == []
    missed = agreement.Tally(
        replies=300,
        agree=250,
        strong_weak=1,
        forbidden=40,
        forbidden_found=37,
        clean=260,
        false_flags=6,
    )
    named = " / ".join(agreement.failures(missed))
    for words in ("agreement", "strong↔weak", "forbidden recall", "false flags"):
        assert words in named
    few = agreement.Tally(replies=10, agree=10)
    assert "labelled replies" in " / ".join(agreement.failures(few))


def test_the_bench_exits_non_zero_on_a_missed_target_and_zero_when_all_are_met(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / "late-repair.yml").write_text(LABELLED_REPLY, encoding="utf-8")
    args = ["--quiet", "--labelled", str(tmp_path)]
    assert agreement.main(args) == 1  # one reply is far fewer than MIN_REPLIES
    assert "FAIL: only 1 labelled replies" in capsys.readouterr().out
    monkeypatch.setattr(agreement, "MIN_REPLIES", 1)
    assert agreement.main(args) == 0
    assert "FAIL" not in capsys.readouterr().out
    (tmp_path / "late-repair.yml").write_text(
        LABELLED_REPLY.replace("verdict: weak", "verdict: strong"), encoding="utf-8"
    )
    assert agreement.main(args) == 1  # expert strong, checker weak
    assert "strong↔weak" in capsys.readouterr().out
