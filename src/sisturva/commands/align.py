"""`align`: each organisation's commitments against its own budget plan, by line and year."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import cache
from ..errors import UsageError
from ..findings import did_you_mean, exit_code, strictened
from ..sources import SourceFile, find_root, read_tree
from . import Outcome

if TYPE_CHECKING:
    from ..align import YearDelta
    from ..diff import Comparison, Section
    from ..strategy import Strategy
    from .diff import Side, Sides

FORMAT_NAMES = ("text", "markdown", "json", "github")
"""The formats of `reports.align.FORMATS`, named here so a cached answer imports no report code."""
KEEP_ENTRIES = 16
"""Cache entries kept per repository (results and stamp keys): enough for the usual option sets."""


def run(
    path: str | None,
    fmt: str,
    lang: str,
    organisation: str | None,
    year: int | None,
    strict: bool,
    use_cache: bool,
    color: bool,
    out: str | None = None,
) -> Outcome:
    """Align the work tree at `path` and present it in `fmt`; exit 1 on errors (warnings under `strict`)."""
    if fmt == "xlsx" or out is not None:
        from ..spreadsheet.reports import workbook_target

        workbook_target(fmt, out)
        # A workbook is written, not printed: never answered from the cache of printed reports.
        root = find_root(path)
        files = read_tree(root, absolute=bool(path) and os.path.isabs(str(path)))
        return _compute(root, files, Asked(fmt, lang, organisation, year, strict, False), use_cache, out)
    if fmt not in FORMAT_NAMES:
        raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMAT_NAMES)}")
    root = find_root(path)
    absolute = bool(path) and os.path.isabs(str(path))
    asked = Asked(fmt, lang, organisation, year, strict, color)
    options = astuple(asked)
    # Like `validate`, an unchanged tree is answered from a cached result: first by the files'
    # stamps without reading them, then by their content.
    results = cache.Store(cache.store_name("align", root), enabled=use_cache)
    stamps, trusted = cache.stamp_key(root, absolute, options) if use_cache else ("", False)
    stat_key = f"{stamps}\0{options!r}" if stamps else ""
    if stat_key:
        known = results.get(stat_key)
        found = _cached(results, known) if isinstance(known, str) else None
        if found is not None:
            return found
    files = read_tree(root, absolute=absolute)
    key = cache.content_key(files, options)
    found = _cached(results, key)
    if found is None:
        found = _compute(root, files, asked, use_cache)
    if use_cache:
        entries = results.entries
        for old in list(entries)[: max(0, len(entries) - KEEP_ENTRIES + 2)]:
            del entries[old]
        results.put(key, (found.stdout, found.code, found.stderr))
        if stat_key and trusted:
            results.put(stat_key, key)
        results.save()
    return found


def _cached(results: cache.Store, key: str) -> Outcome | None:
    hit = results.get(key)
    if isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[0], str) and isinstance(hit[1], int):
        return Outcome(hit[0], hit[1], str(hit[2]))
    return None


@dataclass(frozen=True)
class Asked:
    """What an `align` call asks for, besides where: together, part of its cache key."""

    fmt: str
    lang: str
    organisation: str | None
    year: int | None
    strict: bool
    color: bool


def _compute(
    root: Path, files: list[SourceFile], asked: Asked, use_cache: bool, out: str | None = None
) -> Outcome:
    from ..align import Scoped, align
    from ..reports.align import FORMATS
    from ..repository import added_order, bulk, parse_sources
    from ..strategy import build

    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    docs = parse_sources(files, store)
    with bulk():
        # The same history as `validate`'s: of two commitments with one id, the same one counts.
        strategy = build(docs, history=added_order(root))
        alignment = align(strategy)
    store.save()
    organisation = asked.organisation
    if organisation is not None:
        known = {o.organisation for o in alignment.organisations} | set(strategy.organisations)
        if organisation not in known:
            raise UsageError(
                f"unknown organisation '{organisation}'{did_you_mean(organisation, known)}; "
                "give the id of an organisation (organisations/ID.yaml)"
            )
    alignment = alignment.narrowed(organisation, asked.year)
    if asked.strict:
        alignment = replace(
            alignment,
            scoped=tuple(
                Scoped(strictened([s.finding])[0], s.organisation, s.year) for s in alignment.scoped
            ),
        )
    errors = sum(1 for f in strategy.findings if f.severity == "error")
    note = ""
    if errors:
        noun = "error" if errors == 1 else "errors"
        note = (
            f"sisturva: note: validation found {errors} {noun}; the figures leave out what failed "
            "to validate (run `sisturva validate`)\n"
        )
    if out is not None:
        from ..spreadsheet.reports import align_workbook, write_workbook

        report = write_workbook(out, align_workbook(alignment, asked.lang))
    else:
        report = FORMATS[asked.fmt](alignment, asked.lang, asked.color)
    return Outcome(report, exit_code(alignment.findings), note)


# The alignment part of `diff` and `review`: what a change does to each plan's money.

PLAN_FOLDERS = ("budgets", "commitments")
"""The files whose change can move an organisation's figures."""


def touched_organisations(rels: Iterable[str]) -> set[str]:
    """Organisations whose budget plan or commitments file is among `rels` (repository paths)."""
    orgs: set[str] = set()
    for rel in rels:
        folder, _, name = rel.partition("/")
        if folder in PLAN_FOLDERS and name.endswith(".yaml") and "/" not in name:
            orgs.add(name[: -len(".yaml")])
    return orgs


def _side(found: Sides, side: Side, orgs: set[str]) -> Strategy:
    """What one side's figures are computed from: what the diff built already, else the least that will do."""
    built = found.built(side)
    if built is None and found.scoped is not None:
        built = found.strategy(side)
    return built or _side_strategy(found, side, orgs)


def _side_strategy(found: Sides, side: Side, orgs: set[str]) -> Strategy:
    """A strategy of just the touched organisations' files on one side (what their figures need)."""
    from ..repository import bulk
    from ..strategy import build

    wanted = [f"{folder}/{org}.yaml" for org in sorted(orgs) for folder in (*PLAN_FOLDERS, "organisations")]
    # Through the diff's own reader, so files it has already parsed are not read again.
    docs = found.documents(side, wanted)
    with bulk():
        return build(docs)


def alignment_deltas(found: Sides) -> tuple[YearDelta, ...]:
    """Per organisation and year, how the change moved money and person-years against each plan."""
    from ..align import align, compare_alignments

    orgs = touched_organisations(c.rel for c in found.changes)
    if not orgs:
        return ()
    before = align(_side(found, "base", orgs), orgs)
    after = align(_side(found, "head", orgs), orgs)
    return compare_alignments(before, after)


def alignment_section(found: Sides, result: Comparison, lang: str = "fi") -> Section | None:
    """The `alignment` section of a diff or review: one row per organisation and year that moved."""
    from ..diff import Section
    from ..reports.align import delta_section, deltas_as_list

    deltas = alignment_deltas(found)
    if not deltas:
        return None
    title, columns, rows, notes = delta_section(deltas, lang)
    return Section("alignment", title, columns, rows, deltas_as_list(deltas), notes)
