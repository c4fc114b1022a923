"""The reference page of every file kind and finding code, generated from the models and the code registry."""

from __future__ import annotations

import datetime
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from . import models
from .documents import resolve_plain
from .errors import UsageError
from .findings import CODES

PAGE = "docs/reference.md"
"""Where the page lives in the project."""
REGENERATE = "sisturva schema --out schemas --reference docs/reference.md"
"""The command that writes the page again (from the project's root)."""

# Types that have a name in the cooperation model: (singular, plural) words for them.
_NAMED: tuple[tuple[object, str, str], ...] = (
    (models.Id, "id", "ids"),
    (models.LineId, "budget line id", "budget line ids"),
    (models.Year, "year", "years"),
    (models.Euros, "euros", "amounts in euros"),
    (models.PersonYears, "person-years", "amounts of person-years"),
    (models.Number, "number", "numbers"),
    (models.Link, "web address", "web addresses"),
    (models.Owner, "GitHub user or team", "GitHub users or teams"),
    (models.Fingerprint, "fingerprint (8 hex digits)", "fingerprints (8 hex digits)"),
)
_PLAIN: dict[object, tuple[str, str]] = {
    str: ("string", "strings"),
    bool: ("true or false", "true or false values"),
    int: ("whole number", "whole numbers"),
    Decimal: ("number", "numbers"),
    datetime.date: ("date (YYYY-MM-DD)", "dates (YYYY-MM-DD)"),
}
# A plain YAML scalar may not start with these, nor hold a flow indicator inside `{…}` or `[…]`.
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW = re.compile(r"[,\[\]{}]|: |:$| #|^\s|\s$")


def _title(model: type[BaseModel]) -> str:
    """`PersonYearsAvailable` → `Person years available`: the heading of a part of a file."""
    words = re.findall(r"[A-Z][a-z]*", model.__name__)
    return " ".join([words[0], *(w.lower() for w in words[1:])])


def anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _link(model: type[BaseModel]) -> str:
    title = _title(model)
    return f"[{title}](#{anchor(title)})"


def _args(hint: Any) -> list[Any]:
    return [a for a in typing.get_args(hint) if a is not type(None)]


def type_words(hint: Any, plural: bool = False) -> str:
    """A field's type as its authors would say it, with links to the parts it is made of."""
    for alias, one, many in _NAMED:
        if hint == alias:
            return many if plural else one
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = _args(hint)
        if set(args) == {str, models.LocalizedText}:
            return f"{'texts' if plural else 'text'}: string or {_link(models.LocalizedText)}"
        if len(args) == 1:
            return type_words(args[0], plural)
        return " or ".join(type_words(a, plural) for a in args)
    if origin is list:
        return "list of " + type_words(typing.get_args(hint)[0], plural=True)
    if origin is dict:
        key, value = typing.get_args(hint)
        return f"mapping of {type_words(key, plural=True)} to {type_words(value, plural=True)}"
    if origin is typing.Literal:
        values = [f"`{v}`" for v in typing.get_args(hint)]
        return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(hint)
        words = type_words(base, plural)
        low = high = None
        for item in metadata:
            for rule in item.metadata if isinstance(item, FieldInfo) else [item]:
                low = rule.ge if isinstance(rule, Ge) else low
                high = rule.le if isinstance(rule, Le) else high
        if low is not None and high is not None:
            return f"{words} from {low} to {high}"
        return words
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return _link(hint)
    if hint in _PLAIN:
        one, many = _PLAIN[hint]
        return many if plural else one
    raise TypeError(f"no words for the type {hint!r}; add them to sisturva.reference")


def yaml_value(value: object) -> str:
    """A JSON value (a schema's example) as an author writes it in YAML flow style."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    text = str(value)
    read = resolve_plain(text) if text else None
    # Dates are written bare (quoted, they would be text); other text is quoted wherever it could
    # be read as something else, such as a number ("26.30") or a YAML indicator ("@team").
    if isinstance(read, datetime.date):
        return text
    if read != text or text[0] in _INDICATORS or text[0].isdigit() or _FLOW.search(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;")


def _code(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def _description(info: FieldInfo) -> str:
    """A field's description for the page: the type column already says what text and sources are."""
    text = info.description or ""
    for help_text in (models.TEXT_HELP, models.SOURCE_HELP):
        shorter = text.replace(help_text, "").strip()
        if shorter:
            text = shorter
    return text


def _fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """The model's fields, its own first and those any record may carry last."""
    inherited = models.Record.model_fields if issubclass(model, models.Record) else {}
    own = [(n, f) for n, f in model.model_fields.items() if n not in inherited]
    return own + [(n, f) for n, f in model.model_fields.items() if n in inherited]


def _parts(hint: Any) -> Iterator[type[BaseModel]]:
    """The models a type is made of, outermost first."""
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint
        return
    for arg in typing.get_args(hint):
        yield from _parts(arg)


def _hints(model: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(model, vars(models), include_extras=True)


def _uses(model: type[BaseModel]) -> list[type[BaseModel]]:
    """Every part a model is made of, depth first in field order, each once."""
    found: list[type[BaseModel]] = []

    def walk(current: type[BaseModel]) -> None:
        hints = _hints(current)
        for name, _ in _fields(current):
            for part in _parts(hints[name]):
                if part not in found:
                    found.append(part)
                    walk(part)

    walk(model)
    return found


def _docstring(model: type[BaseModel]) -> str:
    return inspect.cleandoc(model.__doc__ or "")


def _table(model: type[BaseModel]) -> list[str]:
    hints = _hints(model)
    lines = ["| key | type | required | description | example |", "|---|---|---|---|---|"]
    for name, info in _fields(model):
        example = _code(yaml_value(info.examples[0])) if info.examples else ""
        cells = [
            _code(info.alias or name),
            type_words(hints[name]),
            "yes" if info.is_required() else "no",
            _cell(_description(info)),
            example,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _section(level: str, heading: str, model: type[BaseModel], extra: Sequence[str] = ()) -> list[str]:
    return [f"{level} {heading}", "", _docstring(model), "", *extra, *_table(model), ""]


def _kind_docstring(path: str, model: type[BaseModel]) -> str:
    """A file kind's docstring without the path it starts with, which the page has as a heading."""
    text = _docstring(model).removeprefix(f"`{path}`: ")
    return text[:1].upper() + text[1:]


def file_kinds() -> list[tuple[str, str, type[BaseModel]]]:
    """(path pattern, schema name, model) of every file kind, in the layout's order."""
    paths: dict[type[BaseModel], str] = {model: name for name, model in models.SINGLE_FILES.items()}
    for folder, model in models.FOLDERS.items():
        # Records are named by their id; the files that gather one organisation's records, by it.
        paths[model] = f"{folder}/{'ID' if 'id' in model.model_fields else 'ORG'}.yaml"
    return [(paths[model], name, model) for name, model in models.SCHEMA_NAMES.items()]


def render() -> str:
    """The whole page, as `docs/reference.md` holds it."""
    kinds = file_kinds()
    users: dict[type[BaseModel], list[str]] = {}
    for path, _, model in kinds:
        for part in _uses(model):
            users.setdefault(part, []).append(path)
    shared = [part for part, paths in users.items() if len(paths) > 1]
    out = [
        f"<!-- Generated from src/sisturva/models.py and src/sisturva/findings.py by `{REGENERATE}`;"
        " do not edit by hand. -->",
        "",
        "# Reference: files and finding codes",
        "",
        "Every file of a strategy repository with its fields, and every finding code sisturva reports.",
        "The same descriptions appear on hover in an editor with the YAML language server, from the",
        "JSON Schemas in [`schemas/`](../schemas/).",
        "",
        "In the tables, *key* is what is written in the file, *type* the value it takes, and *required*",
        "whether the file is invalid without it. Examples are written as in YAML: text that could be",
        "read as something else, such as a budget line id, in quotes; dates and numbers without.",
        "",
        "## Files",
        "",
        *(f"- [`{path}`](#{anchor(path)})" for path, _, _ in kinds),
        "",
    ]
    for path, name, model in kinds:
        schema = f"Schema: [`schemas/{name}.schema.json`](../schemas/{name}.schema.json)"
        table = [*_table(model), ""]
        out += [f"### `{path}`", "", _kind_docstring(path, model), "", schema, "", *table]
        for part in _uses(model):
            if part not in shared:
                out += _section("####", _title(part), part)
    out += ["## Parts shared by several files", ""]
    for part in shared:
        used_in = ", ".join(f"`{p}`" for p in users[part])
        out += _section("###", _title(part), part, [f"Used in {used_in}.", ""])
    out += [
        "## Finding codes",
        "",
        "Every finding has a stable code. Severity is the default; `--strict` makes warnings errors.",
        "",
        "| code | severity | meaning |",
        "|---|---|---|",
        *(f"| {code} | {severity} | {_cell(meaning)} |" for code, (severity, meaning) in CODES.items()),
    ]
    return "\n".join(out) + "\n"


def write(path: str | Path = PAGE) -> Path:
    """Write the page to `path` (its folder is made if missing) and return where it went."""
    from .commands.schema import write_text

    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path}: is a folder; give a file for the reference, e.g. {PAGE}")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, render())
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m sisturva.reference [FILE]`: write the page to FILE, by default docs/reference.md."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(f"usage: {REGENERATE} [FILE]   (default: {PAGE})", file=sys.stderr)
        return 2
    try:
        target = write(args[0] if args else PAGE)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {target}")
    return 0


__all__ = [
    "PAGE",
    "REGENERATE",
    "anchor",
    "file_kinds",
    "main",
    "render",
    "type_words",
    "write",
    "yaml_value",
]

if __name__ == "__main__":
    raise SystemExit(main())
