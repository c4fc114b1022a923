"""What an import does to the strategy: the records it changes, money moved, findings introduced and resolved.

Like `diff`, the work follows the change: a workbook changes organisations' own files, so the
findings it can move lie in those files and what they meet (`scope`); only when the change reaches
further are both sides validated whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cache import Store
    from ..diff import Comparison
    from ..documents import Document
    from ..findings import Finding
    from ..sources import SourceFile
    from ..strategy import Strategy

CONTEXT_FOLDERS = ("priorities",)
"""Besides the organisations' own files, what cells may name: the goals."""


@dataclass(frozen=True)
class Evaluated:
    """The change as `diff` shows it, and the findings it introduces."""

    comparison: Comparison
    introduced: tuple[Finding, ...]


def _parse(files: Sequence[SourceFile], store: Store) -> list[tuple[str, Document]]:
    from ..repository import parse_sources

    return parse_sources(files, store)


def _build(docs: Sequence[tuple[str, Document]], names: Mapping[str, frozenset[str]] | None) -> Strategy:
    from ..repository import bulk
    from ..strategy import build

    with bulk():
        return build(docs, names)


def context(files: Sequence[SourceFile], organisations: Sequence[str], store: Store) -> Strategy:
    """A strategy of just what a workbook's cells may name: settings, priorities, the organisations' files."""
    from .. import scope

    listing = [s.rel for s in files]
    wanted = {f"{folder}/{org}.yaml" for org in organisations for folder in scope.ORG_FOLDERS}
    wanted |= set(scope.SHARED)
    chosen = [s for s in files if s.rel in wanted or s.rel.split("/", 1)[0] in CONTEXT_FOLDERS]
    return _build(_parse(chosen, store), scope.names(listing))


def evaluate(
    files: Sequence[SourceFile],
    changes: Mapping[str, str],
    prefix: str,
    book: str,
    store: Store,
) -> Evaluated:
    """Both sides of the import, of the files it can affect (the whole repository when that is not enough)."""
    from .. import scope
    from ..checks import run_all
    from ..diff import Comparison, Revision, compare, compare_findings, load_records, money
    from ..gitsource import Change, Entry
    from ..sources import SourceFile
    from .export import blob_id

    encoded = {rel: text.encode("utf-8") for rel, text in changes.items()}
    by_rel = {s.rel: s for s in files}
    after_files = [SourceFile(s.rel, s.display, encoded[s.rel]) if s.rel in encoded else s for s in files]
    after_files += [SourceFile(rel, prefix + rel, raw) for rel, raw in encoded.items() if rel not in by_rel]
    before_changed = _parse([by_rel[rel] for rel in changes if rel in by_rel], store)
    after_changed = _parse([s for s in after_files if s.rel in encoded], store)
    before_records, after_records = load_records(before_changed), load_records(after_changed)

    def entry(rel: str, raw: bytes | None) -> Entry | None:
        return Entry("100644", blob_id(raw), rel) if raw is not None else None

    moved = [
        Change(rel, entry(rel, by_rel[rel].raw if rel in by_rel else None), entry(rel, encoded[rel]))
        for rel in changes
    ]
    found = scope.plan(moved, {rel: d for rel, d in before_changed}, {rel: d for rel, d in after_changed})
    sides: tuple[list[Finding], list[Finding]] | None = None
    if found is not None:
        listing = [s.rel for s in files]
        ids = found.added | found.removed
        # What `git grep` finds for `diff`: the commitments files that mention an added or removed id.
        hits = [
            s.rel
            for s in files
            if ids and s.rel.startswith("commitments/") and s.raw and any(i.encode() in s.raw for i in ids)
        ]
        wanted = scope.files(found, listing, hits)
        names = scope.names(listing)
        base = _build(_parse([s for s in files if s.rel in wanted], store), names)
        head = _build(_parse([s for s in after_files if s.rel in wanted], store), names)
        if scope.consistent(base, head):
            sides = run_all(base), run_all(head)
    if sides is None:
        sides = run_all(_build(_parse(files, store), None)), run_all(_build(_parse(after_files, store), None))
    introduced, resolved = compare_findings(*sides)
    comparison = Comparison(
        Revision("(working tree)", None),
        Revision(book, None),
        tuple(compare(before_records, after_records)),
        tuple(money(before_records, after_records)),
        tuple(introduced),
        tuple(resolved),
        True,
        tuple(prefix + rel for rel in changes),
    )
    return Evaluated(comparison, tuple(introduced))


__all__ = ["Evaluated", "context", "evaluate"]
