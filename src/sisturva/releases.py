"""Approved versions: annotated tags under the release prefix, their messages, and what changed between them."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .diff import Record, Records, Revision, compare, load_records, money
from .errors import UsageError
from .gitsource import Entry, Git
from .safetext import UNSAFE, terminal

if TYPE_CHECKING:
    from .cache import Store

DEFAULT_PREFIX = "strategy/"
"""The release prefix when `sisturva.yaml` sets none (the Settings model says the same)."""
VERSION = re.compile(r"(?:\d{4}\.[1-9]\d*|(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*))")
"""A version: a year and a number (`2025.1`) or semver-like (`1.2.0`)."""
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRAILER = "Approved"
"""The trailer of a tag message that carries the approval's date: `Approved: 2025-05-20`."""
UNTITLED = "Approved by the cooperation group"
"""A tag message's first line when no decision is given (git shows it as the tag's subject)."""
_SIGNATURE = re.compile(r"\n-----BEGIN [A-Z ]*SIGNATURE-----\n.*\Z", re.S)


@dataclass(frozen=True)
class Release:
    """One approved version: an annotated tag and what its message says."""

    version: str
    """The tag's name without the prefix, e.g. `2025.1`."""
    tag: str
    """The tag's full name, e.g. `strategy/2025.1`."""
    commit: str
    date: datetime.date
    """The approval's date (from the message; the tag's own date when the message has none)."""
    decision: str
    """The decision as it was given: the meeting and its record (may be several lines, or empty)."""
    tagger: str
    created: int
    """When the tag was made (seconds since the epoch): orders releases approved the same day."""


@dataclass(frozen=True)
class Counts:
    """Records added, removed, modified and renamed between two releases."""

    added: int
    removed: int
    modified: int
    renamed: int


@dataclass(frozen=True)
class YearEuros:
    """Committed euros of one year at the previous release (None for the first) and at this one."""

    year: int
    before: Decimal | None
    after: Decimal


@dataclass(frozen=True)
class Listed:
    """A release with what changed since the one before it."""

    release: Release
    previous: Release | None
    counts: Counts | None
    """None for the first release: nothing to compare with."""
    euros: tuple[YearEuros, ...]


# -- versions and messages ---------------------------------------------------------------------------


def check_version(version: str) -> str:
    """`version` when it is a year and number (`2025.1`) or semver-like (`1.2.0`); else a UsageError."""
    if not VERSION.fullmatch(version):
        raise UsageError(
            f"version {terminal(repr(version), 40)} is not accepted; give a year and a number "
            "(e.g. 2025.1) or a semantic version (e.g. 1.2.0)"
        )
    return version


def check_date(text: str | None, today: datetime.date | None = None) -> datetime.date:
    """The approval's date: `YYYY-MM-DD` as given, or today."""
    if text is None:
        return today or datetime.date.today()
    try:
        if not DATE.fullmatch(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--date {terminal(repr(text), 40)} is not a date; give it as YYYY-MM-DD (e.g. 2025-05-20)"
        ) from None


def check_decision(text: str | None) -> str:
    """The decision with its lines' trailing spaces and the blank lines around it removed."""
    decision = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")).strip()
    if any(ch in UNSAFE and ch not in "\n\t" for ch in decision):
        raise UsageError(
            "--decision holds control or bidirectional characters; give plain text (new lines are fine)"
        )
    return decision


def message(date: datetime.date, decision: str) -> str:
    """A tag message: the decision as given (its first line is the tag's subject), then the date's trailer."""
    return f"{decision or UNTITLED}\n\n{TRAILER}: {date.isoformat()}\n"


def read_message(text: str, created: datetime.date) -> tuple[datetime.date, str]:
    """The date and decision of a tag message; a message that `release` did not write is all decision."""
    body = _SIGNATURE.sub("", text.replace("\r\n", "\n")).rstrip()
    head, _, last = body.rpartition("\n")
    name, _, value = last.partition(":")
    date = created
    if name == TRAILER and DATE.fullmatch(value.strip()):
        try:
            date = datetime.date.fromisoformat(value.strip())
            body = head.rstrip()
        except ValueError:
            pass
    decision = body.strip()
    return date, "" if decision == UNTITLED else decision


def first_line(decision: str) -> str:
    """The decision's first line, for one-line summaries."""
    return decision.strip().split("\n", 1)[0].strip()


def prefix(root: Path) -> str:
    """The release prefix of the strategy at `root` (`release_prefix` in `sisturva.yaml`)."""
    from typing import Annotated

    from pydantic import TypeAdapter, ValidationError

    from .documents import parse
    from .models import Settings

    path = root / "sisturva.yaml"
    try:
        data = parse("sisturva.yaml", path.read_bytes()).data
    except OSError:
        data = None
    value = data.get("release_prefix") if isinstance(data, dict) else None
    if value is None:
        return DEFAULT_PREFIX
    field = Settings.model_fields["release_prefix"]
    try:
        checked: str = TypeAdapter(Annotated[str, *field.metadata]).validate_python(value)
    except ValidationError:
        raise UsageError(
            f"sisturva.yaml: release_prefix {terminal(repr(value), 60)} is not a tag prefix; "
            "use letters, digits, '.', '_', '-' and '/' (e.g. strategy/), or leave it out"
        ) from None
    return checked


# -- tags ------------------------------------------------------------------------------------------------

_FIELDS = (
    "%(objecttype)",
    "%(refname)",
    "%(*objecttype)",
    "%(*objectname)",
    "%(creatordate:unix)",
    "%(taggername)",
    "%(contents)",
)


def releases(git: Git, tag_prefix: str) -> list[Release]:
    """The approved versions, newest first: annotated tags of commits whose names begin with the prefix.

    A lightweight tag records no approval (no date, no message, no tagger): it is not a release.
    """
    raw = git.git("for-each-ref", "--format=" + "%1f".join(_FIELDS) + "%00", "refs/tags/")
    start = "refs/tags/" + tag_prefix
    found: list[Release] = []
    for record in raw.decode("utf-8", "replace").split("\0"):
        fields = record.lstrip("\n").split("\x1f", len(_FIELDS) - 1)
        if len(fields) != len(_FIELDS):
            continue
        kind, ref, target_kind, target, created, tagger, contents = fields
        if kind != "tag" or target_kind != "commit" or not ref.startswith(start) or ref == start:
            continue
        seconds = int(created) if created.isdigit() else 0
        made = datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()
        date, decision = read_message(contents, made)
        found.append(
            Release(ref[len(start) :], ref[len("refs/tags/") :], target, date, decision, tagger, seconds)
        )
    return sorted(found, key=lambda r: (r.date, r.created, r.tag), reverse=True)


def tag_exists(git: Git, name: str) -> bool:
    """Whether any tag (annotated or not) is called `name`."""
    ref = f"refs/tags/{name}"
    return ref in git.git("for-each-ref", "--format=%(refname)", ref).decode("utf-8", "replace").split("\n")


# -- what changed ---------------------------------------------------------------------------------------

Totals = dict[int, Decimal]
"""Committed euros by year."""


class _Reader:
    """Records and committed euros of files by blob: a blob shared by two releases is read and parsed once."""

    def __init__(self, git: Git) -> None:
        self.git = git
        self.read: dict[tuple[str, str], tuple[Records, Totals]] = {}

    def files(self, rev: Revision, entries: Mapping[str, Entry]) -> dict[str, tuple[Records, Totals]]:
        """The records and committed euros of each file (by path); only blobs not read before are read."""
        from .repository import parse_sources

        todo = {rel: e for rel, e in entries.items() if (rel, e.oid) not in self.read}
        if todo:
            for rel, doc in parse_sources(self.git.sources(todo, rev)):
                found = load_records([(rel, doc)])
                self.read[(rel, todo[rel].oid)] = (found, _file_euros(found))
        return {rel: self.read[(rel, e.oid)] for rel, e in entries.items() if (rel, e.oid) in self.read}

    def keep(self, entries: Mapping[str, Entry]) -> None:
        """Forget every blob but these (the next comparison's base): memory stays one release's worth."""
        wanted = {(rel, e.oid) for rel, e in entries.items()}
        self.read = {key: found for key, found in self.read.items() if key in wanted}


def _euros(files: Mapping[str, tuple[Records, Totals]]) -> Totals:
    """Committed euros by year of some files."""
    years: Totals = {}
    for _, own in files.values():
        for year, euros in own.items():
            years[year] = years.get(year, Decimal(0)) + euros
    return years


def _file_euros(found: Records) -> Totals:
    """Committed euros by year of one file's records, as the diff's money summary counts them."""
    years: Totals = {}
    for row in money({}, found):
        years[row.year] = years.get(row.year, Decimal(0)) + row.euros_after
    return years


def _merged(files: Mapping[str, tuple[Records, Totals]]) -> Records:
    out: Records = {}
    for found, _ in files.values():
        for key, rec in found.items():
            out.setdefault(key, rec)
    return out


def _unplaced(records: Records, other: Records) -> Records:
    """The records that differ from `other`'s, without positions: counting changes needs no line numbers.

    A record the same on both sides is no change and never a rename's candidate, so leaving it out
    changes nothing that `compare` reports.
    """
    return {
        key: Record(rec.kind, rec.rel, rec.doc, (), rec.raw, rec.organisation, rec.extra)
        for key, rec in records.items()
        if key not in other or not rec.same(other[key])
    }


def _between(reader: _Reader, base: Revision, head: Revision) -> tuple[Counts, Totals]:
    """Records added, removed, modified and renamed from `base` to `head`, and the euros the change moves."""
    changes = reader.git.changed(base, head)
    before = reader.files(base, {c.rel: c.old for c in changes if c.old is not None})
    after = reader.files(head, {c.rel: c.new for c in changes if c.new is not None})
    old, new = _merged(before), _merged(after)
    kinds = [c.change for c in compare(_unplaced(old, new), _unplaced(new, old))]
    counts = Counts(*(kinds.count(k) for k in ("added", "removed", "modified", "renamed")))
    was, now = _euros(before), _euros(after)
    reader.keep({c.rel: c.new for c in changes if c.new is not None})
    moved = {year: now.get(year, Decimal(0)) - was.get(year, Decimal(0)) for year in {*was, *now}}
    return counts, {year: delta for year, delta in moved.items() if delta}


def summarise(git: Git, found: Sequence[Release], store: Store | None = None) -> list[Listed]:
    """Each release (newest first, as given) with the counts and committed euros since the one before.

    Only the files that differ between two releases are read, as `diff --no-findings` reads them;
    the euros of the first release are summed once from its commitments, and each later release's
    from the one before and the money its changes move. Each comparison's result is cached by the
    two commits, so a listing reads only what was approved since the last one.
    """
    oldest_first = list(reversed(found))
    reader = _Reader(git)
    listed: list[Listed] = []
    totals: Totals = {}
    for index, release in enumerate(oldest_first):
        head = Revision(release.tag, release.commit)
        if index == 0:
            key = "totals\0" + release.commit
            hit = store.get(key) if store is not None else None
            if isinstance(hit, list):
                totals = {int(year): Decimal(euros) for year, euros in hit}
            else:
                tree = git.tree(head)
                totals = _euros(
                    reader.files(head, {r: e for r, e in tree.items() if r.startswith("commitments/")})
                )
                if store is not None:
                    store.put(key, [(year, str(euros)) for year, euros in sorted(totals.items())])
            euros = tuple(YearEuros(year, None, totals[year]) for year in sorted(totals))
            listed.append(Listed(release, None, None, euros))
            continue
        previous = oldest_first[index - 1]
        key = f"{previous.commit}..{release.commit}"
        hit = store.get(key) if store is not None else None
        if isinstance(hit, tuple) and len(hit) == 2:
            counts = Counts(*hit[0])
            moved = {int(year): Decimal(delta) for year, delta in hit[1]}
        else:
            base = Revision(previous.tag, previous.commit)
            counts, moved = _between(reader, base, head)
            if store is not None:
                fields = (counts.added, counts.removed, counts.modified, counts.renamed)
                store.put(key, (fields, [(year, str(delta)) for year, delta in sorted(moved.items())]))
        new_totals = dict(totals)
        for year, delta in moved.items():
            new_totals[year] = new_totals.get(year, Decimal(0)) + delta
        euros = tuple(
            YearEuros(year, totals.get(year, Decimal(0)), new_totals.get(year, Decimal(0)))
            for year in sorted({*totals, *new_totals})
        )
        totals = new_totals
        listed.append(Listed(release, previous, counts, euros))
    return list(reversed(listed))
