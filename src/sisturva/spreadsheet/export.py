"""`export xlsx`: a workbook of one organisation's commitments, resources and budget (or of every organisation)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..errors import UsageError
from ..findings import did_you_mean
from ..safetext import FORMULA_START
from . import layout
from .layout import Column

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ..catalogue import Messages
    from ..strategy import Strategy

MONEY_FORMAT = '#,##0.00 "€"'
NUMBER_FORMAT = "0.0#"
DATE_FORMATS = {"fi": "d.m.yyyy", "sv": "yyyy-mm-dd", "en": "d mmm yyyy"}
ROOM = 1000
"""Rows below the data that still get the drop-down lists: room for rows people add."""
CELL_LIMIT = 32_767
"""The most characters a spreadsheet cell holds."""
NAME_LIMIT = 31
"""Excel's longest sheet name."""


@dataclass(frozen=True)
class Exported:
    """A workbook made: its bytes and how many data rows it holds."""

    data: bytes
    rows: int
    organisations: tuple[str, ...]


def blob_id(raw: bytes) -> str:
    """The git blob id of a file's bytes: the revision a workbook's file was made from, without git."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def set_text(cell: Any, value: str) -> None:
    """Write text so that no spreadsheet takes it for a formula: a string cell, with a quote prefix where needed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from ..safetext import terminal

    if ILLEGAL_CHARACTERS_RE.search(value):
        raise UsageError(
            f"the text '{terminal(value[:60])}' holds a control character that no workbook can hold; "
            "remove it from the file first"
        )
    if len(value) > CELL_LIMIT:
        raise UsageError(
            f"the text '{terminal(value[:60])}…' is longer than a cell holds ({CELL_LIMIT} characters)"
        )
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True


def _set(cell: Any, value: object, column: Column | None = None, lang: str = "fi") -> None:
    import datetime
    from decimal import Decimal

    if value is None:
        return
    if isinstance(value, str):
        set_text(cell, value)
        return
    if isinstance(value, Decimal):
        # Whole amounts as integers: the cell holds exactly what the file holds.
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMATS.get(lang, "yyyy-mm-dd")
        return
    else:
        cell.value = value
    if column is not None and column.kind == "money":
        cell.number_format = MONEY_FORMAT
    elif column is not None and column.kind == "number":
        cell.number_format = NUMBER_FORMAT
    elif column is not None and column.kind in ("year", "percent"):
        cell.number_format = "0"


def sheet_names(organisations: Sequence[str], words: Messages, whole: bool) -> dict[tuple[str, str], str]:
    """Each organisation's sheet for each role; with one organisation, just the role's name."""
    roles = ("commitments", "resources", "budget")
    suffix = {
        "commitments": words.t("xlsx.sheet.commitments"),
        "resources": words.t("xlsx.sheet.resources"),
        "budget": words.t("xlsx.sheet.budget"),
    }
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for org in organisations:
        for role in roles:
            if not whole:
                name = suffix[role]
            else:
                room = NAME_LIMIT - len(suffix[role]) - 1
                name = f"{org[:room]} {suffix[role]}"
                number = 2
                while name.lower() in taken:
                    tail = f"~{number} {suffix[role]}"
                    name = f"{org[: NAME_LIMIT - len(tail)]}{tail}"
                    number += 1
            taken.add(name.lower())
            names[(org, role)] = name
    return names


def quoted(sheet: str) -> str:
    """A sheet name as a formula refers to it."""
    return "'" + sheet.replace("'", "''") + "'"


def _header(ws: Worksheet, columns: Sequence[Column], words: Messages) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        set_text(cell, header_text(column, words))
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        text = layout.description(column.model)
        if text:
            comment = Comment(text, "sisturva")
            comment.width, comment.height = 320, 160
            cell.comment = comment
        ws.column_dimensions[get_column_letter(index)].width = column.width


def header_text(column: Column, words: Messages) -> str:
    """A column's header in the workbook's language."""
    if column.lang is not None:
        return words.t(column.header, lang=column.lang)
    if column.number is not None:
        return words.t(column.header, number=column.number)
    return words.t(column.header)


def _list(ws: Worksheet, formula: str, cells: str, words: Messages, prompt: str = "") -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if len(formula) > 255:
        return  # longer than a list a spreadsheet accepts inline: the cell is checked on import
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.error = words.t("xlsx.validation.choose")
    if prompt:
        rule.prompt = prompt
        rule.showInputMessage = True
    ws.add_data_validation(rule)
    rule.add(cells)


def _bounds(
    ws: Worksheet,
    kind: Literal["whole", "decimal"],
    low: float,
    high: float | None,
    cells: str,
    words: Messages,
) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if high is None:
        rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low), allow_blank=True)
    else:
        rule = DataValidation(
            type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True
        )
    rule.showErrorMessage = True
    rule.error = words.t("xlsx.validation.number")
    ws.add_data_validation(rule)
    rule.add(cells)


def _inline(values: Sequence[str]) -> str:
    return '"' + ",".join(values) + '"'


class Builder:
    """Fills a workbook from the strategy: the editable sheets of each organisation and the reference sheets."""

    def __init__(self, strategy: Strategy, lang: str, organisations: Sequence[str], whole: bool) -> None:
        from openpyxl import Workbook

        from ..catalogue import messages

        self.strategy = strategy
        self.lang = lang
        self.words = messages(lang)
        self.languages = tuple(strategy.settings.languages)
        self.organisations = tuple(organisations)
        self.whole = whole
        self.book: Workbook = Workbook()
        self.rows = 0
        self.names = sheet_names(organisations, self.words, whole)
        years = strategy.settings.planning_years
        self.years = [str(y) for y in range(years.start, (years.end or years.start) + 1)]
        self.goal_sheet = self.words.t("xlsx.sheet.goals")
        self.line_sheet = self.words.t("xlsx.sheet.lines")
        self.line_rows: dict[str, tuple[int, int]] = {}

    def build(self, raw: Mapping[str, bytes], revision: str | None) -> bytes:
        """The workbook's bytes."""
        book = self.book
        book.remove(book.active)  # type: ignore[arg-type]
        slots = max(
            [layout.MIN_GOAL_COLUMNS]
            + [len(c.goals) for org in self.organisations for c in self.strategy.commitments.get(org, ())]
        )
        self.columns = layout.commitment_columns(self.languages, slots)
        editable = [
            (org, role) for org in self.organisations for role in ("commitments", "resources", "budget")
        ]
        for org, role in editable:
            book.create_sheet(self.names[(org, role)])
        self._goals()
        self._priorities()
        self._lines()
        for org in self.organisations:
            self._commitments(org)
            self._resources(org)
            self._budget(org)
        self._meta(raw, revision)
        book.active = 0
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    # -- editable sheets ----------------------------------------------------------------------------

    def _data(self, rel: str) -> Mapping[str, Any]:
        doc = self.strategy.documents.get(rel)
        data = doc.data if doc is not None else None
        return data if isinstance(data, Mapping) else {}

    def _commitments(self, org: str) -> None:
        ws = self.book[self.names[(org, "commitments")]]
        columns = self.columns
        _header(ws, columns, self.words)
        items = self._data(f"commitments/{org}.yaml").get("commitments")
        row = 1
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, Mapping):
                continue
            row += 1
            flat = layout.commitment_flat(item, self.languages)
            goals = flat["goals"]
            assert isinstance(goals, tuple)
            for index, column in enumerate(columns, start=1):
                if column.kind == "goal":
                    assert column.number is not None
                    value: object = goals[column.number - 1] if column.number <= len(goals) else None
                else:
                    value = flat.get(column.key)
                _set(ws.cell(row=row, column=index), value, column, self.lang)
        self.rows += row - 1
        ws.freeze_panes = "B2"
        last = row + ROOM
        goal_count = len(self.strategy.goals)
        from openpyxl.utils import get_column_letter

        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            cells = f"{letter}2:{letter}{last}"
            if column.kind == "goal" and goal_count:
                _list(ws, f"{quoted(self.goal_sheet)}!$A$2:$A${goal_count + 1}", cells, self.words)
            elif column.kind == "status":
                _list(ws, _inline(layout.STATUSES), cells, self.words)
            elif column.kind == "year":
                _list(ws, _inline(self.years), cells, self.words)
            elif column.kind == "percent":
                _bounds(ws, "whole", 0, 100, cells, self.words)
            elif column.kind == "target":
                budget = self.strategy.budgets.get(org)
                targets = [t.id for t in budget.performance_targets] if budget is not None else []
                if targets:
                    _list(ws, _inline(targets), cells, self.words)

    def _resources(self, org: str) -> None:
        from openpyxl.utils import get_column_letter

        ws = self.book[self.names[(org, "resources")]]
        _header(ws, layout.RESOURCE_COLUMNS, self.words)
        items = self._data(f"commitments/{org}.yaml").get("commitments")
        row = 1
        count = 0
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, Mapping):
                continue
            count += 1
            resources = item.get("resources")
            for res in resources if isinstance(resources, list) else []:
                if not isinstance(res, Mapping):
                    continue
                row += 1
                values = (
                    item.get("id"),
                    res.get("year"),
                    res.get("budget_line"),
                    res.get("euros", 0),
                    res.get("person_years", 0),
                )
                for index, (column, value) in enumerate(zip(layout.RESOURCE_COLUMNS, values, strict=True), 1):
                    _set(ws.cell(row=row, column=index), value, column, self.lang)
        self.rows += row - 1
        ws.freeze_panes = "A2"
        last = row + ROOM
        commitments = quoted(self.names[(org, "commitments")])
        for index, column in enumerate(layout.RESOURCE_COLUMNS, start=1):
            letter = get_column_letter(index)
            cells = f"{letter}2:{letter}{last}"
            if column.kind == "commitment":
                _list(ws, f"{commitments}!$A$2:$A${count + ROOM + 1}", cells, self.words)
            elif column.kind == "year":
                _list(ws, _inline(self.years), cells, self.words)
            elif column.kind == "line" and org in self.line_rows:
                first, end = self.line_rows[org]
                _list(ws, f"{quoted(self.line_sheet)}!$B${first}:$B${end}", cells, self.words)
            elif column.kind in ("money", "number"):
                _bounds(ws, "decimal", 0, None, cells, self.words)

    def _budget(self, org: str) -> None:
        from openpyxl.utils import get_column_letter

        ws = self.book[self.names[(org, "budget")]]
        _header(ws, layout.BUDGET_COLUMNS, self.words)
        lines = self._data(f"budgets/{org}.yaml").get("lines")
        row = 1
        for line in lines if isinstance(lines, list) else []:
            if not isinstance(line, Mapping):
                continue
            amounts = line.get("amounts")
            for amount in amounts if isinstance(amounts, list) else []:
                if not isinstance(amount, Mapping):
                    continue
                row += 1
                values = (line.get("id"), amount.get("year"), amount.get("euros"), amount.get("allocated"))
                for index, (column, value) in enumerate(zip(layout.BUDGET_COLUMNS, values, strict=True), 1):
                    _set(ws.cell(row=row, column=index), value, column, self.lang)
        self.rows += row - 1
        ws.freeze_panes = "A2"
        last = row + ROOM
        for index, column in enumerate(layout.BUDGET_COLUMNS, start=1):
            letter = get_column_letter(index)
            cells = f"{letter}2:{letter}{last}"
            if column.kind == "line" and org in self.line_rows:
                first, end = self.line_rows[org]
                _list(ws, f"{quoted(self.line_sheet)}!$B${first}:$B${end}", cells, self.words)
            elif column.kind == "year":
                _list(ws, _inline(self.years), cells, self.words)
            elif column.kind == "money":
                _bounds(ws, "decimal", 0, None, cells, self.words)

    # -- reference sheets ---------------------------------------------------------------------------

    def _reference(
        self, title: str, headers: Sequence[tuple[str, int]], rows: Sequence[Sequence[object]]
    ) -> None:
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = self.book.create_sheet(title)
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="EEEEEE")
        for index, (text, width) in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=index)
            set_text(cell, text)
            cell.font, cell.fill = bold, fill
            ws.column_dimensions[get_column_letter(index)].width = width
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                _set(ws.cell(row=r, column=c), value, None, self.lang)
        ws.freeze_panes = "A2"
        # Protected without a password: the sheet says what cells may name, it is not for editing.
        ws.protection.sheet = True
        ws.sheet_properties.tabColor = "999999"

    def _goals(self) -> None:
        from ..locale import localized

        t = self.words.t
        rows = []
        ordered = sorted(
            self.strategy.goals.items(),
            key=lambda kv: (self._priority_rank(self.strategy.goal_priority.get(kv[0], "")), _natural(kv[0])),
        )
        for goal_id, goal in ordered:
            rows.append(
                (
                    goal_id,
                    self.strategy.goal_priority.get(goal_id, ""),
                    localized(goal.title, self.lang),
                    goal.status,
                    goal.due,
                )
            )
        headers = [
            (t("xlsx.col.id"), 12),
            (t("xlsx.col.priority"), 12),
            (t("xlsx.col.title"), 70),
            (t("xlsx.col.status"), 12),
            (t("xlsx.col.due"), 14),
        ]
        self._reference(self.goal_sheet, headers, rows)

    def _priority_rank(self, priority_id: str) -> tuple[int, tuple[object, ...]]:
        priority = self.strategy.priorities.get(priority_id)
        number = priority.number if priority is not None and priority.number is not None else 1000
        return number, _natural(priority_id)

    def _priorities(self) -> None:
        from ..locale import localized

        t = self.words.t
        ordered = sorted(self.strategy.priorities.values(), key=lambda p: self._priority_rank(p.id))
        rows = [(p.id, p.number, localized(p.title, self.lang), p.status) for p in ordered]
        headers = [
            (t("xlsx.col.id"), 12),
            (t("xlsx.col.number"), 8),
            (t("xlsx.col.title"), 70),
            (t("xlsx.col.status"), 12),
        ]
        self._reference(t("xlsx.sheet.priorities"), headers, rows)

    def _lines(self) -> None:
        from ..locale import localized

        t = self.words.t
        rows: list[tuple[object, ...]] = []
        for org in self.organisations:
            budget = self.strategy.budgets.get(org)
            if budget is None or not budget.lines:
                continue
            first = len(rows) + 2
            for line in budget.lines:
                appropriation = localized(line.appropriation, self.lang) if line.appropriation else None
                rows.append((org, line.id, localized(line.name, self.lang), appropriation))
            self.line_rows[org] = (first, len(rows) + 1)
        headers = [
            (t("xlsx.col.organisation"), 24),
            (t("xlsx.col.budget_line"), 16),
            (t("xlsx.col.name"), 50),
            (t("xlsx.col.appropriation"), 30),
        ]
        self._reference(self.line_sheet, headers, rows)

    def _meta(self, raw: Mapping[str, bytes], revision: str | None) -> None:
        ws = self.book.create_sheet(layout.META_SHEET)
        rows: list[list[str]] = [
            ["format", str(layout.FORMAT_VERSION)],
            ["revision", revision or ""],
            ["lang", self.lang],
            ["languages", ",".join(self.languages)],
        ]
        keys = {
            "commitments": "|".join(c.key for c in self.columns),
            "resources": "|".join(c.key for c in layout.RESOURCE_COLUMNS),
            "budget": "|".join(c.key for c in layout.BUDGET_COLUMNS),
        }
        for (org, role), name in self.names.items():
            rows.append(["sheet", name, role, org, keys[role]])
        for rel, data in sorted(raw.items()):
            rows.append(["file", rel, blob_id(data)])
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                set_text(ws.cell(row=r, column=c), value)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True


def _natural(text: str) -> tuple[object, ...]:
    import re

    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text))


def revision_of(root: Any) -> str | None:
    """The commit HEAD names, when the strategy is in a git work tree with commits; else None."""
    from ..errors import SisturvaError
    from ..gitsource import Git

    try:
        return Git(root).commit("HEAD")
    except SisturvaError:
        return None


def export(
    strategy: Strategy, raw: Mapping[str, bytes], lang: str, organisation: str | None, revision: str | None
) -> Exported:
    """The workbook of `organisation` (every organisation when None) in `lang`."""
    known = sorted(set(strategy.organisations) | set(strategy.commitments) | set(strategy.budgets))
    if organisation is not None:
        if organisation not in known:
            raise UsageError(
                f"--org: unknown organisation '{organisation}'{did_you_mean(organisation, known)}; "
                "give the id of an organisation (organisations/ID.yaml)"
            )
        orgs = [organisation]
    else:
        orgs = [o for o in known if o in strategy.commitments or o in strategy.budgets]
    for org in orgs:
        for rel in (f"commitments/{org}.yaml", f"budgets/{org}.yaml"):
            doc = strategy.documents.get(rel)
            if doc is not None and doc.data is None:
                raise UsageError(
                    f"{strategy.display(rel)}: the file cannot be read; fix it first (see sisturva validate)"
                )
    files = {
        rel: data
        for org in orgs
        for rel in (f"commitments/{org}.yaml", f"budgets/{org}.yaml")
        if (data := raw.get(rel)) is not None
    }
    builder = Builder(strategy, lang, orgs, organisation is None)
    data = builder.build(files, revision)
    return Exported(data, builder.rows, tuple(orgs))


__all__ = [
    "FORMULA_START",
    "Exported",
    "blob_id",
    "export",
    "quoted",
    "revision_of",
    "set_text",
    "sheet_names",
]
