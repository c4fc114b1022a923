"""All checks of one strategy: validation, years against the periods that frame them, budget alignment."""

from __future__ import annotations

import datetime

from .align import covers as _within
from .align import span as _span
from .findings import Finding
from .models import Period
from .strategy import Strategy


def run_all(strategy: Strategy, this_year: int | None = None) -> list[Finding]:
    """Every finding that can fail a strategy: what `validate` reports and `render` refuses.

    The alignment rules are run for their findings only (the figures are `align`'s report), so this
    stays cheap enough for every `validate`. `this_year` (default: today's) is the year after
    which an observation is in the future.
    """
    from .align import check as alignment

    return [*strategy.findings, *years(strategy, this_year), *alignment(strategy)]


def years(strategy: Strategy, this_year: int | None = None) -> list[Finding]:
    """Each year of a commitment, priority, goal and indicator against the periods that frame it.

    The frames, widest first: the planning years (`sisturva.yaml`), a priority's period, a
    commitment's period. (Budget plans' years are alignment rules: SIS313, SIS314.)
    """
    now = this_year if this_year is not None else datetime.date.today().year
    planning = strategy.settings.planning_years
    planned = f"the planning years ({_span(planning)}, sisturva.yaml)"
    out: list[Finding] = []
    for _, item in strategy.all_commitments():
        cid, period = item.id, item.period
        out.extend(_outside_planning(strategy, "commitment", "commitments", cid, period, planning, planned))
        for ri, res in enumerate(item.resources):
            if not _within(period, res.year):
                out.append(
                    strategy.finding(
                        "SIS210",
                        f"resource year {res.year} is outside the commitment's period ({_span(period)}); "
                        f"move the resource into {_span(period)} or change the period",
                        "commitments",
                        cid,
                        ("resources", ri, "year"),
                    )
                )
    for pid, prio in strategy.priorities.items():
        out.extend(_outside_planning(strategy, "priority", "priorities", pid, prio.period, planning, planned))
        frames = (
            ("SIS213", f"its priority's period ({_span(prio.period)})", prio.period),
            ("SIS214", planned, planning),
        )
        for goal in prio.goals:
            if strategy.goal_priority.get(goal.id) != pid:
                continue  # a duplicate id, reported by validation
            target = goal.target.year if goal.target is not None else None
            baseline = goal.baseline.year if goal.baseline is not None else None
            if baseline is not None and target is not None and baseline > target:
                out.append(
                    strategy.finding(
                        "SIS215",
                        f"the baseline year {baseline} is after the target year {target}; "
                        "the baseline comes first: correct one of the years",
                        "goals",
                        goal.id,
                        ("baseline", "year"),
                    )
                )
            for code, frame, period in frames:
                if target is not None and not _within(period, target):
                    message = f"the target year {target} is outside {frame}; set a target year within it"
                    out.append(strategy.finding(code, message, "goals", goal.id, ("target", "year")))
                if goal.due is not None and not _within(period, goal.due.year):
                    message = f"the goal is due in {goal.due.year}, outside {frame}; set a due date within it"
                    out.append(strategy.finding(code, message, "goals", goal.id, ("due",)))
                if baseline is not None and period.end is not None and baseline > period.end:
                    message = (
                        f"the baseline year {baseline} is after the end of {frame}; a baseline is where "
                        "the indicator stood when the goal was set: give an earlier year"
                    )
                    out.append(strategy.finding(code, message, "goals", goal.id, ("baseline", "year")))
    for iid, indicator in strategy.indicators.items():
        for oi, observation in enumerate(indicator.observations):
            if observation.year > now:
                out.append(
                    strategy.finding(
                        "SIS216",
                        f"observation for {observation.year} is in the future (this year is {now}); "
                        "correct its year",
                        "indicators",
                        iid,
                        ("observations", oi, "year"),
                    )
                )
    return out


def _outside_planning(
    strategy: Strategy, noun: str, kind: str, record: str, period: Period, planning: Period, planned: str
) -> list[Finding]:
    """SIS211 (a commitment) or SIS212 (a priority) whose period starts before or ends after the planning years."""
    code = "SIS211" if kind == "commitments" else "SIS212"
    found: list[Finding] = []
    if period.start < planning.start:
        message = (
            f"the {noun} starts in {period.start}, before {planned}; start it in {planning.start} "
            "or later, or widen planning_years"
        )
        found.append(strategy.finding(code, message, kind, record, ("period", "start")))
    if planning.end is not None and period.end is not None and period.end > planning.end:
        message = (
            f"the {noun} ends in {period.end}, after {planned}; end it in {planning.end} "
            "or earlier, or widen planning_years"
        )
        found.append(strategy.finding(code, message, kind, record, ("period", "end")))
    return found
