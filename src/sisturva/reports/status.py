"""The monitoring picture as text (with sparklines), Markdown and JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..locale import format_money, format_number, in_language, with_unit
from ..models import Measure, Text
from ..publish.messages import localized, t, tn
from ..safetext import inert_lines, terminal, to_json
from ..safetext import markdown as inline
from ..status import GoalStatus, Point, PriorityStatus, Progress, Status, segments
from ..strategy import Strategy

BARS = "▁▂▃▄▅▆▇█"
BREAK = "┆"
"""Drawn between two series that are not comparable."""
MARKS: Mapping[str, str] = {"on-track": "✓", "achieved": "★", "off-track": "✗", "no-data": "?"}


def sparkline(points: Sequence[Point]) -> str:
    """Observations as a unicode sparkline, each comparable series scaled on its own, breaks as `┆`."""
    parts: list[str] = []
    for series in segments(points):
        low = min(p.value for p in series)
        high = max(p.value for p in series)
        if high == low:
            parts.append(BARS[3] * len(series))
            continue
        top = len(BARS) - 1
        parts.append("".join(BARS[round((p.value - low) / (high - low) * top)] for p in series))
    return BREAK.join(parts)


class _Words:
    """Text helpers for one language and strategy."""

    def __init__(self, strategy: Strategy, lang: str, plain: bool = True) -> None:
        self.s = strategy
        self.lang = lang
        self.default = strategy.settings.languages[0]
        self.plain = plain
        """Text for a terminal (record text escaped as it is written in) rather than for Markdown."""

    def tx(self, text: Text | None, mark: bool = True) -> str:
        """Record text in the report's language, marked when shown in another; `mark=False` for names."""
        value, shown = localized(text, self.lang, self.default)
        # Escaped for the terminal here; the Markdown report escapes the whole cell instead.
        value = terminal(value) if self.plain else value
        return (
            value
            if shown == self.lang or not mark or not value
            else f"{value} ({in_language(shown, self.lang)})"
        )

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def of(self, prefix: str, value: str) -> str:
        """The word of a record's value (`"verdict."`, `"on-track"`): the families of `messages.FAMILY_KEYS`."""
        return t(prefix + value, self.lang)

    def unit(self, indicator: str | None) -> str:
        """The indicator's unit as written (a symbol or a word: never marked as another language's)."""
        record = self.s.indicators.get(indicator) if indicator else None
        if record is None:
            return ""
        unit = localized(record.unit, self.lang, self.default)[0]
        return terminal(unit) if self.plain else unit

    def value(self, value: Decimal | None, unit: str, digits: int | None = None) -> str:
        return "" if value is None else with_unit(format_number(value, self.lang, digits), unit, self.lang)

    def measure(self, measure: Measure | Point | None, unit: str) -> str:
        return "" if measure is None else f"{self.value(measure.value, unit)} ({measure.year})"

    def expected(self, goal: GoalStatus, unit: str) -> str:
        """The value expected in the latest value's year, with that year: never an unlabelled "now"."""
        # Rounded by `status.rounded` as the data is written: the value, not its computation.
        if goal.expected is None or goal.latest is None:
            return ""
        return f"{self.value(goal.expected, unit)} ({goal.latest.year})"

    def verdict(self, goal: GoalStatus) -> str:
        """The verdict in words; for a stale indicator "no current data" with its last value and year."""
        if goal.stale:
            # Never a verdict on old data: the reader sees what was last known and when.
            text = self.t("verdict.no-current-data")
            if goal.latest is not None:
                last = self.value(goal.latest.value, self.unit(goal.indicator))
                text += f" ({self.t('verdict.last-known', value=last, year=goal.latest.year)})"
            if goal.reason not in (None, "stale"):
                text += f"; {self.of('reason.', str(goal.reason))}"
            return text
        word = self.of("verdict.", goal.verdict)
        return f"{word} ({self.of('reason.', goal.reason)})" if goal.reason else word

    def suspect(self, n: int) -> str:
        return tn("count.suspect", self.lang, n)

    def goal_status(self, goal: GoalStatus) -> str:
        """The status the goal's owners set, when it is not simply active."""
        return "" if goal.goal_status == "active" else f" ({self.of('goal.', goal.goal_status)})"

    def stale(self, goal_or_due: GoalStatus) -> str:
        return f"{self.t('stale')}: {self.t('stale.since', year=goal_or_due.due)}"

    def percent(self, value: Decimal | None) -> str:
        return "–" if value is None else with_unit(format_number(value, self.lang, 0), "%", self.lang)

    def progress(self, p: Progress) -> str:
        count = tn("count.commitments", self.lang, p.commitments)
        if not p.commitments:
            return count
        states = ", ".join(f"{n} {self.of('commitment.', s)}" for s, n in p.by_status.items() if n)
        text = f"{count} ({states}); {self.t('status.progress')} {self.percent(p.mean)}"
        if p.weighted is not None:
            text += f", {self.t('status.weighted')} {self.percent(p.weighted)} / {format_money(p.euros, self.lang)}"
        return text

    def priority_title(self, p: PriorityStatus) -> str:
        record = self.s.priorities[p.priority]
        return (f"{p.number}. " if p.number is not None else "") + self.tx(record.title)

    def summary(self, status: Status) -> str:
        c = status.counts()
        text = self.t(
            "status.summary",
            goals=sum(c.values()),
            on=c["on-track"],
            off=c["off-track"],
            achieved=c["achieved"],
            none=c["no-data"],
        )
        stale = sum(1 for i in status.indicators if i.stale)
        if stale:
            text += f"; {self.t('status.stale_count', n=stale)}"
        suspect = sum(status.suspect_by_org.values())
        return text + (f"; {self.suspect(suspect)}" if suspect else "")

    def organisation(self, org_id: str) -> str:
        """An organisation by its name as written (a name carries no language marker), its id after it."""
        record = self.s.organisations.get(org_id)
        name = self.tx(record.name, mark=False) if record is not None else ""
        ident = terminal(org_id) if self.plain else org_id
        return f"{name} ({ident})" if name else ident


def text(status: Status, strategy: Strategy, lang: str = "fi") -> str:
    """For people at a terminal: per priority and goal the verdict, the values, a sparkline and progress."""
    w = _Words(strategy, lang)
    out = [f"{w.t('status.reference', year=status.year)}: {w.summary(status)}", ""]
    if not status.priorities:
        out.extend([w.t("status.no_priorities"), ""])
    for p in status.priorities:
        out.append(f"{w.priority_title(p)} ({w.of('priority.', p.priority_status)})")
        out.append(f"  {w.t('status.commitments')}: {w.progress(p.progress)}")
        if p.suspect:
            out.append(f"  ⚠ {w.suspect(p.suspect)}")
        if not p.goals:
            out.append(f"  {w.t('status.no_goals')}")
        for g in p.goals:
            unit = w.unit(g.indicator)
            goal = strategy.goals[g.goal]
            out.append(f"  {MARKS[g.verdict]} {terminal(g.goal)}  {w.tx(goal.title)}{w.goal_status(g)}")
            out.append(f"      {w.t('verdict')}: {w.verdict(g)}")
            if g.indicator:
                record = strategy.indicators.get(g.indicator)
                name = w.tx(record.name) if record else terminal(g.indicator)
                spark = sparkline(g.points)
                out.append(f"      {name}  {spark}".rstrip())
            values = [
                (w.t("status.latest"), w.measure(g.latest, unit)),
                (w.t("doc.baseline"), w.measure(g.baseline, unit)),
                (w.t("doc.target"), w.measure(g.target, unit)),
                (w.t("status.expected"), w.expected(g, unit)),
            ]
            shown = " · ".join(f"{label} {value}" for label, value in values if value)
            if shown:
                out.append(f"      {shown}")
            if g.stale:
                out.append(f"      ⚠ {w.stale(g)}")
            out.append(f"      {w.t('status.commitments')}: {w.progress(g.progress)}")
            if g.suspect:
                out.append(f"      ⚠ {w.suspect(g.suspect)}")
        out.append("")
    stale = [i for i in status.indicators if i.stale]
    if stale:
        out.append(w.t("status.indicators"))
        for i in stale:
            name = w.tx(strategy.indicators[i.indicator].name)
            latest = w.measure(i.latest, w.unit(i.indicator))
            out.append(
                f"  ⚠ {terminal(i.indicator)}  {name}: {w.t('status.latest')} {latest}; "
                f"{w.t('stale.since', year=i.due)}"
            )
        out.append("")
    if status.suspect_by_org:
        out.append(w.t("status.suspect_by_org"))
        out.extend(f"  ⚠ {w.organisation(org)}: {n}" for org, n in status.suspect_by_org.items())
        out.append("")
    return inert_lines("\n".join(out).rstrip("\n") + "\n")


def markdown(status: Status, strategy: Strategy, lang: str = "fi") -> str:
    """For a wiki or a pull-request comment: a table of goals per priority; record text made inert."""
    w = _Words(strategy, lang, plain=False)
    out = [f"## {w.t('status.title')} {status.year}", "", inline(w.summary(status)), ""]
    header = [
        w.t("doc.goals"),
        w.t("verdict"),
        w.t("status.trend"),
        w.t("status.latest"),
        w.t("doc.baseline"),
        w.t("doc.target"),
        w.t("status.expected"),
        w.t("status.commitments"),
    ]
    for p in status.priorities:
        out.extend([f"### {inline(w.priority_title(p))}", ""])
        out.extend([inline(f"{w.t('status.commitments')}: {w.progress(p.progress)}"), ""])
        if p.suspect:
            out.extend([f"⚠ {inline(w.suspect(p.suspect))}", ""])
        if not p.goals:
            out.extend([inline(w.t("status.no_goals")), ""])
            continue
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join(" --- " for _ in header) + "|")
        for g in p.goals:
            unit = w.unit(g.indicator)
            verdict = f"{MARKS[g.verdict]} {w.verdict(g)}"
            if g.stale:
                verdict += f"; ⚠ {w.stale(g)}"
            commitments = w.progress(g.progress)
            if g.suspect:
                commitments += f"; ⚠ {w.suspect(g.suspect)}"
            cells = [
                w.tx(strategy.goals[g.goal].title) + w.goal_status(g),
                verdict,
                sparkline(g.points),
                w.measure(g.latest, unit),
                w.measure(g.baseline, unit),
                w.measure(g.target, unit),
                w.expected(g, unit),
                commitments,
            ]
            out.append("| " + " | ".join(inline(c) or " " for c in cells) + " |")
        out.append("")
    if status.suspect_by_org:
        out.extend([f"### {inline(w.t('status.suspect_by_org'))}", ""])
        out.extend(f"- {inline(w.organisation(org))}: {n}" for org, n in status.suspect_by_org.items())
        out.append("")
    return inert_lines("\n".join(out).rstrip("\n") + "\n")


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _point(point: Point | Measure | None) -> dict[str, Any] | None:
    if point is None:
        return None
    result: dict[str, Any] = {"year": point.year, "value": _number(point.value)}
    if isinstance(point, Point):
        result["comparable"] = point.comparable
    return result


def _progress(p: Progress) -> dict[str, Any]:
    return {
        "commitments": p.commitments,
        "by_status": dict(p.by_status),
        "mean": _number(p.mean.quantize(Decimal("0.1")) if p.mean is not None else None),
        "weighted": _number(p.weighted.quantize(Decimal("0.1")) if p.weighted is not None else None),
        "euros": _number(p.euros),
    }


def as_json(status: Status, strategy: Strategy, lang: str = "fi") -> str:
    """For programs: every figure, with titles in `lang`."""
    w = _Words(strategy, lang)
    priorities = []
    for p in status.priorities:
        goals = []
        for g in p.goals:
            goals.append(
                {
                    "id": g.goal,
                    "title": localized(strategy.goals[g.goal].title, lang, w.default)[0],
                    "status": g.goal_status,
                    "indicator": g.indicator,
                    "verdict": g.verdict,
                    "reason": g.reason,
                    "latest": _point(g.latest),
                    "baseline": _point(g.baseline),
                    "target": _point(g.target),
                    "expected": _number(g.expected),
                    "stale": g.stale,
                    "due": g.due,
                    "series": [_point(x) for x in g.points],
                    "progress": _progress(g.progress),
                    "suspect": g.suspect,
                }
            )
        priorities.append(
            {
                "id": p.priority,
                "number": p.number,
                "title": localized(strategy.priorities[p.priority].title, lang, w.default)[0],
                "status": p.priority_status,
                "verdicts": dict(p.verdicts),
                "progress": _progress(p.progress),
                "suspect": p.suspect,
                "goals": goals,
            }
        )
    indicators = [
        {
            "id": i.indicator,
            "direction": i.direction,
            "frequency_years": i.frequency_years,
            "latest": _point(i.latest),
            "due": i.due,
            "stale": i.stale,
            "series": [_point(x) for x in i.points],
        }
        for i in status.indicators
    ]
    report = {
        "year": status.year,
        "lang": lang,
        "counts": status.counts(),
        "stale": sum(1 for i in status.indicators if i.stale),
        "suspect": sum(status.suspect_by_org.values()),
        "suspect_by_org": dict(status.suspect_by_org),
        "priorities": priorities,
        "indicators": indicators,
    }
    return to_json(report) + "\n"


FORMATS: dict[str, Callable[[Status, Strategy, str], str]] = {
    "text": text,
    "markdown": markdown,
    "json": as_json,
}
"""Formatters of a status report by name."""
