"""The files a change can affect, so the findings it introduces and resolves need not read the whole repository."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .documents import Document
    from .gitsource import Change
    from .strategy import Strategy

# Most changes to a living strategy are an organisation editing its own commitments, budget plan or
# organisation record. Such a change can only move findings in those files and in what they meet:
# the organisation's other files (alignment), the priorities (goals and coverage), the settings and
# the strategy, a parent organisation, and any file holding a commitment id the change adds or
# removes (duplicates). Everything else reads the same on both sides, so its findings, even those
# that need the whole repository to be right, are the same on both sides and cancel out. A change
# that adds or removes a file, renames a record, touches a shared file, makes a file valid or
# invalid, or changes which goals some resourced commitment serves reaches further: the caller
# then reads the whole repository.

ORG_FOLDERS = ("organisations", "budgets", "commitments")
"""Each organisation's own files, named by its id."""
SHARED = ("sisturva.yaml", "strategy.yaml")
"""Read in every scope: the settings (languages) and the strategy (its bodies name organisations)."""
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SUGGESTED = ("organisations", "phenomena", "indicators")
"""Kinds whose ids are their file names, offered in "did you mean" from the whole repository."""


@dataclass(frozen=True)
class Plan:
    """What a change of organisations' own files needs read."""

    orgs: frozenset[str]
    """Organisations whose files changed: all three of their files are read."""
    parents: frozenset[str]
    """Parent organisations named by a changed organisation record: only their record is read."""
    added: frozenset[str]
    """Commitment ids in the head's changed files but not in the base's."""
    removed: frozenset[str]
    """Commitment ids in the base's changed files but not in the head's."""
    kept: frozenset[str]
    """Commitment ids in the changed files on both sides."""


def _folder_and_stem(rel: str) -> tuple[str, str] | None:
    folder, _, name = rel.partition("/")
    if folder in ORG_FOLDERS and name.endswith(".yaml") and "/" not in name:
        return folder, name[: -len(".yaml")]
    return None


def _data(doc: Document | None) -> dict[str, Any]:
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def _commitment_ids(data: Mapping[str, Any]) -> set[str]:
    # Only well-formed ids: a malformed one fails validation, so it can duplicate nothing.
    items = data.get("commitments")
    if not isinstance(items, list):
        return set()
    ids = (item.get("id") for item in items if isinstance(item, dict))
    return {i for i in ids if isinstance(i, str) and _ID.match(i)}


def plan(
    changes: Sequence[Change], base: Mapping[str, Document], head: Mapping[str, Document]
) -> Plan | None:
    """What the change needs read, from its changed files on both sides; None when it reaches further."""
    orgs: set[str] = set()
    parents: set[str] = set()
    before_ids: set[str] = set()
    after_ids: set[str] = set()
    for change in changes:
        named = _folder_and_stem(change.rel)
        if named is None or change.old is None or change.new is None:
            return None
        folder, org = named
        before, after = _data(base.get(change.rel)), _data(head.get(change.rel))
        key = "id" if folder == "organisations" else "organisation"
        if before.get(key) != after.get(key) or not isinstance(after.get(key), str):
            return None  # a renamed record (or an unreadable file): others may refer to the old id
        orgs.add(org)
        if folder == "organisations":
            parents.update(p for p in (before.get("parent"), after.get("parent")) if isinstance(p, str))
        elif folder == "commitments":
            before_ids |= _commitment_ids(before)
            after_ids |= _commitment_ids(after)
    return Plan(
        frozenset(orgs),
        frozenset(parents),
        frozenset(after_ids - before_ids),
        frozenset(before_ids - after_ids),
        frozenset(before_ids & after_ids),
    )


def files(found: Plan, listing: Collection[str], hits: Iterable[str] = ()) -> set[str]:
    """The files to read on both sides: `found`'s, and the organisations of files in `hits`."""
    orgs = set(found.orgs)
    orgs.update(named[1] for rel in hits if (named := _folder_and_stem(rel)) is not None)
    wanted = set(SHARED) | {rel for rel in listing if rel.startswith("priorities/")}
    wanted.update(f"{folder}/{org}.yaml" for org in orgs for folder in ORG_FOLDERS)
    wanted.update(f"organisations/{parent}.yaml" for parent in found.parents)
    return {rel for rel in wanted if rel in listing}


def names(listing: Iterable[str]) -> dict[str, frozenset[str]]:
    """Per kind, the ids the whole repository has, from its file names (for suggestions only)."""
    found: dict[str, set[str]] = {kind: set() for kind in SUGGESTED}
    for rel in listing:
        folder, _, name = rel.partition("/")
        if folder in found and name.endswith(".yaml") and "/" not in name:
            found[folder].add(name[: -len(".yaml")])
    return {kind: frozenset(ids) for kind, ids in found.items()}


def consistent(base: Strategy, head: Strategy) -> bool:
    """Whether what lies outside the read files sees the same on both sides.

    A file turning valid or invalid changes what references to its records say (and silences the
    coverage rules); a goal that gains or loses its last resourced commitment may do so in files
    not read. Either needs the whole repository.
    """
    from .align import served_goals

    return base.broken == head.broken and served_goals(base) == served_goals(head)
