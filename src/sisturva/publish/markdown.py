"""The whole strategy as one Markdown document (for a PDF or a wiki), record text made inert."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ..locale import format_date, format_money, format_number, in_language, with_unit
from ..models import Budget, Commitment, Goal, Indicator, Level, Measure, SourceRef, Text
from ..safetext import markdown
from ..standing import UNKNOWN, Standing
from ..strategy import Strategy
from .messages import localized, t, tn
from .reuse import Parts

if TYPE_CHECKING:
    from ..status import Point, Status


class Judgement(NamedTuple):
    """What the document says of a goal's indicator: the verdict, why there is none, and staleness."""

    verdict: str
    reason: str | None
    stale: bool = False
    """The latest value is too old to judge by: "no current data", with `latest` and `due`."""
    latest: Point | None = None
    due: int | None = None


Verdicts = dict[str, Judgement]
"""Each goal's judgement by goal id (its `repr` is part of the key of the goal's kept part)."""


@functools.lru_cache(maxsize=1 << 16)
def inline(text: str) -> str:
    """Record text as one line of inert Markdown: no markup, HTML, links, pings, table breaks or controls."""
    # The one escaping of every Markdown output (`safetext.markdown`); names repeat, hence the cache.
    return markdown(text)


def block(text: str) -> str:
    """Record text of one or more paragraphs (blank lines between them) as inert Markdown paragraphs."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join(inline(p) for p in paragraphs)


def number(value: Decimal | int, lang: str) -> str:
    """A number in `lang`'s way (`1 234,5` in Finnish)."""
    return format_number(value, lang)


class _Writer:
    """Builds the document in one language: every record text goes through `tx`, which marks fallbacks."""

    def __init__(
        self, strategy: Strategy, lang: str, parts: Parts | None = None, unapproved: int = 0
    ) -> None:
        self.s = strategy
        self.lang = lang
        self.default = strategy.settings.languages[0]
        self.out: list[str] = []
        self.parts = parts
        self.unapproved = unapproved

    def part(self, reads: Callable[[Parts], Sequence[str]], write: Callable[[], None]) -> None:
        """Write a part with `write`, or copy it from the last render when what it `reads` is unchanged."""
        if self.parts is None:
            write()
            return
        key = self.parts.key(*reads(self.parts))
        kept = self.parts.kept(key)
        if kept is not None:
            self.out.extend(kept)
        else:
            start = len(self.out)
            write()
            self.parts.current[key] = tuple(self.out[start:])

    def tx(self, text: Text | None, paragraphs: bool = False, mark: bool = True) -> str:
        """Record text in the document's language; text shown in another is marked `*(in Finnish)*`.

        `mark=False` for what is shown as it is written in any language: names, units, abbreviations.
        """
        value, shown = localized(text, self.lang, self.default)
        body = block(value) if paragraphs else inline(value)
        if mark and shown != self.lang and value:
            body += f" *({in_language(shown, self.lang)})*"
        return body

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def tn(self, key: str, count: int, **values: object) -> str:
        return tn(key, self.lang, count, **values)

    def line(self, *parts: str) -> None:
        self.out.extend(parts)

    def heading(self, level: int, text: str) -> None:
        self.out.extend(["#" * level + " " + text, ""])

    def para(self, text: Text | None) -> None:
        if text is not None:
            self.out.extend([self.tx(text, paragraphs=True), ""])

    def org(self, org_id: str) -> str:
        # An organisation's name is a name: shown as written, in whichever language it is.
        record = self.s.organisations.get(org_id)
        return self.tx(record.name, mark=False) if record is not None else inline(org_id)

    def value(self, value: Decimal | int, unit: str = "") -> str:
        """A number with its unit as the document's language writes it (`91,5 %`, `91.5%`)."""
        return with_unit(number(value, self.lang), unit, self.lang)

    def orgs(self, org_ids: Iterable[str]) -> str:
        return ", ".join(self.org(o) for o in org_ids)

    def source(self, source: SourceRef | None) -> str:
        if source is None:
            return ""
        if isinstance(source, str):
            return inline(source)
        parts = [inline(source.title)]
        if source.published is not None:
            parts.append(format_date(source.published, self.lang))
        if source.url is not None:
            # Links are validated to be http(s) addresses; shown as text, they cannot carry markup.
            parts.append(inline(source.url))
        return ", ".join(parts)

    def budget_line(self, budget: Budget | None, line_id: str) -> str:
        """A line a commitment charges by its name in the plan with its id after it; flagged when the plan lacks it."""
        line = next((item for item in budget.lines if item.id == line_id), None) if budget else None
        if line is not None:
            return f"{self.tx(line.name)} ({inline(line_id)})"
        return f"{inline(line_id)} **({self.t('budget_line.not_in_plan')})**"

    def unapproved_notice(self) -> None:
        """In the title block of data published with errors: the notice that it is not approved."""
        if self.unapproved:
            self.line(f"**{self.t('unapproved.notice')}**", "")

    def version(self, standing: Standing) -> None:
        """In the title block: which version this is (approved or not), its commit and "data as of" date.

        Nothing when the strategy is not in git: there is no version to name.
        """
        if standing.commit is None:
            return
        release = standing.release
        if release is None:
            said = self.t("doc.version.none")
        elif standing.approved:
            said = self.t(
                "doc.version.approved", version=inline(release.version), date=self.date(release.date)
            )
        else:
            said = self.tn("doc.version.since", standing.since, version=inline(release.version))
        facts = [said]
        if standing.dirty:
            facts.append(self.t("doc.version.dirty"))
        facts.append(self.t("doc.version.commit", commit=inline(standing.commit[:7])))
        line = ", ".join(facts)
        if standing.date is not None:
            line += " · " + self.t("doc.version.as_of", date=self.date(standing.date))
        self.line(f"*{line}*", "")
        if release is not None and release.decision.strip():
            # The decision as the cooperation group recorded it, in its own words and languages.
            label = self.t("doc.version.decision", version=inline(release.version))
            self.line(
                f"{label}: {' '.join(inline(x) for x in release.decision.splitlines() if x.strip())}", ""
            )

    def date(self, value: datetime.date) -> str:
        return format_date(value, self.lang)

    def example(self, flag: bool) -> str:
        return f" *({self.t('doc.example')})*" if flag else ""

    def period(self, start: int, end: int | None) -> str:
        return f"{start}–{end}" if end is not None else f"{start}–"

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        self.out.append("| " + " | ".join(header) + " |")
        self.out.append("|" + "|".join(" --- " for _ in header) + "|")
        self.out.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
        self.out.append("")


def _level(w: _Writer, level: Level) -> None:
    w.heading(3, w.tx(level.name))
    w.para(level.description)
    if level.chair:
        w.line(f"- {w.t('doc.chair')}: {w.org(level.chair)}")
    if level.members:
        w.line(f"- {w.t('doc.members')}: {w.orgs(level.members)}")
    if level.chair or level.members:
        w.line("")


def _front(w: _Writer, standing: Standing) -> None:
    # The title block is never a kept part: the version it names changes with every commit.
    doc = w.s.strategy
    if doc is None:
        w.heading(1, w.t("doc.priorities"))
        w.version(standing)
        w.unapproved_notice()
        return
    w.heading(1, w.tx(doc.name))
    w.version(standing)
    w.line(f"*{w.t('doc.generated')}*", "")
    w.unapproved_notice()
    w.heading(2, w.t("doc.mission"))
    w.para(doc.mission)
    w.para(doc.description)
    if doc.tasks:
        w.heading(3, w.t("doc.tasks"))
        w.line(*(f"- {w.tx(task)}" for task in doc.tasks), "")
    w.heading(2, w.t("doc.levels"))
    _level(w, doc.cooperation_group)
    _level(w, doc.expert_network)
    w.heading(3, w.t("doc.secretariat"))
    w.line(w.org(doc.secretariat.organisation), "")
    w.para(doc.secretariat.description)
    if doc.source is not None:
        w.line(f"{w.t('doc.source')}: {w.source(doc.source)}", "")


def _measure(w: _Writer, measure: Measure | Point | None, unit: str) -> str:
    if measure is None:
        return ""
    return f"{w.value(measure.value, unit)} ({measure.year})"


def _verdict(w: _Writer, judged: Judgement, unit: str) -> list[str]:
    """The verdict item, and for a stale indicator "no current data" with the last value and the warning."""
    if judged.stale:
        said = w.t("verdict.no-current-data")
        if judged.latest is not None:
            last = w.value(judged.latest.value, unit)
            said += f" ({w.t('verdict.last-known', value=last, year=judged.latest.year)})"
        if judged.reason not in (None, "stale"):
            said += f"; {w.t('reason.' + str(judged.reason))}"
        items = [f"{w.t('verdict')}: {said}"]
        if judged.due is not None:
            items.append(f"⚠ {w.t('stale')}: {w.t('stale.since', year=judged.due)}")
        return items
    because = f" ({w.t('reason.' + judged.reason)})" if judged.reason else ""
    return [f"{w.t('verdict')}: {w.t('verdict.' + judged.verdict)}{because}"]


def _goal(
    w: _Writer, goal: Goal, verdicts: Verdicts, serving: dict[str, list[tuple[str, Commitment]]]
) -> None:
    w.heading(5, w.tx(goal.title) + w.example(goal.example))
    indicator = w.s.indicators.get(goal.indicator) if goal.indicator else None
    # A unit is mostly a symbol (%, €): shown as written, without a language marker.
    unit = w.tx(indicator.unit, mark=False) if indicator is not None else ""
    items = [f"{w.t('doc.status')}: {w.t('goal.' + goal.status)}"]
    if goal.indicator:
        items.append(
            f"{w.t('doc.indicator')}: {w.tx(indicator.name) if indicator else inline(goal.indicator)}"
        )
    if goal.baseline:
        items.append(f"{w.t('doc.baseline')}: {_measure(w, goal.baseline, unit)}")
    if goal.target:
        items.append(f"{w.t('doc.target')}: {_measure(w, goal.target, unit)}")
    if goal.due:
        items.append(f"{w.t('doc.due')}: {format_date(goal.due, w.lang)}")
    items.extend(_verdict(w, verdicts.get(goal.id, Judgement("no-data", None)), unit))
    if goal.source is not None:
        items.append(f"{w.t('doc.source')}: {w.source(goal.source)}")
    w.line(*(f"- {item}" for item in items), "")
    commitments = serving.get(goal.id, [])
    if commitments:
        w.line(f"{w.t('doc.commitments')}:", "")
        for org, c in commitments:
            state = f"{w.t('commitment.' + c.status)}, {w.value(c.progress, '%')}"
            w.line(f"- {w.org(org)}: {w.tx(c.action)} ({state}){w.example(c.example)}")
        w.line("")


def verdicts(strategy: Strategy, picture: Status | None = None) -> Verdicts:
    """Every goal's judgement as the document shows it, the same in every language.

    `picture`: the strategy's monitoring picture, when already drawn (as `render` draws it for the
    site too); otherwise drawn for this year, as `sisturva status` and the site draw it, since a
    value too old to judge by this year gives no verdict.
    """
    if picture is None:
        from ..status import status

        picture = status(strategy, datetime.date.today().year)
    return {g.goal: Judgement(g.verdict, g.reason, g.stale, g.latest, g.due) for g in picture.goals()}


def _goal_reads(
    goal_id: str, verdicts: Verdicts, serving: dict[str, list[tuple[str, Commitment]]], parts: Parts
) -> list[str]:
    # The goal and its indicator are among the records every part may read; its verdict and the
    # commitments serving it are not.
    found = parts.digests.group(f"goal {goal_id}", serving.get(goal_id, []))
    return ["goal", goal_id, repr(verdicts.get(goal_id)), found]


def _commitments_reads(
    org: str, items: Sequence[Commitment], budget: Budget | None, parts: Parts
) -> list[str]:
    # The table names the lines the commitments charge from the organisation's plan.
    plan = parts.digests.budget(budget) if budget is not None else "no plan"
    return ["commitments", org, parts.digests.group(f"organisation {org}", ((org, c) for c in items)), plan]


def _budget_reads(org: str, budget: Budget, parts: Parts) -> list[str]:
    return ["budget", org, parts.digests.budget(budget)]


def _priorities(w: _Writer, verdicts: Verdicts) -> None:
    from ..status import priority_order

    serving: dict[str, list[tuple[str, Commitment]]] = {}
    for org, c in w.s.all_commitments():
        for goal_id in dict.fromkeys(c.goals):
            serving.setdefault(goal_id, []).append((org, c))
    w.heading(2, w.t("doc.priorities"))
    for p in priority_order(w.s.priorities.values()):
        prefix = f"{p.number}\\. " if p.number is not None else ""
        w.heading(3, prefix + w.tx(p.title) + w.example(p.example))
        w.line(
            f"*{w.t('doc.status')}: {w.t('priority.' + p.status)} · "
            f"{w.t('doc.period')}: {w.period(p.period.start, p.period.end)}*",
            "",
        )
        w.para(p.description)
        if p.phenomena:
            names = [w.tx(w.s.phenomena[x].title) if x in w.s.phenomena else inline(x) for x in p.phenomena]
            w.line(f"**{w.t('doc.phenomena_answered')}:** " + ", ".join(names), "")
        group = p.group
        if group.chair or group.members or group.subgroups:
            w.heading(4, w.t("doc.priority_group"))
            if group.chair:
                w.line(f"- {w.t('doc.chair')}: {w.org(group.chair)}")
            if group.members:
                w.line(f"- {w.t('doc.members')}: {w.orgs(group.members)}")
            for sub in group.subgroups:
                parts = [w.tx(sub.name)]
                if sub.chair:
                    parts.append(f"{w.t('doc.chair')}: {w.org(sub.chair)}")
                if sub.members:
                    parts.append(f"{w.t('doc.members')}: {w.orgs(sub.members)}")
                w.line(f"- {w.t('doc.subgroups')}: " + "; ".join(parts))
            w.line("")
        if p.goals:
            w.heading(4, w.t("doc.goals"))
            for goal in p.goals:
                w.part(
                    functools.partial(_goal_reads, goal.id, verdicts, serving),
                    functools.partial(_goal, w, goal, verdicts, serving),
                )
        if p.source is not None:
            w.line(f"{w.t('doc.source')}: {w.source(p.source)}", "")


def _phenomena(w: _Writer) -> None:
    if not w.s.phenomena:
        return
    w.heading(2, w.t("doc.phenomena"))
    for ph in sorted(w.s.phenomena.values(), key=lambda x: x.id):
        w.heading(3, w.tx(ph.title) + w.example(ph.example))
        w.line(f"*{w.t('doc.status')}: {w.t('phenomenon.' + ph.status)}*", "")
        w.para(ph.description)
        items: list[str] = []
        if ph.proposed_by:
            items.append(f"{w.t('doc.proposed_by')}: {w.orgs(ph.proposed_by)}")
        if ph.indicators:
            names = [
                w.tx(w.s.indicators[i].name) if i in w.s.indicators else inline(i) for i in ph.indicators
            ]
            items.append(f"{w.t('doc.indicators')}: " + ", ".join(names))
        if items:
            w.line(*(f"- {item}" for item in items), "")


def _indicator(w: _Writer, ind: Indicator) -> None:
    w.heading(3, w.tx(ind.name) + w.example(ind.example))
    w.para(ind.description)
    items = [
        f"{w.t('doc.unit')}: {w.tx(ind.unit, mark=False)}",
        f"{w.t('doc.direction')}: {w.t('direction.' + ind.direction)}",
        w.tn("doc.frequency", ind.frequency_years),
    ]
    if ind.owner:
        items.append(f"{w.t('doc.organisation')}: {w.org(ind.owner)}")
    if ind.source is not None:
        items.append(f"{w.t('doc.source')}: {w.source(ind.source)}")
    w.line(*(f"- {item}" for item in items), "")
    if not ind.observations:
        w.line(w.t("doc.no_observations"), "")
        return
    rows = []
    for o in sorted(ind.observations, key=lambda o: o.year):
        notes = [w.t("doc.break")] if not o.comparable else []
        if o.note is not None:
            notes.append(w.tx(o.note))
        rows.append([str(o.year), number(o.value, w.lang), "; ".join(notes), w.source(o.source)])
    header = [w.t("doc.year"), w.t("doc.value"), w.t("doc.note"), w.t("doc.source")]
    w.table(header, rows)


def _commitments(w: _Writer) -> None:
    if not any(w.s.commitments.values()):
        return
    w.heading(2, w.t("doc.commitments"))
    for org in sorted(w.s.commitments):
        items = w.s.commitments[org]
        if not items:
            continue
        w.part(
            functools.partial(_commitments_reads, org, items, w.s.budgets.get(org)),
            functools.partial(_organisation_commitments, w, org, items),
        )


def _organisation_commitments(w: _Writer, org: str, items: Sequence[Commitment]) -> None:
    w.heading(3, w.org(org))
    budget = w.s.budgets.get(org)
    rows = []
    for c in items:
        euros = sum((r.euros for r in c.resources), Decimal(0))
        person_years = sum((r.person_years for r in c.resources), Decimal(0))
        resources = [format_money(euros, w.lang)] if euros else []
        if person_years:
            resources.append(w.value(person_years, w.t("doc.person_years")))
        goals = [w.tx(w.s.goals[g].title) if g in w.s.goals else inline(g) for g in dict.fromkeys(c.goals)]
        rows.append(
            [
                w.tx(c.action) + w.example(c.example),
                "; ".join(goals),
                w.period(c.period.start, c.period.end),
                w.t("commitment." + c.status),
                w.value(c.progress, "%"),
                ", ".join(resources),
                "; ".join(
                    w.budget_line(budget, line) for line in dict.fromkeys(r.budget_line for r in c.resources)
                ),
            ]
        )
    w.table(
        [
            w.t("doc.action"),
            w.t("doc.goals"),
            w.t("doc.period"),
            w.t("doc.status"),
            w.t("doc.progress"),
            w.t("doc.resources"),
            w.t("doc.budget_lines"),
        ],
        rows,
    )


def _organisations(w: _Writer) -> None:
    if not w.s.organisations:
        return
    w.heading(2, w.t("doc.organisations"))
    rows = []
    for o in sorted(w.s.organisations.values(), key=lambda o: o.id):
        # Names and abbreviations are shown as written: no language marker.
        short = f" ({w.tx(o.short_name, mark=False)})" if o.short_name is not None else ""
        name = w.tx(o.name, mark=False) + short
        rows.append([name, w.t("kind." + o.kind), inline(o.website) if o.website else ""])
    w.table([w.t("doc.organisation"), w.t("doc.kind"), w.t("doc.website")], rows)


def _budgets(w: _Writer) -> None:
    if not w.s.budgets:
        return
    w.heading(2, w.t("doc.budgets"))
    for org in sorted(w.s.budgets):
        budget = w.s.budgets[org]
        w.part(
            functools.partial(_budget_reads, org, budget),
            functools.partial(_organisation_budget, w, org, budget),
        )


def _organisation_budget(w: _Writer, org: str, budget: Budget) -> None:
    w.heading(3, w.org(org) + w.example(budget.example))
    w.line(
        f"*{w.t('doc.status')}: {w.t('budget.' + budget.status)} · "
        f"{w.t('doc.period')}: {w.period(budget.years.start, budget.years.end)}*",
        "",
    )
    rows = []
    for line in budget.lines:
        for amount in sorted(line.amounts, key=lambda a: a.year):
            allocated = format_money(amount.allocated, w.lang) if amount.allocated is not None else ""
            rows.append(
                [
                    inline(line.id),
                    w.tx(line.name),
                    str(amount.year),
                    format_money(amount.euros, w.lang),
                    allocated,
                ]
            )
    if rows:
        header = [
            w.t("doc.budget_line"),
            w.t("doc.name"),
            w.t("doc.year"),
            w.t("doc.euros"),
            w.t("doc.allocated"),
        ]
        w.table(header, rows)


def document(
    strategy: Strategy,
    lang: str,
    known: Verdicts | None = None,
    parts: Parts | None = None,
    unapproved: int = 0,
    standing: Standing = UNKNOWN,
) -> str:
    """The whole strategy in `lang` as one Markdown document; text missing in `lang` is marked `(in Finnish)`.

    `known`: the `verdicts` of `strategy`, when already worked out for another language. `parts`:
    the parts of the last render, taken as they are where nothing they show has changed (the
    title block, which names the version and says whether the data is `unapproved`, is never
    among them). `unapproved`: the errors of data published anyway; the title block says it is
    not approved. `standing`: the version rendered, named in the title block.
    """
    w = _Writer(strategy, lang, parts, unapproved)
    _front(w, standing)
    _priorities(w, verdicts(strategy) if known is None else known)
    _phenomena(w)
    if strategy.indicators:
        w.heading(2, w.t("doc.indicators"))
        for ind in sorted(strategy.indicators.values(), key=lambda i: i.id):
            _indicator(w, ind)
    _commitments(w)
    _organisations(w)
    _budgets(w)
    while w.out and w.out[-1] == "":
        w.out.pop()
    return "\n".join(w.out) + "\n"


__all__ = ["Judgement", "Verdicts", "block", "document", "inline", "verdicts"]
