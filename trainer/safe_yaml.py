"""YAML from people, read within a budget.

`yaml.safe_load` refuses to build arbitrary objects, but it does not refuse work: a few hundred
bytes of nested aliases ("billion laughs") describe a document of billions of nodes, and whoever
walks or serialises it (our line-number walk, a JSON dump, a validator) runs out of time and
memory. Deep nesting exhausts the parser's recursion. So every YAML document a person wrote —
content files, the lesson, question and scenario editors — is read here, and refused before any
object is built when it is larger, deeper, more aliased or larger-once-expanded than any real
content document (the shipped files use no aliases at all, the largest is about 150 KB).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Budget:
    max_bytes: int = 1024 * 1024
    max_depth: int = 40
    max_aliases: int = 100
    # Nodes counted as if every alias were written out in full.
    max_expanded_nodes: int = 200_000


BUDGET = Budget()


class YamlLimitError(yaml.MarkedYAMLError):
    """A document over budget; a `yaml.YAMLError`, so callers report it like a syntax error."""

    def __init__(self, problem: str, mark: Any = None):
        super().__init__(problem=problem, problem_mark=mark)


class _BudgetLoader(yaml.SafeLoader):
    """SafeLoader that counts depth and aliases while composing, before anything is built."""

    def __init__(self, stream: str, budget: Budget):
        super().__init__(stream)
        self._budget = budget
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self._budget.max_aliases:
                raise YamlLimitError(
                    f"too many aliases (more than {self._budget.max_aliases}); "
                    "write the repeated parts out",
                    event.start_mark,
                )
        self._depth += 1
        try:
            if self._depth > self._budget.max_depth:
                raise YamlLimitError(
                    f"nested too deeply (more than {self._budget.max_depth} levels)",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _check_expansion(root: yaml.Node, budget: Budget) -> None:
    """Refuse a node graph that is cyclic or too large once its aliases are expanded.

    Sizes are memoised per node, so the check itself costs one visit per distinct node."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise YamlLimitError("an alias refers to a node that contains it", node.start_mark)
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
                if total > budget.max_expanded_nodes:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
                if total > budget.max_expanded_nodes:
                    break
        open_nodes.discard(key)
        if total > budget.max_expanded_nodes:
            raise YamlLimitError(
                f"the document expands to more than {budget.max_expanded_nodes:,} values "
                "through its aliases",
                node.start_mark,
            )
        sizes[key] = total
        return total

    size(root)


def compose_and_load(text: str, budget: Budget = BUDGET) -> tuple[yaml.Node | None, Any]:
    """The node graph (for line numbers) and the data of one document, parsed once.

    Raises `yaml.YAMLError` (a `YamlLimitError` when over budget)."""
    if len(text) > budget.max_bytes or len(text.encode("utf-8")) > budget.max_bytes:
        raise YamlLimitError(
            f"the document is larger than {budget.max_bytes // 1024:,} KB",
            yaml.Mark("document", 0, 0, 0, None, None),  # type: ignore[arg-type]
        )
    loader = _BudgetLoader(text, budget)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_expansion(node, budget)
        return node, loader.construct_document(node)
    except RecursionError as exc:  # a last guard; the depth budget should stop it first
        raise YamlLimitError("nested too deeply") from exc
    finally:
        loader.dispose()


def load(text: str, budget: Budget = BUDGET) -> Any:
    """`yaml.safe_load` within the budget."""
    return compose_and_load(text, budget)[1]


def compose(text: str, budget: Budget = BUDGET) -> yaml.Node | None:
    """`yaml.compose` within the budget."""
    return compose_and_load(text, budget)[0]
