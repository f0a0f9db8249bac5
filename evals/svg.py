"""Line charts as inline SVG (no script, no external asset), for the trend section of the HTML reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#2563eb", "#7b8794", "#d97706", "#15803d", "#b91c1c", "#7c3aed")
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 26, 30


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # one per run; None: nothing to plot for that run


def line_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    fmt: Callable[[float], str],
    y_max: float | None = None,
    size: tuple[int, int] = (560, 190),
) -> Markup:
    """One chart: a polyline and a dot (with its value as a tooltip) per series, y from 0 to `y_max` (default:
    the largest value), the first and last run labelled on the x axis."""
    width, height = size
    plotted = [v for s in series for v in s.values if v is not None]
    top = y_max if y_max is not None else max(plotted, default=0.0) or 1.0
    inner_w, inner_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (inner_w / 2 if len(labels) == 1 else i * inner_w / (len(labels) - 1))

    def y(v: float) -> float:
        return TOP + inner_h - min(v, top) / top * inner_h

    parts = [
        f'<svg width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        level = y(top * fraction)
        parts.append(f'<line x1="{LEFT}" y1="{level:.1f}" x2="{width - RIGHT}" y2="{level:.1f}" stroke="#e4e7eb"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{level + 4:.1f}" font-size="11" text-anchor="end">'
                     f"{escape(fmt(top * fraction))}</text>")
    if labels:
        parts.append(f'<text x="{LEFT}" y="{height - 8}" font-size="11">{escape(labels[0])}</text>')
    if len(labels) > 1:
        parts.append(f'<text x="{width - RIGHT}" y="{height - 8}" font-size="11" text-anchor="end">'
                     f"{escape(labels[-1])}</text>")
    for k, line in enumerate(series):
        parts += _series(line, PALETTE[k % len(PALETTE)], labels, x, y, fmt)
        if len(series) > 1:
            parts.append(f'<text x="{width - RIGHT - 110 * (len(series) - k)}" y="14" font-size="11" '
                         f'fill="{PALETTE[k % len(PALETTE)]}">&#9644; {escape(line.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _series(line: Series, colour: str, labels: list[str], x: Callable[[int], float], y: Callable[[float], float],
            fmt: Callable[[float], str]) -> list[str]:
    points = [(i, v) for i, v in enumerate(line.values) if v is not None]
    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in points)
    parts = [f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'] if len(points) > 1 else []
    parts += [
        f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
        f"<title>{escape(line.name)} {escape(labels[i])}: {escape(fmt(v))}</title></circle>"
        for i, v in points
    ]
    return parts
