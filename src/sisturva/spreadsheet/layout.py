"""What a workbook holds: its sheets and columns, and the records' fields as flat values both ways compare."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ..catalogue import mark

FORMAT_VERSION = 1
"""The version of the workbook layout, written into the hidden sheet and checked on import."""
META_SHEET = "_sisturva"
"""The hidden sheet: format version, revision, language, and which sheet holds what."""
STATUSES = ("planned", "in-progress", "done", "cancelled")
MIN_GOAL_COLUMNS = 3

Role = Literal["commitments", "resources", "budget"]
Kind = Literal[
    "id", "text", "goal", "year", "status", "percent", "target", "commitment", "line", "money", "number"
]
Flat = dict[str, object]
"""A record's fields as the workbook shows them: path (as `sisturva diff` prints it) → value."""


@dataclass(frozen=True)
class Column:
    """One column of an editable sheet: the field it holds, its header and how its cells are read."""

    key: str
    """The field path (`action.sv`, `period.start`) or, for goals, `goals.N`."""
    header: str
    """Catalogue key of the header."""
    kind: Kind
    width: int
    model: str
    """The model and field whose description is the header's comment (`Commitment.action`)."""
    lang: str | None = None
    number: int | None = None


def commitment_columns(languages: Sequence[str], goal_slots: int) -> tuple[Column, ...]:
    """The columns of a commitments sheet: one row per commitment."""
    out = [Column("id", mark("xlsx.col.id"), "id", 26, "Commitment.id")]
    out += [
        Column(f"action.{lang}", mark("xlsx.col.action"), "text", 48, "Commitment.action", lang)
        for lang in languages
    ]
    out += [
        Column(
            f"description.{lang}", mark("xlsx.col.description"), "text", 48, "Commitment.description", lang
        )
        for lang in languages
    ]
    out += [
        Column(f"goals.{n}", mark("xlsx.col.goal"), "goal", 12, "Commitment.goals", number=n)
        for n in range(1, goal_slots + 1)
    ]
    out += [
        Column("period.start", mark("xlsx.col.start"), "year", 10, "Period.start"),
        Column("period.end", mark("xlsx.col.end"), "year", 10, "Period.end"),
        Column("status", mark("xlsx.col.status"), "status", 14, "Commitment.status"),
        Column("progress", mark("xlsx.col.progress"), "percent", 12, "Commitment.progress"),
        Column(
            "performance_target",
            mark("xlsx.col.performance_target"),
            "target",
            26,
            "Commitment.performance_target",
        ),
    ]
    return tuple(out)


RESOURCE_COLUMNS = (
    Column("commitment", mark("xlsx.col.commitment"), "commitment", 26, "Commitment.id"),
    Column("year", mark("xlsx.col.year"), "year", 10, "Resource.year"),
    Column("budget_line", mark("xlsx.col.budget_line"), "line", 16, "Resource.budget_line"),
    Column("euros", mark("xlsx.col.euros"), "money", 16, "Resource.euros"),
    Column("person_years", mark("xlsx.col.person_years"), "number", 14, "Resource.person_years"),
)
BUDGET_COLUMNS = (
    Column("line", mark("xlsx.col.budget_line"), "line", 16, "BudgetLine.id"),
    Column("year", mark("xlsx.col.year"), "year", 10, "LineAmount.year"),
    Column("euros", mark("xlsx.col.line_euros"), "money", 18, "LineAmount.euros"),
    Column("allocated", mark("xlsx.col.allocated"), "money", 18, "LineAmount.allocated"),
)


def description(model_field: str) -> str:
    """The field's description in the models, the header's comment."""
    from .. import models

    model_name, _, name = model_field.partition(".")
    model = getattr(models, model_name)
    info = model.model_fields.get(name)
    return (info.description or "") if info is not None else ""


# -- records as flat values -------------------------------------------------------------------------


def texts(value: object, languages: Sequence[str]) -> dict[str, str | None]:
    """A text field by language; a plain string is the first language's text."""
    if isinstance(value, str):
        return {lang: value if i == 0 else None for i, lang in enumerate(languages)}
    if isinstance(value, Mapping):
        return {lang: _str_or_none(value.get(lang)) for lang in languages}
    return dict.fromkeys(languages)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _amount(value: object, default: Decimal | None = Decimal(0)) -> Decimal | None:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return Decimal(value)
    return default


def resource_key(year: object, line: object) -> str:
    """A resource's key as `diff` prints it: `2024/26.10.01`."""
    return f"{year}/{line}"


def commitment_flat(item: Mapping[str, Any], languages: Sequence[str]) -> Flat:
    """A commitment's fields that the workbook shows, with the models' defaults filled in."""
    flat: Flat = {"id": _str_or_none(item.get("id"))}
    for name in ("action", "description"):
        for lang, text in texts(item.get(name), languages).items():
            flat[f"{name}.{lang}"] = text
    goals = item.get("goals")
    flat["goals"] = tuple(g for g in goals if isinstance(g, str)) if isinstance(goals, list) else ()
    period = item.get("period")
    period = period if isinstance(period, Mapping) else {}
    flat["period.start"] = _int(period.get("start"))
    flat["period.end"] = _int(period.get("end"))
    status = item.get("status")
    flat["status"] = status if isinstance(status, str) else "planned"
    progress = item.get("progress")
    flat["progress"] = 0 if progress is None else _int(progress)
    flat["performance_target"] = _str_or_none(item.get("performance_target"))
    resources = item.get("resources")
    for res in resources if isinstance(resources, list) else []:
        if not isinstance(res, Mapping):
            continue
        key = resource_key(res.get("year"), res.get("budget_line"))
        flat[f"resources[{key}]"] = True
        flat[f"resources[{key}].euros"] = _amount(res.get("euros"))
        flat[f"resources[{key}].person_years"] = _amount(res.get("person_years"))
    return flat


def budget_flat(data: Mapping[str, Any]) -> Flat:
    """A budget plan's amounts by line and year, as the budget sheet shows them."""
    flat: Flat = {}
    lines = data.get("lines")
    for line in lines if isinstance(lines, list) else []:
        if not isinstance(line, Mapping):
            continue
        amounts = line.get("amounts")
        for amount in amounts if isinstance(amounts, list) else []:
            if not isinstance(amount, Mapping):
                continue
            key = f"lines[{line.get('id')}].amounts[{amount.get('year')}]"
            flat[key] = True
            flat[f"{key}.euros"] = _amount(amount.get("euros"), None)
            flat[f"{key}.allocated"] = _amount(amount.get("allocated"), None)
    return flat


def same(a: object, b: object) -> bool:
    """Whether two flat values are the same: goals compare as sets."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


__all__ = [
    "BUDGET_COLUMNS",
    "FORMAT_VERSION",
    "META_SHEET",
    "RESOURCE_COLUMNS",
    "STATUSES",
    "Column",
    "Flat",
    "budget_flat",
    "commitment_columns",
    "commitment_flat",
    "description",
    "resource_key",
    "same",
    "texts",
]
