"""Model validation of parsed documents: pydantic errors become findings at file:line:column."""

from __future__ import annotations

import datetime
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from .catalogue import mark
from .documents import Document, Path
from .findings import Finding, Param, Said, english, euros, hint, listed, make, tf, tn
from .models import Model

# The models' own validators raise errors whose type names the message (`period_order`) and whose
# context holds its values, so that the finding is written in the reader's language.
_CUSTOM: dict[str, str] = {
    "text_without_language": mark("finding.SIS103.no-language"),
    "period_order": mark("finding.SIS103.period-order"),
    "finnish_first": mark("finding.SIS103.finnish-first"),
    "required_languages_missing": mark("finding.SIS103.required-languages"),
    "years_repeated": mark("finding.SIS103.years-repeated"),
    "allocated_over_amount": mark("finding.SIS103.allocated-over"),
}
_REASONS: dict[str, tuple[str, str]] = {
    # A validator outside the models' classes that raises a plain ValueError: known by its words.
    "links must be http:// or https:// addresses": ("SIS105", mark("finding.SIS105")),
}
_LIMITS: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("ge", mark("finding.SIS103.at-least")),
    "less_than_equal": ("le", mark("finding.SIS103.at-most")),
    "greater_than": ("gt", mark("finding.SIS103.more-than")),
    "less_than": ("lt", mark("finding.SIS103.less-than")),
}


def _describe(value: object) -> Param:
    """The value as the data has it, in words of the reader's language (`the number 5`)."""
    if value is None:
        return tf("finding.value.null")
    if isinstance(value, bool):
        return tf("finding.value.boolean", value=str(value).lower())
    if isinstance(value, (int, Decimal)):
        return tf("finding.value.number", value=str(value))  # as written: not a figure to format
    if isinstance(value, datetime.date):
        return tf("finding.value.date", value=value.isoformat())
    if isinstance(value, dict):
        return tf("finding.value.mapping")
    if isinstance(value, list):
        return tf("finding.value.list")
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


def _message(error: Any, model: type[BaseModel], loc: Path) -> tuple[str, str | Said]:
    """(code, message) for one pydantic error."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "SIS102", tf("finding.SIS102", field=str(loc[-1]))
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        close = hint(key, allowed) or (tf("finding.allowed", keys=listed(allowed)) if allowed else "")
        return "SIS101", tf("finding.SIS101", field=key, hint=close)
    if kind == "string_pattern_mismatch":
        if isinstance(value, str) and ctx.get("pattern", "").startswith("^[a-z0-9]+"):
            return "SIS104", tf("finding.SIS104", value=value)
        return "SIS103", tf("finding.SIS103.form", value=_describe(value))
    if kind in ("string_type",):
        quote = tf("finding.hint.quote") if isinstance(value, (bool, int, Decimal, datetime.date)) else ""
        return "SIS103", tf("finding.SIS103.text", value=_describe(value), hint=quote)
    if kind == "bool_type":
        yaml12 = tf("finding.hint.boolean") if isinstance(value, str) else ""
        return "SIS103", tf("finding.SIS103.boolean", value=_describe(value), hint=yaml12)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "SIS103", tf("finding.SIS103.whole", value=_describe(value))
    if kind in ("is_instance_of", "decimal_type"):
        wanted = str(ctx.get("class", ""))
        if "date" in wanted:
            return "SIS103", tf("finding.SIS103.date", value=_describe(value))
        return "SIS103", tf("finding.SIS103.number", value=_describe(value))
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return "SIS103", tf("finding.SIS103.date", value=_describe(value))
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        close = hint(str(value), choices) if isinstance(value, str) else ""
        return "SIS103", tf(
            "finding.SIS103.choice", value=_describe(value), choices=listed(choices), hint=close
        )
    if kind in ("list_type", "tuple_type"):
        return "SIS103", tf("finding.SIS103.list", value=_describe(value))
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "SIS103", tf("finding.SIS103.mapping", value=_describe(value))
    if kind == "too_short":
        return "SIS103", tf("finding.SIS103.too-short", count=int(ctx.get("min_length", 1)))
    if kind in _CUSTOM:
        return "SIS103", _custom(_CUSTOM[kind], ctx)
    if kind in ("value_error", "assertion_error"):
        reason = str(ctx.get("error", error["msg"]))
        if reason in _REASONS:
            code, key = _REASONS[reason]
            return code, tf(key)
        # A validator's own words that no key names: English only.
        return ("SIS105" if "link" in reason else "SIS103"), reason
    if kind in _LIMITS:
        bound, key = _LIMITS[kind]
        return "SIS103", tf(key, value=_describe(value), limit=_number(ctx.get(bound)))
    if kind == "string_too_short":
        length = int(ctx.get("min_length", 1))
        if isinstance(value, str) and not value.strip() and length == 1:
            return "SIS103", tf("finding.SIS103.empty")
        return "SIS103", tf(
            "finding.SIS103.text-too-short", value=_describe(value), length=tn("finding.characters", length)
        )
    if kind == "string_too_long":
        length = int(ctx.get("max_length", 0))
        return "SIS103", tf(
            "finding.SIS103.text-too-long", value=_describe(value), length=tn("finding.characters", length)
        )
    if kind == "too_long":
        return "SIS103", tf("finding.SIS103.too-long", count=int(ctx.get("max_length", 0)))
    if kind == "decimal_max_places":
        return "SIS103", tf(
            "finding.SIS103.decimal-places", value=str(value), places=int(ctx["decimal_places"])
        )
    if kind == "decimal_max_digits":
        return "SIS103", tf("finding.SIS103.digits", value=str(value), digits=int(ctx["max_digits"]))
    if kind == "decimal_whole_digits":
        return "SIS103", tf("finding.SIS103.whole-digits", value=str(value), digits=int(ctx["whole_digits"]))
    if kind == "finite_number":
        return "SIS103", tf("finding.SIS103.finite", value=str(value))
    if kind in ("float_type", "float_parsing", "decimal_parsing"):
        return "SIS103", tf("finding.SIS103.number", value=_describe(value))
    if kind == "bool_parsing":
        return "SIS103", tf("finding.SIS103.boolean", value=_describe(value), hint=tf("finding.hint.boolean"))
    if kind.startswith("date_"):
        return "SIS103", tf("finding.SIS103.date", value=_describe(value))
    if kind in ("set_type", "frozen_set_type"):
        return "SIS103", tf("finding.SIS103.list", value=_describe(value))
    # pydantic's own words for what the models cannot produce today: English only.
    described = _words(_describe(value))
    if kind.startswith("decimal_"):
        return "SIS103", f"{described}: {error['msg'].lower()}"
    return "SIS103", f"{described}: {error['msg'][0].lower()}{error['msg'][1:]}"


def _custom(key: str, ctx: dict[str, Any]) -> Said:
    """The message of a model validator's error: its context as values of the reader's language."""
    values: dict[str, Param] = {}
    for name, value in ctx.items():
        if name in ("allocated", "euros") and isinstance(value, Decimal):
            values[name] = euros(value)
        elif isinstance(value, tuple):
            values[name] = listed(value)
        elif isinstance(value, (str, int, Decimal)):
            values[name] = value
        else:
            values[name] = str(value)
    return tf(key, **values)


def _number(limit: object) -> Param:
    """A bound as the reader's language writes it; a whole-number bound (a year) as it is."""
    if isinstance(limit, bool) or limit is None:
        return str(limit)
    if isinstance(limit, int):
        return limit
    if isinstance(limit, Decimal) and limit.is_finite():
        return limit
    return str(limit)


def _words(value: Param) -> str:
    return english(value) if isinstance(value, tuple) else str(value)


def _union_message(errors: list[Any], value: object) -> tuple[str, str | Said]:
    kinds = {e["type"] for e in errors}
    if "string_type" in kinds:
        return "SIS103", tf("finding.SIS103.localized", value=_describe(value))
    return "SIS103", tf("finding.SIS103.invalid", value=_describe(value))


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
        message: str | Said
        if not where:
            message = text
        elif isinstance(text, str):
            message = f"{where}: {text}"
        else:
            message = tf("finding.at", where=where, message=text)
        findings.append(make(code, message, doc.path, line, column, _record_id(doc.data, loc, record_id)))
    return None, findings
