"""`export xlsx`: a workbook made from the repository for an organisation to fill in."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UsageError
from . import Outcome

FORMATS = ("xlsx",)


def run(
    directory: str | None,
    fmt: str,
    out: str | None,
    organisation: str | None,
    lang: str,
    use_cache: bool = True,
) -> Outcome:
    """Write the workbook of `organisation` (or of every organisation) to `out`, atomically."""
    from .. import cache
    from ..atomic import write_file
    from ..findings import did_you_mean
    from ..sources import find_root, read_tree
    from ..spreadsheet.evaluation import context
    from ..spreadsheet.export import export, revision_of

    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    if not out:
        raise UsageError("give the workbook to write with --out FILE.xlsx")
    target = Path(out)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"--out {out}: name the workbook FILE.xlsx (an Excel workbook without macros)")
    if target.is_dir():
        raise UsageError(f"--out {out}: is a folder; give the workbook's file name")
    root = find_root(directory)
    files = read_tree(root, absolute=bool(directory) and os.path.isabs(str(directory)))
    known = sorted(
        {rel.split("/", 1)[1][: -len(".yaml")] for rel in (s.rel for s in files) if _org_file(rel)}
    )
    if organisation is not None and organisation not in known:
        raise UsageError(
            f"--org: unknown organisation '{organisation}'{did_you_mean(organisation, known)}; "
            "give the id of an organisation (organisations/ID.yaml)"
        )
    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    # Only what the workbook shows is read: the organisations' files, the settings and the priorities.
    strategy = context(files, [organisation] if organisation else known, store)
    store.save()
    raw = {source.rel: source.raw for source in files if source.raw is not None}
    made = export(strategy, raw, lang, organisation, revision_of(root))
    write_file(target, made.data)
    who = organisation if organisation else f"{len(made.organisations)} organisations"
    return Outcome(f"wrote {out}: {who}, {made.rows} rows\n", 0)


def _org_file(rel: str) -> bool:
    """Whether `rel` is an organisation's own file: organisations/, commitments/ or budgets/ ID.yaml."""
    folder, _, name = rel.partition("/")
    return (
        folder in ("organisations", "commitments", "budgets") and name.endswith(".yaml") and "/" not in name
    )
