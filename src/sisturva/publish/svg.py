"""Inline SVG line charts of indicator series: no scripts, no external resources, text escaped."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 360
"""The viewBox width. A phone 390 px wide shows the chart about 358 px wide, close to 1:1."""
FONT = 14
"""Font size of every text in viewBox units: 14 px at 360 wide is at least 12 px on a 390 px phone."""
PHONE_WIDTH = 358
"""The chart's width on a 390 px wide phone (the page's side padding taken off), for the font rule."""
TOP = 34
"""Above the plot: room for the unit label."""
PLOT = 150
"""The plot's height."""
RIGHT = 14
ROW = 22
"""Height of one legend row."""
CHAR = 0.6
"""Width of a character of the sans-serif font as a share of its size (digits and spaces)."""


@dataclass(frozen=True, slots=True)
class Point:
    """One observation: a year and its value; `comparable` False starts a new series segment."""

    year: int
    value: Decimal
    comparable: bool = True


@dataclass(frozen=True, slots=True)
class Axis:
    """The value axis: its ends and grid lines, all exact."""

    lo: Decimal
    hi: Decimal
    ticks: tuple[Decimal, ...]


def _step(span: Decimal) -> Decimal:
    """A round grid step giving about four intervals over `span`: 1, 2, 2.5 or 5 times a power of ten."""
    raw = span / 4
    power = Decimal(10) ** (raw.adjusted())
    return next(
        m * power
        for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
        if m * power >= raw
    )


def value_axis(values: Sequence[Decimal], percent: bool = False) -> Axis:
    """A value axis that does not exaggerate a change: it includes zero, and a percentage runs to 100.

    A line drawn from a cut-off axis (91 to 96) makes a five-point change look like a collapse; the
    axis of a count or a share therefore starts at zero, as on national SDG reporting platforms.
    Every value (baseline and target included) lies on or between the outermost grid lines.
    """
    lo = min([Decimal(0), *values])
    hi = max([Decimal(0), *values])
    if percent and lo >= 0 and hi <= 100:
        hi = Decimal(100)
    if hi == lo:
        hi = lo + 1
    step = _step(hi - lo)
    first = (lo / step).to_integral_value(rounding="ROUND_FLOOR") * step
    last = (hi / step).to_integral_value(rounding="ROUND_CEILING") * step
    count = int((last - first) / step)
    ticks = tuple((first + i * step).normalize() for i in range(count + 1))
    return Axis(first, last, ticks)


def segments(points: Sequence[Point]) -> list[list[Point]]:
    """The series split at each break: a non-comparable point begins a new segment."""
    result: list[list[Point]] = []
    for point in sorted(points, key=lambda p: p.year):
        if not result or not point.comparable:
            result.append([])
        result[-1].append(point)
    return result


def is_percent(unit: str) -> bool:
    """Whether a unit is a percentage, whose axis runs from 0 to 100."""
    return unit.strip() in {"%", "prosenttia", "procent", "percent", "per cent"}


def summary(
    points: Sequence[Point], target: Point | None, lang: str, fmt: Callable[[Decimal], str], unit: str
) -> str:
    """The chart in one or two sentences: the latest value and the target, each with its year."""
    from .. import locale
    from .messages import t

    parts: list[str] = []
    if points:
        latest = max(points, key=lambda p: p.year)
        value = locale.with_unit(fmt(latest.value), unit, lang)
        parts.append(t("chart.latest", lang, year=latest.year, value=value))
    else:
        parts.append(t("chart.no_latest", lang))
    if target is not None:
        value = locale.with_unit(fmt(target.value), unit, lang)
        parts.append(t("chart.target", lang, year=target.year, value=value))
    return " ".join(parts)


def _legend(lang: str, target: Point | None, broken: bool, top: float) -> tuple[list[str], float]:
    """Legend rows below the plot: the series, the path to the target, the target and a break."""
    from .messages import t

    rows: list[tuple[str, str]] = []
    rows.append(("series", t("chart.observations", lang)))
    if target is not None:
        rows.append(("target", t("chart.legend.path", lang)))
        rows.append(("target-mark", t("chart.legend.target", lang, year=target.year)))
    if broken:
        rows.append(("break", t("chart.legend.break", lang)))
    parts = ['<g class="legend">']
    for index, (kind, label) in enumerate(rows):
        y = top + index * ROW
        mid = y + ROW / 2
        if kind == "series":
            parts.append(f'<line class="series" x1="8" x2="36" y1="{mid}" y2="{mid}"/>')
            parts.append(f'<circle class="point" cx="22" cy="{mid}" r="4"/>')
        elif kind == "target":
            parts.append(f'<line class="target" x1="8" x2="36" y1="{mid}" y2="{mid}"/>')
        elif kind == "target-mark":
            parts.append(f'<rect class="target-mark" x="17" y="{mid - 5}" width="10" height="10"/>')
        else:
            parts.append(f'<line class="break" x1="22" x2="22" y1="{y + 2}" y2="{y + ROW - 2}"/>')
        parts.append(
            f'<text class="label" x="44" y="{mid + FONT * 0.35:.1f}" font-size="{FONT}">{escape(label)}</text>'
        )
    parts.append("</g>")
    return parts, top + len(rows) * ROW


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    description: str,
    fmt: Callable[[Decimal], str],
    target: Point | None = None,
    baseline: Point | None = None,
    unit: str = "",
    lang: str | None = None,
) -> Markup:
    """An accessible SVG line chart; the caller puts the data table beside it.

    `unit` labels the value axis. With `lang` the chart has a legend and its text alternative
    begins with the latest value and the target in that language, before `description`.
    """
    if not points and target is None:
        return Markup("")
    every = list(points) + [p for p in (baseline, target) if p is not None]
    years = [p.year for p in every]
    axis = value_axis([p.value for p in every], is_percent(unit))
    labels = [escape(fmt(tick)) for tick in axis.ticks]
    left = max(36, round(max(len(label) for label in labels) * FONT * CHAR) + 14)
    span_x = WIDTH - left - RIGHT
    first_year, last_year = min(years) - 0.5, max(years) + 0.5

    def x_of(year: float) -> float:
        return round(left + span_x * (year - first_year) / (last_year - first_year), 1)

    def y_of(value: Decimal) -> float:
        return round(TOP + PLOT * float((axis.hi - value) / (axis.hi - axis.lo)), 1)

    def xy(p: Point) -> tuple[float, float]:
        return x_of(p.year), y_of(p.value)

    parts: list[str] = []
    if unit:
        parts.append(f'<text class="unit" x="4" y="{TOP - 14}" font-size="{FONT}">{escape(unit)}</text>')
    for tick, label in zip(axis.ticks, labels, strict=True):
        y = y_of(tick)
        parts.append(f'<line class="grid" x1="{left}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y + FONT * 0.35:.1f}" text-anchor="end" '
            f'font-size="{FONT}">{label}</text>'
        )
    shown_years = sorted(set(years))
    # Years are about 4.5 characters wide with their gaps: as many as fit, evenly spaced.
    fits = max(1, int(span_x / (FONT * CHAR * 6)))
    step = -(-len(shown_years) // fits)
    for year in shown_years[::step]:
        parts.append(
            f'<text class="axis" x="{x_of(year)}" y="{TOP + PLOT + FONT + 6}" text-anchor="middle" '
            f'font-size="{FONT}">{year}</text>'
        )
    pieces = segments(points)
    for before, after in itertools.pairwise(pieces):
        x = x_of((before[-1].year + after[0].year) / 2)
        parts.append(f'<line class="break" x1="{x}" x2="{x}" y1="{TOP}" y2="{TOP + PLOT}"/>')
    if target is not None:
        start = baseline or (max(points, key=lambda p: p.year) if points else target)
        (x1, y1), (x2, y2) = xy(start), xy(target)
        parts.append(f'<line class="target" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
        parts.append(f'<rect class="target-mark" x="{x2 - 5}" y="{y2 - 5}" width="10" height="10"/>')
    for segment in pieces:
        coords = " ".join(f"{x},{y}" for x, y in map(xy, segment))
        if len(segment) > 1:
            parts.append(f'<polyline class="series" points="{coords}"/>')
        for x, y in map(xy, segment):
            parts.append(f'<circle class="point" cx="{x}" cy="{y}" r="4"/>')
    height: float = TOP + PLOT + FONT + 14
    if lang is not None:
        legend, height = _legend(lang, target, len(pieces) > 1, height + 4)
        parts.extend(legend)
        description = f"{summary(points, target, lang, fmt, unit)} {description}".strip()
    return Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{i}-t {i}-d" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        '<title id="{i}-t">{title}</title><desc id="{i}-d">{desc}</desc>{body}</svg>'
    ).format(
        w=WIDTH,
        h=round(height + 6),
        i=chart_id,
        title=title,
        desc=description,
        body=Markup("".join(parts)),
    )
