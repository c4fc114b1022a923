"""`validate`: every finding of a work tree, with a whole-result cache for unchanged trees."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from .. import cache
from ..findings import Finding, exit_code, strictened
from ..reports.findings import FORMATS
from ..sources import find_root, read_tree
from . import Outcome


def _cached(results: cache.Store, key: str) -> tuple[list[Finding], str] | None:
    hit = results.get(key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], str) and isinstance(hit[0], list):
        try:
            return [Finding(*fields) for fields in hit[0]], hit[1]
        except TypeError:
            return None
    return None


def collect(path: str | None, strict: bool = False, use_cache: bool = True) -> tuple[list[Finding], str]:
    """All findings of the work tree at `path`, and a summary of what it holds."""
    root: Path = find_root(path)
    absolute = bool(path) and os.path.isabs(str(path))
    results = cache.Store(cache.store_name("validate", root), enabled=use_cache)
    # The year is part of the answer: an observation for next year is in the future until then.
    this_year = datetime.date.today().year
    options = (strict, this_year)
    stat_key, trusted = cache.stamp_key(root, absolute, options) if use_cache else ("", False)
    if stat_key:
        # Nothing touched since the last run: the answer without reading a file.
        known = results.get(stat_key)
        found = _cached(results, known) if isinstance(known, str) else None
        if found is not None:
            return found
    files = read_tree(root, absolute=absolute)
    key = cache.content_key(files, options)
    found = _cached(results, key)
    if found is not None:
        if stat_key and trusted:
            results.put(stat_key, key)
            results.save()
        return found
    # Only now the models and the parser: an unchanged tree needs neither.
    from ..checks import run_all
    from ..repository import added_order, bulk, parse_sources
    from ..strategy import build
    from ..summary import line

    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    docs = parse_sources(files, store)
    written = store.save_beside()
    with bulk():
        strategy = build(docs, history=added_order(root))
        # Every rule that can fail the strategy, the alignment with budget plans included.
        findings = run_all(strategy, this_year)
    written()
    if strict:
        findings = strictened(findings)
    summary = line(strategy, len(files))
    if use_cache:
        # One entry: the result for the tree as it is now.
        results.entries.clear()
        results.put(
            key,
            (
                [
                    (f.code, f.severity, f.message, f.path, f.line, f.column, f.id, f.key, f.params)
                    for f in findings
                ],
                summary,
            ),
        )
        if stat_key and trusted:
            results.put(stat_key, key)
        results.save()
    return findings, summary


def run(
    path: str | None, fmt: str, strict: bool, use_cache: bool, color: bool, lang: str | None = None
) -> Outcome:
    """Validate and present the findings in `fmt`; the text format's messages in `lang` (default English)."""
    from ..publish.templates import problems

    findings, summary = collect(path, strict, use_cache)
    if any(f.code == "SIS218" for f in findings):
        from ..suspect import explain

        findings = explain(findings, find_root(path))  # the commit that changed the goal: not cached
    findings += problems(find_root(path), bool(path) and os.path.isabs(str(path)))  # not cached: a few stats
    if fmt == "text":
        from ..reports.findings import text

        return Outcome(text(findings, {"summary": summary}, color, lang), exit_code(findings))
    return Outcome(FORMATS[fmt](findings, {"summary": summary}), exit_code(findings))
