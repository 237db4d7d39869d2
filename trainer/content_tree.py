"""The whole content tree at once: check every file, then load it all in one transaction.

Top-level wiring (like the CLI): it reads each domain's files with that domain's loader, so a
question can be checked against the lessons and competencies it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .certification.loader import CertificationDef, read_certifications
from .certification.services import load_certifications
from .content import LANGS, ContentError, Problem
from .cues import MAX_EXCESS, Cue, measure
from .lessons.loader import CourseDef, _read_course
from .lessons.services import LoadReport, load_course
from .phrases import load_phrases
from .qa.scorecard import ScorecardDef, read_scorecards
from .qa.services import load_scorecards
from .quizzes.loader import QuestionDef, QuizDef, read_banks, read_quizzes
from .quizzes.services import BankLoadReport, load_banks
from .roleplay.definition import Scenario
from .roleplay.loader import ScenarioDef, read_scenarios
from .roleplay.services import load_scenarios


@dataclass
class ContentTree:
    course: CourseDef
    banks: dict[str, list[QuestionDef]]
    quizzes: list[QuizDef]
    scenarios: list[ScenarioDef]
    certifications: list[CertificationDef]
    scorecards: list[ScorecardDef]

    @property
    def size(self) -> int:
        return (
            len(self.course.lessons)
            + sum(len(b) for b in self.banks.values())
            + len(self.scenarios)
        )


def _read(root: Path, problems: list[Problem]) -> ContentTree | None:
    course = _read_course(root, problems)
    lessons = {lesson.id: set(lesson.competencies) for lesson in (course.lessons if course else [])}
    banks = read_banks(root, lessons, problems)
    quizzes = read_quizzes(root, banks, problems)
    phrases = load_phrases(root, problems)
    competencies = course.framework.ids if course else set()
    scenarios = read_scenarios(root, competencies, phrases, problems)
    # Scenario files that failed their checks are still known ids: no cascade of messages.
    scenario_ids = {s.id for s in scenarios} | {p.stem for p in (root / "roleplays").glob("*.yml")}
    certifications = read_certifications(
        root,
        competencies,
        [lv.id for lv in course.framework.levels] if course else [],
        {q.slug for q in quizzes},
        scenario_ids,
        problems,
    )
    scorecards = read_scorecards(root, competencies, problems)
    if course is None:
        return None
    return ContentTree(course, banks, quizzes, scenarios, certifications, scorecards)


def check_tree(root: Path) -> list[Problem]:
    problems: list[Problem] = []
    _read(root, problems)
    return sorted(set(problems))


def tree_cues(tree: ContentTree) -> list[Cue]:
    """How far "pick the longest" gets, per bank and scenario and language."""
    cues: list[Cue] = []
    for slug, questions in sorted(tree.banks.items()):
        for kind in ("single", "multiple"):
            items = [
                (
                    {lang: [o["text"][lang] for o in q.data["options"]] for lang in LANGS},
                    {i for i, o in enumerate(q.data["options"]) if o["fraction"] > 0},
                )
                for q in questions
                if q.type == kind
            ]
            cues += measure(slug, kind, items)
    for scenario in tree.scenarios:
        typed = Scenario.model_validate(scenario.data)
        items = [
            (
                {lang: [c.reply.get(lang) for c in node.choices] for lang in LANGS},
                {typed.best_choice(node)},
            )
            for node in typed.nodes.values()
            if node.choices
        ]
        cues += measure(scenario.id, "replies", items)
    return cues


def check_cues(root: Path) -> tuple[list[Cue], list[Problem]]:
    """The length cues of a content tree that has no other problems, and a problem for each
    bank or scenario whose cue is above the threshold."""
    problems: list[Problem] = []
    tree = _read(root, problems)
    if problems or tree is None:
        return [], []
    cues = tree_cues(tree)
    folder = {"replies": "roleplays"}
    return cues, [
        Problem(
            str(root / folder.get(cue.kind, "questions") / f"{cue.where}.yml"),
            1,
            f"{cue}: rewrite options so that length does not point to the key "
            f"(at most {MAX_EXCESS:.0%} above chance)",
        )
        for cue in cues
        if cue.too_high
    ]


def read_tree(root: Path) -> ContentTree:
    problems: list[Problem] = []
    tree = _read(root, problems)
    if problems or tree is None:
        raise ContentError(sorted(set(problems)))
    return tree


@dataclass
class TreeReport:
    lessons: LoadReport
    banks: BankLoadReport
    scenarios: tuple[int, int, int]  # new, changed, unchanged
    scorecards: tuple[int, int, int] = (0, 0, 0)


def load_tree(tree: ContentTree, progress: Callable[[int], None] | None = None) -> TreeReport:
    lessons = load_course(tree.course, progress=(lambda _l: progress(1)) if progress else None)
    titles = {m.id: m.title for m in tree.course.modules}
    banks = load_banks(tree.banks, tree.quizzes, titles)
    if progress:
        progress(sum(len(b) for b in tree.banks.values()))
    scenarios = load_scenarios(tree.scenarios)
    load_certifications(tree.certifications)
    scorecards = load_scorecards(tree.scorecards)
    if progress:
        progress(len(tree.scenarios))
    return TreeReport(lessons, banks, scenarios, scorecards)
