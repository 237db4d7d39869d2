"""Reading and checking `content/competencies.yml`, the framework every other part refers to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content import Located, Problem, Schema, read_yaml

FILE_NAME = "competencies.yml"


@dataclass(frozen=True)
class LevelDef:
    id: str
    name: dict[str, str]
    min_score: float
    min_evidence: int
    min_source_kinds: int


@dataclass(frozen=True)
class CompetencyDef:
    id: str
    name: dict[str, str]
    description: dict[str, str]
    levels: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Framework:
    levels: list[LevelDef]
    competencies: list[CompetencyDef]

    @property
    def ids(self) -> set[str]:
        return {c.id for c in self.competencies}


def load_framework(root: Path, problems: list[Problem]) -> Framework | None:
    file = root / FILE_NAME
    shown = str(file)
    if not file.exists():
        problems.append(Problem(shown, 1, "the competency framework file is missing"))
        return None
    doc = read_yaml(file, shown, problems)
    if doc is None:
        return None
    return _check(doc, problems)


def _check(doc: Located, problems: list[Problem]) -> Framework | None:
    s = Schema(doc, problems)
    before = len(problems)
    top = s.mapping((), doc.data, ("levels", "competencies"))
    if top is None:
        return None
    levels: list[LevelDef] = []
    raw_levels: Any = top.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        s.problem(("levels",), "levels must be a non-empty list, lowest level first")
        raw_levels = []
    previous = -1.0
    for i, raw in enumerate(raw_levels):
        keys = ("levels", i)
        entry = s.mapping(
            keys,
            raw,
            ("id", "name", "min_score"),
            ("min_evidence", "min_source_kinds"),
            what="a level",
        )
        if entry is None:
            continue
        name = s.bilingual((*keys, "name"), entry.get("name"), "level name")
        score = entry.get("min_score")
        if not isinstance(score, int | float) or not 0 <= score <= 1:
            s.problem((*keys, "min_score"), "min_score must be a number from 0 to 1")
            continue
        if score <= previous:
            s.problem((*keys, "min_score"), "levels must be listed lowest first, min_score rising")
        previous = float(score)
        min_evidence = entry.get("min_evidence", 0)
        min_kinds = entry.get("min_source_kinds", 0)
        if s.integer((*keys, "min_evidence"), min_evidence, "min_evidence", 0, 1000) is None:
            continue
        if s.integer((*keys, "min_source_kinds"), min_kinds, "min_source_kinds", 0, 4) is None:
            continue
        if isinstance(entry.get("id"), str) and name:
            levels.append(LevelDef(entry["id"], name, float(score), min_evidence, min_kinds))
    level_ids = [lv.id for lv in levels]

    competencies: list[CompetencyDef] = []
    raw_comps: Any = top.get("competencies")
    if not isinstance(raw_comps, list) or not raw_comps:
        s.problem(("competencies",), "competencies must be a non-empty list")
        raw_comps = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_comps):
        keys = ("competencies", i)
        entry = s.mapping(keys, raw, ("id", "name", "description", "levels"), what="a competency")
        if entry is None:
            continue
        cid = entry.get("id")
        if not isinstance(cid, str) or not cid.strip():
            s.problem((*keys, "id"), "a competency needs an id")
            continue
        if cid in seen:
            s.problem((*keys, "id"), f"duplicate competency id “{cid}”")
        seen.add(cid)
        name = s.bilingual((*keys, "name"), entry.get("name"), "competency name")
        description = s.bilingual((*keys, "description"), entry.get("description"), "description")
        descriptors = s.mapping(
            (*keys, "levels"), entry.get("levels"), tuple(level_ids), what=f"the levels of “{cid}”"
        )
        by_level: dict[str, dict[str, str]] = {}
        for level_id in level_ids:
            if descriptors and level_id in descriptors:
                text = s.bilingual(
                    (*keys, "levels", level_id),
                    descriptors[level_id],
                    f"descriptor of level {level_id}",
                )
                if text:
                    by_level[level_id] = text
        if name and description and len(by_level) == len(level_ids):
            competencies.append(CompetencyDef(cid, name, description, by_level))
    if len(problems) > before:
        return None
    return Framework(levels, competencies)
