"""`set`: change one value of one record in place, keeping every comment, and only when the strategy stays valid."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from ..errors import UsageError
from ..sources import display_prefix, find_root
from . import Outcome


def shown(value: object) -> str:
    """A value as the change line shows it: text as it is, numbers exactly, a missing value as (none)."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    return str(value)


def run(
    directory: str | None,
    kind: str,
    record_id: str,
    field: str,
    value: str | None,
    unset: bool,
    dry_run: bool,
) -> Outcome:
    """Set FIELD of the record KIND ID to VALUE (or remove it with `unset`) through `write_changes`."""
    from ..authoring.edit import languages_of, locate, parse_field, set_value
    from ..authoring.roundtrip import RoundTripError
    from ..authoring.write import write_changes
    from ..reports.findings import finding_line

    if unset and value is not None:
        raise UsageError("give either VALUE or --unset, not both")
    if not unset and value is None:
        raise UsageError("give the new VALUE, or --unset to remove the field")
    parse_field(field)  # a mistyped path is refused before any file is read
    root = find_root(directory)
    absolute = bool(directory) and os.path.isabs(str(directory))
    located = locate(root, kind, record_id, absolute)
    try:
        edit = set_value(root, located, field, value, languages_of(root))
    except RoundTripError as error:
        return Outcome("", 1, f"{located.doc.path}:{error.line}:{error.column}: error: {error.message}\n")
    result = write_changes(root, {edit.rel: edit.text}, dry_run=dry_run, absolute=absolute)
    path = display_prefix(root, absolute) + edit.rel
    if result.refused:
        lines = [finding_line(f) for f in result.findings]
        lines.append(f"{path}: not changed: {field} = {shown(edit.after)} would make it invalid")
        return Outcome("", 1, "\n".join(lines) + "\n")
    line = edit.line
    change = f"{path}:{line}: {field}: {shown(edit.before)} → {shown(edit.after)}"
    if not result.changed:
        return Outcome(f"{path}:{line}: {field}: already {shown(edit.after)}; nothing to change\n", 0)
    if dry_run:
        return Outcome(result.diff, 0, f"{change} (dry run: nothing written)\n")
    return Outcome(change + "\n", 0)
