"""`validate`: every finding of a work tree, with a whole-result cache for unchanged trees."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .. import __version__, cache
from ..findings import Finding, exit_code, strictened
from ..reports.findings import FORMATS
from ..sources import SourceFile, find_root, read_tree
from . import Outcome


def _tree_key(files: list[SourceFile], strict: bool) -> str:
    digest = hashlib.sha1(f"{__version__}\0{cache.FORMAT}\0{strict}".encode())
    for source in files:
        digest.update(source.display.encode() + b"\0")
        if source.raw is not None:
            digest.update(cache.blob_id(source.raw).encode())
        elif source.problem is not None:
            digest.update(source.problem.code.encode())
    return digest.hexdigest()


def collect(path: str | None, strict: bool = False, use_cache: bool = True) -> tuple[list[Finding], str]:
    """All findings of the work tree at `path`, and a summary of what it holds."""
    root: Path = find_root(path)
    files = read_tree(root, absolute=bool(path) and os.path.isabs(str(path)))
    results = cache.Store(cache.store_name("validate", root), enabled=use_cache)
    key = _tree_key(files, strict)
    hit = results.get(key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], str):
        try:
            return [Finding(*fields) for fields in hit[0]], hit[1]
        except TypeError:
            pass
    # Only now the models and the parser: an unchanged tree needs neither.
    from ..repository import bulk, parse_sources
    from ..strategy import build
    from ..summary import line

    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    docs = parse_sources(files, store)
    with bulk():
        strategy = build(docs)
    store.save()
    findings = list(strategy.findings)
    if strict:
        findings = strictened(findings)
    summary = line(strategy, len(files))
    if use_cache:
        # One entry: the result for the tree as it is now.
        results.entries.clear()
        results.put(
            key,
            ([(f.code, f.severity, f.message, f.path, f.line, f.column, f.id) for f in findings], summary),
        )
        results.save()
    return findings, summary


def run(path: str | None, fmt: str, strict: bool, use_cache: bool, color: bool) -> Outcome:
    """Validate and present the findings in `fmt`."""
    findings, summary = collect(path, strict, use_cache)
    if fmt == "text":
        from ..reports.findings import text

        return Outcome(text(findings, {"summary": summary}, color), exit_code(findings))
    return Outcome(FORMATS[fmt](findings, {"summary": summary}), exit_code(findings))
