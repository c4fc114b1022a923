"""Open data: the strategy as one JSON file, commitments, budgets and indicators as CSV with Table Schemas."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..models import LANGUAGES, Model, SourceRef, Text
from ..standing import UNKNOWN, Standing
from ..strategy import Strategy

if TYPE_CHECKING:
    from .reuse import Parts

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""A text cell starting with one of these could run as a formula in a spreadsheet (OWASP CSV injection)."""


@dataclass(frozen=True)
class Column:
    """One column of a CSV file as its Table Schema describes it."""

    name: str
    type: str
    """Frictionless Table Schema type: string, integer, number, boolean or date."""
    description: str
    required: bool = False


def _exact(value: Decimal) -> str:
    """A Decimal as a plain decimal number: no exponent, no grouping, a point for decimals."""
    return format(value, "f")


def _json(value: Any) -> str:
    """Compact JSON with Decimals written as exact numbers (the standard encoder would go through float)."""
    # The C encoder hands Decimals and dates to `default`; a Decimal comes back as a string with an
    # unguessable tag, and the tagged strings are then unquoted into numbers.
    tag = "\x00" + secrets.token_hex(8) + ":"

    def default(item: object) -> str:
        if isinstance(item, Decimal):
            return tag + _exact(item)
        if isinstance(item, (datetime.date, datetime.datetime)):
            return item.isoformat()
        raise TypeError(f"cannot write {type(item).__name__} as JSON")

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default)
    return re.sub('"' + re.escape(json.dumps(tag)[1:-1]) + r'(-?[0-9.]+)"', lambda m: m.group(1), text)


def _dump(model: Model | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(mode="python", by_alias=True, exclude_none=True)


def _unapproved(errors: int) -> dict[str, Any]:
    """The members that mark data published with `errors` (`render --allow-errors`); none for approved data."""
    return {"unapproved": True, "errors": errors} if errors else {}


def strategy_json(
    strategy: Strategy,
    commitments: Sequence[str] | None = None,
    budgets: Sequence[str] | None = None,
    unapproved: int = 0,
) -> bytes:
    """The whole strategy as one JSON document: every record, in a stable order.

    `commitments`: each organisation's entry of `commitments` as `_commitments_json` writes it, in
    the order of the organisations' ids, when already written; `budgets` likewise, by `_budget_json`.
    `unapproved`: the errors `validate` found in data published anyway (`"unapproved": true`).
    """
    head = {
        "format": "sisturva-strategy",
        "version": 1,
        **_unapproved(unapproved),
        "settings": _dump(strategy.settings),
        "strategy": _dump(strategy.strategy),
        "organisations": [_dump(strategy.organisations[k]) for k in sorted(strategy.organisations)],
        "phenomena": [_dump(strategy.phenomena[k]) for k in sorted(strategy.phenomena)],
        "indicators": [_dump(strategy.indicators[k]) for k in sorted(strategy.indicators)],
        "priorities": [_dump(p) for p in sorted(strategy.priorities.values(), key=lambda p: p.id)],
    }
    if commitments is None:
        commitments = [_commitments_json(strategy, org) for org in sorted(strategy.commitments)]
    if budgets is None:
        budgets = [_budget_json(strategy, org) for org in sorted(strategy.budgets)]
    # Compact JSON writes each member the same wherever it stands, so the parts join into the whole.
    text = f'{_json(head)[:-1]},"commitments":[{",".join(commitments)}],"budgets":[{",".join(budgets)}]}}'
    return (text + "\n").encode("utf-8")


def _commitments_json(strategy: Strategy, org: str) -> str:
    return _json({"organisation": org, "commitments": [_dump(c) for c in strategy.commitments[org]]})


def _budget_json(strategy: Strategy, org: str) -> str:
    return _json(_dump(strategy.budgets[org]))


def strategy_schema() -> bytes:
    """A JSON Schema (2020-12) of strategy.json, from the same models that validate the repository."""
    from pydantic.json_schema import models_json_schema

    from ..models import SCHEMA_NAMES

    kinds = list(SCHEMA_NAMES.values())
    refs, top = models_json_schema([(m, "validation") for m in kinds], ref_template="#/$defs/{model}")
    ref = {name: refs[(model, "validation")] for name, model in SCHEMA_NAMES.items()}

    def array(name: str) -> dict[str, Any]:
        return {"type": "array", "items": ref[name]}

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "strategy.schema.json",
        "title": "A sisturva strategy as one document",
        "type": "object",
        "required": list(_TOP_KEYS),
        "additionalProperties": False,
        "properties": {
            "format": {"const": "sisturva-strategy"},
            "version": {"const": 1},
            "unapproved": {
                "const": True,
                "description": "Present only when published with errors: not an approved version",
            },
            "errors": {
                "type": "integer",
                "minimum": 1,
                "description": "With unapproved: how many errors the check found in the data",
            },
            "settings": ref["settings"],
            "strategy": {"anyOf": [ref["strategy"], {"type": "null"}]},
            "organisations": array("organisation"),
            "phenomena": array("phenomenon"),
            "indicators": array("indicator"),
            "priorities": array("priority"),
            "commitments": array("commitments"),
            "budgets": array("budget"),
        },
        "dependentRequired": {"unapproved": ["errors"], "errors": ["unapproved"]},
        "$defs": top["$defs"],
    }
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_TOP_KEYS = (
    "format",
    "version",
    "settings",
    "strategy",
    "organisations",
    "phenomena",
    "indicators",
    "priorities",
    "commitments",
    "budgets",
)


def safe_cell(text: str) -> str:
    """A text cell that a spreadsheet shows as text: a leading formula character gets a `'` before it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _texts(text: Text | None, default: str) -> list[str]:
    """A text's fi, sv and en versions (a plain string is in the repository's first language)."""
    if text is None:
        return ["", "", ""]
    if isinstance(text, str):
        return [text if lang == default else "" for lang in LANGUAGES]
    return [getattr(text, lang) or "" for lang in LANGUAGES]


def _source(source: SourceRef | None) -> str:
    if source is None:
        return ""
    return source if isinstance(source, str) else source.title


def _localized_columns(name: str, what: str) -> list[Column]:
    names = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
    return [Column(f"{name}_{lang}", "string", f"{what} in {names[lang]}") for lang in LANGUAGES]


COMMITMENTS: tuple[Column, ...] = (
    Column("organisation", "string", "Id of the organisation that made the commitment", True),
    Column("id", "string", "Id of the commitment, unique in the strategy", True),
    *_localized_columns("action", "The action"),
    Column("goals", "string", "Ids of the goals it serves, separated by semicolons", True),
    Column("priorities", "string", "Ids of the priorities of those goals, separated by semicolons"),
    Column("period_start", "integer", "First year of the commitment", True),
    Column("period_end", "integer", "Last year of the commitment (empty: open-ended)"),
    Column("status", "string", "planned, in-progress, done or cancelled", True),
    Column("progress", "integer", "Progress reported by the organisation, 0–100 %", True),
    Column("performance_target", "string", "Id of the organisation's own performance target it serves"),
    Column("euros", "number", "Euros over all years, a plain decimal number", True),
    Column("person_years", "number", "Person-years over all years", True),
    Column("example", "boolean", "true: an invented example, not a real commitment", True),
)
COMMITMENT_RESOURCES: tuple[Column, ...] = (
    Column("organisation", "string", "Id of the organisation", True),
    Column("commitment", "string", "Id of the commitment (commitments.csv)", True),
    Column("year", "integer", "Year of the resources", True),
    Column("budget_line", "string", "The line of the organisation's own budget plan (budgets.csv)", True),
    Column("euros", "number", "Euros, a plain decimal number", True),
    Column("person_years", "number", "Person-years", True),
)
BUDGETS: tuple[Column, ...] = (
    Column("organisation", "string", "Id of the organisation whose budget plan this is", True),
    Column("kind", "string", "Kind of plan: state-tts, state-jts, state-budget, municipal, …", True),
    Column("status", "string", "draft or adopted", True),
    Column("line", "string", "Id of the budget line, e.g. state budget item 26.10.01", True),
    *_localized_columns("name", "Name of the line"),
    Column("year", "integer", "Year of the amount", True),
    Column("euros", "number", "The line's euros in the year, a plain decimal number", True),
    Column("allocated", "number", "The part allocated to the cooperation (empty: not given)"),
    Column("source", "string", "Where the figure was published"),
    Column("example", "boolean", "true: an invented example", True),
)
INDICATORS: tuple[Column, ...] = (
    Column("indicator", "string", "Id of the indicator", True),
    *_localized_columns("name", "Name of the indicator"),
    *_localized_columns("unit", "Unit of the values"),
    Column("direction", "string", "higher-is-better or lower-is-better", True),
    Column("year", "integer", "Year of the observation", True),
    Column("value", "number", "The observed value, a plain decimal number", True),
    Column(
        "comparable",
        "boolean",
        "false: a break in series; this value starts a new series, not comparable with earlier years",
        True,
    ),
    *_localized_columns("note", "Note on the observation"),
    Column("source", "string", "Where the value was published"),
)


def _cell(value: object) -> str:
    # Most cells are text: test for it first (this runs for every cell of national-scale files).
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _exact(value)
    if isinstance(value, int):
        return str(value)
    return safe_cell(str(value))


def _csv(columns: Sequence[Column], rows: Iterable[Sequence[object]], written: Iterable[str] = ()) -> bytes:
    """The CSV file of `rows`, or of rows `written` already by `_csv_rows` (a row is written alike anywhere)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    for text in written:
        buffer.write(text)
    return buffer.getvalue().encode("utf-8")


def _csv_rows(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def table_schema(columns: Sequence[Column], key: Sequence[str]) -> bytes:
    """A Frictionless Table Schema for a CSV file."""
    fields = []
    for c in columns:
        field: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
        if c.type == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        if c.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if key:
        schema["primaryKey"] = list(key)
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _commitment_rows(strategy: Strategy, org: str) -> tuple[list[list[object]], list[list[object]]]:
    """The rows of an organisation's commitments in commitments.csv and commitment-resources.csv."""
    default = strategy.settings.languages[0]
    rows: list[list[object]] = []
    resources: list[list[object]] = []
    for c in sorted(strategy.commitments[org], key=lambda c: c.id):
        goals = list(dict.fromkeys(c.goals))
        priorities = dict.fromkeys(strategy.goal_priority[g] for g in goals if g in strategy.goal_priority)
        rows.append(
            [
                org,
                c.id,
                *_texts(c.action, default),
                ";".join(goals),
                ";".join(priorities),
                c.period.start,
                c.period.end,
                c.status,
                c.progress,
                c.performance_target,
                sum((r.euros for r in c.resources), Decimal(0)),
                sum((r.person_years for r in c.resources), Decimal(0)),
                c.example,
            ]
        )
        for r in sorted(c.resources, key=lambda r: (r.year, r.budget_line)):
            resources.append([org, c.id, r.year, r.budget_line, r.euros, r.person_years])
    return rows, resources


def _budget_rows(strategy: Strategy, org: str) -> list[list[object]]:
    """The rows of an organisation's budget plan in budgets.csv."""
    default = strategy.settings.languages[0]
    budget = strategy.budgets[org]
    rows: list[list[object]] = []
    for line in budget.lines:
        for amount in sorted(line.amounts, key=lambda a: a.year):
            rows.append(
                [
                    org,
                    budget.kind,
                    budget.status,
                    line.id,
                    *_texts(line.name, default),
                    amount.year,
                    amount.euros,
                    amount.allocated,
                    _source(amount.source or line.source or budget.source),
                    budget.example,
                ]
            )
    return rows


def _indicator_rows(strategy: Strategy) -> list[list[object]]:
    default = strategy.settings.languages[0]
    rows: list[list[object]] = []
    for ind_id in sorted(strategy.indicators):
        ind = strategy.indicators[ind_id]
        for o in sorted(ind.observations, key=lambda o: o.year):
            rows.append(
                [
                    ind.id,
                    *_texts(ind.name, default),
                    *_texts(ind.unit, default),
                    ind.direction,
                    o.year,
                    o.value,
                    o.comparable,
                    *_texts(o.note, default),
                    _source(o.source or ind.source),
                ]
            )
    return rows


TABLES: dict[str, tuple[tuple[Column, ...], tuple[str, ...], str]] = {
    "commitments": (COMMITMENTS, ("id",), "One row per commitment of a partner organisation"),
    "commitment-resources": (
        COMMITMENT_RESOURCES,
        (),  # a commitment may draw on the same line twice in a year
        "Euros and person-years of each commitment by year and budget line",
    ),
    "budgets": (BUDGETS, ("organisation", "line", "year"), "Budget plan lines by year"),
    "indicators": (INDICATORS, ("indicator", "year"), "Observations of the indicators by year"),
}


def _package(strategy: Strategy, unapproved: int = 0) -> bytes:
    """A Frictionless Data Package naming every file, its schema and what it holds (and whether it is approved)."""
    resources: list[dict[str, Any]] = [
        {
            "name": "strategy",
            "path": "strategy.json",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "jsonSchema": "strategy.schema.json",
            "description": "The whole strategy: settings, levels, organisations, phenomena, indicators, "
            "priorities with goals, commitments and budget plans",
        }
    ]
    for name, (_, _, description) in TABLES.items():
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": f"{name}.schema.json",
                "description": description,
            }
        )
    package = {
        "name": "sisturva-strategy",
        "profile": "data-package",
        **_unapproved(unapproved),
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _organisation(strategy: Strategy, org: str, parts: Parts | None) -> tuple[str, ...]:
    """An organisation's commitments in strategy.json, commitments.csv and commitment-resources.csv.

    Kept in `parts` under a key of what they show: the commitments, and the records every part may
    read (the goals' priorities, the repository's first language).
    """
    key = ""
    if parts is not None:
        items = strategy.commitments[org]
        key = parts.key(
            "commitments", org, parts.digests.group(f"organisation {org}", ((org, c) for c in items))
        )
        kept = parts.kept(key)
        if kept is not None and len(kept) == 3:
            return kept
    rows, resources = _commitment_rows(strategy, org)
    made = (_commitments_json(strategy, org), _csv_rows(rows), _csv_rows(resources))
    if parts is not None:
        parts.current[key] = made
    return made


def _budget(strategy: Strategy, org: str, parts: Parts | None) -> tuple[str, ...]:
    """An organisation's budget plan in strategy.json and budgets.csv, kept in `parts` like commitments."""
    key = ""
    if parts is not None:
        key = parts.key("budget", org, parts.digests.budget(strategy.budgets[org]))
        kept = parts.kept(key)
        if kept is not None and len(kept) == 2:
            return kept
    made = (_budget_json(strategy, org), _csv_rows(_budget_rows(strategy, org)))
    if parts is not None:
        parts.current[key] = made
    return made


def open_data(
    strategy: Strategy, parts: Parts | None = None, unapproved: int = 0, standing: Standing = UNKNOWN
) -> dict[str, bytes]:
    """Every open data file by name: strategy.json and CSV files, each with its schema, and datapackage.json.

    `parts`: each organisation's commitments and budget plan as written by the last render, taken
    where unchanged. `unapproved`: the errors of data published anyway, which strategy.json and
    datapackage.json state.
    """
    by_org = [_organisation(strategy, org, parts) for org in sorted(strategy.commitments)]
    budgets = [_budget(strategy, org, parts) for org in sorted(strategy.budgets)]
    rows: dict[str, list[list[object]]] = {
        "commitments": [],
        "commitment-resources": [],
        "budgets": [],
        "indicators": _indicator_rows(strategy),
    }
    written = {
        "commitments": [made[1] for made in by_org],
        "commitment-resources": [made[2] for made in by_org],
        "budgets": [made[1] for made in budgets],
    }
    files: dict[str, bytes] = {
        "strategy.json": strategy_json(
            strategy, [made[0] for made in by_org], [made[0] for made in budgets], unapproved
        ),
        "strategy.schema.json": strategy_schema(),
    }
    for name, (columns, key, _) in TABLES.items():
        files[f"{name}.csv"] = _csv(columns, rows[name], written.get(name, ()))
        files[f"{name}.schema.json"] = table_schema(columns, key)
    files["datapackage.json"] = _package(strategy, unapproved)
    return files


__all__ = ["FORMULA_START", "TABLES", "Column", "open_data", "safe_cell", "strategy_json", "table_schema"]
