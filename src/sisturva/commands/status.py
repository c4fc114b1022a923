"""`status`: goals and indicators, latest values, trends, verdicts, stale data, progress of commitments."""

from __future__ import annotations

import datetime

from ..errors import UsageError
from . import Outcome


def run(
    path: str | None, fmt: str, lang: str, year: int | None, use_cache: bool = True, out: str | None = None
) -> Outcome:
    """The monitoring picture of the work tree at `path` in reference year `year` (default: this year)."""
    from ..reports.status import FORMATS
    from ..repository import bulk, load
    from ..status import status

    if fmt == "xlsx" or out is not None:
        from ..spreadsheet.reports import workbook_target

        workbook_target(fmt, out)
    elif fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    if year is not None and not 1900 <= year <= 2200:
        raise UsageError(f"--year {year}: give a year between 1900 and 2200")
    strategy = load(path, use_cache).strategy
    reference = year if year is not None else datetime.date.today().year
    with bulk():  # many small acyclic objects over a large heap: no cyclic collection meanwhile
        picture = status(strategy, reference)
        if out is not None:
            from ..spreadsheet.reports import status_workbook, write_workbook

            report = write_workbook(out, status_workbook(picture, strategy, lang))
        else:
            report = FORMATS[fmt](picture, strategy, lang)
    errors = sum(1 for f in strategy.findings if f.severity == "error")
    note = ""
    if errors:
        noun = "error" if errors == 1 else "errors"
        note = (
            f"sisturva: note: validation found {errors} {noun}; the picture leaves out what failed "
            "to validate (run `sisturva validate`)\n"
        )
    return Outcome(report, 1 if errors else 0, note)
