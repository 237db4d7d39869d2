"""`trainer score-reply`: the checker on one reply, from the content files as authors see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..competency.framework import load_framework
from ..content import Problem, read_yaml
from ..phrases import load_phrase_book
from . import checker
from .definition import Scenario
from .loader import FOLDER, check_scenario


class ReplyRefused(ValueError):
    """The reply or the turn cannot be scored; the message says why."""


def load_scenario(root: Path, key: str) -> tuple[Scenario, Any]:
    file = root / FOLDER / f"{key}.yml"
    if not file.is_file():
        raise ReplyRefused(f"unknown scenario “{key}” (no {file})")
    problems: list[Problem] = []
    book = load_phrase_book(root, problems)
    framework = load_framework(root, problems)
    doc = read_yaml(file, str(file), problems)
    sdef = (
        check_scenario(doc, key, framework.ids if framework else set(), book.phrases, problems)
        if doc
        else None
    )
    if sdef is None or problems:
        raise ReplyRefused("the content has problems; run trainer check-content")
    return Scenario.model_validate(sdef.data), book


def score_reply(root: Path, key: str, node_id: str, lang: str, text: str) -> dict[str, Any]:
    scenario, book = load_scenario(root, key)
    node = scenario.nodes.get(node_id)
    if node is None:
        raise ReplyRefused(f"scenario “{key}” has no node “{node_id}”")
    if node.free_text is None:
        raise ReplyRefused(f"node “{node_id}” of “{key}” has no free-text turn")
    problem = checker.reply_problem(text)
    if problem:
        raise ReplyRefused(str(problem))
    return checker.check_reply(scenario, node.free_text, text.strip(), lang, book).as_json()
