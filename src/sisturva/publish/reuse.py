"""Pages of the last render reused when nothing they read has changed, proven by keys kept in the cache."""

from __future__ import annotations

import datetime
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic_core import to_json

from ..cache import (
    cache_dir,
    code_stamp,
    content_key,
    load_entries,
    save_entries,
    store_name,
    worth_rewriting,
)
from ..models import Budget, Commitment
from ..sources import SourceFile
from ..strategy import Strategy
from .stamps import library_versions


def fingerprint(value: object) -> bytes:
    """Bytes that differ whenever `value` differs: records, dataclasses, mappings, sequences and plain values.

    pydantic's serializer writes every field (decimals exactly, as written) in one call; where a
    field may hold values of several types, the JSON tells them apart (text is quoted, a number is
    not, a record is an object). A value it cannot write is an error, never a guess.
    """
    return to_json(value)


def digest(*parts: str | bytes) -> str:
    """One key from several parts; a separator keeps `ab`+`c` apart from `a`+`bc`."""
    found = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        found.update(b"%d:" % len(data))
        found.update(data)
    return found.hexdigest()


def whole_key(files: Sequence[SourceFile]) -> str:
    """A key of everything a render is made from but the templates: every file, the code, the libraries.

    The Markdown document and the open data are made from the strategy alone, which is made from
    these files alone.
    """
    return digest(content_key(list(files), ("render",)), code_stamp(), sys.version, *library_versions())


def site_key(
    whole: str,
    override: Path | None,
    langs: Sequence[str],
    documents: Mapping[str, str],
    data: bool,
    changes: object,
    versions: object,
    unapproved: int = 0,
) -> str:
    """A key of everything any page of the site can show, for taking the whole site from the last render.

    Besides the strategy's files and the code (`whole`): every template (a repository's own too),
    the languages and downloads, the change log and the versions from git, the number of errors
    of data published anyway (every page then says so), and today's date, from which the
    monitoring picture takes its reference year (and `validate` the years still to come).
    """
    from .templates import PACKAGED_TEMPLATES

    folders = [PACKAGED_TEMPLATES] if override is None else [override, PACKAGED_TEMPLATES]
    return digest(
        whole,
        *(str(folder) + "\0" + templates_digest(folder) for folder in folders),
        ",".join(langs),
        fingerprint(dict(documents)),
        str(data),
        fingerprint(changes),
        fingerprint(versions),
        f"unapproved {unapproved}",
        datetime.date.today().isoformat(),
    )


def templates_digest(folder: Path) -> str:
    """Every file of the packaged templates, by name and content."""
    parts: list[str | bytes] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts += [str(path.relative_to(folder)), path.read_bytes()]
    return digest(*parts)


def environment_digest(templates: str, lang: str, shared: Sequence[str]) -> str:
    """What every page of a language reads besides records: the code, the libraries, the templates.

    `templates` is the packaged templates' `templates_digest`; `shared` holds the run's own
    settings a page shows (the languages, the downloads).
    """
    return digest(code_stamp(), sys.version, *library_versions(), templates, lang, *shared)


@dataclass(frozen=True)
class Digests:
    """Digests of the records, worked out once per render (before the work is shared out to processes).

    `records`: every record but commitments and budget plans; then each commitment by its id and
    each budget plan by its organisation's id.
    """

    records: str
    commitments: Mapping[str, tuple[Commitment, str]]
    budgets: Mapping[str, tuple[Budget, str]]
    _groups: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, strategy: Strategy, files: Sequence[SourceFile] = (), root: Path | None = None) -> Digests:
        """The digests of `strategy`'s records.

        With the strategy's `files` and its repository's `root`, the commitments' digests are kept in
        the cache by their file's content, so only the commitments of changed files are serialised.
        """
        from .views import Records

        return cls(
            records=digest(fingerprint(Records.of(strategy))),
            commitments=_commitment_digests(strategy, files, root),
            budgets={org: (budget, _sha(budget)) for org, budget in strategy.budgets.items()},
        )

    def commitment(self, commitment: Commitment) -> str:
        """The digest of a commitment of the strategy (worked out here for any other)."""
        known = self.commitments.get(commitment.id)
        return known[1] if known is not None and known[0] is commitment else _sha(commitment)

    def group(self, name: str, items: Iterable[tuple[str, Commitment]]) -> str:
        """One digest of (organisation, commitment) pairs, e.g. the commitments serving a goal.

        `name` names the group within the strategy (`goal p1-g1`): the three documents of a render
        ask for the same groups, and each is worked out once.
        """
        found = self._groups.get(name)
        if found is None:
            found = self._groups[name] = digest(*(f"{org}:{self.commitment(c)}" for org, c in items))
        return found

    def budget(self, budget: Budget) -> str:
        """The digest of a budget plan of the strategy (worked out here for any other)."""
        known = self.budgets.get(budget.organisation)
        return known[1] if known is not None and known[0] is budget else _sha(budget)

    def compact(self, value: object) -> object:
        """`value` with each commitment and budget plan in it (at any depth of tuples) as its digest."""
        # Tuples first: pages read long tuples of (organisation, commitment) pairs.
        if isinstance(value, tuple):
            return tuple([self.compact(item) for item in value])
        if isinstance(value, Commitment):
            return "commitment " + self.commitment(value)
        if isinstance(value, Budget):
            return "budget " + self.budget(value)
        return value


def _sha(value: object) -> str:
    return hashlib.sha256(to_json(value)).hexdigest()


def _commitment_digests(
    strategy: Strategy, files: Sequence[SourceFile], root: Path | None
) -> dict[str, tuple[Commitment, str]]:
    """Each commitment's digest by id; those of a file read before are taken from the cache.

    A commitment is made from its file's bytes alone (by code the cache's format stamp covers), so
    the file's blob id and the commitment's id name its digest.
    """
    if root is None or not files:
        return {c.id: (c, _sha(c)) for _, c in strategy.all_commitments()}
    from ..cache import Store, blob_id

    blobs = {f.rel: blob_id(f.raw) for f in files if f.raw is not None and f.rel.startswith("commitments/")}
    store = Store(store_name("digests", root))
    found: dict[str, tuple[Commitment, str]] = {}
    for items in strategy.commitments.values():
        where = strategy.where.get(("commitments", items[0].id)) if items else None
        blob = blobs.get(where.rel) if where is not None else None
        kept = store.get(blob) if blob is not None else None
        if not isinstance(kept, dict) or any(not isinstance(kept.get(c.id), str) for c in items):
            kept = {c.id: _sha(c) for c in items}
            if blob is not None:
                store.put(blob, kept)
        found.update((c.id, (c, kept[c.id])) for c in items)
    store.save()
    return found


class Parts:
    """Parts of the document kept from the last render, each under a key of everything it shows.

    A part's key names the records it reads beyond those every part may read (all records but
    commitments and budget plans, whose digest is in `prefix` with the language and the code), by
    the digests in `digests`. `current` collects the parts of this render, to keep for the next.
    """

    def __init__(self, prefix: str, digests: Digests, previous: Mapping[str, object]) -> None:
        self.prefix = prefix
        self.digests = digests
        self.previous = previous
        self.current: dict[str, tuple[str, ...]] = {}

    def key(self, *parts: str) -> str:
        """The key of a part from what it reads."""
        return digest(self.prefix, *parts)

    def kept(self, key: str) -> tuple[str, ...] | None:
        """The part kept under `key` last time (noted as kept again), when it is whole."""
        found = self.previous.get(key)
        if isinstance(found, tuple) and all(type(item) is str for item in found):
            self.current[key] = found
            return found
        return None

    @classmethod
    def open(cls, root: Path, kind: str, digests: Digests) -> Parts:
        """The parts of the last render of `kind` (`document-fi`, `data`) of the repository at `root`."""
        prefix = digest(code_stamp(), sys.version, *library_versions(), kind, digests.records)
        return cls(prefix, digests, load_entries(cls._path(root, kind)))

    def save(self, root: Path, kind: str) -> None:
        """Keep this render's parts (only they: parts no longer in use are dropped).

        The file is rewritten only when the parts added and dropped are `worth_rewriting`.
        """
        changed = sum(1 for key in self.current if key not in self.previous)
        changed += sum(1 for key in self.previous if key not in self.current)
        if worth_rewriting(changed, len(self.current)):
            save_entries(self._path(root, kind), self.current)

    @staticmethod
    def _path(root: Path, kind: str) -> Path:
        return cache_dir() / f"{store_name(kind, root)}.pickle"


KeepRow = Callable[[str, bool, str, Commitment, Callable[[], str]], str]
"""(link depth, names the organisation, organisation, commitment, how to render it) → the row."""


class Rows:
    """Rows of commitment tables rendered last time, kept under a key of everything a row shows.

    A priority page lists every commitment serving its goals, so editing one commitment would
    render a thousand rows again; a row is rendered only when its own key is new. Rows are kept by
    the language's prefix (code, libraries, templates, interface strings, every record but
    commitments: the organisations' names among them), then by the link depth, whether the row
    names the organisation, the organisation and, last, the commitment's digest.
    """

    def __init__(self, path: Path, previous: Mapping[str, Mapping[str, str]], digests: Digests) -> None:
        self.path = path
        self.previous = previous
        self.digests = digests
        self.made: dict[str, dict[str, str]] = {}
        """The rows this render showed, kept or rendered, by prefix."""

    @classmethod
    def open(cls, root: Path, digests: Digests) -> Rows:
        """The rows of the last render of the repository at `root`."""
        path = cache_dir() / f"{store_name('rows', root)}.pickle"
        found = load_entries(path)
        previous = {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, dict)}
        return cls(path, previous, digests)

    def keeper(self, prefix: str) -> KeepRow:
        """The function a language's pages call for each row (see `Helpers.rows`)."""
        previous = self.previous.get(prefix, {})
        made = self.made.setdefault(prefix, {})
        commitment = self.digests.commitment

        def keep(up: str, with_org: bool, org: str, item: Commitment, render: Callable[[], str]) -> str:
            key = f"{up}\0{with_org:d}\0{org}\0{commitment(item)}"
            found = made.get(key)
            if found is None:
                found = previous.get(key)
                made[key] = found = found if isinstance(found, str) else str(render())
            return found

        return keep

    def absorb(self, made: Mapping[str, Mapping[str, str]]) -> None:
        """Take the rows another process showed."""
        for prefix, rows in made.items():
            self.made.setdefault(prefix, {}).update(rows)

    def save(self) -> None:
        """Keep the rows shown now and those of pages not rendered this time that are still current.

        Rows under another prefix (older code, templates or records) or of a commitment no longer
        in the strategy are dropped; the file is rewritten only when that, or what it lacks, is
        `worth_rewriting`.
        """
        current = {found for _, found in self.digests.commitments.values()}
        kept: dict[str, dict[str, str]] = {}
        changed = sum(len(rows) for prefix, rows in self.previous.items() if prefix not in self.made)
        for prefix, made in self.made.items():
            before = self.previous.get(prefix, {})
            rows = {k: v for k, v in before.items() if k.rpartition("\0")[2] in current}
            changed += len(before) - len(rows) + sum(1 for k in made if k not in rows)
            rows.update(made)
            kept[prefix] = rows
        if worth_rewriting(changed, sum(len(rows) for rows in kept.values())):
            save_entries(self.path, kept)


@dataclass(frozen=True)
class Kept:
    """What a render takes from the last one: its pages (`memo`), the records' digests, table rows."""

    memo: Memo
    digests: Digests
    rows: Rows


@dataclass
class Memo:
    """Which page key gave which bytes last time, and the output folder those pages are in.

    A page is reused only when its key is the same and the file in the output folder still has the
    bytes the key gave (by digest), so a file changed or removed by hand is rendered again.
    """

    out: Path
    path: Path
    previous: Mapping[str, str]
    current: dict[str, str] = field(default_factory=dict)
    read: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    """Files read from the output folder this run and found as expected, with their digest, by path."""

    @classmethod
    def open(cls, root: Path, out: Path) -> Memo:
        """The memo of renders of the repository at `root` into `out`; empty when missing, stale or unreadable.

        One memo per output folder: a render into another folder (a Markdown document alone, say)
        does not make the next render of the site start afresh.
        """
        out = out.absolute()
        folder = hashlib.sha1(str(out).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        path = cache_dir() / f"{store_name('pages', root)}-{folder}.pickle"
        found = load_entries(path)
        previous = {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}
        return cls(out, path, previous)

    def reuse(self, key: str, rel: str) -> bytes | None:
        """The bytes of `rel` in the output folder when they are what `key` gave last time."""
        expected = self.previous.get(key)
        if expected is None:
            return None
        try:
            content = (self.out / rel).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(content).hexdigest() != expected:
            return None
        self.current[key] = expected
        self.read[rel] = (content, expected)
        return content

    def remember(self, key: str, content: bytes) -> None:
        """Note the bytes `key` gave in this run."""
        self.current[key] = hashlib.sha256(content).hexdigest()

    def reuse_all(self, key: str, folder: str) -> dict[str, bytes] | None:
        """The files `key` gave last time in `folder` of the output, when every one is still as it was."""
        expected = self.previous.get(key)
        if expected is None:
            return None
        try:
            named = json.loads(expected)
        except ValueError:
            return None
        if not isinstance(named, dict):
            return None
        found: dict[str, tuple[bytes, str]] = {}
        for name, digest in named.items():
            try:
                content = (self.out / folder / name).read_bytes()
            except OSError:
                return None
            if not isinstance(digest, str) or hashlib.sha256(content).hexdigest() != digest:
                return None
            found[name] = (content, digest)
        self.current[key] = expected
        self.read.update((folder + name, item) for name, item in found.items())
        return {name: content for name, (content, _) in found.items()}

    def remember_all(self, key: str, files: Mapping[str, bytes], folder: str = "") -> None:
        """Note the files `key` gave in this run, by name inside `folder` (as given to `reuse_all`)."""
        self.current[key] = json.dumps(
            {name: self._digest(folder + name, content) for name, content in files.items()}
        )

    def _digest(self, rel: str, content: bytes) -> str:
        known = self.read.get(rel)
        return known[1] if known is not None and known[0] is content else hashlib.sha256(content).hexdigest()

    def unchanged(self, files: Mapping[str, bytes]) -> set[str]:
        """The paths of `files` whose bytes are those just read from the output folder."""
        return {rel for rel, (content, _) in self.read.items() if files.get(rel) is content}

    def keep_previous(self) -> None:
        """Keep last run's keys too: with the whole site reused, its pages' keys still name its files."""
        for key, value in self.previous.items():
            self.current.setdefault(key, value)

    def save(self) -> None:
        """Keep this run's keys only: pages of older runs are no longer in the output folder."""
        save_entries(self.path, self.current)


__all__ = [
    "Digests",
    "KeepRow",
    "Kept",
    "Memo",
    "Parts",
    "Rows",
    "digest",
    "environment_digest",
    "fingerprint",
    "library_versions",
    "templates_digest",
]
