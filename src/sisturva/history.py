"""The history of one record: one `git log` for its file, one `cat-file --batch` for its versions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from . import forking
from .diff import KINDS, FieldChange, Record, Records, Revision, compare_values, load_records, with_defaults
from .documents import Document, parse
from .errors import RevisionError, UsageError
from .gitsource import Entry, Git, shown
from .kinds import SINGULAR, kind_named, spellings
from .safetext import terminal

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""The models' id pattern, repeated here so `log` imports no models (a test keeps them equal)."""
MAX_HOPS = 20
"""How many times the history follows a record into another file (a move or a renamed file)."""
_FILE_KINDS = ("organisations", "phenomena", "indicators", "priorities")
PARALLEL_VERSIONS = 8
"""From this many versions of a file on, half of them are parsed in a forked process."""


@dataclass(frozen=True)
class Commit:
    """Who changed what, when."""

    id: str
    date: str
    """ISO 8601 author date."""
    author: str
    email: str
    subject: str


@dataclass(frozen=True)
class Step:
    """One commit that changed the record, with the field changes it made."""

    commit: Commit
    change: str
    """added, removed, modified or renamed."""
    id: str
    path: str
    fields: tuple[FieldChange, ...]
    previous_id: str | None = None


@dataclass(frozen=True)
class History:
    """A record's history, newest first."""

    kind: str
    id: str
    revision: str
    commit: str
    steps: tuple[Step, ...]
    shallow: bool = False
    """True when the clone lacks older history, so the first step may not be the record's creation."""


@dataclass(frozen=True)
class _Version:
    commit: Commit
    rel: str
    oid: str | None
    """The file's blob after the commit (None: deleted)."""
    added: bool
    old: str | None = None
    """The file's blob in the commit's parent (None: absent), so each step is the commit's own change."""


def extract(rel: str, display: str, raw: bytes | None, names: set[str] | None = None) -> Records:
    """The records of one file version (only those called any of `names`, when given), by (kind, id)."""
    if raw is None:
        return {}
    return load_records([(rel, parse(display, raw))], names)


def _find(found: dict[tuple[str, str], Record], kind: str, names: set[str]) -> tuple[str, Record] | None:
    for (k, record_id), rec in found.items():
        if k == kind and record_id in names:
            return record_id, rec
    return None


def _candidates(
    git: Git, commit: str | None, record_id: str, kinds: Sequence[str], tree: Mapping[str, Entry]
) -> list[tuple[str, str]]:
    """(kind, file) pairs where the record may live; commitments are searched in the work tree when `commit` is None."""
    out: list[tuple[str, str]] = []
    for kind in kinds:
        if kind in _FILE_KINDS and f"{kind}/{record_id}.yaml" in tree:
            out.append((kind, f"{kind}/{record_id}.yaml"))
        elif kind == "goals":
            for rel in tree:
                if rel.startswith("priorities/") and record_id.startswith(rel[len("priorities/") : -5] + "-"):
                    out.append((kind, rel))
        elif kind == "budgets" and f"budgets/{record_id}.yaml" in tree:
            out.append((kind, f"budgets/{record_id}.yaml"))
        elif kind == "commitments":
            out.extend((kind, rel) for rel in git.grep(commit, [record_id], "commitments/") if rel in tree)
    return out


def locate(git: Git, commit: str, names: Iterable[str], kinds: Sequence[str]) -> list[tuple[str, str, str]]:
    """(kind, id, file) of each record called any of `names` at `commit`: at most one per kind, in `kinds` order."""
    entries = git.tree(Revision("", commit))
    wanted = list(names)
    found: dict[str, tuple[str, str, str]] = {}
    # Searching the work tree's files is ~30x faster than searching a commit's blobs; its hits are
    # only hints, checked against the commit's own version. The commit itself is searched only for
    # a commitment when nothing was found: a file kind's path is exact either way.
    for where, looking in ((None, tuple(kinds)), (commit, ("commitments",))):
        for name in wanted:
            todo = [kind for kind in looking if kind in kinds and kind not in found]
            candidates = _candidates(git, where, name, todo, entries)
            blobs = git.blobs(entries[rel].oid for _, rel in candidates)
            for kind, rel in candidates:
                if kind in found:
                    continue
                hit = _find(
                    extract(rel, git.display + rel, blobs.get(entries[rel].oid), {name}), kind, {name}
                )
                if hit:
                    found[kind] = (kind, hit[0], rel)
        if found or "commitments" not in kinds:
            break
    return [found[kind] for kind in kinds if kind in found]


def _moved_from(
    git: Git, parent: str, commit: str, rel: str, names: set[str], kind: str
) -> tuple[str, str, str] | None:
    """(kind, id, file) in `parent` of a record that `commit` brought into `rel` from another file.

    A move changes both files in the same commit, so only that commit's other changed files are
    read: cheap however large the repository is.
    """
    folder = "priorities" if kind == "goals" else kind
    changes = git.changed(Revision("", parent), Revision("", commit))
    candidates = [c for c in changes if c.old is not None and c.rel != rel and c.rel.startswith(folder + "/")]
    blobs = git.blobs(c.old.oid for c in candidates if c.old is not None)
    for change in candidates:
        assert change.old is not None
        found = extract(change.rel, git.display + change.rel, blobs.get(change.old.oid), names)
        hit = _find(found, kind, names)
        if hit:
            return kind, hit[0], change.rel
    return None


def history(git: Git, record_id: str, rev: str = "HEAD", kind: str | None = None) -> History:
    """Every commit that changed the record, following renamed ids and moves between files."""
    import re

    if not re.match(ID_PATTERN, record_id):
        raise UsageError(f"{shown(record_id)} is not a record id (lower-case words joined by '-')")
    searched = KINDS[2:]  # settings and strategy are files, not records with ids
    chosen = kind_named(kind) if kind is not None else None
    if kind is not None and chosen not in searched:
        raise UsageError(f"unknown kind {shown(kind)}; use one of {spellings(searched)} (or their plurals)")
    commit = git.commit(rev)
    found = locate(git, commit, [record_id], (chosen,) if chosen else searched)
    if not found:
        raise RevisionError(
            f"no record {shown(record_id)} at {shown(rev)}; check the id, or give --rev of a commit that has it"
        )
    if len(found) > 1:
        width = max(len(SINGULAR[k]) for k, _, _ in found)
        # One line per record: a file name cannot add lines or escapes to the message.
        listed = "".join(f"\n  {SINGULAR[k]:<{width}}  {terminal(git.display + rel)}" for k, _, rel in found)
        raise UsageError(
            f"{len(found)} records are called {shown(record_id)} at {shown(rev)}; "
            f"choose one with --kind KIND (e.g. --kind {SINGULAR[found[-1][0]]}):{listed}"
        )
    kind_found, current_id, rel = found[0]
    names = {current_id}
    steps: list[Step] = []
    start = commit
    memo: dict[str, dict[tuple[str, str], Record]] = {}

    def version_of(version: _Version, docs: Mapping[str, Document]) -> tuple[str, Record] | None:
        if not version.oid:
            return None
        if version.oid not in memo:
            doc = docs.get(version.oid)
            memo[version.oid] = load_records([(version.rel, doc)], names) if doc else {}
        return _find(memo[version.oid], kind_found, names)

    for _ in range(MAX_HOPS):
        versions = file_log(git, start, rel)
        oids = {oid for v in versions for oid in (v.oid, v.old) if oid and oid not in memo}
        docs = _parsed(git.display + rel, git.blobs(oids))
        # Newest first; each commit's version against its parent's, so branches never mix.
        for version in versions:
            now = version_of(version, docs)
            if now is not None:
                names.add(now[0])
                names.update(now[1].data.get("previous_ids") or [])
            older = version_of(replace(version, oid=version.old), docs)
            step = _step(version, now, older, git.display + version.rel)
            if step is not None:
                steps.append(step)
        if not steps or steps[-1].change != "added":
            break
        # The record appeared in this file: it may have come from another file (a move, a renamed file).
        parent = git.parent(steps[-1].commit.id)
        moved = _moved_from(git, parent, steps[-1].commit.id, rel, names, kind_found) if parent else None
        if parent is None or moved is None:
            break
        arrival = steps.pop()
        _, old_id, old_rel = moved
        older_rec = _find(
            extract(old_rel, git.display + old_rel, git.blob_at(parent, old_rel)), kind_found, names
        )
        if older_rec is not None:
            new_data: dict[str, object] = {}
            for version in versions:
                if version.commit.id == arrival.commit.id:
                    current = version_of(version, docs)
                    new_data = current[1].data if current else {}
            fields = [FieldChange("file", git.display + old_rel, arrival.path)] if old_rel != rel else []
            fields += compare_values(older_rec[1].data, new_data)
            change = "renamed" if old_id != arrival.id else "modified"
            steps.append(
                Step(
                    arrival.commit,
                    change,
                    arrival.id,
                    arrival.path,
                    tuple(fields),
                    old_id if change == "renamed" else None,
                )
            )
        start, rel = parent, old_rel
        names.add(old_id)
    return History(kind_found, current_id, rev, commit, tuple(steps), git.is_shallow())


def _parsed(display: str, blobs: Mapping[str, bytes | None]) -> dict[str, Document]:
    """Versions of one file parsed, by blob id; many versions are split between two processes."""
    oids = sorted(oid for oid, raw in blobs.items() if raw is not None)

    def work(part: Sequence[str]) -> dict[str, Document]:
        return {oid: parse(display, blobs[oid] or b"") for oid in part}

    if len(oids) < PARALLEL_VERSIONS or not forking.can_fork():
        return work(oids)
    collect = forking.fork(lambda: work(oids[1::2]))
    docs = work(oids[::2])
    theirs = collect()
    docs.update(theirs if isinstance(theirs, dict) else work(oids[1::2]))
    return docs


def file_log(git: Git, start: str, rel: str) -> list[_Version]:
    """The commits that changed one file, newest first, with the file's blob id after each."""
    raw = git.git(
        "-c",
        "log.showSignature=false",
        "log",
        "--no-color",
        "--format=%x1e%H%x1f%aI%x1f%an%x1f%ae%x1f%s",
        "-z",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        start,
        "--",
        git.prefix + rel,
    )
    versions: list[_Version] = []
    for chunk in raw.split(b"\x1e")[1:]:
        header, _, rest = chunk.partition(b"\0")
        fields = header.decode("utf-8", "replace").split("\x1f")
        if len(fields) != 5:
            continue
        meta = Commit(*fields)
        parts = rest.lstrip(b"\n").split(b"\0")
        if not parts or not parts[0].startswith(b":"):
            continue  # a merge that brought the file from one side: the change is shown where it was made
        old_mode, new_mode, old_oid, new, status = parts[0][1:].decode().split()
        oid = None if new_mode == "000000" else new
        versions.append(_Version(meta, rel, oid, status == "A", None if old_mode == "000000" else old_oid))
    return versions


def _step(
    version: _Version, now: tuple[str, Record] | None, older: tuple[str, Record] | None, path: str
) -> Step | None:
    if now is None and older is None:
        return None
    if now is None:
        assert older is not None
        return Step(version.commit, "removed", older[0], path, tuple(compare_values(older[1].data, None)))
    if older is None:
        return Step(version.commit, "added", now[0], path, tuple(compare_values(None, now[1].data)))
    fields = with_defaults(now[1].kind, compare_values(older[1].data, now[1].data))
    if older[0] != now[0]:
        fields = [FieldChange("id", older[0], now[0]), *(f for f in fields if f.field != "id")]
        return Step(version.commit, "renamed", now[0], path, tuple(fields), older[0])
    if not fields:
        return None
    return Step(version.commit, "modified", now[0], path, tuple(fields))
