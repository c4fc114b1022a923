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

from .findings import Finding, Said, make, tf
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
_NUMERIC_START = frozenset("0123456789-")
_MISREAD_MARK = re.compile("[ ,#\u00a0\u202f]").search
"""Text that starts like a number and holds one of these may be a number written by mistake (`0,5`)."""
_MAX_REREADS = 20
"""Decimal commas in brackets read again per file; each costs one more parse of a broken file."""
_MAX_NOTES = 100
"""Notes kept per file: a generated file with the same slip on every line needs no more."""
Note = tuple[str, Said, int, int]
"""A finding that does not stop reading: (code, message, line, column)."""


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

    def __init__(self, code: str, message: Said, line: int, column: int, raw: str | None = None) -> None:
        super().__init__(message[1])
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.raw = raw
        """The plain scalar a key stopped at, for a second look at what was meant."""


def _tag(tag: str) -> Said:
    # `hint` stays empty until `yamlhelp.special_value` knows how the value is written.
    shown = "!!" + tag[18:] if tag.startswith("tag:yaml.org,2002:") else tag
    return tf("finding.SIS004.tag", tag=shown, hint="")


def _anchor(anchor: str) -> Said:
    return tf("finding.SIS005.anchor", anchor=anchor, hint="")


def _too_deep() -> Said:
    return tf("finding.SIS006", limit=MAX_DEPTH)


def too_large(limit: int, size: int | None = None) -> Said:
    """The SIS007 message for a file over `limit` bytes, `size` bytes when known; sizes as `--lang` writes numbers."""
    if size is None:
        return tf("finding.SIS007.over", limit=Decimal(limit))
    return tf("finding.SIS007", size=Decimal(size), limit=Decimal(limit))


def _not_text(value: object) -> Said:
    """SIS012 for a key that is a mapping, a list, or a value that is not text (shown as written)."""
    if isinstance(value, dict):
        return tf("finding.SIS012.mapping")
    if isinstance(value, list):
        return tf("finding.SIS012.list")
    return tf("finding.SIS012", key=_shown_key(value))


def _shown_key(value: object) -> str:
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # a number, as written: 5, 0.5


def _stop(code: str, message: Said, event: Any) -> _Stop:
    mark = event.start_mark
    return _Stop(code, message, mark.line + 1, mark.column + 1)


def _misread(raw: str) -> tuple[object, Said, int] | None:
    from .yamlhelp import misread

    return misread(raw, resolve_plain)


def _build(
    get: Any,
    event: Any,
    values: dict[Path, tuple[int, int]] | None = None,
    keys: dict[Path, tuple[int, int]] | None = None,
    notes: list[Note] | None = None,
) -> object:
    """Build one document's root value from parser events, without recursion.

    With `values` and `keys`, also record where each value and each key starts; that second,
    slower pass runs only when a finding needs a position. A plain scalar that was meant as a
    number (`0,5`, `100000#arvio`) is read as that number, with a note, so the schema check does
    not report it again and the rest of the file is still read.
    """
    memo: dict[str, object] = {}
    # A frame: [container, pending key, path]
    stack: list[list[Any]] = []
    path: Path = ()
    while True:
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag is not None:
                raise _stop("SIS004", _tag(event.tag), event)
            if event.anchor is not None:
                raise _stop("SIS005", _anchor(event.anchor), event)
            raw = event.value
            if event.style:
                value: object = raw
            else:
                value = memo.get(raw, _NO_KEY)
                if value is _NO_KEY:
                    value = resolve_plain(raw)
                    # Only text that starts like a number is looked at again, and it is not
                    # remembered, so each place it is written gets its own note.
                    if (
                        type(value) is str
                        and raw[0] in _NUMERIC_START
                        and _MISREAD_MARK(raw)
                        and (misread := _misread(raw))
                    ):
                        value = misread[0]
                        if notes is not None and len(notes) < _MAX_NOTES:
                            mark = event.start_mark
                            same_line = event.end_mark.line == mark.line
                            notes.append(
                                (
                                    "SIS103",
                                    misread[1],
                                    mark.line + 1,
                                    mark.column + 1 + misread[2] * same_line,
                                )
                            )
                    else:
                        memo[raw] = value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None and not event.implicit:
                raise _stop("SIS004", _tag(event.tag), event)
            if event.anchor is not None:
                raise _stop("SIS005", _anchor(event.anchor), event)
            if len(stack) >= MAX_DEPTH:
                raise _stop("SIS006", _too_deep(), event)
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
            raise _stop("SIS005", tf("finding.SIS005.reference", alias=event.anchor, hint=""), event)
        else:  # pragma: no cover - libyaml emits nothing else inside a document
            raise _stop("SIS001", tf("finding.SIS001.unexpected", event=kind.__name__), event)
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
                stop = _stop("SIS012", _not_text(value), event)
                if kind is ScalarEvent and not event.style:
                    stop.raw = event.value
                raise stop
            if value in container:
                first = keys.get(frame[2] + (value,)) if keys is not None else None
                twice = (
                    tf("finding.SIS002.first", key=value, line=first[0])
                    if first
                    else tf("finding.SIS002", key=value)
                )
                raise _stop("SIS002", twice, event)
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


def _parse(text: str | bytes, notes: list[Note] | None = None) -> object:
    """The single document of `text`; raises `_Stop` or the parser's own errors."""
    parser = CParser(text)
    get = parser.get_event
    get()  # StreamStartEvent
    event = get()
    if type(event) is StreamEndEvent:
        raise _Stop("SIS010", tf("finding.SIS010"), 1, 1)
    if type(event) is DocumentStartEvent and (event.version or event.tags):
        raise _stop("SIS003", tf("finding.SIS003"), event)
    root = _build(get, get(), notes=notes)
    get()  # DocumentEndEvent
    event = get()
    if type(event) is not StreamEndEvent:
        raise _stop("SIS011", tf("finding.SIS011"), event)
    return root


def _decimal_comma(text: str, stop: _Stop) -> tuple[str, Note] | None:
    """`text` with the comma of `{person_years: 0,5}` made a point, and the note that says so.

    In brackets a comma separates items, so `0,5` reads as the value 0 and a key 5; when the
    text shows a number split that way, it is read again as the number meant.
    """
    if stop.code != "SIS012" or stop.raw is None:
        return None
    from .yamlhelp import flow_comma, line_offsets, number

    offsets = line_offsets(text)
    if stop.line > len(offsets):
        return None
    start = offsets[stop.line - 1]
    end = offsets[stop.line] if stop.line < len(offsets) else len(text)
    found = flow_comma(text[start:end], stop.column - 1, stop.raw)
    comma = start + stop.column - 2
    if found is None or text[comma] != ",":
        return None
    written, column = found
    fixed = re.sub("[ \u00a0\u202f]", "", written).replace(",", ".")
    patched = text[:comma] + "." + text[comma + 1 :]
    return patched, ("SIS103", number(written, fixed), stop.line, column + 1)


def _positions(text: str) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]:
    for _ in range(_MAX_REREADS + 1):
        values: dict[Path, tuple[int, int]] = {}
        keys: dict[Path, tuple[int, int]] = {}
        parser = CParser(text)
        get = parser.get_event
        get()
        get()
        try:
            _build(get, get(), values, keys)
        except _Stop as stop:
            # The same second reading as `parse`, so positions match the data it gave.
            reread = _decimal_comma(text, stop)
            if reread is None:
                raise
            text = reread[0]
            continue
        return values, keys
    raise ValueError("too many decimal commas in brackets")


def _second_look(text: str) -> _Stop | None:
    """The stop of a positions pass, whose message can name where a duplicate key came first."""
    try:
        _positions(text)
    except _Stop as stop:
        return stop
    except Exception:
        return None
    return None


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
    notes: list[Note] = []
    commas: list[Note] = []

    def fail(code: str, message: Said, line: int | None = 1, column: int | None = 1) -> Document:
        # What was noted before the stop is reported too: one mistake does not hide another.
        earlier = {(n[2], n[3]): n for n in (*notes, *commas)}
        return Document(
            path,
            None,
            (
                *(
                    make(c, m, path, ln, col)
                    for c, m, ln, col in sorted(earlier.values(), key=lambda n: n[2:])
                ),
                make(code, message, path, line, column),
            ),
        )

    if len(raw) > max_bytes:
        return fail("SIS007", too_large(max_bytes, len(raw)))
    if raw.startswith(codecs.BOM_UTF8):
        return fail("SIS009", tf("finding.SIS009"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = raw.rfind(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8", "replace")) + 1
        return fail(
            "SIS008",
            tf("finding.SIS008", byte=f"0x{raw[start]:02x}"),
            raw.count(b"\n", 0, start) + 1,
            column,
        )
    source: str | bytes = raw
    try:
        while True:
            notes.clear()
            try:
                # The bytes, already known to be UTF-8: libyaml reads them without a copy (15% faster).
                root = _parse(source, notes)
                break
            except _Stop as stop:
                reread = _decimal_comma(text, stop) if len(commas) < _MAX_REREADS else None
                if reread is None:
                    raise
                text, note = reread
                source = text
                commas.append(note)
    except _Stop as stop:
        message = stop.message
        if stop.code in ("SIS004", "SIS005"):
            from .yamlhelp import special_value

            message = special_value(text, stop.line, stop.column, message)
        elif stop.code == "SIS002":
            again = _second_look(text)
            message = again.message if again is not None and again.code == "SIS002" else message
        return fail(stop.code, message, stop.line, stop.column)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        if "nesting depth" in problem:
            return fail("SIS006", _too_deep(), *where)
        from .yamlhelp import explain

        return fail(*explain(text, error.problem, error.problem_mark, error.context, error.context_mark))
    except ReaderError as error:
        line, column = _line_col(text, min(error.position, len(text)))
        char = error.character
        shown = f"U+{char if isinstance(char, int) else ord(char):04X}"
        return fail("SIS001", tf("finding.SIS001.control", char=shown), line, column)
    except Exception as error:
        return fail("SIS001", tf("finding.SIS001.unreadable", error=type(error).__name__))
    if root is None:
        return fail("SIS010", tf("finding.SIS010"))
    if not isinstance(root, dict):
        if isinstance(root, str) and (glued := re.match(r"([\w-]+):(\S.*)\Z", root)):
            fixed = f"{glued.group(1)}: {glued.group(2)[:40]}"
            return fail("SIS014", tf("finding.SIS014.colon-space", text=root[:40], fixed=fixed))
        return fail("SIS014", tf("finding.SIS014"))
    if not notes and not commas:
        return Document(path, root, (), text)
    found = {(line, column): (code, message) for code, message, line, column in notes}
    found.update({(line, column): (code, message) for code, message, line, column in commas})
    return Document(
        path,
        root,
        tuple(
            make(code, message, path, line, column)
            for (line, column), (code, message) in sorted(found.items())
        ),
        raw.decode("utf-8"),
    )
