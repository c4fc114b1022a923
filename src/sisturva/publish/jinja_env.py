"""The Jinja environment of the site: the helpers templates call for one language, and its filters."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..models import Budget, Commitment, Goal, Indicator, Period, Text
from ..strategy import Strategy
from . import svg, templates
from .messages import localized
from .reuse import KeepRow
from .templates import Overrides

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
# How a page in one language says that a text is shown in another: FALLBACK[page][shown]. Names,
# units and abbreviations are shown as they are, with no such marker (see `Helpers.name`).
FALLBACK = {
    "fi": {"fi": "suomeksi", "sv": "ruotsiksi", "en": "englanniksi"},
    "sv": {"fi": "på finska", "sv": "på svenska", "en": "på engelska"},
    "en": {"fi": "in Finnish", "sv": "in Swedish", "en": "in English"},
}
# Finnish and Swedish put å, ä and ö (and æ, ø, ü as their letters' variants) after z: they map
# to the characters that follow z; other letters sort by their base letter. English sorts every
# letter by its base letter.
_NORDIC = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}


def collation_key(text: str, lang: str) -> tuple[str, str]:
    """A sort key of `text` as a reader of `lang` alphabetises: case-insensitive, å ä ö after z in fi/sv.

    Spaces and hyphens separate words (sorting before any letter), other punctuation is ignored;
    the text itself breaks ties so that the order is total.
    """
    nordic = lang in ("fi", "sv")
    out: list[str] = []
    for char in text.casefold():
        if nordic and char in _NORDIC:
            out.append(_NORDIC[char])
        elif char.isspace() or char in "-‐–—/":
            out.append(" ")
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            out.append("".join(c for c in base if c.isalnum()))
    return " ".join("".join(out).split()), text


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

    def by_name(self, items: Iterable[Any], attribute: str = "name") -> list[Any]:
        """`items` sorted by the text of their `attribute` as the page's reader alphabetises."""
        return sorted(items, key=lambda item: collation_key(self.txt(getattr(item, attribute)), self.lang))

    def orgs_by_name(self, org_ids: Iterable[str]) -> list[str]:
        """Organisation ids in the order of their names as the page's reader alphabetises (unknown ones by id)."""
        known = self.strategy.organisations

        def key(org_id: str) -> tuple[str, str]:
            record = known.get(org_id)
            return collation_key(self.txt(record.name) if record is not None else org_id, self.lang)

        return sorted(dict.fromkeys(org_ids), key=key)

    def org(self, org_id: str, up: str) -> Markup:
        """A link to an organisation's page by its name (its id when it is unknown)."""
        key = ("o", org_id, up)
        link = self._links.get(key)
        if link is None:
            record = self.strategy.organisations.get(org_id)
            link = (
                Markup('<a href="{0}organisations/{1}.html">{2}</a>').format(
                    up, org_id, self.name(record.name)
                )
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

    def budget_totals(self, budget: Budget) -> list[tuple[int, Decimal, Decimal]]:
        """The plan's appropriations and the euros allocated to the cooperation, summed by year."""
        totals: dict[int, tuple[Decimal, Decimal]] = {}
        for line in budget.lines:
            for amount in line.amounts:
                euros, allocated = totals.get(amount.year, (Decimal(0), Decimal(0)))
                totals[amount.year] = (euros + amount.euros, allocated + (amount.allocated or Decimal(0)))
        return [(year, *totals[year]) for year in sorted(totals)]

    def outside_plan(
        self, commitments: Iterable[Commitment], budget: Budget | None
    ) -> list[tuple[Commitment, Any]]:
        """The resources of `commitments` that charge a line the organisation's plan does not have."""
        lines = {line.id for line in budget.lines} if budget is not None else set()
        return [(c, r) for c in commitments for r in c.resources if r.budget_line not in lines]

    def size(self, size: int) -> str:
        """A file's size as a person writes it: `840 B`, `12,3 kB`, `1,5 MB` (in the page's number format)."""
        if size < 1000:
            return f"{self.number(size)} B"
        for unit, scale in (("kB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
            if size < scale * 1000 or unit == "GB":
                value = (Decimal(size) / scale).quantize(Decimal("0.1"))
                return f"{self.number(value)} {unit}"
        raise AssertionError("unreachable")

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

    def name(self, text: Text | None) -> Markup:
        """A name (of an organisation, a unit, an abbreviation) shown as it is: its language, no marker.

        A name is what it is called, not a translation left out, so it is not flagged; its `lang`
        still tells a screen reader how to say it.
        """
        if text is None:
            return Markup("")
        value, shown = localized(text, self.lang, self.default)
        if shown == self.lang or not any(char.isalpha() for char in value):
            return escape(value)  # a symbol (`%`, `€`) is in no language
        return Markup('<span lang="{0}">{1}</span>').format(shown, value)

    def cited(self, title: str) -> Markup:
        """A source's title, written in the repository's first language: marked on a page in another."""
        if self.lang == self.default:
            return escape(title)
        return Markup('<span lang="{0}">{1}</span> <span class="fallback">({2})</span>').format(
            self.default, title, FALLBACK[self.lang][self.default]
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
            unit=self.txt(indicator.unit),
            lang=self.lang,
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
        return " ".join(parts)  # the chart's own summary names the latest value and the target


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
        "name": h.name,
        "cited": h.cited,
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
        "by_name": jinja2.pass_context(lambda _, items, attribute="name": h.by_name(items, attribute)),
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


__all__ = ["FALLBACK", "LANGUAGE_NAMES", "Helpers", "collation_key", "environment", "helpers", "language"]
