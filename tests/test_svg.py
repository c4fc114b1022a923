"""Indicator charts read as SVG: unit, legend, an honest value axis, breaks, readable text, a text alternative."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from sisturva import locale
from sisturva.publish import svg

NS = "{http://www.w3.org/2000/svg}"
Point = svg.Point


def chart(
    points: list[svg.Point],
    target: svg.Point | None = None,
    baseline: svg.Point | None = None,
    unit: str = "%",
    lang: str | None = "fi",
) -> ET.Element:
    markup = svg.line_chart(
        points,
        chart_id="c1",
        title="Luottamus poliisiin",
        description="Kuvaus.",
        fmt=lambda value: locale.number(value, lang or "fi"),
        target=target,
        baseline=baseline,
        unit=unit,
        lang=lang,
    )
    return ET.fromstring(str(markup))


def texts(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}text") if cls in (e.get("class") or "").split()]


def of_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    """Elements of the plot (the chart's own children: the legend is a group of its own) or of a group."""
    return [e for e in root.findall(f"{NS}{tag}") if cls in (e.get("class") or "").split()]


def value_of(label: str) -> Decimal:
    """An axis label back as a number (`1 000` with the no-break space Finnish uses)."""
    return Decimal(label.replace("\xa0", "").replace(" ", "").replace(",", "."))


TRUST = [Point(2018, Decimal(95)), Point(2020, Decimal(91)), Point(2022, Decimal(93))]
TARGET = Point(2025, Decimal(96))
BASELINE = Point(2020, Decimal(91))


def test_value_axis_labels_carry_the_unit() -> None:
    root = chart(TRUST, TARGET, BASELINE, unit="kuolemaa vuodessa")
    [unit] = texts(root, "unit")
    assert unit.text == "kuolemaa vuodessa"
    # Above the plot, left of it: nothing drawn overlaps it.
    grid_top = min(float(e.get("y1", "0")) for e in of_class(root, "line", "grid"))
    assert float(unit.get("y", "0")) < grid_top


def test_a_percentage_axis_runs_from_zero_to_a_hundred() -> None:
    """91 to 96 % on an axis from 91 to 96 would make a five-point change look like a collapse."""
    root = chart(TRUST, TARGET, BASELINE)
    labels = [value_of(e.text or "") for e in texts(root, "axis") if e.get("text-anchor") == "end"]
    assert min(labels) == 0 and max(labels) == 100
    # The drawn change is in proportion: 4 points of 100 take at most a twentieth of the plot.
    ys = [float(c.get("cy", "0")) for c in of_class(root, "circle", "point")]
    grid = sorted(float(e.get("y1", "0")) for e in of_class(root, "line", "grid"))
    plot = grid[-1] - grid[0]
    assert (max(ys) - min(ys)) / plot <= 0.05


def test_a_count_axis_starts_at_zero_and_holds_target_baseline_and_values_inside_the_grid() -> None:
    deaths = [Point(2012, Decimal(1156)), Point(2017, Decimal(1200))]
    target = Point(2025, Decimal(1000))
    axis = svg.value_axis([p.value for p in [*deaths, target]])
    assert axis.lo == 0 and axis.ticks[0] == 0
    assert axis.ticks[-1] >= 1200 and axis.ticks[-1] < 2000
    root = chart(deaths, target, deaths[0], unit="kuolemaa vuodessa")
    grid = sorted(float(e.get("y1", "0")) for e in of_class(root, "line", "grid"))
    [mark] = of_class(root, "rect", "target-mark")
    middle = float(mark.get("y", "0")) + float(mark.get("height", "0")) / 2
    assert grid[0] <= middle <= grid[-1]
    for point in of_class(root, "circle", "point"):
        assert grid[0] <= float(point.get("cy", "0")) <= grid[-1]


def test_a_target_above_every_value_is_inside_the_top_grid_line() -> None:
    axis = svg.value_axis([Decimal(3), Decimal(4), Decimal(12)])
    assert axis.ticks[0] == 0 and axis.ticks[-1] >= 12
    assert all(b > a for a, b in itertools.pairwise(axis.ticks))


def test_negative_values_keep_zero_on_the_axis() -> None:
    axis = svg.value_axis([Decimal(-3), Decimal(5)])
    assert axis.lo <= -3 and axis.hi >= 5 and Decimal(0) in axis.ticks


def test_legend_names_the_series_the_path_to_the_target_and_the_target() -> None:
    root = chart(TRUST, TARGET, BASELINE)
    [legend] = of_class(root, "g", "legend")
    labels = [e.text for e in legend.iter(f"{NS}text")]
    assert labels == ["Havainnot", "Tavoitepolku", "Tavoite 2025"]
    # Each label has its swatch drawn as in the plot: the dashed line and the square marker.
    assert of_class(legend, "line", "target") and of_class(legend, "rect", "target-mark")
    assert of_class(legend, "line", "series") and of_class(legend, "circle", "point")


def test_legend_in_each_language() -> None:
    for lang, words in {
        "fi": ["Havainnot", "Tavoitepolku", "Tavoite 2025"],
        "sv": ["Observationer", "Väg mot målet", "Mål 2025"],
        "en": ["Observations", "Path to target", "Target 2025"],
    }.items():
        root = chart(TRUST, TARGET, BASELINE, lang=lang)
        assert [e.text for e in texts(root, "label")] == words, lang


def test_a_break_in_series_is_marked_and_explained() -> None:
    broken = [Point(2018, Decimal(95)), Point(2020, Decimal(91)), Point(2022, Decimal(93), comparable=False)]
    root = chart(broken, TARGET, BASELINE)
    plot_breaks = of_class(root, "line", "break")
    assert len(plot_breaks) == 1
    x = float(plot_breaks[0].get("x1", "0"))
    xs = sorted(
        float(c.get("cx", "0")) for c in of_class(root, "circle", "point") if float(c.get("cx", "0")) > 40
    )
    assert xs[1] < x < xs[2]  # between 2020 and 2022, where the series breaks
    # The two sides are not joined by one line.
    assert len(of_class(root, "polyline", "series")) == 1
    assert "Sarjakatkos" in [e.text for e in texts(root, "label")]
    unbroken = chart(TRUST, TARGET, BASELINE)
    assert not of_class(unbroken, "line", "break")
    assert "Sarjakatkos" not in [e.text for e in texts(unbroken, "label")]


@pytest.mark.parametrize("unit", ["%", "kuolemaa vuodessa"])
def test_every_text_is_at_least_12_px_on_a_390_px_phone(unit: str) -> None:
    root = chart([Point(2010 + i, Decimal(1000 + 37 * i)) for i in range(15)], TARGET, unit=unit)
    width = float(root.get("viewBox", "").split()[2])
    scale = svg.PHONE_WIDTH / width
    every = list(root.iter(f"{NS}text"))
    assert every
    for text in every:
        assert float(text.get("font-size", "0")) * scale >= 12, text.text
    # Fifteen years do not crowd the axis: labels at least 4 characters' width apart.
    years = [float(e.get("x", "0")) for e in texts(root, "axis") if e.get("text-anchor") == "middle"]
    assert len(years) < 15
    assert min(b - a for a, b in itertools.pairwise(years)) * scale >= 4 * 12 * 0.6


def test_text_alternative_says_the_latest_value_and_the_target() -> None:
    root = chart(TRUST, TARGET, BASELINE)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t c1-d"
    title = root.find(f"{NS}title")
    desc = root.find(f"{NS}desc")
    assert title is not None and title.text == "Luottamus poliisiin" and title.get("id") == "c1-t"
    assert desc is not None and desc.get("id") == "c1-d"
    assert desc.text == "Viimeisin arvo (2022): 93\xa0%. Tavoite (2025): 96\xa0%. Kuvaus."
    english = chart(TRUST, TARGET, BASELINE, lang="en").find(f"{NS}desc")
    assert english is not None and english.text == "Latest value (2022): 93%. Target (2025): 96%. Kuvaus."


def test_text_alternative_without_values_says_so() -> None:
    root = chart([], TARGET, None, lang="sv")
    desc = root.find(f"{NS}desc")
    assert desc is not None and (desc.text or "").startswith("Inga värden ännu. Mål (2025): 96\xa0%.")


def test_record_text_in_a_chart_is_escaped() -> None:
    root = chart(TRUST, TARGET, BASELINE, unit='<script>alert(1)</script>"')
    assert not list(root.iter(f"{NS}script"))
    [unit] = texts(root, "unit")
    assert unit.text == '<script>alert(1)</script>"'


def test_no_chart_without_values_or_target() -> None:
    assert str(svg.line_chart([], chart_id="x", title="t", description="d", fmt=str)) == ""
