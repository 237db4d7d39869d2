"""A QA scorecard as typed objects, built on the role-play rubric model, and its file reader.

The scorecard's criteria *are* role-play criteria (same levels, sections, weights and
competency) with what a reviewer needs besides: objective or subjective, whether N/A is allowed,
guidance, and a checklist for the role-play checker. Its checklist becomes one free-text turn of
the checker, so the words that score a written role-play reply are the words that suggest a
level on a real call (content/scorecards/README.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from ..content import Problem, read_yaml
from ..roleplay.definition import (
    ChecklistItem,
    Criterion,
    CriticalError,
    FreeText,
    Model,
    Slug,
    Text,
)

FOLDER = "scorecards"


class ScorecardItem(Model):
    id: str = Slug
    what: Text
    zh: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0, le=10)


class ScorecardCriterion(Criterion):
    kind: Literal["objective", "subjective"]
    na_allowed: bool
    guidance: Text
    checklist: list[ScorecardItem] = Field(default_factory=list)

    @property
    def level_values(self) -> list[int]:
        return [level.min for level in self.levels]


class ScorecardError(CriticalError):
    zero: bool = Field(default=False, description="also sets the total to 0")


class Scorecard(Model):
    id: str = Slug
    title: Text
    channel: Literal["voice", "written"]
    summary: Text
    pass_mark: int = Field(ge=0, le=100)
    criteria: list[ScorecardCriterion] = Field(min_length=1)
    critical_errors: list[ScorecardError] = Field(default_factory=list)

    def criterion(self, criterion_id: str) -> ScorecardCriterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def critical_error(self, error_id: str) -> ScorecardError | None:
        return next((e for e in self.critical_errors if e.id == error_id), None)

    def phrase_error(self) -> str | None:
        """The checker asks which critical error a never-say phrase raises: on a real call the
        reviewer decides (the phrase is shown beside the critical errors), so none is raised."""
        return None

    def free_text(self) -> FreeText:
        """The checklist as one free-text turn of the role-play checker."""
        items = [
            ChecklistItem(
                id=item.id,
                criterion=c.id,
                what=item.what,
                zh=item.zh,
                en=item.en,
                weight=item.weight,
            )
            for c in self.criteria
            for item in c.checklist
        ]
        return FreeText(
            prompt=self.title,
            criteria={c.id: 1.0 for c in self.criteria if c.checklist},
            model_answer=self.summary,
            checklist=items,
            next="end",
        )


@dataclass(frozen=True)
class ScorecardDef:
    id: str
    data: dict[str, Any]

    def content_hash(self) -> str:
        payload = json.dumps(self.data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def check_scorecard(
    data: Any, expected_id: str, competencies: set[str], where: Any, problems: list[Problem]
) -> Scorecard | None:
    """The typed scorecard, or problems (`where(keys)` gives (path, line) for a key path)."""
    before = len(problems)

    def problem(keys: tuple[Any, ...], message: str) -> None:
        path, line = where(keys)
        problems.append(Problem(path, line, message))

    try:
        card = Scorecard.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problem(tuple(error["loc"]), f"{'.'.join(map(str, error['loc']))}: {error['msg']}")
        return None
    if card.id != expected_id:
        problem(("id",), f"id must be “{expected_id}”, as in the file name")
    total = sum(c.weight for c in card.criteria)
    if total != 100:
        problem(("criteria",), f"criterion weights add up to {total}, not 100")
    ids: set[str] = set()
    items: set[str] = set()
    for i, c in enumerate(card.criteria):
        if c.id in ids:
            problem(("criteria", i, "id"), f"duplicate criterion “{c.id}”")
        ids.add(c.id)
        if c.competency not in competencies:
            problem(("criteria", i, "competency"), f"unknown competency “{c.competency}”")
        values = c.level_values
        if values[0] != 0 or values[-1] != 100 or values != sorted(set(values)):
            problem(("criteria", i, "levels"), "level minimums rise strictly from 0 to 100")
        for j, item in enumerate(c.checklist):
            if item.id in items:
                problem(("criteria", i, "checklist", j, "id"), f"duplicate item “{item.id}”")
            items.add(item.id)
    if len({e.id for e in card.critical_errors}) != len(card.critical_errors):
        problem(("critical_errors",), "critical error ids are unique")
    return card if len(problems) == before else None


def read_scorecards(
    root: Path, competencies: set[str], problems: list[Problem]
) -> list[ScorecardDef]:
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    found = []
    for file in sorted(folder.glob("*.yml")):
        doc = read_yaml(file, str(file), problems)
        if doc is None:
            continue
        located = doc
        card = check_scorecard(
            doc.data,
            file.stem,
            competencies,
            lambda keys, d=located: (d.path, d.line(*keys)),
            problems,
        )
        if card is not None:
            found.append(ScorecardDef(card.id, doc.data))
    return found


_typed: dict[str, Scorecard] = {}


def typed_version(content_hash: str, data: dict[str, Any]) -> Scorecard:
    """The typed scorecard of a stored version (a version's content never changes)."""
    found = _typed.get(content_hash)
    if found is None:
        if len(_typed) > 128:
            _typed.clear()
        found = _typed[content_hash] = Scorecard.model_validate(data)
    return found


def json_schema() -> dict[str, Any]:
    schema = Scorecard.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Service Trainer QA scorecard (content/scorecards/*.yml)"
    return schema
