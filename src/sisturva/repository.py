"""Loading a strategy: sources → documents (through the parse cache) → models → strategy."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import cache, forking
from .documents import Document, parse
from .findings import Finding
from .sources import SourceFile, find_root, read_tree
from .strategy import Strategy, build

PARALLEL_BYTES = 2_000_000
"""Below this much YAML to parse, forking a worker costs more than it saves."""
MAX_WORKERS = 4

Entry = tuple[object, tuple[tuple[object, ...], ...]]
"""What the cache keeps of a parsed file: its data and its findings without the path."""


@dataclass(frozen=True)
class Loaded:
    """A strategy read from a work tree."""

    root: Path
    strategy: Strategy
    files: tuple[SourceFile, ...]


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while many acyclic objects are built (1.4× faster)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Leave every object made so far out of garbage collection until the block ends.

    A loaded strategy is millions of objects that live to the end of a command; without this,
    each full collection during the command would walk them all again.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _entry(doc: Document) -> Entry:
    return doc.data, tuple(
        (f.code, f.severity, f.message, f.line, f.column, f.id, f.key, f.params) for f in doc.findings
    )


def _from_cache(path: str, raw: bytes, entry: object) -> Document | None:
    if not (isinstance(entry, tuple) and len(entry) == 2):
        return None
    data, problems = entry
    if not (data is None or isinstance(data, dict)) or not isinstance(problems, tuple):
        return None
    try:
        findings = tuple(
            Finding(c, s, m, path, line, col, i, key, params)
            for c, s, m, line, col, i, key, params in problems
        )
        text = raw.decode("utf-8") if data is not None else None
    except (TypeError, ValueError):
        return None
    return Document(path, data, findings, text)


def _workers(todo: list[SourceFile]) -> int:
    if not forking.can_fork() or sum(len(s.raw or b"") for s in todo) < PARALLEL_BYTES:
        return 1
    return max(1, min(forking.cores(), MAX_WORKERS))


def _fork_parse(sources: list[SourceFile]) -> Callable[[], list[Entry] | None]:
    """Parse `sources` in a forked child; the returned function collects its results (None: failed)."""
    collect = forking.fork(lambda: [_entry(parse(s.display, s.raw or b"")) for s in sources])

    def entries() -> list[Entry] | None:
        found = collect()
        return found if isinstance(found, list) and len(found) == len(sources) else None

    return entries


def _parse_many(todo: list[SourceFile]) -> list[Document]:
    """Documents of `todo`, in order; large batches are split across forked worker processes."""
    workers = _workers(todo)
    if workers == 1:
        return [parse(s.display, s.raw or b"") for s in todo]
    # Deal the files out by size so every process gets about the same amount of YAML.
    shares: list[list[int]] = [[] for _ in range(workers)]
    sizes = [0] * workers
    for index in sorted(range(len(todo)), key=lambda i: -len(todo[i].raw or b"")):
        smallest = sizes.index(min(sizes))
        shares[smallest].append(index)
        sizes[smallest] += len(todo[index].raw or b"")
    pending = [(share, _fork_parse([todo[i] for i in share])) for share in shares[1:]]
    docs: dict[int, Document] = {i: parse(todo[i].display, todo[i].raw or b"") for i in shares[0]}
    for share, collect in pending:
        entries = collect()
        for position, i in enumerate(share):
            source = todo[i]
            doc = _from_cache(source.display, source.raw or b"", entries[position]) if entries else None
            docs[i] = doc if doc is not None else parse(source.display, source.raw or b"")
    return [docs[i] for i in range(len(todo))]


def parse_sources(
    files: Iterable[SourceFile], store: cache.Store | None = None
) -> list[tuple[str, Document]]:
    """Parse each file, reusing parse results cached by blob id."""
    sources = list(files)
    use = store is not None and store.enabled
    docs: list[Document | None] = []
    todo: list[int] = []
    keys: list[str] = []
    for source in sources:
        key = cache.blob_id(source.raw) if use and source.raw is not None else ""
        keys.append(key)
        if source.raw is None:
            problems = (source.problem,) if source.problem else ()
            docs.append(Document(source.display, None, problems))
            continue
        doc = _from_cache(source.display, source.raw, store.get(key)) if key and store else None
        if doc is None:
            todo.append(len(docs))
        docs.append(doc)
    with bulk():
        parsed = _parse_many([sources[i] for i in todo])
    for i, doc in zip(todo, parsed, strict=True):
        docs[i] = doc
        if keys[i] and store is not None:
            store.put(keys[i], _entry(doc))
    return [(source.rel, doc) for source, doc in zip(sources, docs, strict=True) if doc is not None]


def added_order(root: Path) -> Callable[[Sequence[str]], dict[str, int]]:
    """When git added each of some files of the strategy at `root` (a larger number is later).

    For reporting the later of two definitions of one id. Asked only when there is a duplicate;
    outside a git work tree, or for a file git does not know, nothing is answered (the caller
    then takes the work tree's new files as the newest, and path order).
    """

    def added(rels: Sequence[str]) -> dict[str, int]:
        from .errors import SisturvaError
        from .gitsource import Git

        try:
            git = Git(str(root))
            out = git.git(
                "log",
                "--no-renames",
                "--diff-filter=A",
                "--name-only",
                "-z",
                "--format=%x01",
                "--",
                *(f":(literal){git.prefix}{rel}" for rel in rels),
            )
        except (SisturvaError, OSError):
            return {}
        commits = out.split(b"\x01")[1:]  # newest first
        found: dict[str, int] = {}
        for index, chunk in enumerate(commits):
            for name in chunk.strip(b"\0\n").split(b"\0"):
                path = name.decode("utf-8", "surrogateescape")
                if path.startswith(git.prefix):
                    # The latest addition counts: a file removed and added again is new from then.
                    found.setdefault(path[len(git.prefix) :], len(commits) - index)
        return found

    return added


def load(path: str | None = None, use_cache: bool = True) -> Loaded:
    """The strategy of the work tree at (or above) `path`, with every finding `validate` reports.

    Its `findings` include the rules over years and the alignment rules (`checks.run_all`), so a
    command that refuses data with errors (`render`) or counts them (`status`) sees what
    `validate` sees.
    """
    from dataclasses import replace

    from .checks import run_all

    root = find_root(path)
    files = read_tree(root, absolute=bool(path) and os.path.isabs(str(path)))
    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    docs = parse_sources(files, store)
    written = store.save_beside()  # a large parse cache is written while the strategy is built
    with bulk():
        strategy = build(docs, history=added_order(root))
        strategy = replace(strategy, findings=tuple(run_all(strategy)))
    written()
    return Loaded(root, strategy, tuple(files))
