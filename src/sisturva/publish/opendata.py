"""Open data: the strategy as JSON, its tables as CSV (also for spreadsheets) with Table Schemas and a dictionary."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..catalogue import mark
from ..models import LANGUAGES, Goal, Model, SourceRef, Text
from ..safetext import FORMULA_START
from ..standing import UNKNOWN, Standing
from ..strategy import Strategy

if TYPE_CHECKING:
    from ..status import Status
    from .reuse import Parts


FORMAT_VERSION = 2
"""The version of strategy.json's layout (2: `version` names the approved release, monitoring added)."""

SPREADSHEET = ".excel.csv"
"""The ending of a table's spreadsheet variant: UTF-8 with a BOM, semicolons, decimal commas."""


@dataclass(frozen=True)
class Licence:
    """A licence by its SPDX identifier, with its name and the address of its text."""

    id: str
    title: str
    url: str


_LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution Share Alike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC-BY-ND-4.0": (
        "Creative Commons Attribution No Derivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    "CC-BY-NC-4.0": (
        "Creative Commons Attribution Non Commercial 4.0 International",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": (
        "Open Data Commons Open Database License v1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}


def licence(spdx: str) -> Licence:
    """The licence `spdx` names; one not known here is named by its SPDX page."""
    title, url = _LICENCES.get(spdx, (spdx, f"https://spdx.org/licenses/{spdx}.html"))
    return Licence(spdx, title, url)


@dataclass(frozen=True)
class Column:
    """One column of a CSV file as its Table Schema and the data dictionaries describe it."""

    name: str
    """A stable machine name (snake_case): the header in every variant and language."""
    type: str
    """Frictionless Table Schema type: string, integer, number, boolean or date."""
    key: str
    """The catalogue key of what the column holds."""
    required: bool = False
    language: str | None = None
    """For a text column in one language: that language."""

    def description(self, lang: str) -> str:
        """What the column holds, in `lang`."""
        from .messages import t

        what = t(self.key, lang)
        if self.language is None:
            return what
        return t("data.column.in-language", lang, what=what, language=t(f"data.in.{self.language}", lang))


@dataclass(frozen=True)
class Table:
    """One CSV table: its columns, its primary key, its title and description (catalogue keys)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    title: str
    description: str


LANGUAGE_KEYS = (mark("data.in.fi"), mark("data.in.sv"), mark("data.in.en"))
"""The keys `Column.description` builds from a text column's language, marked for extraction."""


def _localized_columns(name: str, key: str) -> list[Column]:
    return [Column(f"{name}_{lang}", "string", key, language=lang) for lang in LANGUAGES]


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


def _text(text: Text | None) -> Any:
    return text if text is None or isinstance(text, str) else text.model_dump(exclude_none=True)


def _version(strategy: Strategy, standing: Standing) -> dict[str, Any]:
    """Which version the data is, and who publishes it under which licence: the same in every JSON file."""
    release = standing.release
    publication = strategy.settings.publication
    found = licence(publication.licence)
    return {
        "version": release.version if release else None,
        "approved": standing.approved,
        "approval": (
            {"version": release.version, "date": release.date, "decision": release.decision}
            if release
            else None
        ),
        "commit": standing.commit,
        "data_as_of": standing.date,
        "changes_since_approval": standing.since,
        "uncommitted_changes": standing.dirty,
        "licence": {"id": found.id, "title": found.title, "url": found.url},
        "publisher": _text(publication.publisher),
        "contact": publication.contact,
    }


def _monitoring(picture: Status) -> dict[str, Any]:
    """Each goal's verdict as `sisturva status` gives it, with the last known value and its year."""
    goals = [
        {
            "goal": g.goal,
            "priority": g.priority,
            "verdict": g.verdict,
            "reason": g.reason,
            "latest": None if g.latest is None else {"year": g.latest.year, "value": g.latest.value},
            "expected": g.expected,
            "stale": g.stale,
            "new_value_due": g.due,
        }
        for g in picture.goals()
    ]
    return {"year": picture.year, "counts": picture.counts(), "goals": goals}


def _picture(strategy: Strategy, year: int | None) -> Status:
    """The monitoring picture the site shows: `status` in `year`, this year unless one is given."""
    from ..status import status

    return status(strategy, year or datetime.date.today().year)


def strategy_json(
    strategy: Strategy,
    commitments: Sequence[str] | None = None,
    budgets: Sequence[str] | None = None,
    unapproved: int = 0,
    standing: Standing = UNKNOWN,
    picture: Status | None = None,
) -> bytes:
    """The whole strategy as one JSON document: every record, in a stable order, and the goals' verdicts.

    `commitments`: each organisation's entry of `commitments` as `_commitments_json` writes it, in
    the order of the organisations' ids, when already written; `budgets` likewise, by `_budget_json`.
    `unapproved`: the errors `validate` found in data published anyway (`"unapproved": true`).
    `standing`: the version published. `picture`: the monitoring picture (this year's by default).
    """
    head = {
        "format": "sisturva-strategy",
        "format_version": FORMAT_VERSION,
        **_version(strategy, standing),
        **_unapproved(unapproved),
        "settings": _dump(strategy.settings),
        "strategy": _dump(strategy.strategy),
        "organisations": [_dump(strategy.organisations[k]) for k in sorted(strategy.organisations)],
        "phenomena": [_dump(strategy.phenomena[k]) for k in sorted(strategy.phenomena)],
        "indicators": [_dump(strategy.indicators[k]) for k in sorted(strategy.indicators)],
        "priorities": [_dump(p) for p in sorted(strategy.priorities.values(), key=lambda p: p.id)],
        "monitoring": _monitoring(picture or _picture(strategy, None)),
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


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_TEXT: dict[str, Any] = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {lang: {"type": "string"} for lang in LANGUAGES},
            "additionalProperties": False,
        },
        {"type": "null"},
    ]
}


def _monitoring_schema() -> dict[str, Any]:
    from ..status import VERDICTS

    verdicts = list(VERDICTS)
    goal = {
        "type": "object",
        "additionalProperties": False,
        "required": ["goal", "priority", "verdict", "reason", "latest", "expected", "stale", "new_value_due"],
        "properties": {
            "goal": {"type": "string"},
            "priority": {"type": "string"},
            "verdict": {"enum": verdicts},
            "reason": _nullable(
                {
                    "type": "string",
                    "description": "Why the verdict is no-data; stale: the latest value is too old",
                }
            ),
            "latest": _nullable(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["year", "value"],
                    "properties": {"year": {"type": "integer"}, "value": {"type": "number"}},
                    "description": "The last known value and its year (kept when it is stale)",
                }
            ),
            "expected": _nullable(
                {
                    "type": "number",
                    "description": "The value on the line from baseline to target in the latest year",
                }
            ),
            "stale": {"type": "boolean"},
            "new_value_due": _nullable(
                {
                    "type": "integer",
                    "description": "The year by which a newer value should have been published",
                }
            ),
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["year", "counts", "goals"],
        "description": "Each goal's verdict in the reference year, as `sisturva status` and the site give it",
        "properties": {
            "year": {"type": "integer"},
            "counts": {
                "type": "object",
                "additionalProperties": False,
                "required": verdicts,
                "properties": {v: {"type": "integer", "minimum": 0} for v in verdicts},
            },
            "goals": {"type": "array", "items": goal},
        },
    }


def _version_schema() -> dict[str, Any]:
    date = {"type": "string", "format": "date"}
    return {
        "version": _nullable(
            {"type": "string", "description": "The last approved version the data contains (null: none yet)"}
        ),
        "approved": {"type": "boolean", "description": "true: the data is exactly the approved version"},
        "approval": _nullable(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["version", "date", "decision"],
                "properties": {"version": {"type": "string"}, "date": date, "decision": {"type": "string"}},
                "description": "The cooperation group's approval of that version: its date and decision",
            }
        ),
        "commit": _nullable({"type": "string", "description": "The git commit published"}),
        "data_as_of": _nullable({**date, "description": "The date of that commit: the data as of"}),
        "changes_since_approval": {
            "type": "integer",
            "minimum": 0,
            "description": "Commits that changed the strategy after the approved version",
        },
        "uncommitted_changes": {"type": "boolean", "description": "true: published with uncommitted changes"},
        "licence": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "title", "url"],
            "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"}},
            "description": "The licence of the data: its SPDX identifier, name and address",
        },
        "publisher": {**_TEXT, "description": "Who publishes the data"},
        "contact": _nullable({"type": "string", "description": "Where to send questions and feedback"}),
    }


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
            "format_version": {"const": FORMAT_VERSION},
            **_version_schema(),
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
            "monitoring": _monitoring_schema(),
            "commitments": array("commitments"),
            "budgets": array("budget"),
        },
        "dependentRequired": {"unapproved": ["errors"], "errors": ["unapproved"]},
        "$defs": top["$defs"],
    }
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_TOP_KEYS = (
    "format",
    "format_version",
    "version",
    "approved",
    "approval",
    "commit",
    "data_as_of",
    "changes_since_approval",
    "uncommitted_changes",
    "licence",
    "publisher",
    "contact",
    "settings",
    "strategy",
    "organisations",
    "phenomena",
    "indicators",
    "priorities",
    "monitoring",
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


ORG_ID = mark("data.col.organisation")
EXAMPLE = mark("data.col.example")

COMMITMENTS: tuple[Column, ...] = (
    Column("organisation", "string", mark("data.col.commitments.organisation"), True),
    Column("id", "string", mark("data.col.commitments.id"), True),
    *_localized_columns("action", mark("data.col.commitments.action")),
    Column("period_start", "integer", mark("data.col.commitments.period_start"), True),
    Column("period_end", "integer", mark("data.col.commitments.period_end")),
    Column("status", "string", mark("data.col.commitments.status"), True),
    Column("progress", "integer", mark("data.col.commitments.progress"), True),
    Column("performance_target", "string", mark("data.col.commitments.performance_target")),
    Column("euros", "number", mark("data.col.commitments.euros"), True),
    Column("person_years", "number", mark("data.col.commitments.person_years"), True),
    Column("example", "boolean", EXAMPLE, True),
)
COMMITMENT_GOALS: tuple[Column, ...] = (
    Column("organisation", "string", ORG_ID, True),
    Column("commitment", "string", mark("data.col.commitment"), True),
    Column("goal", "string", mark("data.col.commitment-goals.goal"), True),
    Column("priority", "string", mark("data.col.commitment-goals.priority")),
)
COMMITMENT_RESOURCES: tuple[Column, ...] = (
    Column("organisation", "string", ORG_ID, True),
    Column("commitment", "string", mark("data.col.commitment"), True),
    Column("year", "integer", mark("data.col.commitment-resources.year"), True),
    Column("budget_line", "string", mark("data.col.commitment-resources.budget_line"), True),
    Column("euros", "number", mark("data.col.commitment-resources.euros"), True),
    Column("person_years", "number", mark("data.col.commitment-resources.person_years"), True),
)
BUDGETS: tuple[Column, ...] = (
    Column("organisation", "string", mark("data.col.budgets.organisation"), True),
    Column("kind", "string", mark("data.col.budgets.kind"), True),
    Column("status", "string", mark("data.col.budgets.status"), True),
    Column("line", "string", mark("data.col.budgets.line"), True),
    *_localized_columns("name", mark("data.col.budgets.name")),
    Column("year", "integer", mark("data.col.budgets.year"), True),
    Column("euros", "number", mark("data.col.budgets.euros"), True),
    Column("allocated", "number", mark("data.col.budgets.allocated")),
    Column("source", "string", mark("data.col.budgets.source")),
    Column("example", "boolean", EXAMPLE, True),
)
INDICATORS: tuple[Column, ...] = (
    Column("indicator", "string", mark("data.col.indicators.indicator"), True),
    *_localized_columns("name", mark("data.col.indicators.name")),
    *_localized_columns("unit", mark("data.col.indicators.unit")),
    Column("direction", "string", mark("data.col.indicators.direction"), True),
    Column("year", "integer", mark("data.col.indicators.year"), True),
    Column("value", "number", mark("data.col.indicators.value"), True),
    Column("comparable", "boolean", mark("data.col.indicators.comparable"), True),
    *_localized_columns("note", mark("data.col.indicators.note")),
    Column("source", "string", mark("data.col.indicators.source")),
)
GOALS: tuple[Column, ...] = (
    Column("goal", "string", mark("data.col.goals.goal"), True),
    Column("priority", "string", mark("data.col.goals.priority"), True),
    *_localized_columns("title", mark("data.col.goals.title")),
    Column("indicator", "string", mark("data.col.goals.indicator")),
    Column("baseline_year", "integer", mark("data.col.goals.baseline_year")),
    Column("baseline_value", "number", mark("data.col.goals.baseline_value")),
    Column("target_year", "integer", mark("data.col.goals.target_year")),
    Column("target_value", "number", mark("data.col.goals.target_value")),
    Column("due", "date", mark("data.col.goals.due")),
    Column("goal_status", "string", mark("data.col.goals.goal_status"), True),
    Column("verdict", "string", mark("data.col.goals.verdict"), True),
    Column("reason", "string", mark("data.col.goals.reason")),
    Column("latest_value", "number", mark("data.col.goals.latest_value")),
    Column("latest_year", "integer", mark("data.col.goals.latest_year")),
    Column("stale", "boolean", mark("data.col.goals.stale"), True),
    Column("new_value_due", "integer", mark("data.col.goals.new_value_due")),
    Column("expected", "number", mark("data.col.goals.expected")),
    Column("commitments", "integer", mark("data.col.goals.commitments"), True),
    Column("status_year", "integer", mark("data.col.goals.status_year"), True),
    Column("example", "boolean", EXAMPLE, True),
)
ORGANISATIONS: tuple[Column, ...] = (
    Column("id", "string", mark("data.col.organisations.id"), True),
    *_localized_columns("name", mark("data.col.organisations.name")),
    *_localized_columns("short_name", mark("data.col.organisations.short_name")),
    Column("kind", "string", mark("data.col.organisations.kind"), True),
    Column("parent", "string", mark("data.col.organisations.parent")),
    Column("website", "string", mark("data.col.organisations.website")),
    Column("cooperation_group", "boolean", mark("data.col.organisations.cooperation_group"), True),
    Column("expert_network", "boolean", mark("data.col.organisations.expert_network"), True),
    Column("commitments", "integer", mark("data.col.organisations.commitments"), True),
    Column("example", "boolean", EXAMPLE, True),
)
DICTIONARY: tuple[Column, ...] = (
    Column("table", "string", mark("data.col.dictionary.table"), True),
    Column("column", "string", mark("data.col.dictionary.column")),
    Column("type", "string", mark("data.col.dictionary.type")),
    Column("required", "boolean", mark("data.col.dictionary.required")),
    Column("description", "string", mark("data.col.dictionary.description"), True),
)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("goals", GOALS, ("goal",), mark("data.table.goals.title"), mark("data.table.goals")),
        Table(
            "organisations",
            ORGANISATIONS,
            ("id",),
            mark("data.table.organisations.title"),
            mark("data.table.organisations"),
        ),
        Table(
            "commitments",
            COMMITMENTS,
            ("id",),
            mark("data.table.commitments.title"),
            mark("data.table.commitments"),
        ),
        Table(
            "commitment-goals",
            COMMITMENT_GOALS,
            ("commitment", "goal"),
            mark("data.table.commitment-goals.title"),
            mark("data.table.commitment-goals"),
        ),
        Table(
            "commitment-resources",
            COMMITMENT_RESOURCES,
            (),  # a commitment may draw on the same line twice in a year
            mark("data.table.commitment-resources.title"),
            mark("data.table.commitment-resources"),
        ),
        Table(
            "budgets",
            BUDGETS,
            ("organisation", "line", "year"),
            mark("data.table.budgets.title"),
            mark("data.table.budgets"),
        ),
        Table(
            "indicators",
            INDICATORS,
            ("indicator", "year"),
            mark("data.table.indicators.title"),
            mark("data.table.indicators"),
        ),
    )
}
"""Every table of the open data, in the order a reader meets them."""

REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "organisations": (("parent", "", "id"),),  # "": the table itself, as Table Schema writes it
    "commitments": (("organisation", "organisations", "id"),),
    "commitment-goals": (("commitment", "commitments", "id"), ("goal", "goals", "goal")),
    "commitment-resources": (("commitment", "commitments", "id"),),
    "budgets": (("organisation", "organisations", "id"),),
}
"""Each table's columns that name a row of a table: (column, that table, its key column)."""

DICTIONARY_TABLE = Table(
    "dictionary", DICTIONARY, (), mark("data.table.dictionary.title"), mark("data.table.dictionary")
)
"""The data dictionary: each table and its columns described in one language (`dictionary.LANG.csv`)."""


def _cell(value: object) -> str:
    # Most cells are text: test for it first (this runs for every cell of national-scale files).
    if type(value) is str:
        return safe_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _exact(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_cell(str(value))


def _writer(buffer: io.StringIO, spreadsheet: bool) -> Any:
    # Semicolons: with a decimal comma, a comma cannot separate the cells (as Excel in Finnish expects).
    return csv.writer(buffer, lineterminator="\r\n", delimiter=";" if spreadsheet else ",")


def _numbers(columns: Sequence[Column]) -> tuple[int, ...]:
    """The places of the number columns: the only cells a spreadsheet variant writes otherwise."""
    return tuple(i for i, c in enumerate(columns) if c.type == "number")


def _csv(columns: Sequence[Column], written: Iterable[str], spreadsheet: bool = False) -> bytes:
    """The CSV file of rows `written` by `_csv_rows` (a row is written alike wherever it stands).

    `spreadsheet`: the variant for spreadsheets: UTF-8 with a byte order mark (without it, Excel
    takes the file for the local 8-bit code page), semicolons and decimal commas.
    """
    buffer = io.StringIO()
    if spreadsheet:
        buffer.write("\ufeff")
    _writer(buffer, spreadsheet).writerow([c.name for c in columns])
    for text in written:
        buffer.write(text)
    return buffer.getvalue().encode("utf-8")


def _csv_rows(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> tuple[str, str]:
    """Rows as the standard CSV and the spreadsheet variant write them (each cell made once for both)."""
    standard, spreadsheet = io.StringIO(), io.StringIO()
    plain, local = _writer(standard, False), _writer(spreadsheet, True)
    numbers = _numbers(columns)
    for row in rows:
        cells = [_cell(v) for v in row]
        plain.writerow(cells)
        # Numbers are written without grouping or exponent: the point is their only punctuation.
        for i in numbers:
            cells[i] = cells[i].replace(".", ",")
        local.writerow(cells)
    return standard.getvalue(), spreadsheet.getvalue()


def _schema(
    columns: Sequence[Column],
    key: Sequence[str],
    spreadsheet: bool = False,
    references: Sequence[tuple[str, str, str]] = (),
) -> dict[str, Any]:
    fields = []
    for c in columns:
        field: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description("en")}
        if c.type == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        if c.type == "number" and spreadsheet:
            field["decimalChar"] = ","
        if c.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if key:
        schema["primaryKey"] = list(key)
    if references:
        schema["foreignKeys"] = [
            {"fields": field, "reference": {"resource": table, "fields": ref}}
            for field, table, ref in references
        ]
    return schema


def table_schema(
    columns: Sequence[Column], key: Sequence[str], references: Sequence[tuple[str, str, str]] = ()
) -> bytes:
    """A Frictionless Table Schema for a CSV file (its descriptions in English)."""
    schema = _schema(columns, key, references=references)
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _commitment_rows(
    strategy: Strategy, org: str
) -> tuple[list[list[object]], list[list[object]], list[list[object]]]:
    """An organisation's rows in commitments.csv, commitment-resources.csv and commitment-goals.csv."""
    default = strategy.settings.languages[0]
    rows: list[list[object]] = []
    resources: list[list[object]] = []
    links: list[list[object]] = []
    for c in sorted(strategy.commitments[org], key=lambda c: c.id):
        rows.append(
            [
                org,
                c.id,
                *_texts(c.action, default),
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
        # One row per goal served (a long table): a list in a cell cannot be filtered or joined.
        for goal in dict.fromkeys(c.goals):
            links.append([org, c.id, goal, strategy.goal_priority.get(goal)])
    return rows, resources, links


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


def _goal_rows(strategy: Strategy, picture: Status) -> list[list[object]]:
    """Each goal with its verdict as the site shows it, priority by priority (in their order)."""
    default = strategy.settings.languages[0]
    # By priority and id: a goal id repeated in two priorities (an error) is shown where status has it.
    goals: dict[tuple[str, str], Goal] = {}
    for priority in strategy.priorities.values():
        for g in priority.goals:
            goals.setdefault((priority.id, g.id), g)
    rows: list[list[object]] = []
    for s in picture.goals():
        goal = goals[(s.priority, s.goal)]
        rows.append(
            [
                s.goal,
                s.priority,
                *_texts(goal.title, default),
                s.indicator,
                s.baseline.year if s.baseline else None,
                s.baseline.value if s.baseline else None,
                s.target.year if s.target else None,
                s.target.value if s.target else None,
                goal.due,
                s.goal_status,
                s.verdict,
                s.reason,
                # The last known value stays beside a stale verdict, with its year.
                s.latest.value if s.latest else None,
                s.latest.year if s.latest else None,
                s.stale,
                s.due,
                s.expected,
                s.progress.commitments,
                picture.year,
                goal.example,
            ]
        )
    return rows


def _organisation_rows(strategy: Strategy) -> list[list[object]]:
    default = strategy.settings.languages[0]
    doc = strategy.strategy
    group: set[str] = set()
    network: set[str] = set()
    if doc is not None:
        group = {*doc.cooperation_group.members, *filter(None, [doc.cooperation_group.chair])}
        network = {*doc.expert_network.members, *filter(None, [doc.expert_network.chair])}
    rows: list[list[object]] = []
    for org_id in sorted(strategy.organisations):
        org = strategy.organisations[org_id]
        rows.append(
            [
                org.id,
                *_texts(org.name, default),
                *_texts(org.short_name, default),
                org.kind,
                org.parent,
                org.website,
                org.id in group,
                org.id in network,
                len(strategy.commitments.get(org.id, ())),
                org.example,
            ]
        )
    return rows


def _dictionary_rows(lang: str) -> list[list[object]]:
    """Each table, then each of its columns, described in `lang` (a table's own row has no column)."""
    from .messages import t

    rows: list[list[object]] = []
    for table in (*TABLES.values(), DICTIONARY_TABLE):
        rows.append([table.name, None, None, None, t(table.description, lang)])
        for c in table.columns:
            rows.append([table.name, c.name, c.type, c.required, c.description(lang)])
    return rows


def _organisation(strategy: Strategy, org: str, parts: Parts | None) -> tuple[str, ...]:
    """An organisation's commitments in strategy.json and the three commitment tables (both variants).

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
        if kept is not None and len(kept) == 8:
            return kept
    rows, resources, links = _commitment_rows(strategy, org)
    made = (
        _commitments_json(strategy, org),
        *_csv_rows(COMMITMENTS, rows),
        *_csv_rows(COMMITMENT_RESOURCES, resources),
        *_csv_rows(COMMITMENT_GOALS, links),
        # How many rows each table has, so the data package counts them without reading them again.
        f"{len(rows)} {len(resources)} {len(links)}",
    )
    if parts is not None:
        parts.current[key] = made
    return made


def _budget(strategy: Strategy, org: str, parts: Parts | None) -> tuple[str, ...]:
    """An organisation's budget plan in strategy.json and budgets.csv (both variants), kept like commitments."""
    key = ""
    if parts is not None:
        key = parts.key("budget", org, parts.digests.budget(strategy.budgets[org]))
        kept = parts.kept(key)
        if kept is not None and len(kept) == 4:
            return kept
    rows = _budget_rows(strategy, org)
    made = (_budget_json(strategy, org), *_csv_rows(BUDGETS, rows), str(len(rows)))
    if parts is not None:
        parts.current[key] = made
    return made


def _dictionary_name(lang: str) -> str:
    return f"dictionary.{lang}"


def _package(
    strategy: Strategy,
    unapproved: int = 0,
    standing: Standing = UNKNOWN,
    files: Mapping[str, bytes] | None = None,
    rows: Mapping[str, int] | None = None,
) -> bytes:
    """A Frictionless Data Package naming every file, its schema, what it holds, its version and licence.

    With `files`, each resource gives its size in bytes; with `rows` (by table), its rows too.
    """
    from .messages import localized, t

    resources: list[dict[str, Any]] = [
        {
            "name": "strategy",
            "path": "strategy.json",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "jsonSchema": "strategy.schema.json",
            "description": t("data.file.strategy", "en"),
        }
    ]

    def tables(name: str, table: Table, schema: str, description: str) -> None:
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
                "description": description,
            }
        )
        resources.append(
            {
                "name": f"{name.replace('.', '-')}-excel",
                "path": f"{name}{SPREADSHEET}",
                "format": "csv",
                "mediatype": "text/csv",
                # UTF-8 with a byte order mark, which readers of UTF-8 skip.
                "encoding": "utf-8",
                "dialect": {"delimiter": ";"},
                "schema": _schema(table.columns, table.key, spreadsheet=True),
                "description": f"{description}. {t('data.file.spreadsheet', 'en')}",
            }
        )

    for name, table in TABLES.items():
        tables(name, table, f"{name}.schema.json", t(table.description, "en"))
    for lang in strategy.settings.languages:
        described = t("data.table.dictionary", "en") + f" ({t(f'data.in.{lang}', 'en')})"
        tables(_dictionary_name(lang), DICTIONARY_TABLE, "dictionary.schema.json", described)
    for resource in resources:
        if resource["name"].startswith("dictionary"):
            resource["name"] = resource["name"].replace(".", "-")
    version = _version(strategy, standing)
    found = licence(strategy.settings.publication.licence)
    publication = strategy.settings.publication
    title = localized(strategy.strategy.name, "fi")[0] if strategy.strategy is not None else ""
    package: dict[str, Any] = {
        "name": "sisturva-strategy",
        **({"title": title} if title else {}),
        "profile": "data-package",
        # The Data Package's version is a string: without an approved version, the member is left out.
        **({"version": version["version"]} if version["version"] else {}),
        **{k: v for k, v in version.items() if k not in ("version", "licence")},
        **_unapproved(unapproved),
        "licenses": [{"name": found.id, "path": found.url, "title": found.title}],
    }
    if publication.publisher is not None:
        contributor: dict[str, Any] = {
            "title": localized(publication.publisher, "fi")[0],
            "role": "publisher",
        }
        contact = publication.contact
        if contact:
            contributor["path" if contact.startswith(("http://", "https://")) else "email"] = contact
        package["contributors"] = [contributor]
    for resource in resources:
        path = resource["path"]
        if files is not None and path in files:
            resource["bytes"] = len(files[path])
        table = path[: -len(SPREADSHEET)] if path.endswith(SPREADSHEET) else path.removesuffix(".csv")
        if rows is not None and path.endswith(".csv") and table in rows:
            resource["rows"] = rows[table]
    package["resources"] = resources
    return (json.dumps(package, ensure_ascii=False, indent=2, default=_iso) + "\n").encode("utf-8")


def _iso(item: object) -> str:
    if isinstance(item, datetime.date):
        return item.isoformat()
    raise TypeError(f"cannot write {type(item).__name__} as JSON")


def open_data(
    strategy: Strategy,
    parts: Parts | None = None,
    unapproved: int = 0,
    standing: Standing = UNKNOWN,
    year: int | None = None,
    picture: Status | None = None,
) -> dict[str, bytes]:
    """Every open data file by name, in the order a reader meets them.

    strategy.json and its schema; each table as CSV, its spreadsheet variant and its Table Schema;
    the data dictionary in each of the repository's languages; datapackage.json. `parts`: each
    organisation's commitments and budget plan as written by the last render, taken where unchanged.
    `unapproved`: the errors of data published anyway, which strategy.json and datapackage.json
    state. `standing`: the version published. `year`: the reference year of the goals' verdicts
    (this year, as the site's, unless given). `picture`: that year's monitoring picture, when drawn
    already (the site's and the document's), so that it is not drawn again.
    """
    if picture is None:
        picture = _picture(strategy, year)
    by_org = [_organisation(strategy, org, parts) for org in sorted(strategy.commitments)]
    budgets = [_budget(strategy, org, parts) for org in sorted(strategy.budgets)]
    rows: dict[str, list[list[object]]] = {
        "goals": _goal_rows(strategy, picture),
        "organisations": _organisation_rows(strategy),
        "indicators": _indicator_rows(strategy),
    }
    counts = [[int(n) for n in m[7].split()] for m in by_org]
    count = {
        **{name: len(found) for name, found in rows.items()},
        "commitments": sum(c[0] for c in counts),
        "commitment-resources": sum(c[1] for c in counts),
        "commitment-goals": sum(c[2] for c in counts),
        "budgets": sum(int(m[3]) for m in budgets),
    }
    # Each organisation's rows as written (standard, spreadsheet), by table.
    written: dict[str, tuple[list[str], list[str]]] = {
        "commitments": ([m[1] for m in by_org], [m[2] for m in by_org]),
        "commitment-resources": ([m[3] for m in by_org], [m[4] for m in by_org]),
        "commitment-goals": ([m[5] for m in by_org], [m[6] for m in by_org]),
        "budgets": ([m[1] for m in budgets], [m[2] for m in budgets]),
    }
    files: dict[str, bytes] = {
        "strategy.json": strategy_json(
            strategy, [m[0] for m in by_org], [m[0] for m in budgets], unapproved, standing, picture
        ),
        "strategy.schema.json": strategy_schema(),
    }
    for name, table in TABLES.items():
        standard, spreadsheet = _csv_rows(table.columns, rows.get(name, ()))
        kept, kept_spreadsheet = written.get(name, ((), ()))
        files[f"{name}.csv"] = _csv(table.columns, [standard, *kept])
        files[f"{name}{SPREADSHEET}"] = _csv(
            table.columns, [spreadsheet, *kept_spreadsheet], spreadsheet=True
        )
        files[f"{name}.schema.json"] = table_schema(table.columns, table.key, REFERENCES.get(name, ()))
    for lang in strategy.settings.languages:
        described = _dictionary_rows(lang)
        count[_dictionary_name(lang)] = len(described)
        standard, spreadsheet = _csv_rows(DICTIONARY, described)
        files[f"{_dictionary_name(lang)}.csv"] = _csv(DICTIONARY, [standard])
        files[f"{_dictionary_name(lang)}{SPREADSHEET}"] = _csv(DICTIONARY, [spreadsheet], spreadsheet=True)
    files["dictionary.schema.json"] = table_schema(DICTIONARY, DICTIONARY_TABLE.key)
    files["datapackage.json"] = _package(strategy, unapproved, standing, files, count)
    return files


# -- what the data page shows of each file ---------------------------------------------------------


@dataclass(frozen=True)
class DataFile:
    """One open data file as the data page lists it: what it is, in the reader's language, and its size."""

    name: str
    size: int
    """In bytes."""
    title: str
    description: str
    format: str
    """JSON or CSV."""
    rows: int | None
    """The rows of a table, its header not counted; None for a file that is not a table."""
    table: str | None = None
    """The table the file holds or describes (`goals`, `dictionary`), None for the others."""
    spreadsheet: bool = False
    """The variant for spreadsheets (semicolons, decimal commas, a byte order mark)."""


_FILES = {
    "strategy.json": (mark("data.file.strategy.title"), mark("data.file.strategy")),
    "strategy.schema.json": (mark("data.file.strategy-schema.title"), mark("data.file.strategy-schema")),
    "datapackage.json": (mark("data.file.datapackage.title"), mark("data.file.datapackage")),
}


def _rows_in(content: bytes, spreadsheet: bool) -> int:
    """The rows of a CSV file but its header (read through: a cell may hold a line break)."""
    text = content.decode("utf-8-sig" if spreadsheet else "utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if spreadsheet else ",")
    return max(0, sum(1 for _ in reader) - 1)


def _table_of(base: str, lang: str) -> tuple[str, str, str] | None:
    """The table a file's name (without its ending) holds: its name, title and description in `lang`."""
    from .messages import LANGUAGE_NAMES, t

    if base in TABLES:
        table = TABLES[base]
        return table.name, t(table.title, lang), t(table.description, lang)
    if base == "dictionary" or (base.startswith("dictionary.") and base[11:] in LANGUAGE_NAMES):
        code = base[11:]
        title = t(DICTIONARY_TABLE.title, lang)
        if code:
            title = t("data.file.dictionary.title", lang, title=title, language=LANGUAGE_NAMES[code])
        return "dictionary", title, t(DICTIONARY_TABLE.description, lang)
    return None


def _counted(files: Mapping[str, bytes]) -> dict[str, int]:
    """The rows of each table as datapackage.json counts them (reading a table again costs its size)."""
    try:
        package = json.loads(files["datapackage.json"])
        return {r["path"]: r["rows"] for r in package["resources"] if isinstance(r.get("rows"), int)}
    except (KeyError, TypeError, ValueError):
        return {}


def _described(name: str, content: bytes, lang: str, counted: Mapping[str, int]) -> DataFile:
    from .messages import t

    size = len(content)
    if name in _FILES:
        title, text = _FILES[name]
        return DataFile(name, size, t(title, lang), t(text, lang), "JSON", None)
    if name.endswith(".schema.json"):
        found = _table_of(name[: -len(".schema.json")], lang)
        if found is not None:
            title = t("data.file.schema.title", lang, title=found[1])
            return DataFile(name, size, title, t("data.file.schema", lang), "JSON", None, found[0])
    elif name.endswith(SPREADSHEET):
        found = _table_of(name[: -len(SPREADSHEET)], lang)
        if found is not None:
            title = t("data.file.spreadsheet.title", lang, title=found[1])
            text = f"{found[2]}. {t('data.file.spreadsheet', lang)}"
            return DataFile(
                name,
                size,
                title,
                text,
                "CSV",
                counted[name] if name in counted else _rows_in(content, True),
                found[0],
                True,
            )
    elif name.endswith(".csv"):
        found = _table_of(name[: -len(".csv")], lang)
        if found is not None:
            return DataFile(
                name,
                size,
                found[1],
                found[2],
                "CSV",
                counted[name] if name in counted else _rows_in(content, False),
                found[0],
            )
    suffix = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    return DataFile(name, size, name, "", suffix, None)


def describe(files: Mapping[str, bytes], lang: str) -> list[DataFile]:
    """Each open data file (by name, as `open_data` makes them) with what it is in `lang`, in the same order."""
    counted = _counted(files)
    return [_described(name, content, lang, counted) for name, content in files.items()]


__all__ = [
    "DICTIONARY_TABLE",
    "FORMULA_START",
    "SPREADSHEET",
    "TABLES",
    "Column",
    "DataFile",
    "Licence",
    "Table",
    "describe",
    "licence",
    "open_data",
    "safe_cell",
    "strategy_json",
    "table_schema",
]
