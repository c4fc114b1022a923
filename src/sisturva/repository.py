"""Loading a strategy: sources → documents (through the parse cache) → models → strategy."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .documents import Document, parse
from .findings import Finding
from .sources import SourceFile, find_root, read_tree
from .strategy import Strategy, build


@dataclass(frozen=True)
class Loaded:
    """A strategy read from a work tree."""

    root: Path
    strategy: Strategy
    files: tuple[SourceFile, ...]


def _from_cache(path: str, raw: bytes, entry: object) -> Document | None:
    if not (isinstance(entry, tuple) and len(entry) == 2):
        return None
    data, problems = entry
    if not (data is None or isinstance(data, dict)) or not isinstance(problems, tuple):
        return None
    try:
        findings = tuple(Finding(c, s, m, path, line, col, i) for c, s, m, line, col, i in problems)
        text = raw.decode("utf-8") if data is not None else None
    except (TypeError, ValueError):
        return None
    return Document(path, data, findings, text)


def parse_sources(files: Iterable[SourceFile], store: cache.Store | None = None) -> list[tuple[str, Document]]:
    """Parse each file, reusing parse results cached by blob id."""
    docs: list[tuple[str, Document]] = []
    for source in files:
        if source.raw is None:
            problems = (source.problem,) if source.problem else ()
            docs.append((source.rel, Document(source.display, None, problems)))
            continue
        key = cache.blob_id(source.raw) if store is not None and store.enabled else ""
        doc = _from_cache(source.display, source.raw, store.get(key)) if key and store else None
        if doc is None:
            doc = parse(source.display, source.raw)
            if key and store:
                store.put(key, (doc.data, tuple((f.code, f.severity, f.message, f.line, f.column, f.id) for f in doc.findings)))
        docs.append((source.rel, doc))
    return docs


def load(path: str | None = None, use_cache: bool = True) -> Loaded:
    """The strategy of the work tree at (or above) `path`."""
    root = find_root(path)
    files = read_tree(root, absolute=bool(path) and os.path.isabs(str(path)))
    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    docs = parse_sources(files, store)
    store.save()
    return Loaded(root, build(docs), tuple(files))
