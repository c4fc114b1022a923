"""Budget alignment: each organisation's commitments against its own budget plan, by line and year."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .catalogue import mark
from .documents import Path
from .findings import Finding, Param, Said, euros, hint, listed, make, tf, tn
from .models import Budget, BudgetLine, Commitment, Period, Text
from .strategy import Strategy

ZERO = Decimal(0)

MIN_PLAN_YEARS: Mapping[str, int] = {
    "state-tts": 4,
    "state-jts": 4,
    "municipal": 3,
    "wellbeing-services-county": 3,
}
"""Years a plan of each kind covers at least: TTS and JTS four (the frame of an electoral term),
municipal and county financial plans three, the budget year first (kuntalaki 110 §)."""

LISTED = 3
"""Commitments named in an over-commitment message before `and N more`."""


@dataclass(frozen=True, slots=True)
class LineYear:
    """One budget line in one year: what the plan gives and what commitments use."""

    line: str
    """The line's id, e.g. `26.30.02`."""
    year: int
    in_plan: bool
    """False when commitments name a line the organisation's plan does not have."""
    amount: Decimal | None
    """The line's amount in the plan for the year; None when the plan gives none."""
    allocated: Decimal | None
    """The part allocated to the cooperation; None when the plan gives no allocation."""
    committed: Decimal
    """Euros the organisation's commitments use from the line in the year."""
    person_years: Decimal
    """Person-years the commitments record against the line in the year."""

    @property
    def limit(self) -> Decimal:
        """What commitments may use: the allocation, else the line's amount, else nothing."""
        if self.allocated is not None:
            return self.allocated
        return self.amount if self.amount is not None else ZERO

    @property
    def remaining(self) -> Decimal:
        """The limit less what is committed (negative when over)."""
        return self.limit - self.committed

    @property
    def over(self) -> Decimal:
        """Euros committed beyond the limit (0 when within it)."""
        return max(ZERO, self.committed - self.limit)


@dataclass(frozen=True, slots=True)
class YearFigures:
    """One organisation's money and work for the cooperation in one year."""

    year: int
    planned: bool
    """The year is within the years the organisation's plan covers."""
    allocated: Decimal
    """The sum of the plan's lines' limits: allocations, or whole amounts where none is given."""
    committed: Decimal
    """Euros all the organisation's commitments use in the year."""
    person_years_available: Decimal | None
    """Person-years the organisation made available; None when its plan says nothing for the year."""
    person_years: Decimal
    """Person-years the commitments use."""
    lines: tuple[LineYear, ...] = ()

    @property
    def remaining(self) -> Decimal:
        """Allocated less committed (negative when over)."""
        return self.allocated - self.committed

    @property
    def over(self) -> Decimal:
        """Euros committed beyond each line's limit, summed over the lines."""
        return sum((line.over for line in self.lines), ZERO)

    @property
    def person_years_remaining(self) -> Decimal | None:
        """Person-years available less those used; None when nothing was made available."""
        if self.person_years_available is None:
            return None
        return self.person_years_available - self.person_years


@dataclass(frozen=True)
class OrgAlignment:
    """One organisation's plan, commitments and figures by year."""

    organisation: str
    name: Text
    plan: Budget | None
    years: tuple[YearFigures, ...]
    commitments: int
    """Commitments that count (all but the cancelled)."""
    resourced: int
    """Of those, commitments with resources."""


@dataclass(frozen=True, slots=True)
class Scoped:
    """A finding with the organisation and year it concerns, for narrowing a report."""

    finding: Finding
    organisation: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Alignment:
    """The alignment of a whole strategy: figures per organisation, and findings."""

    organisations: tuple[OrgAlignment, ...]
    scoped: tuple[Scoped, ...] = field(default=())

    @property
    def findings(self) -> list[Finding]:
        """Every finding, ordered by file and position."""
        return sorted((s.finding for s in self.scoped), key=Finding.sort_key)

    def narrowed(self, organisation: str | None = None, year: int | None = None) -> Alignment:
        """Only one organisation and/or one year, with the findings that concern them."""
        orgs = self.organisations
        scoped = self.scoped
        if organisation is not None:
            orgs = tuple(o for o in orgs if o.organisation == organisation)
            scoped = tuple(s for s in scoped if s.organisation == organisation)
        if year is not None:
            narrowed = (replace(o, years=tuple(y for y in o.years if y.year == year)) for o in orgs)
            orgs = tuple(o for o in narrowed if o.years)
            scoped = tuple(s for s in scoped if s.year in (None, year))
        return Alignment(orgs, scoped)


def covers(period: Period, year: int) -> bool:
    """Whether `year` is within `period` (an open end covers every later year)."""
    return period.start <= year and (period.end is None or year <= period.end)


def span(period: Period) -> str:
    """`2022–2025`, or `2022 onwards` for a period without an end."""
    return f"{period.start}–{period.end}" if period.end is not None else f"{period.start} onwards"


def period_words(period: Period) -> Param:
    """`span(period)` as a value of a finding's message, in the reader's language."""
    if period.end is not None:
        return f"{period.start}–{period.end}"
    return tf("finding.onwards", start=period.start)


def _name(strategy: Strategy, org: str) -> Text:
    known = strategy.organisations.get(org)
    if known is None:
        return org
    return known.short_name or known.name


def _listed(uses: Sequence[tuple[str, Decimal]], unit: str) -> Param:
    """`(a 120,000 €, b 110,000 € and 2 more)` naming the largest uses first."""
    ordered = sorted(uses, key=lambda u: (-u[1], u[0]))
    shown = listed(
        tf("finding.use", commitment=cid, amount=euros(v) if unit == "€" else v)
        for cid, v in ordered[:LISTED]
    )
    if len(ordered) > LISTED:
        return tn("finding.uses.more", len(ordered) - LISTED, uses=shown)
    return tf("finding.uses", uses=shown)


_ID_VALUE = re.compile(r"id:[ \t]+(['\"]?)([a-z0-9]+(?:-[a-z0-9]+)*)\1(?=\s|[,}]|\Z)")


class Locator:
    """Positions of findings, found cheaply where the text makes them unambiguous.

    Locating through the YAML parser re-reads a whole file; at national scale thousands of
    commitments get a finding each, so a commitment's `id:` and a plan's top-level keys are found
    by a scan of the text instead. The scan answers only when exactly one place matches;
    otherwise (flow style, a value on the next line, look-alike text) the parser decides.
    """

    def __init__(self, strategy: Strategy) -> None:
        self.s = strategy
        self._ids: dict[str, dict[str, tuple[int, int] | None]] = {}

    def finding(self, code: str, message: str | Said, kind: str, record: str, sub: Path = ()) -> Finding:
        """A finding at the record (kind, id), or at `sub` inside it, as `Strategy.finding` places it."""
        located = self.s.where.get((kind, record))
        if located is not None:
            doc = self.s.documents[located.rel]
            spot: tuple[int, int] | None = None
            if doc.text is not None:
                if kind == "commitments" and sub == ("id",):
                    spot = self._id(located.rel, doc.text, record)
                elif located.loc == () and len(sub) == 1 and isinstance(sub[0], str):
                    spot = _top_level(doc.text, sub[0])
            if spot is not None:
                return make(code, message, doc.path, spot[0], spot[1], record)
        return self.s.finding(code, message, kind, record, sub)

    def _id(self, rel: str, text: str, record: str) -> tuple[int, int] | None:
        index = self._ids.get(rel)
        if index is None:
            index = self._ids[rel] = _id_index(text)
        return index.get(record)


def _id_index(text: str) -> dict[str, tuple[int, int] | None]:
    """Where each `id: value` of a file's text is, in one pass (None for a value written twice)."""
    index: dict[str, tuple[int, int] | None] = {}
    line, last = 1, 0
    for match in _ID_VALUE.finditer(text):
        start = match.start()
        if start and text[start - 1] not in " \t\n{,":
            continue  # e.g. `previous_ids:`
        offset = match.start(1)
        line += text.count("\n", last, offset)
        last = offset
        value = match.group(2)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        index[value] = None if value in index else (line, column)
    return index


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, counted in characters as the YAML parser counts them."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _top_level(text: str, key: str) -> tuple[int, int] | None:
    """The value of a top-level key written `key: value` on one line, when exactly one line says so."""
    matches = list(re.finditer(rf"(?m)^{re.escape(key)}:[ \t]+(?=[^\s#])", text))
    if len(matches) != 1:
        return None
    return _line_col(text, matches[0].end())


class _Org:
    """Collects one organisation's figures and findings."""

    def __init__(self, strategy: Strategy, org: str, out: list[Scoped], locator: Locator) -> None:
        self.s = strategy
        self.locator = locator
        self.org = org
        self.out = out
        self.plan = strategy.budgets.get(org)
        # A plan whose file failed validation is unknown, not absent: plan rules stay quiet then.
        self.plan_broken = self.plan is None and org in strategy.broken.get("budgets", frozenset())
        self.items = [c for c in strategy.commitments.get(org, ()) if c.status != "cancelled"]
        # A line written twice (SIS202) counts as first written, as validation reports the second.
        self.lines: dict[str, BudgetLine] = {}
        for line in self.plan.lines if self.plan else ():
            self.lines.setdefault(line.id, line)
        # (line, year) → uses by commitment, euros and person-years.
        self.euros: dict[tuple[str, int], list[tuple[str, Decimal]]] = {}
        self.work: dict[int, list[tuple[str, Decimal]]] = {}
        self.line_work: dict[tuple[str, int], Decimal] = {}

    def add(
        self, code: str, message: str | Said, kind: str, record: str, sub: Path, year: int | None = None
    ) -> None:
        self.out.append(Scoped(self.locator.finding(code, message, kind, record, sub), self.org, year))

    def budget_path(self) -> str:
        located = self.s.where.get(("budgets", self.org))
        return self.s.display(located.rel) if located else f"budgets/{self.org}.yaml"

    def commitments(self) -> None:
        plan = self.plan
        targets = {t.id for t in plan.performance_targets} if plan else set()
        for item in self.items:
            cid = item.id
            if not item.resources:
                self.add(
                    "SIS306",
                    tf("finding.SIS306", commitment=cid),
                    "commitments",
                    cid,
                    ("id",),
                )
            self._target(item, targets)
            for ri, res in enumerate(item.resources):
                at: Path = ("resources", ri)
                key = (res.budget_line, res.year)
                if res.euros:
                    self.euros.setdefault(key, []).append((cid, res.euros))
                if res.person_years:
                    self.work.setdefault(res.year, []).append((cid, res.person_years))
                    self.line_work[key] = self.line_work.get(key, ZERO) + res.person_years
                if plan is None:
                    continue
                if res.budget_line not in self.lines:
                    self.add(
                        "SIS301",
                        tf(
                            "finding.SIS301",
                            line=res.budget_line,
                            org=self.org,
                            hint=hint(res.budget_line, self.lines),
                            file=self.budget_path(),
                        ),
                        "commitments",
                        cid,
                        (*at, "budget_line"),
                        res.year,
                    )
                if not covers(plan.years, res.year):
                    self.add(
                        "SIS303",
                        tf(
                            "finding.SIS303",
                            year=res.year,
                            org=self.org,
                            start=plan.years.start,
                            end=plan.years.end or "",
                        ),
                        "commitments",
                        cid,
                        (*at, "year"),
                        res.year,
                    )

    def _target(self, item: Commitment, targets: set[str]) -> None:
        plan = self.plan
        if item.performance_target is not None:
            if self.plan_broken or item.performance_target in targets:
                return
            target = item.performance_target
            self.add(
                "SIS307",
                tf("finding.SIS307.plan", target=target, org=self.org, hint=hint(target, targets))
                if plan is not None
                else tf("finding.SIS307.no-plan", target=target, org=self.org),
                "commitments",
                item.id,
                ("performance_target",),
            )
        elif item.resources and plan is not None and targets:
            self.add(
                "SIS308",
                tf("finding.SIS308", commitment=item.id, org=self.org, targets=listed(sorted(targets))),
                "commitments",
                item.id,
                ("id",),
            )

    def no_plan(self) -> None:
        with_money = [c for c in self.items if any(r.euros for r in c.resources)]
        if self.plan is not None or self.plan_broken or not with_money:
            return
        total = sum((r.euros for c in with_money for r in c.resources), ZERO)
        located = self.s.where[("commitments", with_money[0].id)]
        doc = self.s.documents[located.rel]
        line, column = doc.locate(("organisation",))
        prefix = doc.path[: len(doc.path) - len(located.rel)] if doc.path.endswith(located.rel) else ""
        self.out.append(
            Scoped(
                make(
                    "SIS302",
                    tf(
                        "finding.SIS302",
                        org=self.org,
                        commitments=tn("finding.SIS302.commitments", len(with_money)),
                        total=euros(total),
                        file=f"{prefix}budgets/{self.org}.yaml",
                    ),
                    doc.path,
                    line,
                    column,
                    self.org,
                ),
                self.org,
            )
        )

    def plan_rules(self) -> None:
        plan = self.plan
        if plan is None:
            return
        required = MIN_PLAN_YEARS.get(plan.kind)
        if required and plan.years.end is not None:
            length = plan.years.end - plan.years.start + 1
            if length < required:
                self.add(
                    "SIS309",
                    tf(
                        "finding.SIS309",
                        kind=plan.kind,
                        required=required,
                        length=length,
                        start=plan.years.start,
                        end=plan.years.end,
                    ),
                    "budgets",
                    self.org,
                    ("years",),
                )
        self._plan_years(plan)
        if plan.status == "draft":
            self.add(
                "SIS310",
                tf("finding.SIS310", org=self.org),
                "budgets",
                self.org,
                ("status",),
            )

    def _plan_years(self, plan: Budget) -> None:
        """Amounts for years the plan does not cover; a plan reaching outside the planning years."""
        years = period_words(plan.years)
        for li, line in enumerate(plan.lines):
            for ai, amount in enumerate(line.amounts):
                if not covers(plan.years, amount.year):
                    self.add(
                        "SIS313",
                        tf("finding.SIS313.line", line=line.id, year=amount.year, years=years),
                        "budgets",
                        self.org,
                        ("lines", li, "amounts", ai, "year"),
                        amount.year,
                    )
        for pi, entry in enumerate(plan.person_years):
            if not covers(plan.years, entry.year):
                self.add(
                    "SIS313",
                    tf("finding.SIS313.person-years", year=entry.year, years=years),
                    "budgets",
                    self.org,
                    ("person_years", pi, "year"),
                    entry.year,
                )
        planning = self.s.settings.planning_years
        where = period_words(planning)
        if plan.years.start < planning.start:
            self.add(
                "SIS314",
                tf("finding.SIS314.start", start=plan.years.start, planning=where, first=planning.start),
                "budgets",
                self.org,
                ("years", "start"),
                plan.years.start,
            )
        if planning.end is not None and plan.years.end is not None and plan.years.end > planning.end:
            self.add(
                "SIS314",
                tf("finding.SIS314.end", end=plan.years.end, planning=where, last=planning.end),
                "budgets",
                self.org,
                ("years", "end"),
                plan.years.end,
            )

    def over_commitment(self) -> None:
        plan = self.plan
        if plan is None:
            return
        index: dict[str, int] = {}
        for li, line in enumerate(plan.lines):
            index.setdefault(line.id, li)
        for (line_id, year), uses in self.euros.items():
            if line_id not in self.lines or not covers(plan.years, year):
                continue
            line = self.lines[line_id]
            committed = sum((v for _, v in uses), ZERO)
            amounts = [(ai, a) for ai, a in enumerate(line.amounts) if a.year == year]
            li = index[line_id]
            if not amounts:
                self.add(
                    "SIS304",
                    tf(
                        "finding.SIS304.no-amount",
                        line=line_id,
                        year=year,
                        committed=euros(committed),
                        uses=_listed(uses, "€"),
                    ),
                    "budgets",
                    self.org,
                    ("lines", li, "amounts" if line.amounts else "id"),
                    year,
                )
                continue
            ai, amount = amounts[0]
            limit = amount.allocated if amount.allocated is not None else amount.euros
            if committed <= limit:
                continue
            self.add(
                "SIS304",
                tf(
                    mark("finding.SIS304.allocated")
                    if amount.allocated is not None
                    else mark("finding.SIS304.amount"),
                    committed=euros(committed),
                    line=line_id,
                    year=year,
                    over=euros(committed - limit),
                    limit=euros(limit),
                    uses=_listed(uses, "€"),
                ),
                "budgets",
                self.org,
                ("lines", li, "amounts", ai, "allocated" if amount.allocated is not None else "euros"),
                year,
            )
        for year, uses in self.work.items():
            if not covers(plan.years, year):
                continue
            used = sum((v for _, v in uses), ZERO)
            entries = [(pi, p) for pi, p in enumerate(plan.person_years) if p.year == year]
            if not entries:
                self.add(
                    "SIS305",
                    tf("finding.SIS305.none", org=self.org, year=year, used=used, uses=_listed(uses, "py")),
                    "budgets",
                    self.org,
                    ("person_years",),
                    year,
                )
                continue
            pi, available = entries[0]
            if used > available.available:
                self.add(
                    "SIS305",
                    tf(
                        "finding.SIS305.over",
                        used=used,
                        year=year,
                        over=used - available.available,
                        available=available.available,
                        org=self.org,
                        uses=_listed(uses, "py"),
                    ),
                    "budgets",
                    self.org,
                    ("person_years", pi, "available"),
                    year,
                )

    def figures(self) -> OrgAlignment:
        plan = self.plan
        years: set[int] = {year for _, year in self.euros} | set(self.work)
        years |= {year for _, year in self.line_work}
        if plan is not None:
            last = plan.years.end
            for line in plan.lines:
                years.update(a.year for a in line.amounts)
            years.update(p.year for p in plan.person_years)
            if last is None:
                last = max([plan.years.start, *years])
            years.update(range(plan.years.start, last + 1))
        available = {p.year: p.available for p in plan.person_years} if plan else {}
        used: dict[int, set[str]] = {}  # the lines commitments use, by year
        for line_id, year in (*self.euros, *self.line_work):
            used.setdefault(year, set()).add(line_id)
        rows: list[YearFigures] = []
        for year in sorted(years):
            lines: list[LineYear] = []
            seen: set[str] = set()
            for line in plan.lines if plan else ():
                amount = next((a for a in line.amounts if a.year == year), None)
                key = (line.id, year)
                committed = sum((v for _, v in self.euros.get(key, ())), ZERO)
                if amount is None and not committed and key not in self.line_work:
                    continue
                seen.add(line.id)
                lines.append(
                    LineYear(
                        line.id,
                        year,
                        True,
                        amount.euros if amount else None,
                        amount.allocated if amount else None,
                        committed,
                        self.line_work.get(key, ZERO),
                    )
                )
            unknown = sorted(used.get(year, set()) - seen)
            for line_id in unknown:
                key = (line_id, year)
                committed = sum((v for _, v in self.euros.get(key, ())), ZERO)
                lines.append(
                    LineYear(line_id, year, False, None, None, committed, self.line_work.get(key, ZERO))
                )
            rows.append(
                YearFigures(
                    year=year,
                    planned=plan is not None and covers(plan.years, year),
                    allocated=sum((ly.limit for ly in lines if ly.in_plan), ZERO),
                    committed=sum((ly.committed for ly in lines), ZERO),
                    person_years_available=available.get(year),
                    person_years=sum((v for _, v in self.work.get(year, ())), ZERO),
                    lines=tuple(lines),
                )
            )
        return OrgAlignment(
            organisation=self.org,
            name=_name(self.s, self.org),
            plan=plan,
            years=tuple(rows),
            commitments=len(self.items),
            resourced=sum(1 for c in self.items if c.resources),
        )


def served_goals(strategy: Strategy) -> frozenset[str]:
    """Goals that some resourced commitment, not cancelled, serves."""
    return frozenset(
        goal_id
        for _, item in strategy.all_commitments()
        if item.status != "cancelled" and item.resources
        for goal_id in item.goals
    )


def _coverage(strategy: Strategy, out: list[Scoped]) -> None:
    """Active goals no resourced commitment serves; group members with no commitment to a priority."""
    broken = strategy.broken.get("commitments", frozenset())
    served = served_goals(strategy)
    committed_to: set[tuple[str, str]] = set()
    # A commitment naming an unknown goal (SIS201, SIS204) meant to serve some goal: the goals it
    # may have meant, and its organisation's membership, are not reported on top of that finding.
    unsure_priorities: set[str] = set()
    unsure_orgs: set[str] = set()
    for org, item in strategy.all_commitments():
        if item.status == "cancelled":
            continue
        for goal_id in item.goals:
            priority = strategy.goal_priority.get(goal_id)
            if priority is not None:
                committed_to.add((org, priority))
            else:
                unsure_orgs.add(org)
                named = [p for p in strategy.priorities if goal_id.startswith(p + "-")]
                unsure_priorities.update(named or strategy.priorities)
    for pid, prio in strategy.priorities.items():
        if prio.status != "active":
            continue
        for goal in prio.goals if pid not in unsure_priorities else ():
            # Coverage is unknown while some commitments fail validation: say nothing then.
            if broken or goal.status != "active" or goal.id in served:
                continue
            if strategy.goal_priority.get(goal.id) != pid:
                continue  # a duplicate id, reported by validation
            out.append(
                Scoped(
                    strategy.finding(
                        "SIS311",
                        tf("finding.SIS311", goal=goal.id),
                        "goals",
                        goal.id,
                        ("id",),
                    )
                )
            )
        seen: set[str] = set()
        members: list[tuple[str, Path]] = []
        group = prio.group
        members.extend((m, ("group", "members", i)) for i, m in enumerate(group.members))
        for si, sub in enumerate(group.subgroups):
            members.extend((m, ("group", "subgroups", si, "members", i)) for i, m in enumerate(sub.members))
        for member, loc in members:
            if member in seen:
                continue
            seen.add(member)
            if (member, pid) in committed_to or member in broken or member not in strategy.organisations:
                continue
            if member in unsure_orgs:
                continue
            out.append(
                Scoped(
                    strategy.finding(
                        "SIS312",
                        tf("finding.SIS312", org=member, priority=pid),
                        "priorities",
                        pid,
                        loc,
                    ),
                    member,
                )
            )


def align(strategy: Strategy, only: Collection[str] | None = None, figures: bool = True) -> Alignment:
    """Every organisation's commitments against its own budget plan, with the findings of each rule.

    With `only`, just those organisations' figures and findings (no coverage rules): what a change
    to their files can move. Without `figures`, only the findings (what `validate` needs): the
    figures by year are the larger part of the work.
    """
    out: list[Scoped] = []
    orgs = sorted(set(strategy.budgets) | {o for o, items in strategy.commitments.items() if items})
    if only is not None:
        orgs = [org for org in orgs if org in only]
    result: list[OrgAlignment] = []
    locator = Locator(strategy)
    for org in orgs:
        collector = _Org(strategy, org, out, locator)
        collector.commitments()
        collector.no_plan()
        collector.plan_rules()
        collector.over_commitment()
        if figures:
            result.append(collector.figures())
    if only is None:
        _coverage(strategy, out)
    return Alignment(tuple(result), tuple(out))


def check(strategy: Strategy) -> list[Finding]:
    """The alignment findings of a strategy, without its figures (for `checks.run_all`)."""
    return align(strategy, figures=False).findings


@dataclass(frozen=True, slots=True)
class YearDelta:
    """How a change moved one organisation's money and work in one year, against its plan."""

    organisation: str
    name: Text
    year: int
    allocated_before: Decimal
    allocated_after: Decimal
    committed_before: Decimal
    committed_after: Decimal
    over_before: Decimal
    over_after: Decimal
    person_years_before: Decimal
    person_years_after: Decimal
    available_before: Decimal | None
    available_after: Decimal | None

    @property
    def allocated(self) -> Decimal:
        """Change in what the plan allocates."""
        return self.allocated_after - self.allocated_before

    @property
    def committed(self) -> Decimal:
        """Change in what commitments use."""
        return self.committed_after - self.committed_before

    @property
    def person_years(self) -> Decimal:
        """Change in the person-years commitments use."""
        return self.person_years_after - self.person_years_before

    @property
    def remaining_after(self) -> Decimal:
        """What is left of the allocation after the change (negative when over)."""
        return self.allocated_after - self.committed_after


def _by_year(alignment: Alignment) -> dict[tuple[str, int], tuple[Text, YearFigures]]:
    return {(o.organisation, y.year): (o.name, y) for o in alignment.organisations for y in o.years}


def compare(before: Strategy, after: Strategy) -> tuple[YearDelta, ...]:
    """Per organisation and year, what changed in allocations, commitments and person-years."""
    return compare_alignments(align(before), align(after))


def compare_alignments(before: Alignment, after: Alignment) -> tuple[YearDelta, ...]:
    """`compare` for alignments already computed."""
    old, new = _by_year(before), _by_year(after)
    empty = YearFigures(0, False, ZERO, ZERO, None, ZERO)
    deltas: list[YearDelta] = []
    for key in sorted(set(old) | set(new)):
        name, b = old.get(key, (key[0], empty))
        name, a = new.get(key, (name, empty))
        changed = (
            a.allocated != b.allocated
            or a.committed != b.committed
            or a.over != b.over
            or a.person_years != b.person_years
            or a.person_years_available != b.person_years_available
        )
        if not changed:
            continue
        deltas.append(
            YearDelta(
                key[0],
                name,
                key[1],
                b.allocated,
                a.allocated,
                b.committed,
                a.committed,
                b.over,
                a.over,
                b.person_years,
                a.person_years,
                b.person_years_available,
                a.person_years_available,
            )
        )
    return tuple(deltas)


def committed_by_line(strategy: Strategy) -> dict[tuple[str, str, int], Decimal]:
    """Euros committed by (organisation, line, year): the totals the property tests watch."""
    totals: dict[tuple[str, str, int], Decimal] = {}
    for org in align(strategy).organisations:
        for year in org.years:
            for line in year.lines:
                totals[(org.organisation, line.line, line.year)] = line.committed
    return totals


__all__ = [
    "Alignment",
    "LineYear",
    "OrgAlignment",
    "Scoped",
    "YearDelta",
    "YearFigures",
    "align",
    "check",
    "committed_by_line",
    "compare",
    "compare_alignments",
    "covers",
    "span",
]
