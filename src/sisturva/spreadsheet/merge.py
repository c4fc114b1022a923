"""The three-way merge of a workbook: what it changed since the revision it was made from, applied to the repository now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .layout import Flat, same

OpKind = Literal["add", "remove", "modify"]


@dataclass(frozen=True)
class Op:
    """One record to change in the repository's file as it is now."""

    kind: OpKind
    record_id: str
    fields: Mapping[str, object] = field(default_factory=dict)
    """For `modify`: path → the workbook's value (None: remove it); for `add`: every field."""


@dataclass(frozen=True)
class Conflict:
    """A field the workbook and the repository both changed since the workbook was made, differently."""

    record_id: str
    path: str
    base: object
    repository: object
    workbook: object


def merge(
    base: Mapping[str, Flat], workbook: Mapping[str, Flat], current: Mapping[str, Flat]
) -> tuple[list[Op], list[Conflict]]:
    """The changes that bring the workbook's edits (base → workbook) to `current`, and the conflicts.

    When nothing changed in the repository since the export, `base` is `current` and every
    difference is the workbook's.
    """
    ops: list[Op] = []
    conflicts: list[Conflict] = []
    ids = [*base, *(i for i in workbook if i not in base)]
    for record_id in ids:
        b, s, c = base.get(record_id), workbook.get(record_id), current.get(record_id)
        if s is None:
            assert b is not None
            if c is None:
                continue  # removed on both sides
            changed = _changed(b, c)
            if changed:
                conflicts.extend(Conflict(record_id, p, b.get(p), c.get(p), None) for p in changed)
            else:
                ops.append(Op("remove", record_id))
            continue
        if b is None:
            if c is None:
                ops.append(Op("add", record_id, s))
            else:
                # Added in both with the same id: the same content is no conflict.
                conflicts.extend(Conflict(record_id, p, None, c.get(p), s.get(p)) for p in _changed(c, s))
            continue
        changed = _changed(b, s)
        if not changed:
            continue
        if c is None:
            conflicts.extend(Conflict(record_id, p, b.get(p), None, s.get(p)) for p in changed)
            continue
        fields: dict[str, object] = {}
        for path in changed:
            mine, theirs, old = c.get(path), s.get(path), b.get(path)
            if same(mine, theirs):
                continue
            if not same(mine, old):
                conflicts.append(Conflict(record_id, path, old, mine, theirs))
                continue
            fields[path] = theirs
        if fields:
            ops.append(Op("modify", record_id, fields))
    return ops, conflicts


def _changed(before: Flat, after: Flat) -> list[str]:
    keys = [*before, *(k for k in after if k not in before)]
    return [k for k in keys if not same(before.get(k), after.get(k))]


__all__ = ["Conflict", "Op", "merge"]
