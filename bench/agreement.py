"""`python -m bench.agreement`: how often the written-reply checker agrees with the experts.

Every file in tests/roleplay/labelled/ holds replies an expert has labelled (verdict, whether a
phrase to avoid was written, whether it was a critical one). Each reply is scored by the checker
against the real content/ tree, and the report gives, per scenario and overall: exact verdict
agreement, strong↔weak confusions, forbidden-phrase recall, false flags on clean replies and
critical recall. The thresholds the checker must meet are issue 12's (see docs/decisions.md).

Exit status: 0 when every target is met, 1 when one is missed (each is named on a FAIL: line),
fewer than MIN_REPLIES replies are labelled or a labelled file has a problem. `--quiet` leaves
out the list of disagreements; `--labelled DIR` reads another folder of labelled replies.
tests/roleplay/test_agreement.py runs the same computation under pytest.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from trainer.content import Problem, Schema, read_yaml
from trainer.phrases import PhraseBook
from trainer.roleplay import checker
from trainer.roleplay.definition import Scenario
from trainer.roleplay.scoring_cli import load_scenario

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = REPO_ROOT / "content"
LABELLED_DIR = REPO_ROOT / "tests" / "roleplay" / "labelled"

VERDICTS = ("strong", "adequate", "weak")
KEYS = ("node", "lang", "kind", "verdict", "forbidden", "critical", "text")

# What the checker must reach (issue 12).
MIN_AGREEMENT = 0.85
MAX_STRONG_WEAK = 0
MIN_FORBIDDEN_RECALL = 0.95
MAX_FALSE_FLAGS = 0.02
MIN_REPLIES = 300


@dataclass(frozen=True)
class Labelled:
    scenario: str
    node: str
    lang: str
    kind: str
    verdict: str
    forbidden: bool
    critical: bool
    text: str
    where: str  # file:line, for the report


@dataclass(frozen=True)
class Scored:
    reply: Labelled
    check: checker.ReplyCheck

    @property
    def flagged(self) -> bool:
        return bool(self.check.avoided)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Tally:
    replies: int = 0
    agree: int = 0
    strong_weak: int = 0
    forbidden: int = 0  # replies labelled forbidden: true
    forbidden_found: int = 0
    clean: int = 0  # replies labelled forbidden: false
    false_flags: int = 0
    critical: int = 0
    critical_found: int = 0
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)  # (expert, checker)

    def add(self, s: Scored) -> None:
        expert, got = s.reply.verdict, s.check.verdict
        self.replies += 1
        self.agree += expert == got
        self.strong_weak += {expert, got} == {"strong", "weak"}
        self.confusion[(expert, got)] = self.confusion.get((expert, got), 0) + 1
        if s.reply.forbidden:
            self.forbidden += 1
            self.forbidden_found += s.flagged
        else:
            self.clean += 1
            self.false_flags += s.flagged
        if s.reply.critical:
            self.critical += 1
            self.critical_found += s.check.critical is not None

    @property
    def agreement(self) -> float | None:
        return _ratio(self.agree, self.replies)

    @property
    def forbidden_recall(self) -> float | None:
        return _ratio(self.forbidden_found, self.forbidden)

    @property
    def false_flag_rate(self) -> float | None:
        return _ratio(self.false_flags, self.clean)

    @property
    def critical_recall(self) -> float | None:
        return _ratio(self.critical_found, self.critical)


def read_labelled(folder: Path, problems: list[Problem]) -> list[Labelled]:
    """Every labelled reply in the folder; a malformed entry is a problem (file and line)."""
    out: list[Labelled] = []
    for file in sorted(folder.glob("*.yml")):
        shown = str(file.relative_to(REPO_ROOT)) if file.is_relative_to(REPO_ROOT) else str(file)
        doc = read_yaml(file, shown, problems)
        if doc is None:
            continue
        s = Schema(doc, problems)
        top = s.mapping((), doc.data, ("scenario", "replies"), what="a labelled file")
        if top is None or "scenario" not in top:
            continue
        if not isinstance(top.get("replies"), list):
            s.problem(("replies",), "replies must be a list")
            continue
        for i, raw in enumerate(top["replies"]):
            entry = s.mapping(("replies", i), raw, KEYS, what="a labelled reply")
            if entry is None or any(k not in entry for k in KEYS):
                continue
            ok = True
            if entry["lang"] not in ("zh", "en"):
                s.problem(("replies", i, "lang"), "lang is zh or en")
                ok = False
            if entry["verdict"] not in VERDICTS:
                s.problem(("replies", i, "verdict"), "verdict is strong, adequate or weak")
                ok = False
            for key in ("forbidden", "critical"):
                if not isinstance(entry[key], bool):
                    s.problem(("replies", i, key), f"{key} is true or false")
                    ok = False
            if entry["critical"] is True and entry["forbidden"] is False:
                s.problem(("replies", i, "critical"), "a critical phrase is a forbidden phrase")
                ok = False
            text = s.text(("replies", i, "text"), entry["text"], "the reply")
            if not ok or text is None:
                continue
            out.append(
                Labelled(
                    str(top["scenario"]),
                    str(entry["node"]),
                    entry["lang"],
                    str(entry["kind"]),
                    entry["verdict"],
                    entry["forbidden"],
                    entry["critical"],
                    text,
                    f"{shown}:{doc.line('replies', i)}",
                )
            )
    return out


def score_all(replies: Iterable[Labelled], content: Path, problems: list[Problem]) -> list[Scored]:
    """Each reply scored by the checker; an unknown scenario or node is a problem."""
    loaded: dict[str, tuple[Scenario, PhraseBook] | None] = {}
    out: list[Scored] = []
    for reply in replies:
        if reply.scenario not in loaded:
            try:
                loaded[reply.scenario] = load_scenario(content, reply.scenario)
            except ValueError as exc:
                problems.append(Problem(reply.where, 0, str(exc)))
                loaded[reply.scenario] = None
        entry = loaded[reply.scenario]
        if entry is None:
            continue
        scenario, book = entry
        node = scenario.nodes.get(reply.node)
        if node is None or node.free_text is None:
            problems.append(
                Problem(reply.where, 0, f"“{reply.scenario}” has no free-text node “{reply.node}”")
            )
            continue
        check = checker.check_reply(scenario, node.free_text, reply.text, reply.lang, book)
        out.append(Scored(reply, check))
    return out


def tally(scored: Iterable[Scored]) -> tuple[dict[str, Tally], Tally]:
    per: dict[str, Tally] = {}
    overall = Tally()
    for s in scored:
        per.setdefault(s.reply.scenario, Tally()).add(s)
        overall.add(s)
    return dict(sorted(per.items())), overall


def _pct(value: float | None) -> str:
    return "   —  " if value is None else f"{100 * value:5.1f}%"


def report(scored: list[Scored], details: bool = True) -> str:
    per, overall = tally(scored)
    head = (
        f"{'scenario':<24} {'replies':>7} {'agree':>7} {'s↔w':>4} "
        f"{'forbid.recall':>13} {'false flags':>11} {'crit.recall':>11}"
    )
    lines = ["Checker against expert labels", head, "-" * len(head)]

    def row(name: str, t: Tally) -> str:
        return (
            f"{name:<24} {t.replies:>7} {_pct(t.agreement):>7} {t.strong_weak:>4} "
            f"{_pct(t.forbidden_recall) + f' {t.forbidden_found}/{t.forbidden}':>13} "
            f"{_pct(t.false_flag_rate) + f' {t.false_flags}/{t.clean}':>11} "
            f"{_pct(t.critical_recall) + f' {t.critical_found}/{t.critical}':>11}"
        )

    lines.extend(row(name, t) for name, t in per.items())
    lines.append("-" * len(head))
    lines.append(row("overall", overall))
    lines.append("")
    lines.append("confusion (expert → checker):")
    for expert in VERDICTS:
        cells = "  ".join(f"{got} {overall.confusion.get((expert, got), 0):>3}" for got in VERDICTS)
        lines.append(f"  {expert:<9} {cells}")
    if details:
        misses = [s for s in scored if _disagrees(s)]
        if misses:
            lines.append("")
            lines.append("disagreements:")
        for s in misses:
            r, c = s.reply, s.check
            said = ", ".join(f"{a.phrase}「{a.said}」" for a in c.avoided) or "no phrase"
            lines.append(
                f"  {r.where} {r.node}/{r.lang}/{r.kind}: expert {r.verdict}"
                f"{' forbidden' if r.forbidden else ''}, checker {c.verdict} "
                f"({100 * c.coverage:.0f}% of items; {said}"
                f"{'; ' + ', '.join(c.flags) if c.flags else ''})"
            )
    return "\n".join(lines)


def _disagrees(s: Scored) -> bool:
    return s.reply.verdict != s.check.verdict or s.reply.forbidden != s.flagged


def failures(overall: Tally) -> list[str]:
    """The thresholds the checker misses, worded for a person."""
    out = []
    if overall.replies < MIN_REPLIES:
        out.append(f"only {overall.replies} labelled replies (at least {MIN_REPLIES} needed)")
    if (overall.agreement or 0.0) < MIN_AGREEMENT:
        out.append(f"agreement {_pct(overall.agreement)} below {100 * MIN_AGREEMENT:.0f}%")
    if overall.strong_weak > MAX_STRONG_WEAK:
        out.append(f"{overall.strong_weak} strong↔weak confusions")
    recall = overall.forbidden_recall
    if recall is not None and recall < MIN_FORBIDDEN_RECALL:
        out.append(f"forbidden recall {_pct(recall)} below {100 * MIN_FORBIDDEN_RECALL:.0f}%")
    flags = overall.false_flag_rate
    if flags is not None and flags > MAX_FALSE_FLAGS:
        out.append(f"false flags {_pct(flags)} above {100 * MAX_FALSE_FLAGS:.0f}%")
    return out


def run(
    content: Path | None = None, labelled: Path | None = None
) -> tuple[list[Scored], list[Problem]]:
    """Every labelled reply scored, and the problems met reading them."""
    problems: list[Problem] = []
    replies = read_labelled(labelled or LABELLED_DIR, problems)
    scored = score_all(replies, content or CONTENT_DIR, problems)
    return scored, problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    labelled = None
    if "--labelled" in args:
        at = args.index("--labelled") + 1
        if at >= len(args):
            print("--labelled needs a folder", file=sys.stderr)
            return 2
        labelled = Path(args[at])
    scored, problems = run(labelled=labelled)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(report(scored, details="--quiet" not in args))
    missed = failures(tally(scored)[1])
    for line in missed:
        print(f"FAIL: {line}")
    return 1 if problems or missed else 0


if __name__ == "__main__":
    sys.exit(main())
