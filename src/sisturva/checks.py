"""All checks of one strategy: validation, years against the periods that frame them, budget alignment."""

from __future__ import annotations

import datetime

from .align import covers as _within
from .align import period_words as _span
from .catalogue import mark
from .findings import Finding, Param, tf
from .models import Period
from .strategy import Strategy


def run_all(strategy: Strategy, this_year: int | None = None) -> list[Finding]:
    """Every finding that can fail a strategy: what `validate` reports and `render` refuses.

    The alignment rules are run for their findings only (the figures are `align`'s report), so this
    stays cheap enough for every `validate`. `this_year` (default: today's) is the year after
    which an observation is in the future.
    """
    from .align import check as alignment
    from .suspect import check as suspect

    return [
        *strategy.findings,
        *years(strategy, this_year),
        *owner_handles(strategy),
        *suspect(strategy),
        *alignment(strategy),
    ]


def years(strategy: Strategy, this_year: int | None = None) -> list[Finding]:
    """Each year of a commitment, priority, goal and indicator against the periods that frame it.

    The frames, widest first: the planning years (`sisturva.yaml`), a priority's period, a
    commitment's period. (Budget plans' years are alignment rules: SIS313, SIS314.)
    """
    now = this_year if this_year is not None else datetime.date.today().year
    planning = strategy.settings.planning_years
    planned = _span(planning)
    out: list[Finding] = []
    for _, item in strategy.all_commitments():
        cid, period = item.id, item.period
        out.extend(_outside_planning(strategy, "commitment", "commitments", cid, period, planning, planned))
        for ri, res in enumerate(item.resources):
            if not _within(period, res.year):
                out.append(
                    strategy.finding(
                        "SIS210",
                        tf("finding.SIS210", year=res.year, period=_span(period)),
                        "commitments",
                        cid,
                        ("resources", ri, "year"),
                    )
                )
    for pid, prio in strategy.priorities.items():
        out.extend(_outside_planning(strategy, "priority", "priorities", pid, prio.period, planning, planned))
        frames = (
            ("SIS213", _span(prio.period), prio.period),
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
                        tf("finding.SIS215", baseline=baseline, target=target),
                        "goals",
                        goal.id,
                        ("baseline", "year"),
                    )
                )
            for code, frame, period in frames:
                if target is not None and not _within(period, target):
                    message = tf(GOAL_YEARS[code][0], year=target, period=frame)
                    out.append(strategy.finding(code, message, "goals", goal.id, ("target", "year")))
                if goal.due is not None and not _within(period, goal.due.year):
                    message = tf(GOAL_YEARS[code][1], year=goal.due.year, period=frame)
                    out.append(strategy.finding(code, message, "goals", goal.id, ("due",)))
                if baseline is not None and period.end is not None and baseline > period.end:
                    message = tf(GOAL_YEARS[code][2], year=baseline, period=frame)
                    out.append(strategy.finding(code, message, "goals", goal.id, ("baseline", "year")))
    for iid, indicator in strategy.indicators.items():
        for oi, observation in enumerate(indicator.observations):
            if observation.year > now:
                out.append(
                    strategy.finding(
                        "SIS216",
                        tf("finding.SIS216", year=observation.year, now=now),
                        "indicators",
                        iid,
                        ("observations", oi, "year"),
                    )
                )
    return out


GOAL_YEARS = {
    "SIS213": (mark("finding.SIS213.target"), mark("finding.SIS213.due"), mark("finding.SIS213.baseline")),
    "SIS214": (mark("finding.SIS214.target"), mark("finding.SIS214.due"), mark("finding.SIS214.baseline")),
}
"""A goal's target, due and baseline year against its priority's period (SIS213), the planning years (SIS214)."""
OUTSIDE_PLANNING = {
    "commitment": (mark("finding.SIS211.start"), mark("finding.SIS211.end")),
    "priority": (mark("finding.SIS212.start"), mark("finding.SIS212.end")),
}
"""The messages of a period starting before or ending after the planning years, by the noun of its kind."""


def _outside_planning(
    strategy: Strategy, noun: str, kind: str, record: str, period: Period, planning: Period, planned: Param
) -> list[Finding]:
    """SIS211 (a commitment) or SIS212 (a priority) whose period starts before or ends after the planning years."""
    code = "SIS211" if kind == "commitments" else "SIS212"
    start_key, end_key = OUTSIDE_PLANNING[noun]
    found: list[Finding] = []
    if period.start < planning.start:
        message = tf(start_key, start=period.start, planning=planned, first=planning.start)
        found.append(strategy.finding(code, message, kind, record, ("period", "start")))
    if planning.end is not None and period.end is not None and period.end > planning.end:
        message = tf(end_key, end=period.end, planning=planned, last=planning.end)
        found.append(strategy.finding(code, message, kind, record, ("period", "end")))
    return found


def owner_handles(strategy: Strategy) -> list[Finding]:
    """SIS217: an organisation's owner that neither GitHub nor GitLab takes as a code owner (`sisturva owners`)."""
    from .owners import accepted

    return [
        strategy.finding("SIS217", tf("finding.SIS217", owner=owner), "organisations", oid, ("owners", index))
        for oid, organisation in strategy.organisations.items()
        for index, owner in enumerate(organisation.owners)
        if not accepted(owner)
    ]
