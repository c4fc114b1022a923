"""Model validation of parsed documents: pydantic errors become findings at file:line:column."""

from __future__ import annotations

import datetime
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from .documents import Document, Path
from .findings import Finding, did_you_mean, make
from .models import Model


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, Decimal)):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _model_of(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation may hold (through lists, unions and Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (list, tuple, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _model_of(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _fields_at(model: type[BaseModel], loc: Path) -> list[str]:
    """The keys allowed in the mapping at `loc` (data path) of `model`."""
    models = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for current in models:
            for name, info in current.model_fields.items():
                if (info.alias or name) == part:
                    nxt.extend(_model_of(info.annotation))
        models = nxt
    return sorted({(info.alias or name) for m in models for name, info in m.model_fields.items()})


def _clean_loc(data: object, loc: tuple[int | str, ...], kind: str) -> tuple[Path, bool]:
    """Drop pydantic's union-member steps from `loc`, keeping only steps into the data.

    Returns the data path and whether the last step names a key that is not in the data.
    """
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str):
            if part in current:
                path.append(part)
                current = current[part]
                continue
            if kind == "missing" and part == loc[-1]:
                path.append(part)
                return tuple(path), True
            continue
        if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
            continue
        # A union tag such as 'str' or 'LocalizedText': not a step into the data.
    return tuple(path), False


def _record_id(data: object, loc: Path, default: str | None) -> str | None:
    """The id of the innermost record on the way to `loc` (a commitment, a goal), else `default`."""
    found = default
    current = data
    for part in loc:
        if isinstance(current, dict):
            if isinstance(current.get("id"), str) and current is not data:
                found = current["id"]
            current = current.get(part) if isinstance(part, str) else None
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            break
    if isinstance(current, dict) and isinstance(current.get("id"), str) and current is not data:
        found = current["id"]
    return found


def _dotted(loc: Path) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any, model: type[BaseModel], loc: Path) -> tuple[str, str]:
    """(code, message) for one pydantic error."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "SIS102", f"missing required key '{loc[-1]}'; add it"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(key, allowed) or (f" (allowed: {', '.join(allowed)})" if allowed else "")
        return "SIS101", f"unknown key '{key}'{hint}"
    if kind == "string_pattern_mismatch":
        if isinstance(value, str) and ctx.get("pattern", "").startswith("^[a-z0-9]+"):
            return (
                "SIS104",
                f"'{value}' is not a valid id: use lower-case letters, digits and hyphens, e.g. 'poliisi-2024'",
            )
        return "SIS103", f"{_describe(value)} is not in the expected form"
    if kind in ("string_type",):
        hint = (
            " (quote it to write it as text)"
            if isinstance(value, (bool, int, Decimal, datetime.date))
            else ""
        )
        return "SIS103", f"expected text, got {_describe(value)}{hint}"
    if kind == "bool_type":
        hint = " (YAML 1.2: write true or false)" if isinstance(value, str) else ""
        return "SIS103", f"expected true or false, got {_describe(value)}{hint}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "SIS103", f"expected a whole number, got {_describe(value)}"
    if kind in ("is_instance_of", "decimal_type"):
        wanted = str(ctx.get("class", ""))
        if "date" in wanted:
            return "SIS103", f"expected a date such as 2024-12-31, got {_describe(value)}"
        return "SIS103", f"expected a number, got {_describe(value)}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return "SIS103", f"expected a date such as 2024-12-31, got {_describe(value)}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return "SIS103", f"{_describe(value)} is not one of: {', '.join(choices)}{hint}"
    if kind in ("list_type", "tuple_type"):
        return "SIS103", f"expected a list, got {_describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "SIS103", f"expected a mapping, got {_describe(value)}"
    if kind == "too_short":
        return "SIS103", f"needs at least {ctx.get('min_length', 1)} item(s)"
    if kind == "value_error":
        reason = str(ctx.get("error", error["msg"]))
        code = "SIS105" if "link" in reason else "SIS103"
        return code, reason
    if kind.startswith("decimal_"):
        return "SIS103", f"{_describe(value)}: {error['msg'].lower()}"
    return "SIS103", f"{_describe(value)}: {error['msg'][0].lower()}{error['msg'][1:]}"


def _union_message(errors: list[Any], value: object) -> tuple[str, str]:
    kinds = {e["type"] for e in errors}
    if "string_type" in kinds:
        return "SIS103", f"expected text (a string, or a mapping of fi, sv, en), got {_describe(value)}"
    return "SIS103", f"{_describe(value)} is not valid here"


def validate_model(
    doc: Document, model: type[Model], record_id: str | None = None
) -> tuple[Model | None, list[Finding]]:
    """The model for `doc`, or None with one finding per problem."""
    assert doc.data is not None
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    grouped: dict[tuple[Path, bool], list[Any]] = {}
    for error in errors:
        grouped.setdefault(_clean_loc(doc.data, error["loc"], error["type"]), []).append(error)
    data_locs = {loc for loc, _ in grouped}
    findings: list[Finding] = []
    for (loc, missing_key), group in grouped.items():
        # A union reports each member's failure; a deeper error is the more specific one.
        if any(other != loc and other[: len(loc)] == loc for other in data_locs):
            continue
        if len(group) == 1:
            code, text = _message(group[0], model, loc)
        else:
            code, text = _union_message(group, group[0].get("input"))
        if group[0]["type"] == "missing":
            line, column = doc.locate(loc[:-1])
        else:
            line, column = doc.locate(loc, key=group[0]["type"] == "extra_forbidden" or missing_key)
        where = _dotted(loc[:-1] if group[0]["type"] in ("missing", "extra_forbidden") else loc)
        message = f"{where}: {text}" if where else text
        findings.append(make(code, message, doc.path, line, column, _record_id(doc.data, loc, record_id)))
    return None, findings
