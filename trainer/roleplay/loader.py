"""Reading and checking role-play scenarios (content/roleplays/*.yml): schema and graph.

Besides the schema, the checker walks the graph: reachability, dead ends, cycles, at least
four decisions on every path, three kinds of ending, a free-text turn, every criterion
scorable. It also computes the most points each criterion can earn on any path, so a score
is a share of what was possible, not a guess.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..content import LANGS, Located, Problem, Schema, read_yaml
from ..lessons.loader import SOURCE
from ..phrases import Phrase
from . import definition

FOLDER = "roleplays"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
BEHAVIOURS = (
    "angry",
    "silent",
    "talkative",
    "demanding",
    "confused",
    "doubting",
    "key-account",
    "abusive",
    "prospect",
    "follow-up",
)
SECTIONS = ("opening", "discovery", "empathy", "resolution", "hold", "closing", "compliance")
ENDINGS = ("resolved", "escalated", "hung_up", "lost")
ERROR_KINDS = ("customer", "business", "compliance")
MIN_DECISIONS = 4


@dataclass(frozen=True)
class ScenarioDef:
    id: str
    data: dict[str, Any]  # the checked scenario, as written
    max_points: dict[str, float]  # criterion → most points any path can earn

    def content_hash(self) -> str:
        payload = json.dumps(self.data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def read_scenarios(
    root: Path, competencies: set[str], phrases: dict[str, Phrase], problems: list[Problem]
) -> list[ScenarioDef]:
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    scenarios = []
    for file in sorted(folder.glob("*.yml")):
        shown = str(file)
        doc = read_yaml(file, shown, problems)
        if doc is None:
            continue
        scenario = check_scenario(doc, file.stem, competencies, phrases, problems)
        if scenario is not None:
            scenarios.append(scenario)
    return scenarios


def check_scenario(
    doc: Located,
    expected_id: str,
    competencies: set[str],
    phrases: dict[str, Phrase],
    problems: list[Problem],
) -> ScenarioDef | None:
    before = len(problems)
    s = Schema(doc, problems)
    top = s.mapping(
        (),
        doc.data,
        (
            "id",
            "title",
            "summary",
            "persona",
            "brief",
            "pass_mark",
            "rubric",
            "critical_errors",
            "start",
            "nodes",
        ),
        ("turn_seconds", "timeout", "mood_floor", "sources"),
        what="a scenario",
    )
    if top is None:
        return None
    if top.get("id") != expected_id:
        s.problem(("id",), f"id must be “{expected_id}”, as in the file name")
    for key in ("title", "summary", "brief"):
        if key in top:
            s.bilingual((key,), top[key], key)
    persona = s.mapping(
        ("persona",),
        top.get("persona"),
        ("name", "situation", "wants", "mood", "behaviour"),
        what="the persona",
    )
    if persona:
        for key in ("name", "situation", "wants"):
            if key in persona:
                s.bilingual(("persona", key), persona[key], f"persona {key}")
        if "mood" in persona:
            s.integer(("persona", "mood"), persona["mood"], "starting mood", 0, 100)
        if persona.get("behaviour") not in BEHAVIOURS:
            s.problem(("persona", "behaviour"), "behaviour is one of " + ", ".join(BEHAVIOURS))
    if "pass_mark" in top:
        s.integer(("pass_mark",), top["pass_mark"], "pass_mark", 0, 100)
    if "turn_seconds" in top:
        s.integer(("turn_seconds",), top["turn_seconds"], "turn_seconds", 10, 600)
    criteria = _rubric(s, top.get("rubric"), competencies)
    errors = _critical_errors(s, top.get("critical_errors"))
    nodes = top.get("nodes")
    if not isinstance(nodes, dict) or not nodes:
        s.problem(("nodes",), "nodes must be a mapping of node id → node")
        return None
    for node_id, node in nodes.items():
        _node(s, str(node_id), node, nodes, criteria, errors, phrases)
    start = top.get("start")
    if start not in nodes:
        s.problem(("start",), f"start node “{start}” does not exist")
        return None
    floor = top.get("mood_floor")
    if floor is not None:
        f = s.mapping(("mood_floor",), floor, ("at", "ending"), what="mood_floor")
        if f is not None:
            s.integer(("mood_floor", "at"), f.get("at"), "mood_floor.at", 0, 100)
            target = nodes.get(f.get("ending"))
            if not isinstance(target, dict) or "ending" not in target:
                s.problem(("mood_floor", "ending"), f"“{f.get('ending')}” is not an ending node")
    timeout = top.get("timeout")
    if timeout is not None:
        _timeout(s, timeout, nodes, "turn_seconds" in top)
    if "sources" in top:
        for index, source in enumerate(s.text_list(("sources",), top["sources"], "sources") or []):
            if not SOURCE.match(source):
                s.problem(
                    ("sources", index),
                    f"source “{source}” is not “practice”, “ext: <citation>” or like "
                    "“000 L316-615”, “003 L630” or “002 S45-50”",
                )
    if len(problems) > before:
        return None
    max_points = _graph(s, str(start), nodes, criteria, floor, timeout)
    if len(problems) > before or max_points is None:
        return None
    try:
        definition.Scenario.model_validate(doc.data)
    except ValidationError as exc:  # what the hand checks above did not catch
        for error in exc.errors():
            s.problem(tuple(error["loc"]), error["msg"])
        return None
    return ScenarioDef(expected_id, doc.data, max_points)


def _timeout(s: Schema, raw: Any, nodes: dict[str, Any], has_limit: bool) -> None:
    t = s.mapping(("timeout",), raw, (), ("mood", "hang_up_after", "ending"), what="timeout")
    if t is None:
        return
    if not has_limit:
        s.problem(("timeout",), "timeout needs turn_seconds (the per-turn limit)")
    if "mood" in t:
        s.integer(("timeout", "mood"), t["mood"], "timeout.mood", -40, 0)
    if ("hang_up_after" in t) != ("ending" in t):
        s.problem(("timeout",), "hang_up_after and ending go together")
    if "hang_up_after" in t:
        s.integer(("timeout", "hang_up_after"), t["hang_up_after"], "hang_up_after", 1, 1200)
    if "ending" in t:
        target = nodes.get(t["ending"])
        if not isinstance(target, dict) or "ending" not in target:
            s.problem(("timeout", "ending"), f"“{t['ending']}” is not an ending node")


def _rubric(s: Schema, raw: Any, competencies: set[str]) -> set[str]:
    if not isinstance(raw, list) or not 4 <= len(raw) <= 6:
        s.problem(("rubric",), "the rubric has 4 to 6 criteria")
        return set()
    ids: set[str] = set()
    total = 0
    for i, item in enumerate(raw):
        keys = ("rubric", i)
        c = s.mapping(
            keys,
            item,
            ("id", "name", "section", "weight", "competency", "levels"),
            what="a criterion",
        )
        if c is None or any(k not in c for k in ("id", "weight", "competency", "levels")):
            continue
        if not isinstance(c["id"], str) or not SLUG.match(c["id"]) or c["id"] in ids:
            s.problem((*keys, "id"), f"criterion id “{c['id']}” must be a unique slug")
            continue
        ids.add(c["id"])
        if "name" in c:
            s.bilingual((*keys, "name"), c["name"], "criterion name")
        if c.get("section") not in SECTIONS:
            s.problem((*keys, "section"), "section is one of " + ", ".join(SECTIONS))
        if s.integer((*keys, "weight"), c["weight"], "weight", 1, 100) is not None:
            total += c["weight"]
        if c["competency"] not in competencies:
            s.problem((*keys, "competency"), f"unknown competency “{c['competency']}”")
        levels = c["levels"]
        if not isinstance(levels, list) or len(levels) < 2:
            s.problem((*keys, "levels"), "levels is a list of at least 2, lowest first")
            continue
        previous = -1
        for j, level in enumerate(levels):
            lv = s.mapping((*keys, "levels", j), level, ("min", *LANGS), what="a level")
            if lv is None or "min" not in lv:
                continue
            if not isinstance(lv["min"], int) or not previous < lv["min"] <= 100:
                s.problem((*keys, "levels", j, "min"), "level minimums rise from 0 to 100")
            previous = lv["min"] if isinstance(lv["min"], int) else previous
            for lang in LANGS:
                if lang in lv:
                    s.text((*keys, "levels", j, lang), lv[lang], f"level descriptor ({lang})")
        if isinstance(levels[0], dict) and levels[0].get("min") != 0:
            s.problem((*keys, "levels", 0), "the first level starts at 0")
    if total != 100 and ids:
        s.problem(("rubric",), f"criterion weights add up to {total}, not 100")
    return ids


def _critical_errors(s: Schema, raw: Any) -> set[str]:
    if not isinstance(raw, list) or not raw:
        s.problem(("critical_errors",), "critical_errors is a non-empty list")
        return set()
    ids: set[str] = set()
    for i, item in enumerate(raw):
        keys = ("critical_errors", i)
        e = s.mapping(keys, item, ("id", "kind", "name"), ("phrases",), what="a critical error")
        if e is None or "id" not in e:
            continue
        if e["id"] in ids:
            s.problem((*keys, "id"), f"duplicate critical error “{e['id']}”")
        ids.add(e["id"])
        if e.get("kind") not in ERROR_KINDS:
            s.problem((*keys, "kind"), "kind is one of " + ", ".join(ERROR_KINDS))
        if "name" in e:
            s.bilingual((*keys, "name"), e["name"], "critical error name")
        if "phrases" in e and not isinstance(e["phrases"], bool):
            s.problem((*keys, "phrases"), "phrases is true or false")
    return ids


def _node(
    s: Schema,
    node_id: str,
    node: Any,
    nodes: dict[str, Any],
    criteria: set[str],
    errors: set[str],
    phrases: dict[str, Phrase],
) -> None:
    keys = ("nodes", node_id)
    if not SLUG.match(node_id):
        s.problem(keys, f"node id “{node_id}” must be lower-case letters, digits and hyphens")
    n = s.mapping(
        keys,
        node,
        ("customer",),
        ("direction", "choices", "free_text", "ending", "debrief"),
        what=f"node “{node_id}”",
    )
    if n is None:
        return
    if "customer" in n:
        s.bilingual((*keys, "customer"), n["customer"], "customer line")
    if "direction" in n:
        s.bilingual((*keys, "direction"), n["direction"], "stage direction")
    exits = [k for k in ("choices", "free_text", "ending") if k in n]
    if len(exits) != 1:
        s.problem(keys, f"node “{node_id}” needs exactly one of choices, free_text or ending")
        return
    if "ending" in n:
        if n["ending"] not in ENDINGS:
            s.problem((*keys, "ending"), "ending is one of " + ", ".join(ENDINGS))
        if "debrief" not in n:
            s.problem(keys, f"ending “{node_id}” needs a debrief")
        else:
            s.bilingual((*keys, "debrief"), n["debrief"], "debrief")
        return
    if "debrief" in n:
        s.problem((*keys, "debrief"), "only ending nodes have a debrief")
    if "choices" in n:
        choices = n["choices"]
        if not isinstance(choices, list) or not 2 <= len(choices) <= 4:
            s.problem((*keys, "choices"), "a node offers 2 to 4 choices")
            return
        for i, choice in enumerate(choices):
            ck = (*keys, "choices", i)
            c = s.mapping(
                ck,
                choice,
                ("reply", "next", "points", "mood", "feedback"),
                ("critical",),
                what="a choice",
            )
            if c is None:
                continue
            if "reply" in c:
                s.bilingual((*ck, "reply"), c["reply"], "reply")
            if "feedback" in c:
                s.bilingual((*ck, "feedback"), c["feedback"], "feedback")
            if c.get("next") not in nodes:
                s.problem((*ck, "next"), f"next node “{c.get('next')}” does not exist")
            _points(s, (*ck, "points"), c.get("points"), criteria, allow_negative=True)
            if "mood" in c:
                s.integer((*ck, "mood"), c["mood"], "mood change", -40, 40)
            if "critical" in c and c["critical"] not in errors:
                s.problem((*ck, "critical"), f"unknown critical error “{c['critical']}”")
        return
    ft = s.mapping(
        (*keys, "free_text"),
        n["free_text"],
        ("prompt", "criteria", "model_answer", "use", "avoid", "next"),
        ("checklist", "routes"),
        what="a free-text turn",
    )
    if ft is None:
        return
    fk = (*keys, "free_text")
    for key in ("prompt", "model_answer"):
        if key in ft:
            s.bilingual((*fk, key), ft[key], key)
    _points(s, (*fk, "criteria"), ft.get("criteria"), criteria, allow_negative=False)
    for key in ("use", "avoid"):
        ids = ft.get(key)
        if not isinstance(ids, list):
            s.problem((*fk, key), f"{key} is a list of phrase ids")
            continue
        for j, pid in enumerate(ids):
            phrase = phrases.get(pid)
            if phrase is None:
                s.problem((*fk, key, j), f"unknown phrase “{pid}” (see phrases.yml)")
            elif phrase.kind != key:
                s.problem((*fk, key, j), f"phrase “{pid}” is a “{phrase.kind}” phrase")
    if ft.get("next") not in nodes:
        s.problem((*fk, "next"), f"next node “{ft.get('next')}” does not exist")
    items = _checklist(s, (*fk, "checklist"), ft.get("checklist"), ft.get("criteria"))
    _routes(s, (*fk, "routes"), ft.get("routes"), nodes, items)


def _checklist(s: Schema, keys: tuple[Any, ...], raw: Any, criteria: Any) -> set[str]:
    if raw is None:
        return set()
    if not isinstance(raw, list) or not 1 <= len(raw) <= 12:
        s.problem(keys, "checklist is a list of 1 to 12 items")
        return set()
    ids: set[str] = set()
    turn_criteria = set(criteria) if isinstance(criteria, dict) else set()
    covered = set()
    for i, raw_item in enumerate(raw):
        ik = (*keys, i)
        item = s.mapping(
            ik, raw_item, ("id", "criterion", "what", "zh", "en"), ("weight",), what="an item"
        )
        if item is None:
            continue
        item_id = item.get("id")
        if not isinstance(item_id, str) or not SLUG.match(item_id):
            s.problem((*ik, "id"), "an item id is lower-case letters, digits and hyphens")
        elif item_id in ids:
            s.problem((*ik, "id"), f"duplicate item id “{item_id}”")
        else:
            ids.add(item_id)
        if item.get("criterion") not in turn_criteria:
            s.problem((*ik, "criterion"), f"“{item.get('criterion')}” is not graded in this turn")
        else:
            covered.add(item["criterion"])
        if "what" in item:
            s.bilingual((*ik, "what"), item["what"], "what the item asks")
        for lang in ("zh", "en"):
            if lang in item:
                s.text_list((*ik, lang), item[lang], f"{lang} terms")
        if "weight" in item and (
            not isinstance(item["weight"], int | float) or not 0 < item["weight"] <= 10
        ):
            s.problem((*ik, "weight"), "weight is a number above 0, at most 10")
    for criterion in sorted(turn_criteria - covered):
        s.problem(keys, f"no checklist item scores “{criterion}”")
    return ids


ROUTE_WHEN = ("critical", "avoided", "strong", "adequate", "weak", "missing")


def _routes(
    s: Schema, keys: tuple[Any, ...], raw: Any, nodes: dict[str, Any], items: set[str]
) -> None:
    if raw is None:
        return
    if not isinstance(raw, list) or not raw:
        s.problem(keys, "routes is a non-empty list")
        return
    for i, raw_route in enumerate(raw):
        rk = (*keys, i)
        route = s.mapping(rk, raw_route, ("when", "next"), ("items", "mood"), what="a route")
        if route is None:
            continue
        if route.get("when") not in ROUTE_WHEN:
            s.problem((*rk, "when"), "when is one of " + ", ".join(ROUTE_WHEN))
        if (route.get("when") == "missing") != ("items" in route):
            s.problem(rk, "items go with when: missing, and only there")
        for j, item in enumerate(route.get("items") or []):
            if item not in items:
                s.problem((*rk, "items", j), f"unknown checklist item “{item}”")
        if route.get("next") not in nodes:
            s.problem((*rk, "next"), f"next node “{route.get('next')}” does not exist")
        if "mood" in route:
            s.integer((*rk, "mood"), route["mood"], "mood change", -40, 40)


def _points(
    s: Schema, keys: tuple[Any, ...], raw: Any, criteria: set[str], allow_negative: bool
) -> None:
    if not isinstance(raw, dict) or not raw:
        s.problem(keys, "points map rubric criteria to numbers")
        return
    for criterion, value in raw.items():
        if criterion not in criteria:
            s.problem((*keys, criterion), f"unknown criterion “{criterion}”")
        low = -5 if allow_negative else 1
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= 5:
            s.problem((*keys, criterion), f"points for “{criterion}” must be from {low} to 5")


def node_exits(node: dict[str, Any]) -> list[str]:
    if "choices" in node:
        return [c["next"] for c in node["choices"]]
    if "free_text" in node:
        routes = node["free_text"].get("routes") or []
        return list(dict.fromkeys([node["free_text"]["next"], *(r["next"] for r in routes)]))
    return []


def _graph(
    s: Schema, start: str, nodes: dict[str, Any], criteria: set[str], floor: Any, timeout: Any
) -> dict[str, float] | None:
    # Cycles first: every later walk assumes a DAG.
    state: dict[str, int] = {}

    def visit(node_id: str, trail: list[str]) -> bool:
        state[node_id] = 1
        for target in node_exits(nodes[node_id]):
            if state.get(target) == 1:
                cycle = (
                    " → ".join([*trail[trail.index(target) :], target])
                    if target in trail
                    else target
                )
                s.problem(("nodes", node_id), f"cycle: {cycle}")
                return False
            if state.get(target) is None and not visit(target, [*trail, target]):
                return False
        state[node_id] = 2
        return True

    if not visit(start, [start]):
        return None
    reachable = set(state)
    floor_ending = floor.get("ending") if isinstance(floor, dict) else None
    timeout_ending = timeout.get("ending") if isinstance(timeout, dict) else None
    for node_id in nodes:
        if node_id not in reachable and node_id not in (floor_ending, timeout_ending):
            s.problem(("nodes", node_id), f"node “{node_id}” cannot be reached from the start")

    @cache
    def fewest(node_id: str) -> int:
        exits = node_exits(nodes[node_id])
        return 0 if not exits else 1 + min(fewest(t) for t in exits)

    if fewest(start) < MIN_DECISIONS:
        s.problem(
            ("start",),
            f"a path from the start reaches an ending after only "
            f"{fewest(start)} decision(s); every path needs at least {MIN_DECISIONS}",
        )
    kinds = {
        nodes[n]["ending"]
        for n in reachable | ({floor_ending} if floor_ending else set())
        if "ending" in nodes[n]
    }
    if len(kinds) < 3:
        s.problem(
            ("nodes",),
            f"only {len(kinds)} kind(s) of ending ({', '.join(sorted(kinds))}); "
            "a scenario needs at least 3",
        )
    if not any("free_text" in nodes[n] for n in reachable):
        s.problem(("nodes",), "the scenario needs at least one free-text turn")

    max_points: dict[str, float] = {}
    for criterion in sorted(criteria):

        @cache
        def best(node_id: str, c: str = criterion) -> float:
            node = nodes[node_id]
            if "choices" in node:
                return max(node_choice_points(ch, c) + best(ch["next"]) for ch in node["choices"])
            if "free_text" in node:
                # The most is earned by a strong reply: it takes `next` or a strong route.
                ft = node["free_text"]
                strong = [r["next"] for r in ft.get("routes") or [] if r["when"] == "strong"]
                return ft["criteria"].get(c, 0) + max(best(t) for t in [ft["next"], *strong])
            return 0.0

        max_points[criterion] = float(best(start))
        if max_points[criterion] <= 0:
            s.problem(("rubric",), f"criterion “{criterion}” cannot earn points on any path")
    return max_points


def node_choice_points(choice: dict[str, Any], criterion: str) -> float:
    return float(choice.get("points", {}).get(criterion, 0))
