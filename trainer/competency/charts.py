"""Server-drawn SVG charts: readable in print and without JavaScript; each comes with a table."""

from __future__ import annotations

import math

from markupsafe import Markup, escape


def radar(labels: list[str], values: list[float], title: str, size: int = 420) -> Markup:
    """A radar of values 0–1, one axis per label, with rings at each quarter."""
    n = len(labels)
    if n < 3:
        return Markup("")
    cx = cy = size / 2
    radius = size / 2 - 90

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg class="radar" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" class="radar__ring"/>')
    for i, label in enumerate(labels):
        x, y = point(i, radius)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" class="radar__axis"/>')
        lx, ly = point(i, radius + 18)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" '
            f'dominant-baseline="middle" class="radar__label">{escape(label)}</text>'
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
