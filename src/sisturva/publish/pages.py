"""Which pages the site has and what each shows: the views of the strategy a page reads, and its reuse reads."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..align import YearFigures
from ..models import Commitment, Goal, Organisation, Priority
from ..standing import UNKNOWN, Standing
from ..status import GoalStatus, IndicatorStatus, PriorityStatus, Status
from ..strategy import Strategy
from .history import Change, History
from .views import RecordIndex, Records, view


@dataclass(frozen=True)
class Extras:
    """What the site shows beside the records: verdicts, alignment, history and downloads."""

    status: Status | None = None
    """The monitoring picture: verdicts of goals, stale indicators, progress of commitments."""
    alignment: Mapping[str, Sequence[YearFigures]] = field(default_factory=dict)
    """Money and work for the cooperation by year, by organisation id."""
    changes: Sequence[Change] | None = None
    """Recent commits, newest first; None when the strategy is not in a git repository."""
    versions: Sequence[Change] = ()
    """Approved versions (tags; `commit` holds the tag's name), newest first."""
    standing: Standing = UNKNOWN
    """The version rendered: its commit and date, the last approval it contains and the changes since."""
    documents: Mapping[str, str] = field(default_factory=dict)
    """The Markdown document's path (relative to the site root) by language, and its PDF's by `LANG.pdf`."""
    data: bool = False
    """Whether open data is published (in `data/`, listed on each language's `data.html`)."""
    unapproved: int = 0
    """The errors `validate` found in data published anyway (`render --allow-errors`): every page says so."""
    history: History | None = None
    """The living strategy's history for the change log; None outside git."""


@dataclass(frozen=True)
class Index:
    """Reverse references of the strategy, resolved once for every page and language."""

    priorities: tuple[Priority, ...]
    commitments_by_goal: Mapping[str, tuple[tuple[str, Commitment], ...]]
    goals_by_indicator: Mapping[str, tuple[Goal, ...]]
    phenomena_by_indicator: Mapping[str, tuple[str, ...]]
    priorities_by_phenomenon: Mapping[str, tuple[str, ...]]
    organisations: tuple[Organisation, ...]


def index(strategy: Strategy) -> Index:
    """The reverse references the pages need."""
    by_goal: dict[str, list[tuple[str, Commitment]]] = defaultdict(list)
    for org, item in strategy.all_commitments():
        for goal_id in dict.fromkeys(item.goals):  # a goal named twice lists the commitment once
            by_goal[goal_id].append((org, item))
    goals_by_indicator: dict[str, list[Goal]] = defaultdict(list)
    for goal in strategy.goals.values():
        if goal.indicator:
            goals_by_indicator[goal.indicator].append(goal)
    phenomena_by_indicator: dict[str, list[str]] = defaultdict(list)
    for ph in strategy.phenomena.values():
        for ind in ph.indicators:
            phenomena_by_indicator[ind].append(ph.id)
    priorities_by_phenomenon: dict[str, list[str]] = defaultdict(list)
    priorities = tuple(
        sorted(strategy.priorities.values(), key=lambda p: (p.number is None, p.number or 0, p.id))
    )
    for pr in priorities:
        for ph_id in pr.phenomena:
            priorities_by_phenomenon[ph_id].append(pr.id)
    return Index(
        priorities=priorities,
        commitments_by_goal={k: tuple(v) for k, v in by_goal.items()},
        goals_by_indicator={k: tuple(v) for k, v in goals_by_indicator.items()},
        phenomena_by_indicator={k: tuple(v) for k, v in phenomena_by_indicator.items()},
        priorities_by_phenomenon={k: tuple(v) for k, v in priorities_by_phenomenon.items()},
        organisations=tuple(sorted(strategy.organisations.values(), key=lambda o: o.id)),
    )


def monitoring(strategy: Strategy, year: int | None = None) -> Status:
    """The monitoring picture as `sisturva status` draws it, for this year unless one is given."""
    from ..status import status

    return status(strategy, year or datetime.date.today().year)


@dataclass(frozen=True)
class Monitoring:
    """The monitoring picture by id, for templates."""

    goals: Mapping[str, GoalStatus]
    priorities: Mapping[str, PriorityStatus]
    indicators: Mapping[str, IndicatorStatus]
    verdicts: tuple[str, ...]
    counts: Mapping[str, int] = field(default_factory=dict)
    """How many goals have each verdict, as `sisturva status` counts them."""
    stale: int = 0
    """How many indicators are stale."""
    suspect: Mapping[str, int] = field(default_factory=dict)
    """Suspect commitments by priority id (when the monitoring picture counts them)."""
    suspect_by_org: Mapping[str, int] = field(default_factory=dict)
    """Suspect commitments by organisation id (when the monitoring picture counts them)."""

    @classmethod
    def of(cls, status: Status | None) -> Monitoring:
        """Index `status` (or nothing) by goal, priority and indicator id."""
        from ..status import VERDICTS

        if status is None:
            return cls({}, {}, {}, VERDICTS)
        # Suspect counts come with the monitoring picture where it has them.
        suspect = {p.priority: found for p in status.priorities if (found := getattr(p, "suspect", 0))}
        return cls(
            goals={g.goal: g for p in status.priorities for g in p.goals},
            priorities={p.priority: p for p in status.priorities},
            indicators={i.indicator: i for i in status.indicators},
            verdicts=VERDICTS,
            counts={str(k): v for k, v in status.counts().items()},
            stale=sum(1 for i in status.indicators if i.stale),
            suspect=suspect,
            suspect_by_org={k: v for k, v in dict(getattr(status, "suspect_by_org", {}) or {}).items() if v},
        )


@dataclass(frozen=True)
class Downloads:
    """What a record page may read of the extras: the downloads in the footer."""

    documents: Mapping[str, str]
    data: bool
    standing: Standing = UNKNOWN
    """The version rendered, named in the footer (the language's reuse prefix covers it)."""


@dataclass(frozen=True)
class OrganisationExtras(Downloads):
    """An organisation page's extras: the downloads and its own alignment figures."""

    alignment: Mapping[str, Sequence[YearFigures]] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorMonitoring:
    """What an indicator page may read of the monitoring picture: its own indicator's status."""

    indicators: Mapping[str, IndicatorStatus]


def _verdicts(known: Mapping[str, str]) -> Callable[[str], str]:
    def verdict(goal_id: str) -> str:
        if goal_id not in known:
            raise LookupError(f"the verdict of goal {goal_id} is not shown on this page")
        return known[goal_id]

    return verdict


def alignment(strategy: Strategy, only: Collection[str] | None = None) -> dict[str, tuple[YearFigures, ...]]:
    """Each organisation's allocated, committed and remaining euros by year, as `sisturva align` counts.

    With `only`, just those organisations' figures (each made from its own plan and commitments).
    """
    from ..align import align

    return {
        org.organisation: tuple(y for y in org.years if y.planned or y.committed or y.person_years)
        for org in align(strategy, only).organisations
    }


class Alignment(Mapping[str, Sequence[YearFigures]]):
    """`alignment` worked out when asked for: only for the organisations whose pages are rendered.

    An organisation's figures come from its own budget plan and commitments alone (see `align`'s
    `only`), so its page's reuse key, which covers those, covers the figures too.
    """

    def __init__(self, strategy: Strategy) -> None:
        self._strategy = strategy
        self._found: dict[str, tuple[YearFigures, ...] | None] = {}
        self._every: dict[str, tuple[YearFigures, ...]] | None = None

    def prefetch(self, orgs: Collection[str]) -> None:
        """Work out the figures of `orgs` in one pass (before pages are dealt out to processes)."""
        missing = [org for org in orgs if org not in self._found]
        if missing:
            found = alignment(self._strategy, set(missing))
            self._found.update((org, found.get(org)) for org in missing)

    def _whole(self) -> dict[str, tuple[YearFigures, ...]]:
        if self._every is None:
            self._every = alignment(self._strategy)
        return self._every

    def __getitem__(self, org: str) -> tuple[YearFigures, ...]:
        self.prefetch((org,))
        found = self._found[org]
        if found is None:
            raise KeyError(org)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


@dataclass(frozen=True)
class _Only(Mapping[str, Any]):
    """The entries of `of` that a page may read (its key covers them); asking for another is an error."""

    allowed: frozenset[str]
    of: Mapping[str, Any]

    def _check(self, key: object) -> None:
        if key not in self.allowed:
            raise LookupError(f"{key} is not shown on this page")

    def __getitem__(self, key: str) -> Any:
        self._check(key)
        return self.of[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The entry of an allowed key."""
        self._check(key)
        return self.of.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter([key for key in self.of if key in self.allowed])

    def __len__(self) -> int:
        return sum(1 for key in self.of if key in self.allowed)


@dataclass(frozen=True)
class PriorityIndex(RecordIndex):
    """What a priority page may read of the reverse references: also the commitments serving its goals."""

    commitments_by_goal: Mapping[str, tuple[tuple[str, Commitment], ...]]


@dataclass(frozen=True)
class PriorityMonitoring:
    """What a priority page may read of the monitoring picture: its own goals' statuses."""

    goals: Mapping[str, GoalStatus]
    suspect: int = 0
    """The priority's suspect commitments."""


@dataclass(frozen=True)
class OrganisationMonitoring:
    """What an organisation page may read of the monitoring picture: its suspect commitments."""

    suspect: int = 0


@dataclass(frozen=True)
class DataFile:
    """A file of the open data as its page lists it (the shape of `opendata.describe`'s)."""

    name: str
    size: int | None
    title: str | None = None
    description: str | None = None
    format: str = ""
    rows: int | None = None


def data_files(files: Sequence[str] | Mapping[str, bytes], lang: str) -> list[Any]:
    """The open data files described in `lang`: by `opendata.describe` when it describes them."""
    from . import opendata

    describe = getattr(opendata, "describe", None)
    if isinstance(files, Mapping) and describe is not None:
        return list(describe(files, lang))
    contents: Mapping[str, bytes] = files if isinstance(files, Mapping) else {}
    return [
        DataFile(
            name, len(contents[name]) if name in contents else None, format=name.rpartition(".")[2].upper()
        )
        for name in files
    ]


@dataclass(frozen=True)
class Page:
    """One page of a language: where it goes, its template, what it is given and what decides its reuse."""

    here: str
    template: str
    values: Mapping[str, Any]
    hidden: tuple[str, ...] = ()
    """Names of the shared context the page does not see."""
    reads: tuple[object, ...] | None = None
    """What the page reads beyond `Records`, the language and the templates; None: anything at all."""


RECORD_PAGE_HIDES = ("mon", "verdict")


def pages(strategy: Strategy, common: Mapping[str, Any], narrow: bool) -> Iterator[Page]:
    """Every page of a language. With `narrow`, record pages see only what their `reads` name."""
    idx: Index = common["idx"]
    extras: Extras = common["extras"]
    mon: Monitoring = common["mon"]
    records = Records.of(strategy)
    record_idx = view(RecordIndex, idx)
    narrowed = {"s": records, "idx": record_idx}
    downloads = Downloads(documents=extras.documents, data=extras.data, standing=extras.standing)
    yield Page("index.html", "index.html", {})
    yield Page("priorities/index.html", "priorities.html", {})
    order = idx.priorities
    for number, pr in enumerate(order):
        # Previous and next in the strategy's order: priorities are among the records every page reads.
        around = {
            "previous": order[number - 1] if number > 0 else None,
            "next": order[number + 1] if number + 1 < len(order) else None,
        }
        if not narrow:
            yield Page(f"priorities/{pr.id}.html", "priority.html", {"priority": pr, **around})
            continue
        goal_ids = frozenset(g.id for g in pr.goals)
        own_idx = PriorityIndex(
            **vars(record_idx), commitments_by_goal=_Only(goal_ids, idx.commitments_by_goal)
        )
        suspect = mon.suspect.get(pr.id, 0)
        values: dict[str, Any] = {
            "priority": pr,
            **around,
            **narrowed,
            "idx": own_idx,
            "extras": downloads,
            "mon": PriorityMonitoring(_Only(goal_ids, mon.goals), suspect),
        }
        # The priority and its goals are among the records; their statuses and commitments are not.
        reads: tuple[object, ...] = (
            *((g.id, mon.goals.get(g.id), idx.commitments_by_goal.get(g.id, ())) for g in pr.goals),
            f"suspect {suspect}",
        )
        yield Page(f"priorities/{pr.id}.html", "priority.html", values, ("verdict",), reads)
    yield Page("organisations/index.html", "organisations.html", {})
    for org in idx.organisations:
        commitments = strategy.commitments.get(org.id, ())
        budget = strategy.budgets.get(org.id)
        values = {"org": org, "commitments": commitments, "budget": budget}
        if not narrow:
            yield Page(f"organisations/{org.id}.html", "organisation.html", values)
            continue
        own = OrganisationExtras(
            downloads.documents,
            downloads.data,
            downloads.standing,
            _Only(frozenset({org.id}), extras.alignment),
        )
        suspect = mon.suspect_by_org.get(org.id, 0)
        values.update(narrowed, extras=own, mon=OrganisationMonitoring(suspect))
        # The alignment figures are made from the organisation's plan and commitments alone.
        reads = (org, commitments, budget, f"suspect {suspect}")
        yield Page(f"organisations/{org.id}.html", "organisation.html", values, ("verdict",), reads)
    yield Page("indicators/index.html", "indicators.html", {})
    for ind in strategy.indicators.values():
        if not narrow:
            yield Page(f"indicators/{ind.id}.html", "indicator.html", {"indicator": ind})
            continue
        status = mon.indicators.get(ind.id)
        known = {
            g.id: mon.goals[g.id].verdict if g.id in mon.goals else ""
            for g in idx.goals_by_indicator.get(ind.id, ())
        }
        values = {
            "indicator": ind,
            **narrowed,
            "extras": downloads,
            "mon": IndicatorMonitoring({ind.id: status} if status is not None else {}),
            "verdict": _verdicts(known),
        }
        yield Page(f"indicators/{ind.id}.html", "indicator.html", values, (), (ind, status, known))
    yield Page("phenomena/index.html", "phenomena.html", {})
    for ph in strategy.phenomena.values():
        if not narrow:
            yield Page(f"phenomena/{ph.id}.html", "phenomenon.html", {"phenomenon": ph})
            continue
        values = {"phenomenon": ph, **narrowed, "extras": downloads}
        yield Page(f"phenomena/{ph.id}.html", "phenomenon.html", values, RECORD_PAGE_HIDES, (ph,))
    yield Page("changes.html", "changes.html", {})
    # The accessibility statement shows settings alone (among the records).
    statement = {**narrowed, "extras": downloads} if narrow else {}
    yield Page(
        "accessibility.html", "accessibility.html", statement, RECORD_PAGE_HIDES, () if narrow else None
    )
