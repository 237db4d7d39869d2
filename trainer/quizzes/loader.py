"""Reading and checking `content/questions/*.yml` and `content/quizzes.yml`.

Questions become the same normalised `data` the GIFT importer produces, so every question,
however it arrived, is shown and graded by the one type registry.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..content import LANGS, Problem, Schema, parse_yaml, read_yaml
from .models import FeedbackMode

QUESTIONS_DIR = "questions"
QUIZZES_FILE = "quizzes.yml"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SOURCE = re.compile(r"^(practice|00[0-3] ([LS])\d+(-\2?\d+)?)$")
COMMON = (
    "id",
    "type",
    "lesson",
    "competency",
    "difficulty",
    "points",
    "source",
    "text",
    "explanation",
)
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multiple": ("options",),
    "truefalse": ("answer",),
    "matching": ("pairs",),
    "ordering": ("steps",),
    "numeric": ("answer", "tolerance", "unit"),
    "short": ("answers",),
    "essay": ("model_answer", "rubric"),
}


@dataclass(frozen=True)
class QuestionDef:
    key: str
    bank: str
    type: str
    lesson: str
    competency: str
    difficulty: int
    points: float
    source: str
    text: dict[str, str]
    explanation: dict[str, str]
    data: dict[str, Any]

    def content_hash(self) -> str:
        payload = json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class QuizDef:
    slug: str
    title: dict[str, str]
    description: dict[str, str]
    banks: list[str]
    draw: int
    essays: int
    time_limit: int | None
    attempts: int | None
    pass_mark: float
    feedback: str
    fixed: tuple[str, ...] = ()  # question ids always in the quiz, before the draw
    competencies: tuple[str, ...] = ()  # draw only questions on these (all when empty)
    difficulties: tuple[int, ...] = ()  # draw only these difficulties (all when empty)


def read_banks(
    root: Path, lessons: dict[str, set[str]], problems: list[Problem]
) -> dict[str, list[QuestionDef]]:
    """{bank slug: questions}; `lessons` maps each lesson id to the competencies it teaches."""
    folder = root / QUESTIONS_DIR
    banks: dict[str, list[QuestionDef]] = {}
    if not folder.is_dir():
        return banks
    seen: dict[str, str] = {}
    for file in sorted(folder.glob("*.yml")):
        shown = str(file)
        doc = read_yaml(file, shown, problems)
        if doc is None:
            continue
        s = Schema(doc, problems)
        top = s.mapping((), doc.data, ("bank", "questions"), what="a question bank")
        if top is None:
            continue
        bank = top.get("bank")
        if bank != file.stem:
            s.problem(("bank",), f"bank must be “{file.stem}”, as in the file name")
            continue
        items = top.get("questions")
        if not isinstance(items, list) or not items:
            s.problem(("questions",), "questions must be a non-empty list")
            continue
        for index, raw in enumerate(items):
            question = _question(s, ("questions", index), raw, bank, lessons)
            if question is None:
                continue
            if question.key in seen:
                s.problem(
                    ("questions", index, "id"),
                    f"question id “{question.key}” is also used in {seen[question.key]}",
                )
                continue
            seen[question.key] = file.name
            banks.setdefault(bank, []).append(question)
    return banks


def _bilingual_list(
    s: Schema, keys: tuple[Any, ...], value: Any, what: str, low: int, high: int
) -> list[dict[str, str]] | None:
    if not isinstance(value, list) or not low <= len(value) <= high:
        s.problem(keys, f"{what} must be a list of {low} to {high} items")
        return None
    out = []
    for i, item in enumerate(value):
        text = s.bilingual((*keys, i), item, what)
        if text is None:
            return None
        out.append(text)
    return out


def _question(
    s: Schema, keys: tuple[Any, ...], raw: Any, bank: str, lessons: dict[str, set[str]]
) -> QuestionDef | None:
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind not in TYPE_FIELDS:
        s.problem(
            (*keys, "type"), f"unknown question type “{kind}” (use " + ", ".join(TYPE_FIELDS) + ")"
        )
        return None
    entry = s.mapping(keys, raw, COMMON + TYPE_FIELDS[kind], what=f"a {kind} question")
    if entry is None or any(k not in entry for k in COMMON + TYPE_FIELDS[kind]):
        return None
    before = len(s.problems)
    key = entry["id"]
    if not isinstance(key, str) or not SLUG.match(key):
        s.problem((*keys, "id"), "a question id is lower-case letters, digits and hyphens")
    lesson = entry["lesson"]
    if lesson not in lessons:
        s.problem((*keys, "lesson"), f"unknown lesson “{lesson}”")
    elif entry["competency"] not in lessons[lesson]:
        s.problem(
            (*keys, "competency"),
            f"competency “{entry['competency']}” is not one the "
            f"lesson “{lesson}” teaches ({', '.join(sorted(lessons[lesson]))})",
        )
    s.integer((*keys, "difficulty"), entry["difficulty"], "difficulty", 1, 3)
    s.integer((*keys, "points"), entry["points"], "points", 1, 10)
    if not isinstance(entry["source"], str) or not SOURCE.match(entry["source"]):
        s.problem(
            (*keys, "source"),
            f"source “{entry['source']}” is not “practice” or like “000 L316-615”",
        )
    text = s.bilingual((*keys, "text"), entry["text"], "question text")
    explanation = s.bilingual((*keys, "explanation"), entry["explanation"], "explanation")
    data = _type_data(s, keys, kind, entry)
    if len(s.problems) > before or text is None or explanation is None or data is None:
        return None
    return QuestionDef(
        key,
        bank,
        kind,
        lesson,
        entry["competency"],
        entry["difficulty"],
        float(entry["points"]),
        entry["source"],
        text,
        explanation,
        data,
    )


def _type_data(
    s: Schema, keys: tuple[Any, ...], kind: str, e: dict[str, Any]
) -> dict[str, Any] | None:
    if kind in ("single", "multiple"):
        raw = e["options"]
        if not isinstance(raw, list) or not 3 <= len(raw) <= 6:
            s.problem((*keys, "options"), "options must be a list of 3 to 6 items")
            return None
        options = []
        for i, item in enumerate(raw):
            o = s.mapping(
                (*keys, "options", i),
                item,
                ("text", "correct"),
                ("feedback", "pin"),
                what="an option",
            )
            if o is None or "text" not in o or not isinstance(o.get("correct"), bool):
                s.problem((*keys, "options", i), "an option needs text and correct: true/false")
                return None
            if not isinstance(o.get("pin", False), bool):
                s.problem((*keys, "options", i, "pin"), "pin must be true or false")
                return None
            text = s.bilingual((*keys, "options", i, "text"), o["text"], "option text")
            feedback = (
                s.bilingual((*keys, "options", i, "feedback"), o["feedback"], "feedback")
                if "feedback" in o
                else None
            )
            if text is None:
                return None
            option: dict[str, Any] = {
                "id": chr(ord("a") + i),
                "text": text,
                "correct": o["correct"],
                "feedback": feedback,
            }
            if o.get("pin"):  # keeps its authored place when the options are shuffled
                option["pin"] = True
            options.append(option)
        if sum(1 for o in options if not o.get("pin")) < 2:
            s.problem(
                (*keys, "options"),
                "at least two options must be left unpinned, or the order gives the key away",
            )
            return None
        right = sum(1 for o in options if o["correct"])
        if kind == "single" and right != 1:
            s.problem(
                (*keys, "options"),
                f"a single-choice question has exactly one correct option, not {right}",
            )
            return None
        if kind == "multiple" and not 2 <= right < len(options):
            s.problem(
                (*keys, "options"),
                "a multiple-choice question has at least two correct "
                "options and at least one wrong one",
            )
            return None
        wrong = len(options) - right
        for o in options:  # Moodle-style shares: right ones add up to 1, wrong ones to -1
            o["fraction"] = (
                (1.0 / right) if o["correct"] else (0.0 if kind == "single" else -1.0 / wrong)
            )
            del o["correct"]
        return {"options": options, "shuffle": True, "format": "plain"}
    if kind == "truefalse":
        if not isinstance(e["answer"], bool):
            s.problem((*keys, "answer"), "answer must be true or false")
            return None
        return {"answer": e["answer"]}
    if kind == "matching":
        raw = e["pairs"]
        if not isinstance(raw, list) or not 3 <= len(raw) <= 6:
            s.problem((*keys, "pairs"), "pairs must be a list of 3 to 6 items")
            return None
        pairs = []
        for i, item in enumerate(raw):
            p = s.mapping((*keys, "pairs", i), item, ("left", "right"), what="a pair")
            if p is None or "left" not in p or "right" not in p:
                return None
            left = s.bilingual((*keys, "pairs", i, "left"), p["left"], "left side")
            right_side = s.bilingual((*keys, "pairs", i, "right"), p["right"], "right side")
            if left is None or right_side is None:
                return None
            pairs.append({"id": f"p{i + 1}", "left": left, "right": right_side})
        return {"pairs": pairs, "distractors": []}
    if kind == "ordering":
        steps = _bilingual_list(s, (*keys, "steps"), e["steps"], "steps", 3, 8)
        if steps is None:
            return None
        return {"steps": [{"id": f"s{i + 1}", "text": t} for i, t in enumerate(steps)]}
    if kind == "numeric":
        answer, tolerance = e["answer"], e["tolerance"]
        if not isinstance(answer, int | float) or isinstance(answer, bool):
            s.problem((*keys, "answer"), "answer must be a number")
            return None
        if not isinstance(tolerance, int | float) or tolerance < 0:
            s.problem((*keys, "tolerance"), "tolerance must be a number ≥ 0")
            return None
        unit = s.mapping((*keys, "unit"), e["unit"], LANGS, what="unit")
        if unit is None or not all(isinstance(unit.get(lang), str) for lang in LANGS):
            s.problem((*keys, "unit"), "unit needs zh and en text (may be empty)")
            return None
        return {
            "answers": [
                {
                    "value": float(answer),
                    "tolerance": float(tolerance),
                    "fraction": 1.0,
                    "feedback": "",
                }
            ],
            "other_feedback": "",
            "unit": dict(unit),
        }
    if kind == "short":
        raw = s.mapping((*keys, "answers"), e["answers"], LANGS, what="answers")
        if raw is None:
            return None
        answers: list[dict[str, Any]] = []
        for lang in LANGS:
            values = s.text_list((*keys, "answers", lang), raw.get(lang), f"answers ({lang})")
            if values is None:
                return None
            answers.extend(
                {"text": v, "fraction": 1.0, "feedback": "", "lang": lang} for v in values
            )
        return {"answers": answers}
    # essay
    model = s.bilingual((*keys, "model_answer"), e["model_answer"], "model answer")
    raw = e["rubric"]
    if not isinstance(raw, list) or not 2 <= len(raw) <= 4:
        s.problem((*keys, "rubric"), "rubric must be a list of 2 to 4 criteria")
        return None
    rubric: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        c = s.mapping((*keys, "rubric", i), item, ("name", "points", "guide"), what="a criterion")
        if c is None or any(k not in c for k in ("name", "points", "guide")):
            return None
        name = s.bilingual((*keys, "rubric", i, "name"), c["name"], "criterion name")
        guide = s.bilingual((*keys, "rubric", i, "guide"), c["guide"], "criterion guide")
        points = s.integer((*keys, "rubric", i, "points"), c["points"], "criterion points", 1, 10)
        if name is None or guide is None or points is None:
            return None
        rubric.append({"name": name, "points": points, "guide": guide})
    total = sum(int(c["points"]) for c in rubric)
    if total != e["points"]:
        s.problem(
            (*keys, "rubric"),
            f"the rubric's points add up to {total}, not the question's {e['points']}",
        )
        return None
    if model is None:
        return None
    return {"model_answer": model, "rubric": rubric}


def read_quizzes(
    root: Path, banks: dict[str, list[QuestionDef]], problems: list[Problem]
) -> list[QuizDef]:
    file = root / QUIZZES_FILE
    if not file.exists():
        return []
    shown = str(file)
    doc = read_yaml(file, shown, problems)
    if doc is None:
        return []
    s = Schema(doc, problems)
    top = s.mapping((), doc.data, ("quizzes",))
    if top is None or not isinstance(top.get("quizzes"), list):
        s.problem(("quizzes",), "quizzes must be a list")
        return []
    quizzes = []
    for i, raw in enumerate(top["quizzes"]):
        keys = ("quizzes", i)
        q = s.mapping(
            keys,
            raw,
            ("id", "title", "description", "banks", "draw", "pass_mark", "feedback"),
            ("essays", "time_limit", "attempts", "questions", "competencies", "difficulty"),
            what="a quiz",
        )
        if q is None or any(k not in q for k in ("id", "title", "description", "banks", "draw")):
            continue
        before = len(problems)
        title = s.bilingual((*keys, "title"), q["title"], "quiz title")
        description = s.bilingual((*keys, "description"), q["description"], "description")
        names = banks.keys() if q["banks"] == "all" else q["banks"]
        if not isinstance(names, list | type(banks.keys())):
            s.problem((*keys, "banks"), "banks is a list of bank ids, or all")
            continue
        for name in names:
            if name not in banks:
                s.problem((*keys, "banks"), f"unknown bank “{name}”")
        pool = [x for n in names for x in banks.get(n, [])]
        essays = q.get("essays", 0)
        draw = q["draw"]
        if s.integer((*keys, "draw"), draw, "draw", 1, 200) is not None:
            auto = sum(1 for x in pool if x.type != "essay")
            if auto < draw:
                s.problem(
                    (*keys, "draw"),
                    f"draws {draw} questions but the banks hold only {auto} "
                    "that are graded automatically",
                )
        essay_count = sum(1 for x in pool if x.type == "essay")
        if (
            s.integer((*keys, "essays"), essays, "essays", 0, 10) is not None
            and essay_count < essays
        ):
            s.problem((*keys, "essays"), "not enough essay questions in the banks")
        time_limit, attempts = q.get("time_limit"), q.get("attempts")
        if time_limit is not None:
            s.integer((*keys, "time_limit"), time_limit, "time_limit (minutes)", 1, 600)
        if attempts is not None:
            s.integer((*keys, "attempts"), attempts, "attempts", 1, 100)
        s.integer((*keys, "pass_mark"), q.get("pass_mark"), "pass_mark", 0, 100)
        if q.get("feedback") not in [m.value for m in FeedbackMode]:
            s.problem(
                (*keys, "feedback"),
                "feedback is one of " + ", ".join(m.value for m in FeedbackMode),
            )
        if len(problems) > before or title is None or description is None:
            continue
        fixed = q.get("questions", [])
        known = {x.key for x in pool}
        if not isinstance(fixed, list) or any(k not in known for k in fixed):
            s.problem((*keys, "questions"), "questions lists ids of questions in the quiz's banks")
            continue
        only = q.get("competencies", [])
        if not isinstance(only, list) or any(c not in {x.competency for x in pool} for c in only):
            s.problem(
                (*keys, "competencies"), "competencies lists ids that the banks' questions test"
            )
            continue
        levels = q.get("difficulty", [])
        if not isinstance(levels, list) or any(d not in (1, 2, 3) for d in levels):
            s.problem((*keys, "difficulty"), "difficulty lists levels from 1 to 3")
            continue
        quizzes.append(
            QuizDef(
                q["id"],
                title,
                description,
                list(names),
                draw,
                essays,
                time_limit,
                attempts,
                float(q["pass_mark"]),
                q["feedback"],
                tuple(fixed),
                tuple(only),
                tuple(levels),
            )
        )
    return quizzes


def check_question(
    raw: dict[str, Any],
    bank: str,
    lessons: dict[str, set[str]],
) -> tuple[QuestionDef | None, list[Problem]]:
    """Check one question given as a mapping (from a form), with the file checker's rules."""
    text = yaml.safe_dump({"questions": [raw]}, allow_unicode=True, sort_keys=False)
    problems: list[Problem] = []
    doc = parse_yaml(text, "question", problems)
    if doc is None:
        return None, problems
    question = _question(
        Schema(doc, problems), ("questions", 0), doc.data["questions"][0], bank, lessons
    )
    # Name each problem by the field it concerns, so a form can show it beside that field.
    field_at = {
        line: keys[2]
        for keys, line in doc.lines.items()
        if len(keys) > 2 and keys[:2] == ("questions", 0)
    }
    named = [Problem(str(field_at.get(p.line, "")), p.line, p.message) for p in problems]
    return question, named
