"""ruamel.yaml's round-trip mode as the one writer of strategy files: comments, order and quoting survive."""

from __future__ import annotations

import datetime
import io
import re
import types
import typing
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

from ..diff import KEYS as diff_keys
from ..documents import resolve_plain
from ..models import LANGUAGES, LocalizedText, Record

WIDTH = 4096
"""Lines are never folded: a long text stays on one line, as people wrote it and as diffs read best."""

# Lists of records are matched (and, by `fmt`, ordered) by the keys `diff` matches them by.
KEYS = diff_keys
LINE_FIELDS = frozenset({"budget_line"})
"""Fields holding a budget line id: always quoted, so `26.30` is never read as a number."""


class RoundTripError(Exception):
    """Text that ruamel.yaml cannot read; carries the 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Emitter(RoundTripEmitter):
    """Quotes with double quotes where a value needs quoting and was not quoted by its author."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        if style == "'" and self.event.style != "'":
            return '"'
        return style


def _decimal(representer: Any, value: Decimal) -> Any:
    # Exact as written (`1.10` stays `1.10`); a whole amount is an integer, or ruamel would tag
    # `200000` as `!!float`, a tag the reader refuses.
    text = format(value, "f")
    kind = "float" if "." in text else "int"
    return representer.represent_scalar(f"tag:yaml.org,2002:{kind}", text)


def _yaml(preserve_quotes: bool) -> YAML:
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    yaml.preserve_quotes = preserve_quotes
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.default_flow_style = False
    yaml.allow_duplicate_keys = False
    yaml.Emitter = _Emitter
    yaml.representer.add_representer(Decimal, _decimal)
    return yaml


def load(text: str, preserve_quotes: bool = True) -> Any:
    """The round-trip tree of `text` (a CommentedMap); RoundTripError where it cannot be read."""
    try:
        return _yaml(preserve_quotes).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise RoundTripError(f"YAML syntax error: {error.problem or error.context}", line, column) from None
    except Exception as error:  # ruamel raises a few plain exceptions (duplicate keys, bad indentation)
        raise RoundTripError(f"the YAML could not be read ({type(error).__name__}: {error})", 1, 1) from None


def dump(data: Any) -> str:
    """The text of a round-trip tree: YAML 1.2 without a `%YAML` line, comments where they were."""
    out = io.StringIO()
    yaml = _yaml(True)
    yaml.version = None  # no `%YAML 1.2` directive: the reader refuses directives
    yaml.dump(data, out)
    return out.getvalue()


# -- where values are -----------------------------------------------------------------------------


def key_text(item: object, keys: Sequence[str]) -> str | None:
    """An item's key as `diff` prints it in a field path: `2024/26.10.01`, `p5-g1`."""
    if not isinstance(item, dict):
        return None
    return "/".join(str(item.get(k)) for k in keys)


def find_item(items: Sequence[Any], keys: Sequence[str], key: str) -> int | None:
    """The index of the item of a keyed list (goals, resources, observations, …) whose key is `key`."""
    for index, item in enumerate(items):
        if key_text(item, keys) == key:
            return index
    return None


def _natural(value: object) -> tuple[object, ...]:
    if isinstance(value, bool):
        return (2, str(value))
    if isinstance(value, int):
        return (0, value)
    text = str(value)
    # Digits compare as numbers, so p5-g2 comes before p5-g10 and 26.9 before 26.10.
    return (
        1,
        tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)),
    )


def sort_key(item: object, keys: Sequence[str]) -> tuple[object, ...] | None:
    """The natural order of a keyed item (by year, then id), or None when it lacks a key."""
    if not isinstance(item, dict):
        return None
    out: list[object] = []
    for key in keys:
        value = item.get(key)
        if value is None or isinstance(value, dict | list):
            return None
        out.append(_natural(value))
    return tuple(out)


def natural_order(items: Sequence[Any], keys: Sequence[str]) -> list[int] | None:
    """The indexes of `items` in their natural order; None when some item has no key (left as it is)."""
    found = [sort_key(item, keys) for item in items]
    if any(k is None for k in found):
        return None
    return sorted(range(len(items)), key=lambda i: typing.cast(tuple[object, ...], found[i]))


def insert_key(mapping: Any, key: str, value: object, order: Sequence[str]) -> None:
    """Set `key` in `mapping`; a new key goes where `order` (a model's field order) puts it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = {name: i for i, name in enumerate(order)}
    mine = rank.get(key, len(order))
    position = len(mapping)
    for index, existing in enumerate(mapping):
        if rank.get(existing, len(order)) > mine:
            position = index
            break
    mapping.insert(position, key, value)


def remove_key(mapping: Any, key: str) -> None:
    """Remove `key`, keeping the comment lines that stood below it (they introduce what follows)."""
    keys = list(mapping)
    index = keys.index(key)
    kept = _lines_after_own(mapping.ca.items.get(key))
    del mapping[key]
    mapping.ca.items.pop(key, None)
    if kept and index > 0:
        previous = keys[index - 1]
        slot = mapping.ca.items.setdefault(previous, [None, None, None, None])
        _append_comment(slot, kept)


def _lines_after_own(entry: list[Any] | None) -> str:
    """The comment lines of a key's after-comment, without its own end-of-line comment."""
    if not entry or len(entry) < 3 or entry[2] is None:
        return ""
    text = str(entry[2].value)
    first, newline, rest = text.partition("\n")
    if not newline:
        return ""
    return rest if first.lstrip().startswith("#") or not first.strip() else text


def _append_comment(slot: list[Any], text: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    token = slot[2]
    if token is None:
        slot[2] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        value = str(token.value)
        token.value = value + ("" if value.endswith("\n") else "\n") + text


def reorder(mapping: Any, order: Sequence[str]) -> None:
    """Put the keys of `mapping` in `order`; keys it does not name stay after, as they were."""
    rank = {name: i for i, name in enumerate(order)}
    keys = list(mapping)
    wanted = sorted(keys, key=lambda k: (rank.get(k, len(order)), keys.index(k)))
    if wanted == keys:
        return
    for key in wanted:
        mapping.move_to_end(key)


def resort(items: Any, order: Sequence[int]) -> None:
    """Put the items of `items` in `order` (indexes), each keeping its own comments."""
    if list(order) == list(range(len(items))):
        return
    values = list(items)
    comments = dict(items.ca.items)
    last = len(values) - 1
    # The comment after the last item closes the list (it is often followed by the next key):
    # it stays at the end rather than moving with its item.
    closing = comments.get(last)
    items.ca.items.clear()
    for new, old in enumerate(order):
        items[new] = values[old]
        if old in comments and old != last:
            items.ca.items[new] = comments[old]
    if closing is not None:
        items.ca.items[last] = closing


# -- values as the writer puts them ---------------------------------------------------------------


def scalar(value: object, line_id: bool = False) -> object:
    """A value as the writer stores it: some text in double quotes, everything else as it is.

    Quoted: text the reader would take for a number, a date or a boolean, and budget line ids.
    """
    if isinstance(value, str) and not isinstance(value, LiteralScalarString | FoldedScalarString):
        plain = str(value)
        if line_id or not plain or resolve_plain(plain) is not plain:
            return DoubleQuotedScalarString(plain)
        return plain
    return value


def walk(value: Any) -> Iterator[Any]:
    """Every mapping and list inside `value`, itself included."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            yield node
            pending.extend(node.values())
        elif isinstance(node, list):
            yield node
            pending.extend(node)


# -- what the models say about a key ------------------------------------------------------------


class Shape:
    """What a field of a model holds, as far as writing it is concerned."""

    __slots__ = ("item", "keys", "line", "list", "model", "number", "text")

    def __init__(self) -> None:
        self.model: type[BaseModel] | None = None
        """The model of a mapping value (or of each item of a list of records)."""
        self.list = False
        self.keys: tuple[str, ...] = ()
        self.text = False
        """Text for people: a string or a mapping of languages."""
        self.line = False
        self.number = False
        """A number, date, boolean or year: the value typed is read as YAML."""
        self.item: str = ""


def _members(annotation: object) -> list[object]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    return [annotation]


@cache
def shape(model: type[BaseModel], key: str) -> Shape | None:
    """The shape of `model`'s field spelled `key` in a file (its alias if it has one), or None."""
    for name, info in model.model_fields.items():
        if (info.alias or name) != key:
            continue
        out = Shape()
        members = _members(info.annotation)
        for member in members:
            origin = typing.get_origin(member)
            if origin is list:
                out.list = True
                (inner,) = typing.get_args(member)
                for sub in _members(inner):
                    if isinstance(sub, type) and issubclass(sub, BaseModel):
                        out.model = sub
                    elif sub is str or typing.get_origin(sub) is typing.Literal:
                        out.item = "text"
                    else:
                        out.item = "number"
            elif isinstance(member, type) and issubclass(member, LocalizedText):
                out.text = True
            elif isinstance(member, type) and issubclass(member, BaseModel):
                out.model = member
            elif member is str:
                out.text = True
            elif typing.get_origin(member) is typing.Literal:
                out.number = out.number or not all(isinstance(v, str) for v in typing.get_args(member))
            elif member in (int, Decimal, bool, datetime.date):
                out.number = True
        out.keys = KEYS.get(key, ()) if out.list and out.model is not None else ()
        out.line = key in LINE_FIELDS or (model.__name__ == "BudgetLine" and key == "id")
        return out
    return None


@cache
def field_names(model: type[BaseModel]) -> list[str]:
    """A model's keys as a file spells them, in the model's order.

    The fields every record may carry (`source`, `example`) come last, where the models that
    declare them themselves (commitments, goals) put them and where people write them.
    """
    names = [info.alias or name for name, info in model.model_fields.items()]
    if issubclass(model, Record):
        common = list(Record.model_fields)
        names = [n for n in names if n not in common] + common
    return names


def language_order(languages: Sequence[str]) -> list[str]:
    """The repository's languages first, then the others the models know."""
    return [*languages, *(lang for lang in LANGUAGES if lang not in languages)]


def is_texts(value: object) -> bool:
    """Whether `value` is a mapping of languages (`{fi, sv, en}`)."""
    return isinstance(value, dict) and bool(value) and all(k in LANGUAGES for k in value)


__all__ = [
    "KEYS",
    "CommentedMap",
    "CommentedSeq",
    "RoundTripError",
    "Shape",
    "dump",
    "field_names",
    "find_item",
    "insert_key",
    "is_texts",
    "key_text",
    "language_order",
    "load",
    "natural_order",
    "remove_key",
    "reorder",
    "resort",
    "scalar",
    "shape",
    "sort_key",
    "walk",
]
