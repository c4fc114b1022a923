"""`diff`: the semantic diff of two revisions read from git objects, with findings introduced and resolved."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from .. import cache
from ..diff import Comparison, Records, Revision, Section, compare, compare_findings, load_records, money
from ..errors import UsageError
from ..findings import Finding
from ..gitsource import INDEX, Change, Entry, Git, select
from ..sources import SourceFile
from . import Outcome

if TYPE_CHECKING:
    from ..documents import Document
    from ..strategy import Strategy

Side = Literal["base", "head"]
FINDINGS_KEPT = 16
"""Whole-side findings kept in the cache (one entry per tree)."""


class Sides:
    """Both sides of a change, each loaded only when something asks for it."""

    def __init__(
        self, git: Git, base: Revision, head: Revision, use_cache: bool = True, every_id: bool = False
    ) -> None:
        self.git = git
        self.base = base
        self.head = head
        self.use_cache = use_cache
        self.every_id = every_id
        """Search the whole head for every commitment id of the changed files, not only the new ones,
        so duplicates that were there before are found too (the review lists them)."""
        self.scoped_allowed = True
        """False reads both sides whole (a test compares the two ways)."""
        self.store = cache.Store(cache.store_name("parse", git.root), enabled=use_cache)
        self.results = cache.Store(cache.store_name("findings", git.root), enabled=use_cache)

    @cached_property
    def changes(self) -> list[Change]:
        """The record files that differ, from git's tree diff."""
        return self.git.changed(self.base, self.head)

    def _build(self, files: list[SourceFile], store: cache.Store | None) -> Strategy:
        from ..repository import parse_sources

        return self._build_docs(parse_sources(files, store))

    def documents(self, side: Side, rels: Iterable[str] | None = None) -> list[tuple[str, Document]]:
        """Parsed files of one side (default: the changed ones), each file read and parsed once per run.

        Report sections (e.g. alignment) ask here so they reuse what the diff already parsed.
        """
        from ..documents import parse

        rev = self.base if side == "base" else self.head
        if rels is None:
            entries = {
                c.rel: e for c in self.changes if (e := c.old if side == "base" else c.new) is not None
            }
        else:
            wanted = list(rels)
            if rev.commit is None and rev.spec != INDEX:
                entries = {rel: Entry("100644", "", rel) for rel in wanted if (self.git.root / rel).exists()}
            else:
                tree = self._tree(side)
                entries = {rel: tree[rel] for rel in wanted if rel in tree}
        memo: dict[str, Document] = self.__dict__.setdefault(f"_docs_{side}", {})
        # A file both sides share is parsed once.
        shared: dict[tuple[str, str], Document] = self.__dict__.setdefault("_docs_by_blob", {})
        todo = {rel: entry for rel, entry in entries.items() if rel not in memo}
        for rel, entry in list(todo.items()):
            if (entry.oid, rel) in shared:
                memo[rel] = shared[(entry.oid, rel)]
                del todo[rel]
        # A handful of files parse faster than the whole parse cache loads; no aggregate is built.
        for source in self.git.sources(todo, rev) if todo else []:
            if source.raw is not None:
                memo[source.rel] = parse(source.display, source.raw)
                if todo[source.rel].oid:
                    shared[(todo[source.rel].oid, source.rel)] = memo[source.rel]
        return [(rel, memo[rel]) for rel in entries if rel in memo]

    def _tree(self, side: Side) -> dict[str, Entry]:
        name = f"_tree_{side}"
        if name not in self.__dict__:
            self.__dict__[name] = self.git.tree(self.base if side == "base" else self.head)
        tree: dict[str, Entry] = self.__dict__[name]
        return tree

    def _records(self, side: Side) -> Records:
        return load_records(self.documents(side))

    @cached_property
    def base_records(self) -> Records:
        """The records of the base's changed files only: enough for the record diff."""
        return self._records("base")

    @cached_property
    def head_records(self) -> Records:
        """The records of the head's changed files only."""
        return self._records("head")

    @cached_property
    def changed_paths(self) -> tuple[str, ...]:
        """The changed record files as the user would type them."""
        entries = {c.rel: (c.new or c.old) for c in self.changes}
        return tuple(
            self.git.display + entry.rel for entry, _ in select({k: v for k, v in entries.items() if v})
        )

    def _full_files(self, side: Side) -> list[SourceFile]:
        name = f"_files_{side}"
        if name not in self.__dict__:
            rev = self.base if side == "base" else self.head
            if rev.commit is None and rev.spec != INDEX:
                self.__dict__[name] = self.git.worktree_sources()
            else:
                self.__dict__[name] = self.git.sources(self.git.tree(rev), rev)
        files: list[SourceFile] = self.__dict__[name]
        return files

    def full(self, side: Side) -> Strategy:
        """The whole strategy of one side (parsed through the cache by blob id)."""
        name = f"_full_{side}"
        if name not in self.__dict__:
            self.__dict__[name] = self._build(self._full_files(side), self.store)
        strategy: Strategy = self.__dict__[name]
        return strategy

    def _findings_key(self, side: Side) -> str:
        rev = self.base if side == "base" else self.head
        tree = self.git.tree_id(rev)
        # A commit names its tree; the work tree and the index are named by their files' blob ids.
        content = tree if tree else "files:" + _files_key(self._full_files(side))
        return f"{content}\0{self.git.display}"

    @cached_property
    def scoped(self) -> tuple[Strategy, Strategy] | None:
        """Both sides built from just the files the change can affect, or None when that is not enough.

        See `scope`: cost follows the change, not the repository, for the usual change of an
        organisation's own files.
        """
        from .. import scope

        if not self.scoped_allowed or not self.changes:
            return None
        found = scope.plan(self.changes, dict(self.documents("base")), dict(self.documents("head")))
        if found is None:
            return None
        # A scoped change adds and removes no file: both sides list the same files.
        listing = self._tree("base")
        hits: list[str] = []
        for side, ids in (
            ("head", found.added | (found.kept if self.every_id else frozenset())),
            ("base", found.removed),
        ):
            if not ids:
                continue
            rev = self.base if side == "base" else self.head
            if rev.spec == INDEX:
                return None  # git grep reads the index only as a whole; not worth a path of its own
            hits += self.git.grep(rev.commit, ids, "commitments/")
        wanted = scope.files(found, listing, hits)
        ordered = [entry.rel for entry, problem in select({r: listing[r] for r in wanted}) if problem is None]
        names = scope.names(listing)
        base, head = (self._build_docs(self.documents(side, ordered), names) for side in ("base", "head"))
        return (base, head) if scope.consistent(base, head) else None

    def _build_docs(
        self, docs: list[tuple[str, Document]], names: Mapping[str, Collection[str]] | None = None
    ) -> Strategy:
        from ..repository import bulk
        from ..strategy import build

        with bulk():
            return build(docs, names)

    def built(self, side: Side) -> Strategy | None:
        """The strategy of one side if one was built already (for findings), else None."""
        scoped = self.__dict__.get("scoped")
        if scoped is not None:
            built: Strategy = scoped[0] if side == "base" else scoped[1]
            return built
        full: Strategy | None = self.__dict__.get(f"_full_{side}")
        return full

    def strategy(self, side: Side) -> Strategy:
        """The strategy of one side: of the affected files when that is enough, else the whole."""
        scoped = self.scoped
        if scoped is not None:
            return scoped[0] if side == "base" else scoped[1]
        return self.full(side)

    def findings(self, side: Side) -> list[Finding]:
        """Every finding of one side that the change can move (the whole side's, cached per tree, when needed)."""
        from ..checks import run_all

        if self.scoped is not None:
            return run_all(self.strategy(side))
        key = self._findings_key(side)
        hit = self.results.get(key)
        if isinstance(hit, list):
            try:
                return [Finding(*fields) for fields in hit]
            except TypeError:
                pass
        found = run_all(self.full(side))
        entries = self.results.entries
        for old in list(entries)[: max(0, len(entries) - FINDINGS_KEPT + 1)]:
            del entries[old]
        self.results.put(
            key,
            [(f.code, f.severity, f.message, f.path, f.line, f.column, f.id, f.key, f.params) for f in found],
        )
        self.results.save()
        return found


SectionBuilder = Callable[[Sides, Comparison, str], Section | None]


def _alignment(found: Sides, result: Comparison, lang: str) -> Section | None:
    from .align import alignment_section

    return alignment_section(found, result, lang)


SECTIONS: list[SectionBuilder] = [_alignment]
"""Further parts of the report, each seeing both sides: by default the money a change moves against each plan."""


def _files_key(files: list[SourceFile]) -> str:
    digest = hashlib.sha1()
    for source in files:
        digest.update(
            source.rel.encode() + b"\0" + (cache.blob_id(source.raw).encode() if source.raw else b"-")
        )
    return digest.hexdigest()


def sides(
    path: str | None,
    base: str | None,
    head: str | None,
    staged: bool = False,
    use_cache: bool = True,
    every_id: bool = False,
) -> Sides:
    """Resolve the revisions of `diff [BASE] [HEAD]` (or `--staged`) in the repository at `path`."""
    git = Git(path)
    if staged:
        if head is not None:
            raise UsageError("--staged compares a revision with the index; give at most one revision")
        base_spec = "HEAD" if base is None else base
        base_rev = Revision(base_spec, git.commit(base_spec))
        return Sides(git, base_rev, Revision(INDEX, None), use_cache, every_id)
    base_rev, head_rev = git.pair(base, head)
    return Sides(git, base_rev, head_rev, use_cache, every_id)


def comparison(found: Sides, with_findings: bool = True, lang: str = "fi") -> Comparison:
    """What changed between the two sides, as data."""
    changes = compare(found.base_records, found.head_records)
    rows = money(found.base_records, found.head_records)
    introduced: list[Finding] = []
    resolved: list[Finding] = []
    if with_findings and found.changes:
        introduced, resolved = compare_findings(found.findings("base"), found.findings("head"))
        found.store.save()  # once, after both sides: the second side reuses the first side's parses
    result = Comparison(
        base=found.base,
        head=found.head,
        changes=tuple(changes),
        money=tuple(rows),
        introduced=tuple(introduced),
        resolved=tuple(resolved),
        findings_checked=with_findings,
        changed_paths=found.changed_paths,
    )
    extra = tuple(s for s in (builder(found, result, lang) for builder in SECTIONS) if s is not None)
    if extra:
        from dataclasses import replace

        result = replace(result, sections=extra)
    return result


def run(
    path: str | None,
    base: str | None,
    head: str | None,
    staged: bool,
    fmt: str,
    exit_code: bool,
    with_findings: bool,
    use_cache: bool,
    color: bool,
    lang: str = "fi",
) -> Outcome:
    """Compare two revisions and present the result in `fmt`."""
    from ..reports.diff import render

    result = comparison(sides(path, base, head, staged, use_cache), with_findings, lang)
    changed = bool(result.changes or result.introduced or result.resolved)
    return Outcome(render(result, fmt, lang, color), 1 if exit_code and changed else 0)
