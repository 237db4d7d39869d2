"""A scenario's conversation graph as server-drawn SVG: columns by depth from the start, nodes
coloured by what the checker says about them, edges as thick as the share of trainees who
took them."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 150, 40, 70, 22, 20


@dataclass(frozen=True)
class NodeInfo:
    id: str
    kind: str  # "start", "choice", "free_text", "ending", "dead_end", "unreachable"
    label: str


def exits(node: dict[str, Any]) -> list[str]:
    if isinstance(node.get("choices"), list):
        return [str(c.get("next")) for c in node["choices"] if isinstance(c, dict)]
    if isinstance(node.get("free_text"), dict):
        routes = node["free_text"].get("routes")
        targets = [str(node["free_text"].get("next"))]
        if isinstance(routes, list):
            targets += [str(r.get("next")) for r in routes if isinstance(r, dict)]
        return list(dict.fromkeys(targets))
    return []


def _nodes(data: dict[str, Any]) -> dict[str, Any]:
    nodes = data.get("nodes")
    return {str(k): v for k, v in nodes.items()} if isinstance(nodes, dict) else {}


def classify(data: dict[str, Any]) -> dict[str, NodeInfo]:
    nodes = _nodes(data)
    start = str(data.get("start"))
    seen: set[str] = set()
    queue = deque([start] if start in nodes else [])
    while queue:
        node_id = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        queue.extend(t for t in exits(nodes[node_id]) if t in nodes)
    floor_raw = data.get("mood_floor")
    floor: dict[str, Any] = floor_raw if isinstance(floor_raw, dict) else {}
    out = {}
    for node_id, node in nodes.items():
        node = node if isinstance(node, dict) else {}
        if "ending" in node:
            kind = "ending"
        elif not [t for t in exits(node) if t in nodes]:
            kind = "dead_end"
        elif "free_text" in node:
            kind = "free_text"
        else:
            kind = "choice"
        if node_id not in seen and node_id != floor.get("ending"):
            kind = "unreachable"
        if node_id == start and kind != "dead_end":
            kind = "start"
        label = str(node.get("ending", "")) if "ending" in node else ""
        out[node_id] = NodeInfo(node_id, kind, label)
    return out


def draw(data: dict[str, Any], counts: dict[tuple[str, int], int] | None = None) -> Markup:
    nodes = _nodes(data)
    if not nodes:
        return Markup("")
    info = classify(data)
    depth: dict[str, int] = {}
    start = str(data.get("start"))
    queue = deque([(start, 0)] if start in nodes else [])
    while queue:
        node_id, d = queue.popleft()
        if node_id in depth and depth[node_id] >= d:
            continue
        depth[node_id] = d
        if d < len(nodes):
            queue.extend((t, d + 1) for t in exits(nodes[node_id]) if t in nodes)
    extra = max(depth.values(), default=0) + 1
    for node_id in nodes:  # unreachable nodes get a column of their own, on the right
        depth.setdefault(node_id, extra)
    columns: dict[int, list[str]] = {}
    for node_id in nodes:
        columns.setdefault(depth[node_id], []).append(node_id)
    pos = {}
    for col, ids in columns.items():
        for row, node_id in enumerate(ids):
            pos[node_id] = (PAD + col * (NODE_W + COL_GAP), PAD + row * (NODE_H + ROW_GAP))
    width = PAD * 2 + (max(columns) + 1) * (NODE_W + COL_GAP)
    height = PAD * 2 + max(len(ids) for ids in columns.values()) * (NODE_H + ROW_GAP)
    counts = counts or {}
    parts = [
        f'<svg class="graph" viewBox="0 0 {width} {height}" '
        'role="img" aria-label="conversation graph" '
        'xmlns="http://www.w3.org/2000/svg"><defs><marker id="arrow" viewBox="0 0 10 10" '
        'refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" class="graph__arrowhead"/></marker></defs>'
    ]
    for node_id, node in nodes.items():
        node = node if isinstance(node, dict) else {}
        targets = exits(node)
        total = sum(counts.get((node_id, i), 0) for i in range(len(targets))) or 0
        for i, target in enumerate(targets):
            if target not in pos:
                continue
            x1, y1 = pos[node_id][0] + NODE_W, pos[node_id][1] + NODE_H / 2
            x2, y2 = pos[target][0], pos[target][1] + NODE_H / 2
            key = (node_id, -1 if "free_text" in node else i)
            share = counts.get(key, 0) / total if total else 0
            width_px = 1.2 + 7 * share
            parts.append(
                f'<path d="M {x1:.0f} {y1:.0f} C {x1 + 35:.0f} {y1:.0f}, {x2 - 35:.0f} '
                f'{y2:.0f}, {x2:.0f} {y2:.0f}" class="graph__edge" '
                f'style="stroke-width:{width_px:.1f}" marker-end="url(#arrow)">'
                f"<title>{escape(node_id)} → {escape(target)}"
                f"{f' · {round(share * 100)}%' if total else ''}</title></path>"
            )
    for node_id, (x, y) in pos.items():
        item = info[node_id]
        text = node_id if len(node_id) <= 20 else node_id[:19] + "…"
        sub = item.label or {"free_text": "✎", "dead_end": "!", "unreachable": "?"}.get(
            item.kind, ""
        )
        parts.append(
            f'<g class="graph__node graph__node--{item.kind}"><rect x="{x}" y="{y}" '
            f'width="{NODE_W}" height="{NODE_H}" rx="8"/>'
            f'<text x="{x + NODE_W / 2}" y="{y + NODE_H / 2 - (6 if sub else 0)}" '
            f'text-anchor="middle" dominant-baseline="middle">{escape(text)}</text>'
            + (
                f'<text x="{x + NODE_W / 2}" y="{y + NODE_H / 2 + 10}" text-anchor="middle" '
                f'dominant-baseline="middle" class="graph__sub">{escape(sub)}</text>'
                if sub
                else ""
            )
            + f"<title>{escape(node_id)}: {escape(item.kind)}</title></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
