"""`import xlsx`: a returned workbook shown as the semantic diff it makes, then written through the one writer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from . import Outcome

if TYPE_CHECKING:
    from ..findings import Finding
    from ..spreadsheet.importing import Planned

FORMATS = ("xlsx",)


def run(
    directory: str | None,
    fmt: str,
    file: str,
    organisation: str | None,
    dry_run: bool,
    lang: str,
    use_cache: bool = True,
) -> Outcome:
    """Import the workbook `file` into the strategy at `directory`; exit codes as for `validate`."""
    from .. import cache
    from ..authoring.write import write_changes
    from ..reports.diff import text
    from ..reports.findings import finding_line
    from ..sources import display_prefix, find_root, read_tree
    from ..spreadsheet.evaluation import context, evaluate
    from ..spreadsheet.importing import Problems, plan, read_meta
    from ..spreadsheet.reading import read

    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    book = read(Path(file), file)
    meta = read_meta(book)
    root = find_root(directory)
    absolute = bool(directory) and os.path.isabs(str(directory))
    prefix = display_prefix(root, absolute)
    files = read_tree(root, absolute=absolute)
    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    orgs = sorted({info.organisation for info in meta.sheets if organisation in (None, info.organisation)})
    # Only what cells may name is read for the checks of the cells: the work follows the workbook.
    named = context(files, orgs, store)
    current = {source.rel: source.raw for source in files if source.raw is not None}
    problems = Problems(file)
    planned = plan(book, meta, named, current, _base_reader(root), organisation, problems)
    if problems.lines:
        count = len(problems.lines)
        tail = f"\n✗ {count} {'problem' if count == 1 else 'problems'} in {file}; nothing written\n"
        return Outcome("", 1, "\n".join(problems.lines) + tail)
    if planned.conflicts:
        lines = [
            f"{prefix}{rel}: conflict in {c.record_id} {c.path}: the workbook changed it "
            f"from {_shown(c.base)} to {_shown(c.workbook)}, the repository to {_shown(c.repository)}"
            for rel, c in planned.conflicts
        ]
        lines.append(
            f"✗ {len(planned.conflicts)} conflicting changes since the workbook was made; nothing written "
            "(export a new workbook, or settle the fields in the repository first)"
        )
        return Outcome("", 1, "\n".join(lines) + "\n")
    if not planned.changes:
        return Outcome(f"{file}: no changes; nothing to write\n", 0)
    evaluated = evaluate(files, planned.changes, prefix, file, store)
    store.save()
    report, introduced = text(evaluated.comparison, lang), evaluated.introduced
    # Any new error refuses the workbook, also one reported in a file it does not change (a plan
    # that no longer covers the commitments): one bad cell means nothing is written.
    errors = [f for f in introduced if f.severity == "error"]
    result = None if errors else write_changes(root, planned.changes, dry_run=dry_run, absolute=absolute)
    if result is None or result.refused:
        errors = errors or list(result.findings if result is not None else ())
        lines = [_at_cell(f, planned, file) + finding_line(f) for f in errors]
        noun = "error" if len(errors) == 1 else "errors"
        lines.append(f"✗ the workbook would give the strategy {len(errors)} new {noun}; nothing written")
        return Outcome(report, 1, "\n".join(lines) + "\n")
    if dry_run:
        return Outcome(report, 0, "dry run: nothing written\n")
    written = "".join(f"wrote {prefix}{rel}\n" for rel in result.written)
    return Outcome(report + written, 0)


def _base_reader(root: Path) -> object:
    from ..errors import SisturvaError
    from ..spreadsheet.reading import WorkbookRefused

    def base_of(rel: str, blob: str) -> bytes:
        from ..gitsource import Git

        try:
            found = Git(root).blobs([blob]).get(blob)
        except SisturvaError:
            found = None
        if found is None:
            raise WorkbookRefused(
                f"{rel} has changed since the workbook was made, and the version it was made from "
                f"(blob {blob[:12]}) is not in git; export a new workbook"
            )
        return found

    return base_of


def _shown(value: object) -> str:
    from .set import shown

    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if value is True:
        return "(present)"
    return shown(value)


def _at_cell(finding: Finding, planned: Planned, file: str) -> str:
    """`FILE!Sheet!A5: ` for a finding about a record that came from a row of the workbook."""
    for (_, record_id), where in planned.rows.items():
        if finding.id == record_id:
            return f"{file}!{where.sheet}!A{where.row}: "
    return ""
