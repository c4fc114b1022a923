"""Monitoring: each goal's indicator against the line from baseline to target, stale data, progress rolled up."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from .models import Commitment, Goal, Indicator, Measure, Priority
from .strategy import Strategy

Verdict = Literal["on-track", "off-track", "achieved", "no-data"]
VERDICTS: tuple[Verdict, ...] = ("on-track", "off-track", "achieved", "no-data")
Reason = Literal[
    "no-indicator",
    "unknown-indicator",
    "no-observations",
    "no-target",
    "no-baseline",
    "before-baseline",
    "break",
    "stale",
]
COMMITMENT_STATUSES: tuple[str, ...] = ("planned", "in-progress", "done", "cancelled")

PUBLICATION_LAG_YEARS = 1
"""Statistics for year Y are usually published during year Y + 1, so a value is not missing until then."""


@dataclass(frozen=True)
class Point:
    """One observation of an indicator."""

    year: int
    value: Decimal
    comparable: bool = True
    """False: the observation starts a new series (a break), not comparable with the ones before it."""


@dataclass(frozen=True)
class IndicatorStatus:
    """An indicator's observations, its current comparable series and whether a newer value is overdue."""

    indicator: str
    direction: str
    frequency_years: int
    points: tuple[Point, ...]
    """Every observation, by year."""
    series: tuple[Point, ...]
    """The observations comparable with the latest one: from the last break onwards."""
    latest: Point | None
    due: int | None
    """The year by which a value newer than the latest should have been published."""
    stale: bool
    """A newer value is overdue: the reference year is past `due`."""

    def segments(self) -> tuple[tuple[Point, ...], ...]:
        """The observations split at each break in series, oldest first."""
        return segments(self.points)


@dataclass(frozen=True)
class Progress:
    """Commitments serving a goal or a priority, rolled up."""

    commitments: int
    by_status: Mapping[str, int]
    """How many commitments are planned, in progress, done or cancelled."""
    mean: Decimal | None
    """Mean progress (0–100) of the commitments that are not cancelled; None when there are none."""
    weighted: Decimal | None
    """Mean progress weighted by each commitment's euros (all years); None when no euros are committed."""
    euros: Decimal
    """Euros of the commitments that are not cancelled, over all years."""


@dataclass(frozen=True)
class GoalStatus:
    """One goal: its indicator's latest value against the line from baseline to target."""

    goal: str
    priority: str
    goal_status: str
    """The status the goal's owners set (proposed, active, achieved, dropped)."""
    indicator: str | None
    baseline: Measure | None
    target: Measure | None
    latest: Point | None
    expected: Decimal | None
    """The value on the straight line from baseline to target in the latest observation's year."""
    verdict: Verdict
    reason: Reason | None
    """Why the verdict is no-data ("stale": the latest value is too old to judge by)."""
    stale: bool
    due: int | None
    points: tuple[Point, ...]
    """The indicator's whole series, for a trend."""
    progress: Progress
    suspect: int = 0
    """Commitments serving the goal whose confirmation of it no longer matches it (`suspect.py`)."""


@dataclass(frozen=True)
class PriorityStatus:
    """A priority's goals and the commitments serving any of them."""

    priority: str
    number: int | None
    priority_status: str
    goals: tuple[GoalStatus, ...]
    verdicts: Mapping[Verdict, int]
    progress: Progress
    suspect: int = 0
    """Commitments serving any of its goals that are suspect for one of them, each counted once."""


@dataclass(frozen=True)
class Status:
    """The monitoring picture of a strategy in a reference year."""

    year: int
    priorities: tuple[PriorityStatus, ...]
    indicators: tuple[IndicatorStatus, ...]
    suspect_by_org: Mapping[str, int] = field(default_factory=dict)
    """Suspect commitments per organisation id, each counted once; organisations with none are left out."""

    def goals(self) -> Iterable[GoalStatus]:
        """Every goal, priority by priority."""
        for priority in self.priorities:
            yield from priority.goals

    def verdicts(self) -> dict[str, Verdict]:
        """Each goal's verdict by goal id."""
        return {g.goal: g.verdict for g in self.goals()}

    def counts(self) -> dict[Verdict, int]:
        """How many goals have each verdict (every verdict present, zeros included)."""
        return _verdict_counts(self.goals())

    def indicator(self, indicator_id: str) -> IndicatorStatus | None:
        """The status of one indicator."""
        return next((i for i in self.indicators if i.indicator == indicator_id), None)


def segments(points: Sequence[Point]) -> tuple[tuple[Point, ...], ...]:
    """Observations (by year) split into comparable series: a non-comparable one starts a new series."""
    result: list[list[Point]] = []
    for point in points:
        if not result or not point.comparable:
            result.append([])
        result[-1].append(point)
    return tuple(tuple(s) for s in result)


def better_or_equal(value: Decimal, than: Decimal, direction: str) -> bool:
    """Whether `value` is at least as good as `than` for an indicator going in `direction`."""
    return value >= than if direction == "higher-is-better" else value <= than


def expected_value(baseline: Measure, target: Measure, year: int) -> Decimal:
    """The value on the straight line from baseline to target in `year` (the target from its year on)."""
    if year >= target.year or target.year <= baseline.year:
        return target.value
    if year <= baseline.year:
        return baseline.value
    share = Decimal(year - baseline.year) / Decimal(target.year - baseline.year)
    return baseline.value + (target.value - baseline.value) * share


def indicator_status(indicator: Indicator, year: int) -> IndicatorStatus:
    """An indicator's series and staleness in reference year `year`."""
    points = tuple(
        Point(o.year, o.value, o.comparable) for o in sorted(indicator.observations, key=lambda o: o.year)
    )
    series = segments(points)[-1] if points else ()
    latest = points[-1] if points else None
    due = latest.year + indicator.frequency_years + PUBLICATION_LAG_YEARS if latest else None
    return IndicatorStatus(
        indicator=indicator.id,
        direction=indicator.direction,
        frequency_years=indicator.frequency_years,
        points=points,
        series=series,
        latest=latest,
        due=due,
        stale=due is not None and year > due,
    )


def verdict(goal: Goal, indicator: IndicatorStatus | None) -> tuple[Verdict, Reason | None, Decimal | None]:
    """A goal's verdict, the reason when there is none, and the value expected in the latest year.

    Achieved: the latest value is at least as good as the target. On track: at least as good as the
    straight line from baseline to target in the latest observation's year, which must be after the
    baseline's. A verdict never compares values across a break in series: the baseline must lie in the
    latest observation's series.
    """
    if goal.indicator is None:
        return "no-data", "no-indicator", None
    if indicator is None:
        return "no-data", "unknown-indicator", None
    latest = indicator.latest
    if latest is None:
        return "no-data", "no-observations", None
    if goal.target is None:
        return "no-data", "no-target", None
    if goal.baseline is None:
        return "no-data", "no-baseline", None
    if latest.year <= goal.baseline.year:
        # Nothing measured since the baseline yet: no movement to judge.
        return "no-data", "before-baseline", None
    if any(not p.comparable and p.year > goal.baseline.year for p in indicator.points):
        return "no-data", "break", None
    if indicator.stale:
        # A verdict on a value whose successor is overdue would mislead: it is "no current data",
        # and the goal's status still carries the last known value and its year.
        return "no-data", "stale", None
    exact = expected_value(goal.baseline, goal.target, latest.year)
    expected = rounded(exact, goal.baseline.value, goal.target.value, latest.value)
    if better_or_equal(latest.value, goal.target.value, indicator.direction):
        return "achieved", None, expected
    if better_or_equal(latest.value, exact, indicator.direction):
        return "on-track", None, expected
    return "off-track", None, expected


def rounded(value: Decimal, *data: Decimal) -> Decimal:
    """`value` as a person writes it: one decimal more than the most precise of `data`, at most three.

    The verdict compares the exact value; only what is shown and published is rounded.
    """
    places = max((max(0, -int(d.as_tuple().exponent)) for d in data), default=0)
    return value.quantize(Decimal(1).scaleb(-min(places + 1, 3)))


def _euros(commitment: Commitment) -> Decimal:
    return sum((r.euros for r in commitment.resources), Decimal(0))


def progress(commitments: Iterable[Commitment], euros: Mapping[int, Decimal] | None = None) -> Progress:
    """Commitments rolled up: counts by status, mean progress, and mean progress weighted by euros.

    A done commitment counts as 100 % whatever its `progress` says; cancelled ones are counted but
    left out of the means. The weighted mean lets a programme of millions weigh more than a leaflet.
    `euros` may give each commitment's total by `id()`, when it is rolled up more than once.
    """
    items = list(commitments)
    by_status = Counter[str](c.status for c in items)
    live = [c for c in items if c.status != "cancelled"]
    known = euros or {}
    values = [
        (Decimal(100 if c.status == "done" else c.progress), known[id(c)] if id(c) in known else _euros(c))
        for c in live
    ]
    total = sum((e for _, e in values), Decimal(0))
    mean = sum((p for p, _ in values), Decimal(0)) / len(values) if values else None
    weighted = sum((p * e for p, e in values), Decimal(0)) / total if total else None
    return Progress(
        commitments=len(items),
        by_status={s: by_status.get(s, 0) for s in COMMITMENT_STATUSES},
        mean=mean,
        weighted=weighted,
        euros=total,
    )


def _verdict_counts(goals: Iterable[GoalStatus]) -> dict[Verdict, int]:
    found = Counter(g.verdict for g in goals)
    return {v: found.get(v, 0) for v in VERDICTS}


def priority_order(priorities: Iterable[Priority]) -> list[Priority]:
    """Priorities by number, then id (numberless ones last)."""
    return sorted(priorities, key=lambda p: (p.number is None, p.number or 0, p.id))


def suspect_links(strategy: Strategy) -> set[tuple[int, str]]:
    """(`id()` of a commitment, goal id) of each goal a commitment confirmed that has changed since (SIS218's rule)."""
    from .suspect import changed

    return {(id(commitment), goal_id) for commitment, _, goal_id in changed(strategy)}


def status(strategy: Strategy, year: int) -> Status:
    """The monitoring picture of `strategy` in reference year `year` (stale data is judged against it)."""
    indicators = {i: indicator_status(ind, year) for i, ind in sorted(strategy.indicators.items())}
    serving: dict[str, list[Commitment]] = defaultdict(list)
    euros: dict[int, Decimal] = {}  # each commitment counts in a goal and in its priority
    suspects = suspect_links(strategy)
    suspect_orgs: dict[str, set[int]] = defaultdict(set)
    for org, commitment in strategy.all_commitments():
        euros[id(commitment)] = _euros(commitment)
        for goal_id in dict.fromkeys(commitment.goals):
            serving[goal_id].append(commitment)
            if (id(commitment), goal_id) in suspects:
                suspect_orgs[org].add(id(commitment))
    priorities: list[PriorityStatus] = []
    for priority in priority_order(strategy.priorities.values()):
        goals: list[GoalStatus] = []
        for goal in priority.goals:
            if strategy.goal_priority.get(goal.id) != priority.id:
                continue  # a duplicate goal id, reported by validation
            ind = indicators.get(goal.indicator) if goal.indicator else None
            found, reason, expected = verdict(goal, ind)
            goals.append(
                GoalStatus(
                    goal=goal.id,
                    priority=priority.id,
                    goal_status=goal.status,
                    indicator=goal.indicator,
                    baseline=goal.baseline,
                    target=goal.target,
                    latest=ind.latest if ind else None,
                    expected=expected,
                    verdict=found,
                    reason=reason,
                    stale=ind.stale if ind else False,
                    due=ind.due if ind else None,
                    points=ind.points if ind else (),
                    progress=progress(serving.get(goal.id, ()), euros),
                    suspect=sum(1 for c in serving.get(goal.id, ()) if (id(c), goal.id) in suspects),
                )
            )
        # A commitment serving two goals of the priority counts once.
        distinct = {id(c): c for g in priority.goals for c in serving.get(g.id, ())}
        # Suspect for a goal of this priority: one confirmed against another priority's goal that
        # changed is that priority's concern, not this one's.
        suspect = {id(c) for g in goals for c in serving.get(g.goal, ()) if (id(c), g.goal) in suspects}
        priorities.append(
            PriorityStatus(
                priority=priority.id,
                number=priority.number,
                priority_status=priority.status,
                goals=tuple(goals),
                verdicts=_verdict_counts(goals),
                progress=progress(distinct.values(), euros),
                suspect=len(suspect),
            )
        )
    return Status(
        year=year,
        priorities=tuple(priorities),
        indicators=tuple(indicators.values()),
        suspect_by_org={org: len(ids) for org, ids in sorted(suspect_orgs.items())},
    )


__all__ = [
    "VERDICTS",
    "GoalStatus",
    "IndicatorStatus",
    "Point",
    "PriorityStatus",
    "Progress",
    "Status",
    "Verdict",
    "better_or_equal",
    "expected_value",
    "indicator_status",
    "priority_order",
    "progress",
    "rounded",
    "segments",
    "status",
    "suspect_links",
    "verdict",
]
