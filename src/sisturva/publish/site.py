"""The static site: one folder per language, rendered from the strategy aggregate with Jinja."""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import os
import subprocess
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .. import forking
from ..align import YearFigures
from ..errors import TemplateError
from ..models import (
    Budget,
    Commitment,
    Goal,
    Indicator,
    Organisation,
    Period,
    Priority,
    Text,
)
from ..standing import UNKNOWN, Standing
from ..status import GoalStatus, IndicatorStatus, PriorityStatus, Status
from ..strategy import Strategy
from . import svg, templates
from .messages import localized
from .reuse import KeepRow, Kept, Rows, templates_digest
from .templates import PACKAGED_TEMPLATES, Overrides
from .views import RecordIndex, Records, view

STATIC_FILES = ("style.css",)
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
# How a page in one language says that a text is shown in another: FALLBACK[page][shown].
FALLBACK = {
    "fi": {"fi": "suomeksi", "sv": "ruotsiksi", "en": "englanniksi"},
    "sv": {"fi": "på finska", "sv": "på svenska", "en": "på engelska"},
    "en": {"fi": "in Finnish", "sv": "in Swedish", "en": "in English"},
}


@dataclass(frozen=True, slots=True)
class Change:
    """One commit of the strategy folder's history."""

    commit: str
    date: str
    subject: str


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
    """The Markdown document's path (relative to the site root) by language."""
    data: bool = False
    """Whether open data is published (in `data/`, listed on each language's `data.html`)."""
    unapproved: int = 0
    """The errors `validate` found in data published anyway (`render --allow-errors`): every page says so."""


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

    @classmethod
    def of(cls, status: Status | None) -> Monitoring:
        """Index `status` (or nothing) by goal, priority and indicator id."""
        from ..status import VERDICTS

        if status is None:
            return cls({}, {}, {}, VERDICTS)
        return cls(
            goals={g.goal: g for p in status.priorities for g in p.goals},
            priorities={p.priority: p for p in status.priorities},
            indicators={i.indicator: i for i in status.indicators},
            verdicts=VERDICTS,
        )


@dataclass(frozen=True)
class Downloads:
    """What a record page may read of the extras: the downloads in the footer."""

    documents: Mapping[str, str]
    data: bool


@dataclass(frozen=True)
class OrganisationExtras(Downloads):
    """An organisation page's extras: the downloads and its own alignment figures."""

    alignment: Mapping[str, Sequence[YearFigures]]


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


@dataclass(frozen=True)
class Helpers:
    """The functions templates call for one language: texts, numbers, charts."""

    lang: str
    default: str
    t: Callable[[str], str]
    tf: Callable[..., str]
    """An interface string with `{name}` fields filled in."""
    tn: Callable[..., str]
    """An interface string in the plural form a count takes (`1 tavoite`, `2 tavoitetta`)."""
    number: Callable[[Decimal | int], str]
    money: Callable[[Decimal], str]
    date: Callable[[Any], str]
    strategy: Strategy
    keep_row: KeepRow | None = None
    """Rows of commitment tables kept from the last render (None: every row is rendered)."""
    _links: dict[tuple[str, str, str], Markup] = field(default_factory=dict)

    def rows(
        self,
        rows: Iterable[tuple[str, Commitment]],
        with_org: bool,
        up: str,
        row: Callable[[str, Commitment, bool], str],
    ) -> Markup:
        """The rows of a commitments table, each by the template's `row` macro or kept from the last render."""
        keep = self.keep_row
        if keep is None:
            return Markup("".join(f"{row(org, c, with_org)}\n" for org, c in rows))
        return Markup(
            "".join(
                keep(up, with_org, org, c, functools.partial(row, org, c, with_org)) + "\n" for org, c in rows
            )
        )

    def org(self, org_id: str, up: str) -> Markup:
        """A link to an organisation's page by its name (its id when it is unknown)."""
        key = ("o", org_id, up)
        link = self._links.get(key)
        if link is None:
            record = self.strategy.organisations.get(org_id)
            link = (
                Markup('<a href="{0}organisations/{1}.html">{2}</a>').format(up, org_id, self.tx(record.name))
                if record is not None
                else escape(org_id)
            )
            self._links[key] = link
        return link

    def orgs(self, org_ids: Sequence[str], up: str) -> Markup:
        """Links to organisations, separated by commas."""
        return Markup(", ").join(self.org(org_id, up) for org_id in org_ids)

    def goal(self, goal_id: str, up: str) -> Markup:
        """A link to a goal on its priority's page by its title (its id when it is unknown)."""
        key = ("g", goal_id, up)
        link = self._links.get(key)
        if link is None:
            priority = self.strategy.goal_priority.get(goal_id)
            link = (
                Markup('<a href="{0}priorities/{1}.html#goal-{2}">{3}</a>').format(
                    up, priority, goal_id, self.tx(self.strategy.goals[goal_id].title)
                )
                if priority is not None
                else escape(goal_id)
            )
            self._links[key] = link
        return link

    def budget_line(self, budget: Budget | None, line_id: str) -> Markup:
        """A line a commitment charges, by its name in the organisation's plan with its id after it.

        A line the plan lacks (or an organisation without a plan) is shown by its id, flagged in
        words, so the flag does not rest on colour alone.
        """
        line = next((item for item in budget.lines if item.id == line_id), None) if budget else None
        if line is not None:
            return Markup("{0} ({1})").format(self.tx(line.name), line_id)
        return Markup('{0} <strong class="not-in-plan">({1})</strong>').format(
            line_id, self.t("budget_line.not_in_plan")
        )

    def tx(self, text: Text | None) -> Markup:
        """Record text for HTML; a text shown in another language is marked so, visibly."""
        if text is None:
            return Markup("")
        value, shown = localized(text, self.lang, self.default)
        if shown == self.lang:
            return escape(value)
        return Markup('<span lang="{0}">{1}</span> <span class="fallback">({2})</span>').format(
            shown, value, FALLBACK[self.lang][shown]
        )

    def txt(self, text: Text | None) -> str:
        """Record text as plain text (for titles and attributes), whatever its language."""
        return "" if text is None else localized(text, self.lang, self.default)[0]

    def period(self, period: Period) -> str:
        """`2021–2025`, `2024` for one year, or `2021–` when open."""
        if period.end == period.start:
            return str(period.start)
        return f"{period.start}–{period.end or ''}"

    def measure(self, value: Decimal, unit: Text) -> str:
        """A value with its unit: `91 %`."""
        return f"{self.number(value)} {self.txt(unit)}".strip()

    def chart(self, chart_id: str, indicator: Indicator, goal: Goal | None = None) -> Markup:
        """An SVG chart of the indicator's series, with the goal's baseline and target line."""
        points = [svg.Point(o.year, o.value, o.comparable) for o in indicator.observations]
        baseline = svg.Point(goal.baseline.year, goal.baseline.value) if goal and goal.baseline else None
        target = svg.Point(goal.target.year, goal.target.value) if goal and goal.target else None
        return svg.line_chart(
            points,
            chart_id=chart_id,
            title=self.txt(indicator.name),
            description=self.describe(indicator, goal),
            fmt=self.number,
            target=target,
            baseline=baseline,
        )

    def describe(self, indicator: Indicator, goal: Goal | None = None) -> str:
        """The chart's text alternative: every value in words."""
        observed = ", ".join(
            f"{o.year}: {self.measure(o.value, indicator.unit)}"
            for o in sorted(indicator.observations, key=lambda o: o.year)
        )
        parts = [f"{self.t('chart.observations')}: {observed or self.t('chart.none')}."]
        if goal and goal.baseline:
            parts.append(
                f"{self.t('goal.baseline')} {goal.baseline.year}: "
                f"{self.measure(goal.baseline.value, indicator.unit)}."
            )
        if goal and goal.target:
            parts.append(
                f"{self.t('goal.target')} {goal.target.year}: {self.measure(goal.target.value, indicator.unit)}."
            )
        return " ".join(parts)


def helpers(strategy: Strategy, lang: str, keep_row: KeepRow | None = None) -> Helpers:
    """The template helpers for pages in `lang`: Babel's formats of the language."""
    from .. import locale
    from .site_strings import translate, translate_plural

    # Babel takes ~0.1 ms a number; a site repeats the same few thousand values, so keep each once.
    # Equal values format alike (1 and 1.0 both as `1`), so the value itself is the key.
    @functools.lru_cache(maxsize=1 << 16)
    def number(value: Decimal | int) -> str:
        return locale.number(value, lang)

    @functools.lru_cache(maxsize=1 << 16)
    def money(value: Decimal) -> str:
        return locale.money(value, lang)

    @functools.lru_cache(maxsize=1 << 12)
    def t(key: str) -> str:
        return translate(key, lang)

    def tf(key: str, **values: object) -> str:
        return translate(key, lang).format(**values)

    def tn(key: str, count: int, **values: object) -> str:
        return translate_plural(key, lang, count, **{"n": number(count), **values})

    return Helpers(
        strategy=strategy,
        lang=lang,
        default=strategy.settings.languages[0],
        t=t,
        tf=tf,
        tn=tn,
        number=number,
        money=money,
        date=lambda value: locale.date(value, lang),
        keep_row=keep_row,
    )


def environment(override: Overrides | Path | None = None, keep_compiled: bool = False) -> jinja2.Environment:
    """The templates' environment (`templates.environment`): a repository's own come first, sandboxed.

    With `keep_compiled`, compiled templates are kept in the user's cache folder for the next run.
    """
    env = templates.environment(override)
    if keep_compiled:
        from .bytecode import CompiledTemplates, salt

        env.bytecode_cache = CompiledTemplates(salt(env, "", ""))
    return env


@dataclass(frozen=True)
class _Page:
    here: str
    template: str
    values: Mapping[str, Any]
    hidden: tuple[str, ...] = ()
    """Names of the shared context the page does not see."""
    reads: tuple[object, ...] | None = None
    """What the page reads beyond `Records`, the language and the templates; None: anything at all."""


_RECORD_PAGE_HIDES = ("mon", "verdict")


def _pages(strategy: Strategy, common: Mapping[str, Any], narrow: bool) -> Iterator[_Page]:
    """Every page of a language. With `narrow`, record pages see only what their `reads` name."""
    idx: Index = common["idx"]
    extras: Extras = common["extras"]
    mon: Monitoring = common["mon"]
    records = Records.of(strategy)
    record_idx = view(RecordIndex, idx)
    narrowed = {"s": records, "idx": record_idx}
    downloads = Downloads(documents=extras.documents, data=extras.data)
    yield _Page("index.html", "index.html", {})
    for pr in idx.priorities:
        if not narrow:
            yield _Page(f"priorities/{pr.id}.html", "priority.html", {"priority": pr})
            continue
        goal_ids = frozenset(g.id for g in pr.goals)
        own_idx = PriorityIndex(
            **vars(record_idx), commitments_by_goal=_Only(goal_ids, idx.commitments_by_goal)
        )
        values: dict[str, Any] = {
            "priority": pr,
            **narrowed,
            "idx": own_idx,
            "extras": downloads,
            "mon": PriorityMonitoring(_Only(goal_ids, mon.goals)),
        }
        # The priority and its goals are among the records; their statuses and commitments are not.
        reads: tuple[object, ...] = tuple(
            (g.id, mon.goals.get(g.id), idx.commitments_by_goal.get(g.id, ())) for g in pr.goals
        )
        yield _Page(f"priorities/{pr.id}.html", "priority.html", values, ("verdict",), reads)
    yield _Page("organisations/index.html", "organisations.html", {})
    for org in idx.organisations:
        commitments = strategy.commitments.get(org.id, ())
        budget = strategy.budgets.get(org.id)
        values = {"org": org, "commitments": commitments, "budget": budget}
        if not narrow:
            yield _Page(f"organisations/{org.id}.html", "organisation.html", values)
            continue
        own = OrganisationExtras(
            downloads.documents, downloads.data, _Only(frozenset({org.id}), extras.alignment)
        )
        values.update(narrowed, extras=own)
        reads = (org, commitments, budget)  # and the alignment figures, made from these alone
        yield _Page(f"organisations/{org.id}.html", "organisation.html", values, _RECORD_PAGE_HIDES, reads)
    yield _Page("indicators/index.html", "indicators.html", {})
    for ind in strategy.indicators.values():
        if not narrow:
            yield _Page(f"indicators/{ind.id}.html", "indicator.html", {"indicator": ind})
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
        yield _Page(f"indicators/{ind.id}.html", "indicator.html", values, (), (ind, status, known))
    yield _Page("phenomena/index.html", "phenomena.html", {})
    for ph in strategy.phenomena.values():
        if not narrow:
            yield _Page(f"phenomena/{ph.id}.html", "phenomenon.html", {"phenomenon": ph})
            continue
        values = {"phenomenon": ph, **narrowed, "extras": downloads}
        yield _Page(f"phenomena/{ph.id}.html", "phenomenon.html", values, _RECORD_PAGE_HIDES, (ph,))
    yield _Page("changes.html", "changes.html", {})


PARALLEL_PAGES = 400
"""Below this many pages, forking a worker costs more than it saves."""
MAX_WORKERS = 4

_Job = tuple[str, _Page]


def _workers(jobs: int) -> int:
    if not forking.can_fork() or jobs < PARALLEL_PAGES:
        return 1
    cores = forking.cores()
    return max(1, min(cores, MAX_WORKERS))


def common(strategy: Strategy, langs: Sequence[str], extras: Extras) -> dict[str, Any]:
    """What every page of a render is given: the strategy, its reverse references, the monitoring picture."""
    return {
        "s": strategy,
        "doc": strategy.strategy,
        "idx": index(strategy),
        "langs": list(langs),
        "language_names": LANGUAGE_NAMES,
        "extras": extras,
        "mon": Monitoring.of(extras.status),
        "unapproved": extras.unapproved,
    }


def render_data_pages(
    strategy: Strategy,
    langs: Sequence[str],
    env: jinja2.Environment,
    common: Mapping[str, Any],
    names: Sequence[str],
) -> dict[str, bytes]:
    """The open data page of each language, listing the files in `data/` (known once they are made).

    `common`: what `render` gave every page.
    """
    page = _Page("data.html", "data.html", {"files": list(names)})

    def pages() -> dict[str, bytes]:
        prepared = {lang: language(env, strategy, common, lang) for lang in langs}
        return _render_jobs(prepared, [(lang, page) for lang in langs])

    return templates.isolated(pages) if env.sandboxed else pages()


def _reuse(
    jobs: Sequence[_Job], extras: Extras, kept: Kept
) -> tuple[dict[str, bytes], dict[str, str], dict[str, str]]:
    """The pages of the last render whose inputs are unchanged, every record page's key, the prefixes.

    A language's prefix covers what every page of the language reads: the code, the libraries, the
    packaged templates, the language, the run's languages and downloads, whether the data is
    published with errors, and every record but
    commitments and budgets (all of which any page may show: names, titles, links). A page's key
    adds what the page itself reads (`_Page.reads`). Pages without `reads` (the front page, the
    lists) show figures of the whole strategy and are always rendered.
    """
    from .reuse import digest, environment_digest, fingerprint

    memo, digests = kept.memo, kept.digests
    # The run's languages (in order: the language links of every page) and its downloads.
    langs = list(dict.fromkeys(lang for lang, _ in jobs))
    shared = [
        ",".join(langs),
        fingerprint(dict(extras.documents)).decode(),
        str(extras.data),
        f"unapproved {extras.unapproved}",  # the notice on every page of data published with errors
    ]
    packaged = templates_digest(templates.PACKAGED_TEMPLATES)
    prefixes = {lang: digest(environment_digest(packaged, lang, shared), digests.records) for lang in langs}
    reads: dict[str, str] = {}
    keys: dict[str, str] = {}
    reused: dict[str, bytes] = {}
    for lang, page in jobs:
        if page.reads is None:
            continue
        own = reads.get(page.here)
        if own is None:
            own = reads[page.here] = digest(fingerprint(digests.compact(page.reads)))
        rel = f"{lang}/{page.here}"
        keys[rel] = key = digest(prefixes[lang], page.template, page.here, own)
        found = memo.reuse(key, rel)
        if found is not None:
            reused[rel] = found
    return reused, keys, prefixes


def render(
    strategy: Strategy,
    langs: Sequence[str],
    env: jinja2.Environment,
    extras: Extras,
    common: Mapping[str, Any],
    kept: Kept | None = None,
) -> dict[str, bytes]:
    """Every file of the site by its path: pages per language, the language chooser, the stylesheet.

    `common`: what every page is given (`common(strategy, langs, extras)`). With `kept` (what the last
    render left), record pages whose inputs did not change since then are taken from the output
    folder rather than rendered, and so are the rows of commitment tables. A repository's own
    templates may read anything, so with them every page sees the whole strategy and is rendered
    each time, in one worker process under the limits of `templates.isolated`.
    """
    if env.sandboxed:
        return templates.isolated(functools.partial(_render_site, strategy, langs, env, extras, common, kept))
    return _render_site(strategy, langs, env, extras, common, kept)


def _render_site(
    strategy: Strategy,
    langs: Sequence[str],
    env: jinja2.Environment,
    extras: Extras,
    common: Mapping[str, Any],
    kept: Kept | None,
) -> dict[str, bytes]:
    from .site_strings import translate as site_text

    narrow = not env.sandboxed
    pages = list(_pages(strategy, common, narrow))
    every: list[_Job] = [(lang, page) for lang in langs for page in pages]
    reused: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    rows: Rows | None = None
    if kept is not None and narrow:
        reused, keys, prefixes = _reuse(every, extras, kept)
        rows = kept.rows
    jobs = [(lang, page) for lang, page in every if f"{lang}/{page.here}" not in reused]
    if isinstance(extras.alignment, Alignment):
        extras.alignment.prefetch(
            {page.values["org"].id for _, page in jobs if page.template == "organisation.html"}
        )
    # The worker of a repository's own templates forks no more processes: its limits and its CPU
    # timer would not carry over to them.
    workers = 1 if env.sandboxed else _workers(len(jobs))
    # Each language's templates are compiled once, here, before any worker starts (Jinja folds
    # `"key"|t` into the language's text as it compiles, so compiled code differs by language).
    prepared = {
        lang: language(env, strategy, common, lang, rows.keeper(prefixes[lang]) if rows else None)
        for lang in langs
    }
    with templates.blame():
        for lang, (lang_env, _) in prepared.items():
            for name in sorted({page.template for job_lang, page in jobs if job_lang == lang}):
                lang_env.get_template(name)
    was_enabled = gc.isenabled()
    gc.disable()  # templates build many short-lived acyclic objects; collecting them costs ~10 %
    try:
        # Pages are dealt out round-robin so every process gets a like mix of small and large ones.
        pending = [_fork_render(prepared, jobs[w::workers], rows) for w in range(1, workers)]
        try:
            files = _render_jobs(prepared, jobs[::workers])
        except BaseException:
            for collect in pending:  # reap the children before giving up: no process is left behind
                with contextlib.suppress(TemplateError):
                    collect()
            raise
        for share, collect in zip(range(1, workers), pending, strict=True):
            result = collect()
            files.update(result if result is not None else _render_jobs(prepared, jobs[share::workers]))
        with templates.blame():
            chooser_env, chooser_base = language(env, strategy, common, strategy.settings.languages[0])
            # The chooser is read before a language is chosen: its notice is in every language.
            notices = (
                {lang: site_text("unapproved.notice", lang) for lang in langs} if extras.unapproved else {}
            )
            chooser = chooser_env.get_template("languages.html").render({**chooser_base, "notices": notices})
    finally:
        if was_enabled:
            gc.enable()
    files.update(reused)
    if kept is not None:
        for rel, key in keys.items():
            if rel not in reused:
                kept.memo.remember(key, files[rel])
    if rows is not None:
        rows.save()
    ordered = {f"{lang}/{page.here}": files[f"{lang}/{page.here}"] for lang, page in every}
    ordered["index.html"] = chooser.encode("utf-8")
    for name in STATIC_FILES:
        ordered[name] = templates.static(env, name)
    return ordered


def language(
    env: jinja2.Environment,
    strategy: Strategy,
    common: Mapping[str, Any],
    lang: str,
    keep_row: KeepRow | None = None,
) -> tuple[jinja2.Environment, dict[str, Any]]:
    """The environment and the base context of pages in `lang` (`keep_row`: see `Helpers.rows`).

    The helpers are filters of a per-language overlay (`{{ c.action|tx }}`, `{{ "status"|t }}`,
    `{{ r.euros|money }}`): Jinja calls a filter directly, a function through the context at about
    twice the cost. The same helpers are in the context as functions too (`tx(…)`, `h.money(…)`).
    """
    h = helpers(strategy, lang, keep_row)
    default = strategy.settings.languages[0]
    compiled = env.bytecode_cache
    if compiled is not None:
        from .bytecode import CompiledTemplates, salt

        assert isinstance(compiled, CompiledTemplates)
        compiled = CompiledTemplates(salt(env, lang, default), compiled.folder)
    lang_env = env.overlay(bytecode_cache=compiled)
    lang_env.filters = {
        **env.filters,
        "t": h.t,
        "tn": h.tn,
        "tx": h.tx,
        "txt": h.txt,
        "number": h.number,
        "money": h.money,
        "date": h.date,
        "period": h.period,
        "measure": h.measure,
        # Filters that read records are never folded into compiled code (Jinja does not fold a
        # filter that takes the context), so kept bytecode never holds a stale name or title.
        "org": jinja2.pass_context(lambda _, org_id, up: h.org(org_id, up)),
        "orgs": jinja2.pass_context(lambda _, org_ids, up: h.orgs(org_ids, up)),
        "goal": jinja2.pass_context(lambda _, goal_id, up: h.goal(goal_id, up)),
    }
    goals = common["mon"].goals
    base = {
        **common,
        "lang": lang,
        "h": h,
        "t": h.t,
        "tx": h.tx,
        "txt": h.txt,
        "verdict": lambda goal_id: goals[goal_id].verdict if goal_id in goals else "",
    }
    return lang_env, base


_Prepared = Mapping[str, tuple[jinja2.Environment, dict[str, Any]]]


def _render_jobs(prepared: _Prepared, jobs: Sequence[_Job]) -> dict[str, bytes]:
    """Render the (language, page) jobs; a template's fault becomes a `TemplateError`."""
    files: dict[str, bytes] = {}
    with templates.blame():
        for lang, page in jobs:
            lang_env, base = prepared[lang]
            template = lang_env.get_template(page.template)
            up = "../" * page.here.count("/")
            context = {**base, **page.values, "here": page.here, "up": up}
            for name in page.hidden:
                del context[name]
            html = template.render(context)
            files[f"{lang}/{page.here}"] = html.encode("utf-8")
    return files


def _fork_render(
    prepared: _Prepared, jobs: Sequence[_Job], rows: Rows | None
) -> Callable[[], dict[str, bytes] | None]:
    """Render `jobs` in a forked child; the returned function collects its pages (None: render here).

    The table rows the child showed come back with its pages, into `rows`.
    """

    def work() -> object:
        try:
            return _render_jobs(prepared, jobs), rows.made if rows is not None else {}
        except TemplateError as error:
            return str(error)

    collect = forking.fork(work)

    def pages() -> dict[str, bytes] | None:
        result = collect()
        if isinstance(result, str):
            raise TemplateError(result)
        if not isinstance(result, tuple):
            return None
        files, made = result
        if rows is not None:
            rows.absorb(made)
        return files if isinstance(files, dict) else None

    return pages


def in_background(work: Callable[[], bytes], big: bool) -> Callable[[], bytes]:
    """Start `work` (a document or data bundle) in a forked process when `big`; call the result to get it."""
    return forking.in_background(work, big, bytes)


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def recent_changes(root: Path, limit: int = 50) -> tuple[Change, ...] | None:
    """The latest commits that touched the strategy folder; None when it is not in a git work tree."""
    out = _git(root, "log", f"-n{limit}", "--date=short", "--format=%H%x1f%ad%x1f%s", "--", ".")
    if out is None:
        return None
    changes = []
    for row in out.splitlines():
        commit, _, rest = row.partition("\x1f")
        date, _, subject = rest.partition("\x1f")
        changes.append(Change(commit, date, subject))
    return tuple(changes)


def versions(root: Path, prefix: str = "strategy/") -> tuple[Change, ...]:
    """Approved versions: annotated tags under `prefix` (as `sisturva release` makes them), newest first.

    Each is named by its version (the tag without the prefix), with its date and message. A
    lightweight tag records no approval (no date, no message, no tagger): anyone's bookmark, it is
    not listed, nor is a tag outside the prefix.
    """
    out = _git(
        root,
        "for-each-ref",
        "--sort=-creatordate",
        "--format=%(objecttype)%1f%(refname:short)%1f%(creatordate:short)%1f%(contents:subject)",
        f"refs/tags/{prefix}*",
    )
    found = []
    for row in (out or "").splitlines():
        kind, _, rest = row.partition("\x1f")
        name, _, rest = rest.partition("\x1f")
        date, _, subject = rest.partition("\x1f")
        if kind == "tag" and name.startswith(prefix):
            found.append(Change(name[len(prefix) :], date, subject))
    return tuple(found)


__all__ = [
    "PACKAGED_TEMPLATES",
    "Alignment",
    "Change",
    "Extras",
    "Helpers",
    "Index",
    "Monitoring",
    "alignment",
    "common",
    "environment",
    "in_background",
    "index",
    "monitoring",
    "recent_changes",
    "render",
    "render_data_pages",
    "versions",
]
