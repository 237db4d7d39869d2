"""Server-drawn SVG charts: readable in print and without JavaScript; each comes with a table."""

from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

CJK = re.compile(r"[\u3400-\u9fff]")


LABEL_FONT = 14  # px, as .radar__label in app.css
MAX_LABEL_LINES = 2  # neighbouring labels of a 15-axis chart have room for two lines
PAD_X = 70  # room beside the circle for the labels of the side axes


def _text_width(text: str) -> float:
    """Roughly how wide text is at LABEL_FONT: a CJK character is square, Latin about half."""
    return sum(LABEL_FONT if CJK.match(ch) else LABEL_FONT * 0.56 for ch in text)


def wrap_label(label: str, room: float) -> list[str]:
    """The label cut into lines that fit `room` px: Latin at spaces, CJK anywhere; at most
    MAX_LABEL_LINES, the last ending in "…" when something is left over."""
    if CJK.search(label):
        # Chinese breaks anywhere: cut into lines of even length rather than a long and a short.
        count = max(1, math.ceil(_text_width(label) / room))
        per_line = math.ceil(len(label) / count)
        words = [label[k : k + per_line] for k in range(0, len(label), per_line)]
        joiner = ""
    else:
        words, joiner = label.split(" "), " "
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if current and _text_width(candidate) > room:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > MAX_LABEL_LINES:
        last = lines[MAX_LABEL_LINES - 1]
        while last and _text_width(last + "…") > room:
            last = last[:-1]
        lines = [*lines[: MAX_LABEL_LINES - 1], last.rstrip() + "…"]
    return lines


def radar(labels: list[str], values: list[float], title: str, size: int = 420) -> Markup:
    """A radar of values 0–1, one axis per label, with rings at each quarter.

    Long labels wrap (or end in "…") to fit beside the circle; each label keeps its full text in
    a <title>, and the chart's accessible name lists every label with its value."""
    n = len(labels)
    if n < 3:
        return Markup("")
    cx = cy = size / 2
    radius = size / 2 - 90
    width = size + 2 * PAD_X

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    chinese = any(CJK.search(label) for label in labels)
    separator = "；" if chinese else "; "
    colon = "：" if chinese else ": "
    summary = separator.join(
        f"{label} {round(max(0.0, min(1.0, v)) * 100)}%"
        for label, v in zip(labels, values, strict=True)
    )
    parts = [
        f'<svg class="radar" viewBox="{-PAD_X} 0 {width} {size}" role="img" '
        f'aria-label="{escape(title)}{colon}{escape(summary)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}{colon}{escape(summary)}</title>",
    ]
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" class="radar__ring"/>')
    line_height = LABEL_FONT * 1.25
    for i, label in enumerate(labels):
        x, y = point(i, radius)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" class="radar__axis"/>')
        lx, ly = point(i, radius + 18)
        if abs(lx - cx) < 10:
            anchor, room = "middle", 150.0
            ly += -16 if ly < cy else 16
        elif lx > cx:
            anchor, room = "start", size + PAD_X - lx - 4
        else:
            anchor, room = "end", lx + PAD_X - 4
        lines = wrap_label(label, room)
        # Labels above the centre grow upwards, below downwards, beside it around their point.
        if ly < cy - 10:
            first = ly - (len(lines) - 1) * line_height
        elif ly > cy + 10:
            first = ly
        else:
            first = ly - (len(lines) - 1) * line_height / 2
        spans = "".join(
            f'<tspan x="{lx:.1f}" y="{first + k * line_height:.1f}">{escape(text)}</tspan>'
            for k, text in enumerate(lines)
        )
        parts.append(
            f'<text text-anchor="{anchor}" dominant-baseline="middle" class="radar__label">'
            f"<title>{escape(label)}</title>{spans}</text>"
        )
    pts = " ".join(
        f"{x:.1f},{y:.1f}"
        for x, y in (point(i, radius * max(0.0, min(1.0, v))) for i, v in enumerate(values))
    )
    parts.append(f'<polygon points="{pts}" class="radar__value"/>')
    for i, v in enumerate(values):
        x, y = point(i, radius * max(0.0, min(1.0, v)))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="radar__dot"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: list[float], label: str, width: int = 120, height: int = 28) -> Markup:
    if len(values) < 2:
        return Markup("")
    step = width / (len(values) - 1)
    pts = " ".join(
        f"{i * step:.1f},{height - 2 - v * (height - 4):.1f}" for i, v in enumerate(values)
    )
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(label)}">'
        f'<polyline points="{pts}"/></svg>'
    )


def bars(rows: list[tuple[str, float]], title: str, width: int = 520) -> Markup:
    """Horizontal bars of shares 0–1 (e.g. certified share per team)."""
    bar_h, gap, label_w = 22, 8, 150
    height = len(rows) * (bar_h + gap) + 10
    parts = [
        f'<svg class="bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, share) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        w = (width - label_w - 60) * max(0.0, min(1.0, share))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h / 2}" text-anchor="end" '
            f'dominant-baseline="middle" class="bars__label">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{width - label_w - 60}" '
            f'height="{bar_h}" class="bars__track"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" class="bars__fill"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h / 2}" '
            f'dominant-baseline="middle" class="bars__value">{round(share * 100)}%</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
