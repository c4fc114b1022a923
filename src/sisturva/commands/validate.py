"""`validate`: every finding of a work tree, with a whole-result cache for unchanged trees."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

from .. import __version__, cache
from ..findings import Finding, exit_code, strictened
from ..layout import FOLDER_NAMES, SINGLE_FILE_NAMES
from ..reports.findings import FORMATS
from ..sources import SourceFile, display_prefix, find_root, read_tree
from . import Outcome

RACY_NS = 3_000_000_000
"""Entries changed this recently (ns) are not trusted by their stamps alone; their bytes are read."""


def _tree_key(files: list[SourceFile], strict: bool) -> str:
    digest = hashlib.sha1(f"{__version__}\0{cache.FORMAT}\0{strict}".encode())
    for source in files:
        digest.update(source.display.encode() + b"\0")
        if source.raw is not None:
            digest.update(cache.blob_id(source.raw).encode())
        elif source.problem is not None:
            digest.update(source.problem.code.encode())
    return digest.hexdigest()


def _stat_key(root: Path, absolute: bool, strict: bool) -> tuple[str, bool]:
    """A key from the names and file-system stamps of the layout's entries, without opening a file.

    Also whether it can be trusted: an entry changed in the last seconds might change again within
    the clock's resolution, unseen (git's "racy" files), so its bytes must be read.
    """
    prefix = display_prefix(root, absolute)
    digest = hashlib.sha1(f"{__version__}\0{cache.FORMAT}\0{strict}\0{root}\0{prefix}".encode())
    recent = time.time_ns() - RACY_NS
    trusted = True

    def stamp(name: str, info: os.stat_result) -> None:
        nonlocal trusted
        digest.update(
            f"{name}\0{info.st_mode}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\n".encode()
        )
        if info.st_mtime_ns >= recent or info.st_ctime_ns >= recent:
            trusted = False

    for name in (*SINGLE_FILE_NAMES, *FOLDER_NAMES):
        try:
            info = os.lstat(root / name)
        except OSError:
            digest.update(f"{name}\0-\n".encode())
            continue
        stamp(name, info)
        if stat.S_ISDIR(info.st_mode):
            try:
                entries = sorted(os.scandir(root / name), key=lambda entry: entry.name)
                for entry in entries:
                    stamp(f"{name}/{entry.name}", entry.stat(follow_symlinks=False))
            except OSError:
                return "", False
    return "stat:" + digest.hexdigest(), trusted


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
    stat_key, trusted = _stat_key(root, absolute, strict) if use_cache else ("", False)
    if stat_key:
        # Nothing touched since the last run: the answer without reading a file.
        known = results.get(stat_key)
        found = _cached(results, known) if isinstance(known, str) else None
        if found is not None:
            return found
    files = read_tree(root, absolute=absolute)
    key = _tree_key(files, strict)
    found = _cached(results, key)
    if found is not None:
        if stat_key and trusted:
            results.put(stat_key, key)
            results.save()
        return found
    # Only now the models and the parser: an unchanged tree needs neither.
    from ..repository import bulk, parse_sources
    from ..strategy import build
    from ..summary import line

    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    docs = parse_sources(files, store)
    written = store.save_beside()
    with bulk():
        strategy = build(docs)
    written()
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
        if stat_key and trusted:
            results.put(stat_key, key)
        results.save()
    return findings, summary


def run(path: str | None, fmt: str, strict: bool, use_cache: bool, color: bool) -> Outcome:
    """Validate and present the findings in `fmt`."""
    findings, summary = collect(path, strict, use_cache)
    if fmt == "text":
        from ..reports.findings import text

        return Outcome(text(findings, {"summary": summary}, color), exit_code(findings))
    return Outcome(FORMATS[fmt](findings, {"summary": summary}), exit_code(findings))
