"""YAML from people is read within a budget: bombs, deep nesting and huge documents are refused
with a message and a line, before any object is built; ordinary documents load as before."""

from __future__ import annotations

import contextlib
import time
import tracemalloc

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer import safe_yaml
from trainer.content import Problem, parse_yaml


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: about 600 bytes describing width**levels strings."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once_and_in_little_memory() -> None:
    bomb = billion_laughs()
    assert len(bomb) < 700
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(safe_yaml.YamlLimitError, match="expands to more than"):
        safe_yaml.load(bomb)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 16 * 1024 * 1024


def test_the_content_reader_reports_the_bomb_as_a_problem_with_its_line() -> None:
    problems: list[Problem] = []
    assert parse_yaml("id: x\n" + billion_laughs(), "content/roleplays/x.yml", problems) is None
    [problem] = problems
    assert problem.path == "content/roleplays/x.yml" and problem.line > 1
    assert "invalid YAML" in problem.message and "aliases" in problem.message


def test_too_many_aliases_deep_nesting_cycles_and_size_are_each_refused() -> None:
    anchors = "base: &b 1\nuses: [" + ", ".join(["*b"] * 101) + "]\n"
    with pytest.raises(safe_yaml.YamlLimitError, match="too many aliases"):
        safe_yaml.load(anchors)
    with pytest.raises(safe_yaml.YamlLimitError, match="nested too deeply"):
        safe_yaml.load("[" * 5000 + "]" * 5000)
    with pytest.raises(safe_yaml.YamlLimitError, match="contains it"):
        safe_yaml.load("loop: &l [1, *l]\n")
    with pytest.raises(safe_yaml.YamlLimitError, match="larger than 1,024 KB"):
        safe_yaml.load("text: " + "x" * (1024 * 1024) + "\n")
    # Each is also an ordinary YAML error, so every caller that reports bad YAML reports these.
    assert issubclass(safe_yaml.YamlLimitError, yaml.YAMLError)


def test_a_few_aliases_still_work_and_shared_values_load_as_written() -> None:
    data = safe_yaml.load("base: &b {mood: 40}\nfirst: *b\nsecond: *b\n")
    assert data == {"base": {"mood": 40}, "first": {"mood": 40}, "second": {"mood": 40}}
    assert safe_yaml.load("") is None


_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.floats(allow_nan=False)
)
_docs = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None)
@given(_docs)
def test_any_ordinary_document_loads_as_yaml_safe_load_does(doc: object) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True)
    assert safe_yaml.load(text) == yaml.safe_load(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_either_loads_or_raises_a_yaml_error(text: str) -> None:
    with contextlib.suppress(yaml.YAMLError):
        safe_yaml.load(text)
