"""Bench rows for workbooks: export and import of the largest organisation and of the whole repository."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROWS = re.compile(r", (\d+) rows")


def largest_organisation(national: Path) -> tuple[str, int]:
    """The organisation with the most commitments, and how many it has."""
    counts = {
        path.stem: path.read_text(encoding="utf-8").count("\n  - id: ")
        for path in (national / "commitments").glob("*.yaml")
    }
    org = max(sorted(counts), key=lambda o: counts[o])
    return org, counts[org]


def edit_one_figure(book: Path) -> None:
    """What a partner sends back: one euro figure changed, as openpyxl (a spreadsheet) saves it."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    sheet = next(ws for ws in wb.worksheets if ws.title.endswith("Resurssit"))
    cell = sheet.cell(row=2, column=4)
    old = cell.value
    cell.value = (old if isinstance(old, int) else 0) + 1000
    wb.save(book)


def measure_spreadsheets(
    b: Any,
    national: Path,
    sisturva: str,
    run: Callable[..., Any],
    best: Callable[..., Any],
    cold_validate: float,
) -> None:
    """Export and import (rows per second) of the largest organisation and of everything; one import vs validate."""
    work = b.work / "spreadsheet"
    repo = work / "national"
    shutil.copytree(national, repo, ignore=shutil.ignore_patterns(".git"))
    org, commitments = largest_organisation(repo)
    for label, args, name in (
        (f"export xlsx, largest organisation ({commitments} commitments)", ["--org", org], "org.xlsx"),
        ("export xlsx, whole repository", [], "all.xlsx"),
    ):
        book = work / name
        done = best(
            3 if args else 1,
            lambda a=args, o=book: run(
                [sisturva, "export", "xlsx", "-C", str(repo), "--out", str(o), *a], env=b.fresh_cache()
            ),
        )
        if done.code != 0:
            b.failed(label, done)
            continue
        found = ROWS.search(done.out)
        rows = int(found.group(1)) if found else 0
        b.row(
            label,
            f"{done.seconds:.3f} s",
            done.seconds,
            note=f"{rows:,} rows, {rows / done.seconds:,.0f} rows/s",
        )
        again = best(
            3 if args else 1,
            lambda o=book: run([sisturva, "import", "xlsx", str(o), "-C", str(repo)], env=b.fresh_cache()),
        )
        what = label.replace("export", "import", 1) + ", unchanged"
        if again.code != 0 or "no changes" not in again.out:
            b.failed(what, again)
            continue
        b.row(
            what,
            f"{again.seconds:.3f} s",
            again.seconds,
            note=f"{rows:,} rows, {rows / again.seconds:,.0f} rows/s",
        )
    book = work / "org.xlsx"
    if not book.exists():
        return
    edit_one_figure(book)
    label = "import xlsx, one organisation, one figure changed (cold)"
    runs = []
    for _ in range(3):
        copy = work / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(repo, copy)
        runs.append(run([sisturva, "import", "xlsx", str(book), "-C", str(copy)], env=b.fresh_cache()))
    done = min(runs, key=lambda r: r.seconds)
    if done.code != 0:
        b.failed(label, done)
    else:
        factor = done.seconds / cold_validate
        b.row(
            label,
            f"{done.seconds:.3f} s",
            done.seconds,
            "≤ 2× validate cold",
            factor <= 2,
            f"{factor:.2f}× validate cold ({cold_validate:.3f} s); validates before and after, writes through the one writer",
        )
    shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Run the rows alone on a repository folder: `python bench/spreadsheet.py DIR`."""
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run as bench  # the table and the process runner of `make bench`

    args = argv if argv is not None else sys.argv[1:]
    national = Path(args[0]).resolve()
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="sisturva-bench-xlsx-"))
    b = bench.Bench(work)
    start = time.perf_counter()
    cold = bench.run([bench.SISTURVA, "validate", "-C", str(national)], env=b.fresh_cache())
    b.floor = cold.seconds
    measure_spreadsheets(b, national, bench.SISTURVA, bench.run, bench.best, cold.seconds)
    print(b.table())
    print(f"({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
