"""Reading and checking content/certifications.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content import Problem, Schema, read_yaml

FILE_NAME = "certifications.yml"


@dataclass(frozen=True)
class CertificationDef:
    id: str
    name: dict[str, str]
    description: dict[str, str]
    rules: dict[str, dict[str, Any]]
    signoff: bool
    valid_months: int
    renew_within_days: int


def read_certifications(
    root: Path,
    competencies: set[str],
    levels: list[str],
    quizzes: set[str],
    roleplays: set[str],
    problems: list[Problem],
) -> list[CertificationDef]:
    file = root / FILE_NAME
    if not file.exists():
        return []
    shown = str(file)
    doc = read_yaml(file, shown, problems)
    if doc is None:
        return []
    s = Schema(doc, problems)
    top = s.mapping((), doc.data, ("certifications",))
    if top is None or not isinstance(top.get("certifications"), list):
        s.problem(("certifications",), "certifications must be a list")
        return []
    out = []
    for i, raw in enumerate(top["certifications"]):
        keys = ("certifications", i)
        fields = (
            "id",
            "name",
            "description",
            "competencies",
            "quizzes",
            "roleplays",
            "signoff",
            "valid_months",
            "renew_within_days",
        )
        c = s.mapping(keys, raw, fields, what="a certification")
        if c is None or any(k not in c for k in fields):
            continue
        before = len(problems)
        name = s.bilingual((*keys, "name"), c["name"], "name")
        description = s.bilingual((*keys, "description"), c["description"], "description")
        for key, known, what in (
            ("competencies", competencies, "competency"),
            ("quizzes", quizzes, "quiz"),
            ("roleplays", roleplays, "scenario"),
        ):
            value = c[key]
            if not isinstance(value, dict):
                s.problem((*keys, key), f"{key} maps ids to minimums ({{}} for none)")
                continue
            for ident, minimum in value.items():
                if ident not in known:
                    s.problem((*keys, key, ident), f"unknown {what} “{ident}”")
                if key == "competencies" and minimum not in levels:
                    s.problem((*keys, key, ident), "the minimum is a level: " + ", ".join(levels))
                if key != "competencies" and (
                    not isinstance(minimum, int) or not 0 <= minimum <= 100
                ):
                    s.problem((*keys, key, ident), "the minimum is a score from 0 to 100")
        if not isinstance(c["signoff"], bool):
            s.problem((*keys, "signoff"), "signoff is true or false")
        s.integer((*keys, "valid_months"), c["valid_months"], "valid_months", 1, 120)
        s.integer((*keys, "renew_within_days"), c["renew_within_days"], "renew_within_days", 0, 365)
        if len(problems) > before or name is None or description is None:
            continue
        out.append(
            CertificationDef(
                c["id"],
                name,
                description,
                {
                    "competencies": dict(c["competencies"]),
                    "quizzes": dict(c["quizzes"]),
                    "roleplays": dict(c["roleplays"]),
                },
                c["signoff"],
                c["valid_months"],
                c["renew_within_days"],
            )
        )
    return out
