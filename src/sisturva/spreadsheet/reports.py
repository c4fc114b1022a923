"""`align` and `status` as workbooks for the secretariat's own reporting: the tables they print, numbers as numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .export import MONEY_FORMAT, NUMBER_FORMAT, set_text

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

    from ..align import Alignment
    from ..findings import Finding
    from ..status import Status
    from ..strategy import Strategy


@dataclass(frozen=True)
class Head:
    """A column of a report sheet: its header and how its numbers are shown."""

    text: str
    width: int = 14
    format: str | None = None


def _sheet(book: Workbook, title: str, heads: Sequence[Head], rows: Sequence[Sequence[object]]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(title[:31])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for index, head in enumerate(heads, start=1):
        cell = ws.cell(row=1, column=index)
        set_text(cell, head.text)
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[get_column_letter(index)].width = head.width
    for r, values in enumerate(rows, start=2):
        for c, (head, value) in enumerate(zip(heads, values, strict=True), start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                set_text(cell, value)
                continue
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            cell.value = value
            if head.format:
                cell.number_format = head.format
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{len(rows) + 1}"


def _findings_sheet(book: Workbook, findings: Sequence[Finding], lang: str) -> None:
    from ..catalogue import messages

    t = messages(lang).t
    heads = [
        Head("code", 10),
        Head("severity", 10),
        Head(t("xlsx.col.file"), 36),
        Head(t("xlsx.col.line"), 8, "0"),
        Head("id", 26),
        Head(t("xlsx.col.message"), 90),
    ]
    rows = [(f.code, f.severity, f.path, f.line, f.id, f.text(lang)) for f in findings]
    _sheet(book, t("xlsx.sheet.findings"), heads, rows)


def workbook_target(fmt: str, out: str | None) -> None:
    """Refuse a workbook asked for without `--out FILE.xlsx`, or `--out` with another format (exit 2)."""
    from ..errors import UsageError

    if fmt != "xlsx":
        raise UsageError(f"--out writes a workbook; give --format xlsx with it (not {fmt})")
    if not out:
        raise UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")
    if not out.lower().endswith(".xlsx"):
        raise UsageError(f"--out {out}: name the workbook FILE.xlsx")


def write_workbook(out: str, data: bytes) -> str:
    """Put the workbook in place atomically; the line to print."""
    from pathlib import Path

    from ..atomic import write_file

    write_file(Path(out), data)
    return f"wrote {out}\n"


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def align_workbook(alignment: Alignment, lang: str) -> bytes:
    """One row per organisation and year (allocated, committed, remaining, person-years), and the findings."""
    from openpyxl import Workbook

    from ..catalogue import messages
    from ..locale import localized
    from ..reports.align import plan_line

    words = messages(lang)
    t = words.t
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    heads = [
        Head(t("xlsx.col.id"), 26),
        Head(t("report.align.organisation"), 36),
        Head(t("xlsx.col.plan"), 50),
        Head(t("report.align.year"), 8, "0"),
        Head(t("xlsx.col.planned"), 10),
        Head(t("report.align.allocated"), 16, MONEY_FORMAT),
        Head(t("report.align.committed"), 16, MONEY_FORMAT),
        Head(t("report.align.remaining"), 16, MONEY_FORMAT),
        Head(t("xlsx.col.person_years_used"), 14, NUMBER_FORMAT),
        Head(t("report.align.available"), 14, NUMBER_FORMAT),
    ]
    rows: list[tuple[object, ...]] = []
    yes, no = t("xlsx.yes"), t("xlsx.no")
    for org in alignment.organisations:
        name = localized(org.name, lang)
        plan = plan_line(org, lang)
        for year in org.years:
            rows.append(
                (
                    org.organisation,
                    name,
                    plan,
                    year.year,
                    yes if year.planned else no,
                    year.allocated,
                    year.committed,
                    year.remaining,
                    year.person_years,
                    year.person_years_available,
                )
            )
    _sheet(book, t("report.align.title"), heads, rows)
    _findings_sheet(book, alignment.findings, lang)
    return _save(book)


def status_workbook(status: Status, strategy: Strategy, lang: str) -> bytes:
    """One row per goal (verdict, values, progress of its commitments), and one per indicator."""
    from openpyxl import Workbook

    from ..catalogue import messages
    from ..locale import localized

    words = messages(lang)
    t = words.t
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    percent = '0" %"'
    heads = [
        Head(t("xlsx.col.priority"), 10),
        Head(t("xlsx.col.id"), 10),
        Head(t("xlsx.col.title"), 60),
        Head(t("verdict"), 18),
        Head(t("xlsx.col.indicator"), 26),
        Head(t("xlsx.col.latest_year"), 10, "0"),
        Head(t("status.latest"), 12, "General"),
        Head(t("xlsx.col.baseline_year"), 10, "0"),
        Head(t("doc.baseline"), 12, "General"),
        Head(t("xlsx.col.target_year"), 10, "0"),
        Head(t("doc.target"), 12, "General"),
        Head(t("status.expected"), 12, "General"),
        Head(t("stale"), 10),
        Head(t("status.commitments"), 12, "0"),
        Head(t("status.progress"), 12, percent),
        Head(t("status.weighted"), 14, percent),
        Head(t("xlsx.col.euros"), 16, MONEY_FORMAT),
    ]
    yes, no = t("xlsx.yes"), t("xlsx.no")
    rows: list[tuple[object, ...]] = []
    for priority in status.priorities:
        for goal in priority.goals:
            record = strategy.goals.get(goal.goal)
            rows.append(
                (
                    priority.priority,
                    goal.goal,
                    localized(record.title, lang) if record is not None else "",
                    t("verdict." + goal.verdict),
                    goal.indicator,
                    goal.latest.year if goal.latest else None,
                    goal.latest.value if goal.latest else None,
                    goal.baseline.year if goal.baseline else None,
                    goal.baseline.value if goal.baseline else None,
                    goal.target.year if goal.target else None,
                    goal.target.value if goal.target else None,
                    goal.expected,
                    yes if goal.stale else no,
                    goal.progress.commitments,
                    goal.progress.mean,
                    goal.progress.weighted,
                    goal.progress.euros,
                )
            )
    _sheet(book, t("xlsx.sheet.goals"), heads, rows)
    indicator_heads = [
        Head(t("xlsx.col.id"), 26),
        Head(t("xlsx.col.name"), 50),
        Head(t("xlsx.col.latest_year"), 10, "0"),
        Head(t("status.latest"), 12, "General"),
        Head(t("stale"), 10),
        Head(t("xlsx.col.due_year"), 12, "0"),
    ]
    indicator_rows: list[tuple[object, ...]] = []
    for item in status.indicators:
        indicator = strategy.indicators.get(item.indicator)
        indicator_rows.append(
            (
                item.indicator,
                localized(indicator.name, lang) if indicator is not None else "",
                item.latest.year if item.latest else None,
                item.latest.value if item.latest else None,
                yes if item.stale else no,
                item.due,
            )
        )
    _sheet(book, t("status.indicators"), indicator_heads, indicator_rows)
    return _save(book)


__all__ = ["align_workbook", "status_workbook", "workbook_target", "write_workbook"]
