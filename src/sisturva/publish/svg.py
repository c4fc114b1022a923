"""Inline SVG line charts of indicator series: no scripts, no external resources, text escaped."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 480
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 36


@dataclass(frozen=True, slots=True)
class Point:
    """One observation: a year and its value; `comparable` False starts a new series segment."""

    year: int
    value: Decimal
    comparable: bool = True


def _scale(lo: float, hi: float, size: float, flip: bool) -> Callable[[float], float]:
    span = hi - lo or 1.0

    def at(value: float) -> float:
        part = (value - lo) / span
        return round(size * (1 - part) if flip else size * part, 1)

    return at


def _ticks(lo: float, hi: float) -> list[float]:
    """Round values for grid lines between lo and hi: steps of 1, 2 or 5 times a power of ten."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def segments(points: Sequence[Point]) -> list[list[Point]]:
    """The series split at each break: a non-comparable point begins a new segment."""
    result: list[list[Point]] = []
    for point in sorted(points, key=lambda p: p.year):
        if not result or not point.comparable:
            result.append([])
        result[-1].append(point)
    return result


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    description: str,
    fmt: Callable[[Decimal], str],
    target: Point | None = None,
    baseline: Point | None = None,
) -> Markup:
    """An accessible SVG line chart; the caller puts the data table beside it."""
    if not points and target is None:
        return Markup("")
    every = list(points) + [p for p in (baseline, target) if p is not None]
    years = [p.year for p in every]
    values = [float(p.value) for p in every]
    lo, hi = min(values), max(values)
    if lo > 0 and lo / (hi or 1) > 0.5:
        pad = (hi - lo) * 0.15 or abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    else:
        lo = min(lo, 0.0)
        hi = hi + ((hi - lo) * 0.1 or 1.0)
    x_of = _scale(min(years) - 0.5, max(years) + 0.5, WIDTH - LEFT - RIGHT, False)
    y_of = _scale(lo, hi, HEIGHT - TOP - BOTTOM, True)

    def xy(p: Point) -> tuple[float, float]:
        return LEFT + x_of(p.year), TOP + y_of(float(p.value))

    parts: list[str] = []
    for tick in _ticks(lo, hi):
        y = TOP + y_of(tick)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        label = escape(fmt(Decimal(str(round(tick, 6))).normalize()))
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4}" text-anchor="end">{label}</text>')
    shown_years = sorted(set(years))
    step = max(1, len(shown_years) // 8 + (1 if len(shown_years) % 8 else 0))
    for year in shown_years[::step]:
        x = LEFT + x_of(year)
        parts.append(
            f'<text class="axis" x="{x}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{year}</text>'
        )
    if target is not None:
        start = baseline or (points[-1] if points else target)
        (x1, y1), (x2, y2) = xy(start), xy(target)
        parts.append(f'<line class="target" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
        parts.append(f'<rect class="target-mark" x="{x2 - 5}" y="{y2 - 5}" width="10" height="10"/>')
    for segment in segments(points):
        coords = " ".join(f"{x},{y}" for x, y in map(xy, segment))
        if len(segment) > 1:
            parts.append(f'<polyline class="series" points="{coords}"/>')
        for x, y in map(xy, segment):
            parts.append(f'<circle class="point" cx="{x}" cy="{y}" r="4"/>')
    body = "".join(parts)
    return Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{i}-t {i}-d" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        '<title id="{i}-t">{title}</title><desc id="{i}-d">{desc}</desc>{body}</svg>'
    ).format(
        w=WIDTH,
        h=HEIGHT,
        i=chart_id,
        title=title,
        desc=description,
        body=Markup(body),
    )
