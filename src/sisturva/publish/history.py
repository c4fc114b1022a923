"""The history of the living strategy for the change log: approved versions and what changed, in strategy terms."""

from __future__ import annotations

import datetime
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diff import Revision
from ..models import LocalizedText, Text

if TYPE_CHECKING:
    from ..cache import Store
    from ..diff import Records
    from ..gitsource import Entry, Git
    from ..releases import Counts, Release, YearEuros
    from ..standing import Standing

MAX_LISTED = 200
"""Beyond this many changed records in one section, the change log gives the counts alone."""


@dataclass(frozen=True, slots=True)
class Change:
    """One commit of the strategy folder's history."""

    commit: str
    date: str
    subject: str
    target: str = ""
    """For an approved version (see `versions`): the commit it approved."""


@dataclass(frozen=True)
class Changed:
    """A record added, removed, modified or renamed between two versions, with its title as written."""

    kind: str
    """The diff's kind: priorities, goals, organisations, indicators, phenomena, commitments, budgets, …"""
    id: str
    change: str
    title: Text | None
    organisation: str | None


@dataclass(frozen=True)
class Section:
    """One step of the history: an approved version (or the changes since the last one) and what it changed."""

    version: str | None
    """The approved version; None for the changes since the last approval."""
    date: datetime.date | None
    decision: str
    previous: str | None
    """The version it is compared with; None for the first approval."""
    counts: Counts | None
    changes: tuple[Changed, ...] | None
    """None: not listed (the first approval, or too many to list)."""
    euros: tuple[YearEuros, ...]
    """Committed euros by year before and after (before is None for the first approval)."""


@dataclass(frozen=True)
class History:
    """The living strategy's history, newest first: the changes since the last approval, then each approval."""

    pending: Section | None
    """The changes since the last approval; None when what is rendered is exactly an approved version."""
    releases: tuple[Section, ...]
    since: int
    """Commits that changed the strategy after the last approval (all of them when none)."""
    dirty: bool


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def recent_changes(root: Path, limit: int = 50) -> tuple[Change, ...] | None:
    """The latest commits that touched the strategy folder; None when it is not in a git work tree."""
    out = _git(root, "log", f"-n{limit}", "--date=short", "--format=%H%x1f%ad%x1f%s", "--", ".")
    if out is None:
        return None
    changes = []
    for row in out.splitlines():
        commit, _, rest = row.partition("\x1f")
        date, _, subject = rest.partition("\x1f")
        changes.append(Change(commit, date, subject))
    return tuple(changes)


def versions(root: Path, prefix: str = "strategy/") -> tuple[Change, ...]:
    """Approved versions: annotated tags under `prefix` (as `sisturva release` makes them), newest first.

    Each is named by its version (the tag without the prefix) in `commit`, with its date, message
    subject and the commit it approved (so a moved tag changes the site's key). A lightweight tag
    records no approval (no date, no message, no tagger): anyone's bookmark, it is not listed, nor
    is a tag outside the prefix.
    """
    out = _git(
        root,
        "for-each-ref",
        "--sort=-creatordate",
        "--format=%(objecttype)%1f%(refname:short)%1f%(creatordate:short)%1f%(*objectname)%1f%(contents:subject)",
        f"refs/tags/{prefix}*",
    )
    found = []
    for row in (out or "").splitlines():
        kind, _, rest = row.partition("\x1f")
        name, _, rest = rest.partition("\x1f")
        date, _, rest = rest.partition("\x1f")
        target, _, subject = rest.partition("\x1f")
        if kind == "tag" and name.startswith(prefix):
            found.append(Change(name[len(prefix) :], date, subject, target))
    return tuple(found)


def _title(data: Mapping[str, Any]) -> Text | None:
    for key in ("title", "name", "action"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict):
            texts = {lang: value[lang] for lang in ("fi", "sv", "en") if isinstance(value.get(lang), str)}
            if texts:
                return LocalizedText(**texts)
    return None


def _records(git: Git, rev: Revision, entries: Mapping[str, Entry]) -> Records:
    from ..diff import load_records
    from ..repository import parse_sources

    return load_records(parse_sources(git.sources(dict(entries), rev))) if entries else {}


def _compare(git: Git, base: Revision, head: Revision) -> tuple[tuple[Changed, ...], dict[int, Decimal]]:
    """The records changed from `base` to `head` and the committed euros the change moves, by year."""
    from ..diff import compare, money

    files = git.changed(base, head)
    old = _records(git, base, {c.rel: c.old for c in files if c.old is not None})
    new = _records(git, head, {c.rel: c.new for c in files if c.new is not None})
    listed = []
    for item in compare(old, new):
        record = new.get((item.kind, item.id)) or old.get((item.kind, item.previous_id or item.id))
        title = _title(record.raw) if record is not None else None
        listed.append(Changed(item.kind, item.id, item.change, title, item.organisation))
    moved: dict[int, Decimal] = {}
    for row in money(old, new):
        moved[row.year] = moved.get(row.year, Decimal(0)) + row.euros_after - row.euros_before
    return tuple(listed), moved


def _listed(git: Git, store: Store, previous: Release, release: Release) -> tuple[Changed, ...]:
    """The records changed between two approvals, kept in the releases' cache by the two commits."""
    key = f"changed\0{previous.commit}..{release.commit}"
    hit = store.get(key)
    if isinstance(hit, list) and all(isinstance(row, tuple) and len(row) == 5 for row in hit):
        return tuple(
            Changed(kind, id_, change, LocalizedText(**title) if isinstance(title, dict) else title, org)
            for kind, id_, change, title, org in hit
        )
    found = _compare(git, Revision(previous.tag, previous.commit), Revision(release.tag, release.commit))[0]
    store.put(
        key,
        [
            (
                c.kind,
                c.id,
                c.change,
                c.title.model_dump(exclude_none=True) if isinstance(c.title, LocalizedText) else c.title,
                c.organisation,
            )
            for c in found
        ],
    )
    return found


def _counts(changes: Sequence[Changed]) -> Counts:
    from ..releases import Counts

    kinds = [c.change for c in changes]
    return Counts(*(kinds.count(k) for k in ("added", "removed", "modified", "renamed")))


def history(root: Path, tag_prefix: str, standing: Standing, use_cache: bool = True) -> History | None:
    """The history of the strategy at `root` (None outside git, or when git cannot tell it).

    Each approval is compared with the one before (as `sisturva releases` does, through its cache),
    and the commit rendered with the last approval it contains. With `use_cache`, comparisons are
    kept in the releases' cache by their two commits.
    """
    from .. import cache
    from ..errors import SisturvaError
    from ..gitsource import Git
    from ..releases import YearEuros, releases, summarise

    if standing.commit is None:
        return None
    try:
        git = Git(root)
        found = releases(git, tag_prefix)
        if found and git.is_shallow():
            return None
        store = cache.Store(cache.store_name("releases", git.root), enabled=use_cache)
        listed = summarise(git, found, store)
        store.save()
        sections: list[Section] = []
        for item in listed:
            release, previous = item.release, item.previous
            changes: tuple[Changed, ...] | None = None
            if previous is not None and item.counts is not None:
                total = item.counts.added + item.counts.removed + item.counts.modified + item.counts.renamed
                if total <= MAX_LISTED:
                    changes = _listed(git, store, previous, release)
            sections.append(
                Section(
                    release.version,
                    release.date,
                    release.decision,
                    previous.version if previous else None,
                    item.counts,
                    changes,
                    item.euros,
                )
            )
        pending = None
        last: Release | None = standing.release
        if last is not None and (standing.since or standing.dirty):
            changes_now, moved = _compare(
                git, Revision(last.tag, last.commit), Revision("HEAD", standing.commit)
            )
            before = next((s.euros for s in sections if s.version == last.version), ())
            totals = {y.year: y.after for y in before}
            years = sorted({*totals, *moved})
            euros = tuple(
                YearEuros(y, totals.get(y, Decimal(0)), totals.get(y, Decimal(0)) + moved.get(y, Decimal(0)))
                for y in years
                if moved.get(y)
            )
            shown = changes_now if len(changes_now) <= MAX_LISTED else None
            pending = Section(None, standing.date, "", last.version, _counts(changes_now), shown, euros)
    except (SisturvaError, ValueError, OSError):
        return None
    return History(pending, tuple(sections), standing.since, standing.dirty)


__all__ = ["Change", "Changed", "History", "Section", "history", "recent_changes", "versions"]
