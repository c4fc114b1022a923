"""Hostile-input YAML reading: bytes become plain data, and every YAML-level problem a finding."""

from __future__ import annotations

import codecs
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yaml import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    MarkedYAMLError,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml._yaml import CParser
from yaml.reader import ReaderError

from .findings import Finding, make
from .layout import MAX_BYTES as MAX_BYTES

MAX_DEPTH = 40
"""Nesting limit; the deepest legitimate path in the layout is about six levels."""

Path = tuple[str | int, ...]

# YAML 1.2's JSON schema, narrowed: only these plain scalars are not strings. `yes`, `on`,
# `0x1F`, `1_000`, `.inf` and times stay strings, so a strict model refuses them where a
# boolean or number belongs instead of guessing.
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\Z")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,18})?(?:[eE][-+]?[0-9]{1,2})?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_CONSTANTS: dict[str, object] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_NO_KEY = object()


def resolve_plain(value: str) -> object:
    """The value of an untagged plain scalar."""
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    first = value[0]
    if first.isdigit() or first == "-":
        if _INT.match(value):
            return int(value)
        if _DECIMAL.match(value):
            return Decimal(value)
        if _DATE.match(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                return value
    return value


class _Stop(Exception):
    """A problem that makes the rest of the document meaningless."""

    def __init__(self, code: str, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


def _shown_tag(tag: str) -> str:
    return "!!" + tag[18:] if tag.startswith("tag:yaml.org,2002:") else tag


def _stop(code: str, message: str, event: Any) -> _Stop:
    mark = event.start_mark
    return _Stop(code, message, mark.line + 1, mark.column + 1)


def _build(
    get: Any,
    event: Any,
    values: dict[Path, tuple[int, int]] | None = None,
    keys: dict[Path, tuple[int, int]] | None = None,
) -> object:
    """Build one document's root value from parser events, without recursion.

    With `values` and `keys`, also record where each value and each key starts; that second,
    slower pass runs only when a finding needs a position.
    """
    memo: dict[str, object] = {}
    # A frame: [container, pending key, path]
    stack: list[list[Any]] = []
    path: Path = ()
    while True:
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag is not None:
                raise _stop(
                    "SIS004", f"explicit tag '{_shown_tag(event.tag)}' is not allowed; remove it", event
                )
            if event.anchor is not None:
                raise _stop("SIS005", f"anchor '&{event.anchor}' is not allowed; write the value out", event)
            raw = event.value
            if event.style:
                value: object = raw
            else:
                value = memo.get(raw, _NO_KEY)
                if value is _NO_KEY:
                    value = memo[raw] = resolve_plain(raw)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None and not event.implicit:
                raise _stop(
                    "SIS004", f"explicit tag '{_shown_tag(event.tag)}' is not allowed; remove it", event
                )
            if event.anchor is not None:
                raise _stop("SIS005", f"anchor '&{event.anchor}' is not allowed; write the value out", event)
            if len(stack) >= MAX_DEPTH:
                raise _stop("SIS006", f"nesting deeper than {MAX_DEPTH} levels; flatten the data", event)
            if values is not None:
                if stack:
                    top = stack[-1]
                    path = top[2] + ((len(top[0]),) if type(top[0]) is list else (top[1],))
                    if type(top[0]) is dict and top[1] is _NO_KEY:
                        path = top[2]
                else:
                    path = ()
                values[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
            stack.append([{} if kind is MappingStartEvent else [], _NO_KEY, path])
            event = get()
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is AliasEvent:
            raise _stop("SIS005", f"alias '*{event.anchor}' is not allowed; write the value out", event)
        else:  # pragma: no cover - libyaml emits nothing else inside a document
            raise _stop("SIS001", f"unexpected {kind.__name__}", event)
        if not stack:
            return value
        frame = stack[-1]
        container = frame[0]
        if type(container) is list:
            if values is not None and kind is ScalarEvent:
                values[frame[2] + (len(container),)] = (
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                )
            container.append(value)
        elif frame[1] is _NO_KEY:
            if type(value) is not str:
                shown = (
                    "a mapping"
                    if isinstance(value, dict)
                    else "a list"
                    if isinstance(value, list)
                    else repr(value)
                )
                raise _stop(
                    "SIS012",
                    f"key {shown} is not a string; quote it or use a list of records",
                    event,
                )
            if value in container:
                raise _stop("SIS002", f"duplicate key '{value}'; each key may appear once", event)
            if keys is not None:
                keys[frame[2] + (value,)] = (event.start_mark.line + 1, event.start_mark.column + 1)
            frame[1] = value
        else:
            if values is not None and kind is ScalarEvent:
                values[frame[2] + (frame[1],)] = (
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                )
            container[frame[1]] = value
            frame[1] = _NO_KEY
        event = get()


def _parse(text: str | bytes) -> object:
    """The single document of `text`; raises `_Stop` or the parser's own errors."""
    parser = CParser(text)
    get = parser.get_event
    get()  # StreamStartEvent
    event = get()
    if type(event) is StreamEndEvent:
        raise _Stop("SIS010", "the file has no content; add the record or delete the file", 1, 1)
    if type(event) is DocumentStartEvent and (event.version or event.tags):
        raise _stop("SIS003", "a %YAML or %TAG directive is not allowed; delete the line", event)
    root = _build(get, get())
    get()  # DocumentEndEvent
    event = get()
    if type(event) is not StreamEndEvent:
        raise _stop("SIS011", "a second YAML document ('---') is not allowed; one record per file", event)
    return root


def _positions(text: str) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]:
    values: dict[Path, tuple[int, int]] = {}
    keys: dict[Path, tuple[int, int]] = {}
    parser = CParser(text)
    get = parser.get_event
    get()
    get()
    _build(get, get(), values, keys)
    return values, keys


@dataclass(frozen=True)
class Document:
    """One parsed file: its data (None when unusable) and its YAML-level findings."""

    path: str
    data: dict[str, Any] | None
    findings: tuple[Finding, ...] = ()
    text: str | None = field(default=None, repr=False, compare=False)
    _where: list[tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]] = field(
        default_factory=list, repr=False, compare=False
    )

    def locate(self, loc: Path, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of the value (or, with `key`, the key) at `loc`, or its nearest parent."""
        if self.text is None:
            return None, None
        if not self._where:
            try:
                self._where.append(_positions(self.text))
            except Exception:
                return None, None
        values, keys = self._where[0]
        if key and loc in keys:
            return keys[loc]
        while True:
            if loc in values:
                return values[loc]
            if loc in keys:
                return keys[loc]
            if not loc:
                return 1, 1
            loc = loc[:-1]


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def parse(path: str, raw: bytes, max_bytes: int = MAX_BYTES) -> Document:
    """Read one file's bytes; never raises on any input."""

    def fail(code: str, message: str, line: int | None = 1, column: int | None = 1) -> Document:
        return Document(path, None, (make(code, message, path, line, column),))

    if len(raw) > max_bytes:
        return fail("SIS007", f"file is {len(raw):,} bytes, over the {max_bytes:,}-byte limit; split it")
    if raw.startswith(codecs.BOM_UTF8):
        return fail("SIS009", "the file starts with a byte order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = raw.rfind(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8", "replace")) + 1
        return fail(
            "SIS008",
            f"byte 0x{raw[start]:02x} is not UTF-8; save the file as UTF-8",
            raw.count(b"\n", 0, start) + 1,
            column,
        )
    try:
        # The bytes, already known to be UTF-8: libyaml reads them without a copy (15% faster).
        root = _parse(raw)
    except _Stop as stop:
        return fail(stop.code, stop.message, stop.line, stop.column)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        if "nesting depth" in problem:
            return fail("SIS006", f"nesting deeper than {MAX_DEPTH} levels; flatten the data", *where)
        return fail("SIS001", f"YAML syntax error: {problem}", *where)
    except ReaderError as error:
        line, column = _line_col(text, min(error.position, len(text)))
        return fail("SIS001", f"character {error.character!r} is not allowed: {error.reason}", line, column)
    except Exception as error:
        return fail(
            "SIS001", f"the YAML parser could not read this file ({type(error).__name__}); check its syntax"
        )
    if root is None:
        return fail("SIS010", "the file has no content; add the record or delete the file")
    if not isinstance(root, dict):
        return fail("SIS014", "the top level must be a mapping of keys to values")
    return Document(path, root, (), text)
