"""`import xlsx`: a returned workbook's cells checked and read into records, merged, and turned into new file texts."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..findings import did_you_mean
from . import layout
from .export import CELL_LIMIT
from .layout import Column, Flat
from .merge import Conflict, Op, merge
from .reading import Book, Cell, WorkbookRefused

if TYPE_CHECKING:
    from ..strategy import Strategy

SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/commitments.schema.json\n"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_KINDS = ("id", "goal", "target", "commitment", "line", "status")


@dataclass(frozen=True)
class SheetInfo:
    """An editable sheet as the hidden sheet records it."""

    name: str
    role: str
    organisation: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Meta:
    """What the hidden sheet says about the workbook."""

    revision: str | None
    lang: str
    languages: tuple[str, ...]
    sheets: tuple[SheetInfo, ...]
    files: Mapping[str, str]
    """Repository path → git blob id of the file the workbook was made from."""


@dataclass(frozen=True)
class Problems:
    """Every cell problem, as `FILE!Sheet!C12: message`, in the order found."""

    book: str
    lines: list[str] = field(default_factory=list)

    def add(self, sheet: str, column: int, row: int, message: str) -> None:
        """Note a problem at a cell (column and row from 1)."""
        from openpyxl.utils import get_column_letter

        self.lines.append(f"{self.book}!{sheet}!{get_column_letter(column)}{row}: {message}")


@dataclass(frozen=True)
class Where:
    """The sheet and row a record came from, to name the cell of a finding about it."""

    sheet: str
    row: int


@dataclass(frozen=True)
class OrgData:
    """One organisation's records as the workbook holds them."""

    organisation: str
    commitments: dict[str, Flat] = field(default_factory=dict)
    budget: Flat = field(default_factory=dict)
    """The budget sheet's amounts; empty when it has no rows."""
    rows: dict[str, Where] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    """Commitments whose row has a bad cell (noted): their resource rows are not reported again."""


# -- the hidden sheet -------------------------------------------------------------------------------


def read_meta(book: Book) -> Meta:
    """The hidden sheet's record, or WorkbookRefused for a workbook `export` did not make."""
    rows = book.sheets.get(layout.META_SHEET)
    if rows is None:
        raise WorkbookRefused(
            f"{book.name}: not a workbook made by sisturva export (it has no {layout.META_SHEET} sheet); "
            "make one with `sisturva export xlsx --org ORG --out FILE.xlsx`"
        )
    values: dict[str, str] = {}
    sheets: list[SheetInfo] = []
    files: dict[str, str] = {}
    for row in rows:
        cells = [str(c.value) if c.value is not None else "" for c in row]
        if not cells:
            continue
        key = cells[0]
        if key == "sheet" and len(cells) >= 5:
            sheets.append(SheetInfo(cells[1], cells[2], cells[3], tuple(cells[4].split("|"))))
        elif key == "file" and len(cells) >= 3:
            files[cells[1]] = cells[2]
        elif len(cells) >= 2:
            values[key] = cells[1]
    for info in sheets:
        # The hidden sheet comes back from outside too: it names files only by organisation ids.
        if not SLUG.fullmatch(info.organisation) or info.role not in ("commitments", "resources", "budget"):
            raise WorkbookRefused(
                f"{book.name}!{layout.META_SHEET}: '{info.organisation[:60]}' / '{info.role[:20]}' is not an "
                "organisation's sheet; export the workbook again"
            )
    if values.get("format") != str(layout.FORMAT_VERSION):
        raise WorkbookRefused(
            f"{book.name}!{layout.META_SHEET}: format {values.get('format')!r} is not the format this sisturva "
            f"reads ({layout.FORMAT_VERSION}); export the workbook again"
        )
    languages = tuple(x for x in values.get("languages", "fi").split(",") if x)
    return Meta(values.get("revision") or None, values.get("lang", "fi"), languages, tuple(sheets), files)


# -- cells ------------------------------------------------------------------------------------------


class CellError(Exception):
    """A cell whose value is not what its column holds; the message says what was expected."""


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def cell_value(cell: Cell, column: Column, known: Sequence[str] = ()) -> object:
    """The value of a cell as its column reads it, or CellError."""
    value = cell.value
    if cell.formula:
        raise CellError(
            f"a formula ({str(value)[:40]}); type the value itself: a formula's result is not read"
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"TRUE/FALSE is not {_expected(column)}")
    kind = column.kind
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        raise CellError(f"{len(value)} characters is more than a cell holds ({CELL_LIMIT}); shorten the text")
    if kind == "text":
        if isinstance(value, datetime.datetime | datetime.date):
            return value.date().isoformat() if isinstance(value, datetime.datetime) else value.isoformat()
        if isinstance(value, int | float):
            return _number_text(float(value)) if isinstance(value, float) else str(value)
        return str(value)
    if kind in ID_KINDS:
        if isinstance(value, int | float):
            text = _number_text(float(value))
        elif isinstance(value, str):
            text = value.strip()
        else:
            raise CellError(f"expected {_expected(column)}")
        if kind in ("goal", "status", "target") and known and text not in known:
            choices = f": {', '.join(known)}" if len(known) <= 8 else ""
            raise CellError(
                f"unknown {_noun(column)} '{text}'{did_you_mean(text, known)}; choose one from the list{choices}"
            )
        return text
    if kind in ("year", "percent"):
        if isinstance(value, float) and value == int(value):
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            raise CellError(f"'{value}' is not {_expected(column)}")
        return value
    # money and person-years: exact decimals
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            pass
        raise CellError(
            f"'{value}' is not a number; type it as a number without spaces or the euro sign, "
            "e.g. 150000 or 1500.50"
        )
    raise CellError(f"expected {_expected(column)}")


def _expected(column: Column) -> str:
    return {
        "year": "a year, e.g. 2025",
        "percent": "a whole number from 0 to 100",
        "money": "an amount of euros, e.g. 150000",
        "number": "a number of person-years, e.g. 1.5",
        "text": "text",
        "status": "one of " + ", ".join(layout.STATUSES),
    }.get(column.kind, "an id")


def _noun(column: Column) -> str:
    return {"goal": "goal", "status": "status", "target": "performance target"}.get(column.kind, "value")


# -- the editable sheets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What cells may name: goals, and each organisation's budget lines and performance targets."""

    goals: tuple[str, ...]
    lines: Mapping[str, tuple[str, ...]]
    targets: Mapping[str, tuple[str, ...]]

    @staticmethod
    def of(strategy: Strategy) -> Context:
        """The names of `strategy`."""
        return Context(
            tuple(sorted(strategy.goals)),
            {org: tuple(line.id for line in b.lines) for org, b in strategy.budgets.items()},
            {org: tuple(t.id for t in b.performance_targets) for org, b in strategy.budgets.items()},
        )


def _columns(info: SheetInfo, languages: Sequence[str]) -> tuple[Column, ...]:
    if info.role == "commitments":
        slots = sum(1 for k in info.keys if k.startswith("goals."))
        return layout.commitment_columns(languages, slots)
    return layout.RESOURCE_COLUMNS if info.role == "resources" else layout.BUDGET_COLUMNS


def _check_header(
    rows: Sequence[Sequence[Cell]], info: SheetInfo, columns: Sequence[Column], words: Any, problems: Problems
) -> bool:
    from .export import header_text

    if tuple(c.key for c in columns) != info.keys:
        problems.add(
            info.name,
            1,
            1,
            "the hidden sheet does not match this sisturva's columns; export the workbook again",
        )
        return False
    head = rows[0] if rows else ()
    ok = True
    for index, column in enumerate(columns):
        expected = header_text(column, words)
        got = head[index].value if index < len(head) else None
        if got != expected:
            problems.add(
                info.name,
                index + 1,
                1,
                f"expected the column '{expected}' here, found "
                + (f"'{got}'" if got is not None else "an empty cell")
                + "; columns may not be moved, added or removed",
            )
            ok = False
    for index in range(len(columns), len(head)):
        if head[index].value is not None:
            problems.add(
                info.name, index + 1, 1, f"a column '{head[index].value}' that is not read; remove it"
            )
            ok = False
    return ok


def _row_values(
    row: Sequence[Cell],
    columns: Sequence[Column],
    known: Mapping[str, Sequence[str]],
    sheet: str,
    number: int,
    problems: Problems,
) -> dict[str, object] | None:
    """A row's values by column key; None when the row is empty or a cell is wrong (noted)."""
    if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in row) and not any(
        c.formula for c in row
    ):
        return None
    values: dict[str, object] = {}
    bad = False
    for index, column in enumerate(columns):
        cell = row[index] if index < len(row) else Cell(None)
        try:
            values[column.key] = cell_value(cell, column, known.get(column.kind, ()))
        except CellError as error:
            problems.add(sheet, index + 1, number, str(error))
            bad = True
    for index in range(len(columns), len(row)):
        if row[index].value is not None:
            problems.add(
                sheet,
                index + 1,
                number,
                "a value outside the sheet's columns; move it into a column or remove it",
            )
            bad = True
    return None if bad else values


def read_org(book: Book, meta: Meta, organisation: str, ctx: Context, problems: Problems) -> OrgData:
    """The organisation's commitments (with their resources) and budget amounts, every cell checked."""
    from ..catalogue import messages

    words = messages(meta.lang if meta.lang in ("fi", "sv", "en") else "fi")
    languages = meta.languages or ("fi",)
    out = OrgData(organisation)
    sheets = {info.role: info for info in meta.sheets if info.organisation == organisation}
    resource_rows: dict[str, list[tuple[int, dict[str, object]]]] = {}
    known = {
        "goal": ctx.goals,
        "status": layout.STATUSES,
        "target": ctx.targets.get(organisation, ()),
    }
    for role in ("commitments", "resources", "budget"):
        info = sheets.get(role)
        if info is None:
            continue
        rows = book.sheets.get(info.name)
        if rows is None:
            problems.add(
                info.name, 1, 1, f"the sheet '{info.name}' is missing; do not rename or remove sheets"
            )
            continue
        columns = _columns(info, languages)
        if not _check_header(rows, info, columns, words, problems):
            continue
        for number, row in enumerate(rows[1:], start=2):
            values = _row_values(row, columns, known, info.name, number, problems)
            if values is None:
                if role == "commitments" and row and isinstance(row[0].value, str):
                    out.skipped.add(row[0].value.strip())
                continue
            if role == "commitments":
                _commitment_row(out, values, columns, info.name, number, problems, languages)
            elif role == "resources":
                _resource_row(out, values, info.name, number, ctx, problems, resource_rows)
            else:
                _budget_row(out, values, info.name, number, ctx, problems)
    for commitment_id, found in resource_rows.items():
        flat = out.commitments.get(commitment_id)
        if flat is None and commitment_id in out.skipped:
            continue
        if flat is None:
            for number, _ in found:
                known_ids = list(out.commitments)
                problems.add(
                    sheets["resources"].name,
                    1,
                    number,
                    f"unknown commitment '{commitment_id}'{did_you_mean(commitment_id, known_ids)}; "
                    "it must have a row in the commitments sheet",
                )
            continue
        for number, values in found:
            key = layout.resource_key(values["year"], values["budget_line"])
            if f"resources[{key}]" in flat:
                problems.add(
                    sheets["resources"].name,
                    2,
                    number,
                    f"a second row for {commitment_id} in {key}; add them up in one row",
                )
                continue
            flat[f"resources[{key}]"] = True
            flat[f"resources[{key}].euros"] = values["euros"] if values["euros"] is not None else Decimal(0)
            flat[f"resources[{key}].person_years"] = (
                values["person_years"] if values["person_years"] is not None else Decimal(0)
            )
    for commitment_id, flat in out.commitments.items():
        where = out.rows[commitment_id]
        _validate_commitment(
            flat,
            where,
            columns_of(sheets, languages),
            languages,
            problems,
            resource_rows.get(commitment_id, []),
            sheets,
        )
    return out


def columns_of(sheets: Mapping[str, SheetInfo], languages: Sequence[str]) -> tuple[Column, ...]:
    """The commitment sheet's columns."""
    info = sheets.get("commitments")
    return _columns(info, languages) if info is not None else ()


def _commitment_row(
    out: OrgData,
    values: Mapping[str, object],
    columns: Sequence[Column],
    sheet: str,
    number: int,
    problems: Problems,
    languages: Sequence[str],
) -> None:
    commitment_id = values.get("id")
    if not isinstance(commitment_id, str):
        problems.add(
            sheet, 1, number, "the commitment's id is missing; give each commitment an id, e.g. org-action"
        )
        return
    if commitment_id in out.commitments:
        problems.add(
            sheet,
            1,
            number,
            f"a second commitment '{commitment_id}' (row {out.rows[commitment_id].row}); ids are unique",
        )
        return
    flat: Flat = {"id": commitment_id}
    for name in ("action", "description"):
        for lang in languages:
            flat[f"{name}.{lang}"] = values.get(f"{name}.{lang}")
    flat["goals"] = tuple(
        str(values[c.key]) for c in columns if c.kind == "goal" and values.get(c.key) is not None
    )
    flat["period.start"] = values.get("period.start")
    flat["period.end"] = values.get("period.end")
    flat["status"] = values.get("status") or "planned"
    progress = values.get("progress")
    flat["progress"] = 0 if progress is None else progress
    flat["performance_target"] = values.get("performance_target")
    out.commitments[commitment_id] = flat
    out.rows[commitment_id] = Where(sheet, number)


def _resource_row(
    out: OrgData,
    values: Mapping[str, object],
    sheet: str,
    number: int,
    ctx: Context,
    problems: Problems,
    found: dict[str, list[tuple[int, dict[str, object]]]],
) -> None:
    commitment_id = values.get("commitment")
    if not isinstance(commitment_id, str):
        problems.add(sheet, 1, number, "the commitment is missing; choose the commitment's id from the list")
        return
    if values.get("year") is None:
        problems.add(sheet, 2, number, "the year is missing; choose one from the list")
        return
    line = values.get("budget_line")
    lines = ctx.lines.get(out.organisation, ())
    if not isinstance(line, str):
        problems.add(
            sheet, 3, number, "the budget line is missing; choose one of the plan's lines from the list"
        )
        return
    if line not in lines:
        problems.add(
            sheet,
            3,
            number,
            f"unknown budget line '{line}'{did_you_mean(line, lines)}; the plan of {out.organisation} has "
            + (", ".join(lines) if lines else "no lines"),
        )
        return
    for index, key in ((4, "euros"), (5, "person_years")):
        amount = values.get(key)
        if isinstance(amount, Decimal) and (amount < 0 or amount != amount.quantize(Decimal("0.01"))):
            problems.add(sheet, index, number, f"{amount} is not at least 0 with at most two decimals")
            return
    found.setdefault(commitment_id, []).append((number, dict(values)))


def _budget_row(
    out: OrgData, values: Mapping[str, object], sheet: str, number: int, ctx: Context, problems: Problems
) -> None:
    line = values.get("line")
    lines = ctx.lines.get(out.organisation, ())
    if not isinstance(line, str):
        problems.add(
            sheet, 1, number, "the budget line is missing; choose one of the plan's lines from the list"
        )
        return
    if line not in lines:
        problems.add(
            sheet,
            1,
            number,
            f"unknown budget line '{line}'{did_you_mean(line, lines)}; add a new line to the plan with "
            "`sisturva new budget-line` first",
        )
        return
    year = values.get("year")
    if year is None:
        problems.add(sheet, 2, number, "the year is missing; choose one from the list")
        return
    euros, allocated = values.get("euros"), values.get("allocated")
    if euros is None:
        problems.add(
            sheet, 3, number, "the line's amount for the year is missing; type it in euros, e.g. 77057000"
        )
        return
    for index, amount in ((3, euros), (4, allocated)):
        if isinstance(amount, Decimal) and (amount < 0 or amount != amount.quantize(Decimal("0.01"))):
            problems.add(sheet, index, number, f"{amount} is not at least 0 with at most two decimals")
            return
    if isinstance(allocated, Decimal) and isinstance(euros, Decimal) and allocated > euros:
        problems.add(sheet, 4, number, f"allocated {allocated} is more than the line's {euros} for the year")
        return
    flat = out.budget
    key = f"lines[{line}].amounts[{year}]"
    if key in flat:
        problems.add(sheet, 2, number, f"a second row for line {line} in {year}; one row per line and year")
        return
    flat[key] = True
    flat[f"{key}.euros"] = euros
    flat[f"{key}.allocated"] = allocated


def yaml_shape(flat: Flat, languages: Sequence[str]) -> dict[str, Any]:
    """A commitment's flat values as the reader's data of the file would hold them (for the models)."""
    data: dict[str, Any] = {"id": flat.get("id")}
    for name in ("action", "description"):
        text = {
            lang: flat.get(f"{name}.{lang}") for lang in languages if flat.get(f"{name}.{lang}") is not None
        }
        if text:
            data[name] = text
    data["goals"] = list(flat.get("goals") or ())  # type: ignore[call-overload]
    period: dict[str, object] = {"start": flat.get("period.start")}
    if flat.get("period.end") is not None:
        period["end"] = flat.get("period.end")
    data["period"] = period
    data["status"] = flat.get("status")
    data["progress"] = flat.get("progress")
    if flat.get("performance_target") is not None:
        data["performance_target"] = flat.get("performance_target")
    resources = []
    for key, value in flat.items():
        if key.startswith("resources[") and value is True:
            year, _, line = key[len("resources[") : -1].partition("/")
            resources.append(
                {
                    "year": int(year),
                    "budget_line": line,
                    "euros": flat[f"{key}.euros"],
                    "person_years": flat[f"{key}.person_years"],
                }
            )
    data["resources"] = resources
    return data


def _validate_commitment(
    flat: Flat,
    where: Where,
    columns: Sequence[Column],
    languages: Sequence[str],
    problems: Problems,
    resource_rows: Sequence[tuple[int, Mapping[str, object]]],
    sheets: Mapping[str, SheetInfo],
) -> None:
    """The models' own checks of a commitment, each problem at its cell."""
    from pydantic import ValidationError

    from ..models import Commitment

    try:
        Commitment.model_validate(yaml_shape(flat, languages))
    except ValidationError as error:
        keys = [c.key for c in columns]
        for problem in error.errors():
            loc = problem["loc"]
            message = _pydantic_message(problem)
            if (
                loc
                and loc[0] == "resources"
                and len(loc) >= 2
                and isinstance(loc[1], int)
                and loc[1] < len(resource_rows)
            ):
                number = resource_rows[loc[1]][0]
                column = {"year": 2, "budget_line": 3, "euros": 4, "person_years": 5}.get(str(loc[-1]), 1)
                problems.add(sheets["resources"].name, column, number, message)
                continue
            key = _key_of(loc, languages)
            index = keys.index(key) + 1 if key in keys else 1
            problems.add(where.sheet, index, where.row, message)


def _key_of(loc: tuple[int | str, ...], languages: Sequence[str]) -> str:
    head = str(loc[0]) if loc else "id"
    if head in ("action", "description"):
        return f"{head}.{languages[0]}"
    if head == "goals":
        return f"goals.{int(loc[1]) + 1}" if len(loc) > 1 and isinstance(loc[1], int) else "goals.1"
    if head == "period":
        return f"period.{loc[1]}" if len(loc) > 1 and loc[1] in ("start", "end") else "period.end"
    return head


def _pydantic_message(problem: Any) -> str:
    kind = problem.get("type", "")
    loc = problem.get("loc", ())
    if kind == "string_pattern_mismatch":
        return f"'{problem.get('input')}' is not an id: use lower-case letters, digits and single hyphens, e.g. poha-viestinta"
    if kind == "missing":
        name = ".".join(str(x) for x in loc if not isinstance(x, int))
        return f"{name} is required"
    if kind == "too_short" and loc and loc[0] == "goals":
        return "a commitment serves at least one goal; choose one from the list"
    text = str(problem.get("msg", "not valid"))
    return text.removeprefix("Value error, ")


# -- changes into file texts ------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]" if value else None
    return str(value)


def _apply_fields(
    node: Any, model: Any, fields: Mapping[str, object], languages: Sequence[str], new: bool
) -> None:
    from ..authoring.edit import apply, parse_field

    removed = [p for p, v in fields.items() if _is_item(p) and v is None]
    added = [p for p, v in fields.items() if _is_item(p) and v is True]
    for path, value in fields.items():
        if _is_item(path):
            continue
        if any(path.startswith(r + ".") for r in removed):
            continue
        if new and (
            value is None or value == () or (path, value) in (("status", "planned"), ("progress", 0))
        ):
            continue
        owner = next((a for a in added if path.startswith(a + ".")), None)
        if owner is not None and value == Decimal(0):
            continue  # a new item's zero is the default: written once below when the item has nothing else
        apply(node, model, parse_field(path), _text(value), languages, path)
    for path in added:
        if not any(p.startswith(path + ".") and v not in (None, Decimal(0)) for p, v in fields.items()):
            leaf = "euros"
            apply(node, model, parse_field(f"{path}.{leaf}"), "0", languages, path)
    for path in removed:
        apply(node, model, parse_field(path), None, languages, path)


def _is_item(path: str) -> bool:
    return path.endswith("]")


def _flow_like(node: Any, siblings: Sequence[Any]) -> None:
    """Give a new commitment the flow or block style its neighbours use for periods, goals and resources."""
    from ..authoring import roundtrip as rt

    for key, value in node.items():
        model = next((s[key] for s in siblings if isinstance(s, dict) and key in s), None)
        if model is None:
            continue
        if isinstance(value, rt.CommentedMap | rt.CommentedSeq) and hasattr(model, "fa"):
            if model.fa.flow_style():
                value.fa.set_flow_style()
            else:
                value.fa.set_block_style()
        if key == "resources" and isinstance(value, list) and isinstance(model, list) and model:
            flow = getattr(model[0], "fa", None)
            for item in value:
                if flow is not None and flow.flow_style() and hasattr(item, "fa"):
                    item.fa.set_flow_style()


def commitments_text(
    text: str | None,
    organisation: str,
    ops: Sequence[Op],
    languages: Sequence[str],
    prints: Mapping[str, str] | None = None,
) -> str:
    """The commitments file's new text with `ops` applied through the round-trip writer."""
    from ..authoring import roundtrip as rt
    from ..models import Commitment

    source = text if text is not None else f"{SCHEMA_LINE}organisation: {organisation}\ncommitments: []\n"
    if text is not None and all(op.kind == "modify" for op in ops):
        spliced = _spliced(text, ops, languages)
        if spliced is not None:
            return spliced
    tree = rt.load(source)
    items = tree.get("commitments")
    if not isinstance(items, list):
        items = rt.CommentedSeq()
        tree["commitments"] = items
    if len(items) == 0 and getattr(items, "fa", None) is not None and items.fa.flow_style():
        items.fa.set_block_style()
    index = {item.get("id"): i for i, item in enumerate(items) if isinstance(item, dict)}
    siblings = list(items)
    removed: list[int] = []
    for op in ops:
        if op.kind == "modify":
            _apply_fields(items[index[op.record_id]], Commitment, op.fields, languages, False)
        elif op.kind == "remove":
            removed.append(index[op.record_id])
        else:
            node = rt.CommentedMap()
            fields = dict(op.fields)
            _apply_fields(node, Commitment, fields, languages, True)
            _flow_like(node, siblings)
            goals = fields.get("goals")
            if prints and isinstance(goals, tuple):
                # As `new` does: the organisation wrote the commitment against the goals as they read now.
                confirmed = rt.CommentedMap((g, rt.scalar(prints[g])) for g in goals if g in prints)
                if confirmed:
                    confirmed.fa.set_flow_style()
                    rt.insert_key(node, "confirmed", confirmed, rt.field_names(Commitment))
            items.append(node)
    for at in sorted(removed, reverse=True):
        del items[at]
    return str(rt.dump(tree))


def _spliced(text: str, ops: Sequence[Op], languages: Sequence[str]) -> str | None:
    """The new text with only the changed commitments round-tripped, each cut out and put back in place.

    ruamel.yaml is slow: a large file is not read whole for a few changed items, as `set` does. None
    where an item cannot be cut out alone (the caller then reads the whole file).
    """
    from ..authoring import roundtrip as rt
    from ..authoring.edit import _fragment
    from ..documents import parse
    from ..models import Commitment

    data = parse("commitments", text.encode("utf-8")).data
    items = data.get("commitments") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    index = {item.get("id"): i for i, item in enumerate(items) if isinstance(item, dict)}
    raw = text.encode("utf-8")
    pieces = []
    for op in ops:
        at = index.get(op.record_id)
        piece = _fragment(text, raw, ("commitments", at)) if at is not None else None
        if piece is None:
            return None
        pieces.append((piece, op))
    lines = text.split("\n")
    for (first, last, column, fragment), op in sorted(pieces, key=lambda p: -p[0][0]):
        tree = rt.load(fragment)
        _apply_fields(tree, Commitment, op.fields, languages, False)
        out = str(rt.dump(tree)).rstrip("\n").split("\n")
        new = [(" " * column + line if line else line) for line in out]
        new[0] = " " * (column - 2) + "- " + new[0][column:]
        lines[first : last + 1] = new
    return "\n".join(lines)


def budget_text(text: str, ops: Sequence[Op], languages: Sequence[str]) -> str:
    """The budget file's new text with the amounts of `ops` applied through the round-trip writer."""
    from ..authoring import roundtrip as rt
    from ..models import Budget

    tree = rt.load(text)
    for op in ops:
        if op.kind == "modify":
            _apply_fields(tree, Budget, op.fields, languages, False)
    return str(rt.dump(tree))


# -- the whole import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """What an import would do: each changed file's new text, the conflicts, and where records came from."""

    changes: Mapping[str, str]
    conflicts: tuple[tuple[str, Conflict], ...]
    rows: Mapping[tuple[str, str], Where]
    organisations: tuple[str, ...]


def _flats(data: object, languages: Sequence[str]) -> dict[str, Flat]:
    items = data.get("commitments") if isinstance(data, Mapping) else None
    out: dict[str, Flat] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            out.setdefault(str(item["id"]), layout.commitment_flat(item, languages))
    return out


def plan(
    book: Book,
    meta: Meta,
    strategy: Strategy,
    current: Mapping[str, bytes],
    base_of: Any,
    only: str | None,
    problems: Problems,
) -> Planned:
    """Read and check every editable sheet, merge with the repository, and make the new file texts.

    `current` maps repository paths to the files' bytes now; `base_of(rel, blob_id)` gives a
    file's bytes at the export (or raises WorkbookRefused when they cannot be found).
    """
    from ..documents import parse
    from ..suspect import fingerprints
    from .export import blob_id

    orgs = sorted(
        {info.organisation for info in meta.sheets}, key=[i.organisation for i in meta.sheets].index
    )
    if only is not None:
        if only not in orgs:
            raise WorkbookRefused(
                f"{book.name}: no sheets of '{only}'{did_you_mean(only, orgs)}; it holds " + ", ".join(orgs)
            )
        orgs = [only]
    ctx = Context.of(strategy)
    languages = meta.languages or ("fi",)
    changes: dict[str, str] = {}
    conflicts: list[tuple[str, Conflict]] = []
    rows: dict[tuple[str, str], Where] = {}
    read = [read_org(book, meta, org, ctx, problems) for org in orgs]
    if problems.lines:
        return Planned({}, (), {}, tuple(orgs))

    lost: dict[str, WorkbookRefused] = {}

    def sides(rel: str) -> tuple[object, object, bytes | None]:
        now = current.get(rel)
        known = strategy.documents.get(rel)  # parsed already when the strategy was read from `current`
        now_data = known.data if known is not None else (parse(rel, now).data if now is not None else None)
        recorded = meta.files.get(rel)
        if recorded is None or (now is not None and blob_id(now) == recorded):
            return now_data, now_data, now
        try:
            then = base_of(rel, recorded)
        except WorkbookRefused as error:
            # Without the version it was made from, the workbook can still be found to change
            # nothing (imported already); anything more would be a guess.
            lost[rel] = error
            return now_data, now_data, now
        return parse(rel, then).data, now_data, now

    def refuse_lost(rel: str) -> None:
        if rel in lost:
            raise lost[rel]

    for found in read:
        org = found.organisation
        for key, where in found.rows.items():
            rows[(org, key)] = where
        rel = f"commitments/{org}.yaml"
        if any(info.organisation == org and info.role == "commitments" for info in meta.sheets):
            base, now, raw = sides(rel)
            ops, clashes = merge(_flats(base, languages), found.commitments, _flats(now, languages))
            conflicts.extend((rel, c) for c in clashes)
            if ops and not clashes:
                refuse_lost(rel)
                old = raw.decode("utf-8") if raw is not None else None
                adds = any(op.kind == "add" for op in ops)
                new = commitments_text(old, org, ops, languages, fingerprints(strategy) if adds else None)
                if new != old:
                    changes[rel] = new
        rel = f"budgets/{org}.yaml"
        if found.budget or rel in meta.files:
            base, now, raw = sides(rel)
            if raw is None:
                continue
            ops, clashes = merge(
                {org: layout.budget_flat(base) if isinstance(base, Mapping) else {}},
                {org: found.budget},
                {org: layout.budget_flat(now) if isinstance(now, Mapping) else {}},
            )
            conflicts.extend((rel, c) for c in clashes)
            if ops and not clashes:
                refuse_lost(rel)
                old = raw.decode("utf-8")
                new = budget_text(old, ops, languages)
                if new != old:
                    changes[rel] = new
    if conflicts:
        return Planned({}, tuple(conflicts), rows, tuple(orgs))
    return Planned(changes, (), rows, tuple(orgs))


__all__ = [
    "CellError",
    "Context",
    "Meta",
    "Planned",
    "Problems",
    "budget_text",
    "cell_value",
    "commitments_text",
    "plan",
    "read_meta",
    "read_org",
    "yaml_shape",
]
