"""The canonical form of a strategy file: what `fmt` writes, and a fast check that a file already has it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from ..documents import resolve_plain
from ..models import FOLDERS, SCHEMA_NAMES, SINGLE_FILES
from . import roundtrip as rt

MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S*)\s*$")


def model_of(rel: str) -> type[BaseModel] | None:
    """The model of the file at repository path `rel`, or None for a path the layout does not know."""
    if rel in SINGLE_FILES:
        return SINGLE_FILES[rel]
    folder, _, name = rel.partition("/")
    if folder in FOLDERS and name.endswith(".yaml") and "/" not in name:
        return FOLDERS[folder]
    return None


def _schema_file(rel: str) -> str:
    model = model_of(rel)
    name = next(n for n, m in SCHEMA_NAMES.items() if m is model)
    return f"{name}.schema.json"


def modeline(rel: str, first_line: str, settings_line: str = "") -> str:
    """The schema modeline `rel` should start with.

    The folder its present modeline names is kept (a repository may keep its schemas anywhere);
    a file without one gets the folder `sisturva.yaml`'s modeline names, else `schemas/` at the root.
    """
    depth = rel.count("/")
    found = MODELINE.match(first_line)
    if found and "/" in found.group(1):
        folder = found.group(1).rsplit("/", 1)[0] + "/"
    elif found:
        folder = ""
    else:
        root = MODELINE.match(settings_line)
        base = root.group(1).rsplit("/", 1)[0] + "/" if root and "/" in root.group(1) else "schemas/"
        folder = "../" * depth + base
    return f"# yaml-language-server: $schema={folder}{_schema_file(rel)}"


# -- writing the canonical form -----------------------------------------------------------------


FLOW_ITEMS = 10
"""A `[…]` list of more values than this is written one value a line: a line of 23 member ids is
neither read nor reviewed well, and a change to one of them is then a one-line diff."""


def _long_flow(node: Any) -> bool:
    """Whether a list of values written as `[…]` is too long for one line (see `FLOW_ITEMS`)."""
    return node[0] == "l" and node[1] and len(node[2]) > FLOW_ITEMS and all(i[0] == "s" for i in node[2])


def _canon(node: Any, model: type[BaseModel], languages: Sequence[str]) -> None:
    rt.reorder(node, rt.field_names(model))
    for key in list(node):
        shape = rt.shape(model, key)
        value = node[key]
        if shape is None:
            continue  # a key the model does not know is left as written (it is a finding of its own)
        if isinstance(value, dict):
            if shape.model is not None and not shape.list:
                _canon(value, shape.model, languages)
            elif shape.text and rt.is_texts(value):
                rt.reorder(value, rt.language_order(languages))
                for lang in list(value):
                    value[lang] = rt.scalar(value[lang])
        elif isinstance(value, list):
            if shape.model is not None:
                for item in value:
                    if isinstance(item, dict):
                        _canon(item, shape.model, languages)
                order = rt.natural_order(value, shape.keys) if shape.keys else None
                if order is not None:
                    rt.resort(value, order)
            else:
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        value[index] = rt.scalar(item, shape.line)
                style: Any = getattr(value, "fa", None)  # ruamel's format attributes of the list
                if len(value) > FLOW_ITEMS and style is not None and style.flow_style():
                    style.set_block_style()
        elif isinstance(value, str):
            node[key] = rt.scalar(value, shape.line)


def format_text(rel: str, text: str, languages: Sequence[str], settings_line: str = "") -> str:
    """The canonical text of the file at `rel`; RoundTripError where it does not parse."""
    model = model_of(rel)
    data = rt.load(text, preserve_quotes=False)
    if model is not None and isinstance(data, dict):
        _canon(data, model, languages)
    out = rt.dump(data)
    if model is None:
        return out
    first, _, rest = out.partition("\n")
    line = modeline(rel, text.partition("\n")[0], settings_line)
    if MODELINE.match(first):
        return f"{line}\n{rest}"
    return f"{line}\n{out}"


# -- knowing the canonical form without the round trip ------------------------------------------
#
# ruamel's round trip costs about 19 times the fast reader's parse, so a file is first checked from
# libyaml's events: the text that `format_text` would give is rebuilt from them without comments,
# and compared with the file line by line, comment lines and end-of-line comments aside (the round
# trip keeps those as they are). Only what this check is sure of counts: a value whose canonical
# spelling it cannot tell (a text starting with a digit, a block scalar, an escape) makes the
# answer "not known", and the file is round-tripped instead.


class _Unknown(Exception):
    """The check cannot tell what the canonical spelling of something is."""


_EVENTS: dict[str, Any] = {}


def _event_types() -> dict[str, Any]:
    if not _EVENTS:
        import yaml

        _EVENTS.update(
            scalar=yaml.ScalarEvent,
            map=yaml.MappingStartEvent,
            seq=yaml.SequenceStartEvent,
            map_end=yaml.MappingEndEvent,
            seq_end=yaml.SequenceEndEvent,
        )
    return _EVENTS


_PLAIN_START = re.compile(r"[^\W\d_]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ]")
_CONSTANTS = {"true": "true", "false": "false"}
MAX_PLAIN = 1000


def _safe(text: str) -> bool:
    return text.isprintable() and '"' not in text and "\\" not in text and "\ufeff" not in text


def _plain_allowed(text: str, flow: bool) -> bool:
    """Whether ruamel writes this text unquoted; False where unsure."""
    if not text or len(text) > MAX_PLAIN or not _safe(text) or text != text.strip():
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    first = text[0]
    if _PLAIN_START.match(first):
        return True
    if first.isdigit():
        # Text starting with a digit is plain only when no YAML 1.2 number or time could be read in it.
        return " " in text and not _DATE_TIME.match(text)
    return False


def _needs_quotes(text: str) -> bool:
    """Whether ruamel surely quotes this text (safe characters only)."""
    if not _safe(text) or len(text) > MAX_PLAIN:
        return False
    return (
        not text
        or text[0] in _INDICATORS
        or text != text.strip()
        or ": " in text
        or " #" in text
        or text.endswith(":")
    )


def _scalar(event: Any, flow: bool, line_id: bool) -> str:
    value: str = event.value
    if event.style is None or event.style == "":
        resolved = resolve_plain(value)
        if resolved is None:
            if value == "":
                return ""
            raise _Unknown
        if isinstance(resolved, bool):
            return _CONSTANTS.get(value, "\0")  # `True`: rewritten as `true`
        if resolved is not value:
            if _NUMBER.match(value) or _DATE.match(value):
                return "\0" if line_id else value
            raise _Unknown
        # Text, unquoted.
        if line_id:
            return "\0"
        if _plain_allowed(value, flow):
            return value
        if _needs_quotes(value):
            return "\0"
        raise _Unknown
    if event.style in ("'", '"'):
        if not _safe(value):
            raise _Unknown
        quoted = line_id or not value or resolve_plain(value) is not value or _needs_quotes(value)
        if quoted:
            return f'"{value}"'
        if _plain_allowed(value, flow):
            return value
        raise _Unknown
    raise _Unknown  # a block scalar: the round trip decides


class _Builder:
    """Rebuilds the canonical lines from the events of one document."""

    def __init__(self, events: list[Any], languages: Sequence[str]) -> None:
        self.events = events
        self.pos = 0
        self.languages = rt.language_order(languages)
        self.lines: list[str] = []
        self.kinds = _event_types()

    def next(self) -> Any:
        event = self.events[self.pos]
        self.pos += 1
        return event

    # A node as a nested structure: ("s", event) | ("m", flow, [(key, node)]) | ("l", flow, [node]).
    def node(self) -> Any:
        event = self.next()
        kind = type(event)
        if kind is self.kinds["scalar"]:
            return ("s", event)
        if kind is self.kinds["map"]:
            pairs: list[tuple[str, Any]] = []
            while type(self.events[self.pos]) is not self.kinds["map_end"]:
                key = self.next()
                if type(key) is not self.kinds["scalar"] or key.style or not _plain_allowed(key.value, False):
                    raise _Unknown
                pairs.append((key.value, self.node()))
            self.pos += 1
            return ("m", bool(event.flow_style), pairs)
        if kind is self.kinds["seq"]:
            items: list[Any] = []
            while type(self.events[self.pos]) is not self.kinds["seq_end"]:
                items.append(self.node())
            self.pos += 1
            return ("l", bool(event.flow_style), items)
        raise _Unknown

    def flow(self, node: Any, shape: rt.Shape | None, model: type[BaseModel] | None) -> str:
        if node[0] == "s":
            return _scalar(node[1], True, bool(shape and shape.line))
        if node[0] == "m":
            self.check_map(node, model, shape)
            parts = []
            for key, value in node[2]:
                sub = rt.shape(model, key) if model is not None else None
                inner = sub.model if sub is not None else None
                parts.append(f"{key}: {self.flow(value, sub, inner)}")
            return "{" + ", ".join(parts) + "}"
        self.check_list(node, shape)
        item_model = shape.model if shape is not None else None
        item_shape = shape if shape is not None and not shape.model else None
        return "[" + ", ".join(self.flow(item, item_shape, item_model) for item in node[2]) + "]"

    def check_map(self, node: Any, model: type[BaseModel] | None, shape: rt.Shape | None) -> None:
        keys = [key for key, _ in node[2]]
        if model is not None:
            order = rt.field_names(model)
        elif shape is not None and shape.text and keys and all(k in self.languages for k in keys):
            order = self.languages
        else:
            return
        rank = {name: i for i, name in enumerate(order)}
        wanted = sorted(keys, key=lambda k: (rank.get(k, len(order)), keys.index(k)))
        if wanted != keys:
            self.lines.append("\0")  # out of order: not canonical

    def check_list(self, node: Any, shape: rt.Shape | None) -> None:
        if shape is None or not shape.keys:
            return
        items = [self.plain(item) for item in node[2]]
        order = rt.natural_order(items, shape.keys)
        if order is not None and order != list(range(len(items))):
            self.lines.append("\0")

    def plain(self, node: Any) -> object:
        """A node's keys' values as the reader resolves them (only what ordering needs)."""
        if node[0] != "m":
            return None
        return {
            key: resolve_plain(value[1].value)
            for key, value in node[2]
            if value[0] == "s" and not value[1].style
        } | {key: value[1].value for key, value in node[2] if value[0] == "s" and value[1].style}

    def block_map(
        self, node: Any, indent: int, model: type[BaseModel] | None, first: str | None = None
    ) -> None:
        self.check_map(node, model, None)
        for index, (key, value) in enumerate(node[2]):
            lead = first if index == 0 and first is not None else " " * indent
            shape = rt.shape(model, key) if model is not None else None
            inner = shape.model if shape is not None else None
            if value[0] == "s":
                text = _scalar(value[1], False, bool(shape and shape.line))
                self.lines.append(f"{lead}{key}:" + (f" {text}" if text else ""))
            elif value[1] and not (shape is not None and not shape.model and _long_flow(value)):  # flow
                self.lines.append(f"{lead}{key}: {self.flow(value, shape, inner)}")
            elif value[0] == "m":
                self.lines.append(f"{lead}{key}:")
                text_map = shape is not None and shape.text and not inner
                self.block_map(value, indent + 2, inner, None) if not text_map else self.text_map(
                    value, indent + 2, shape
                )
            else:
                self.lines.append(f"{lead}{key}:")
                self.block_list(value, indent + 2, shape)

    def text_map(self, node: Any, indent: int, shape: rt.Shape | None) -> None:
        self.check_map(node, None, shape)
        for key, value in node[2]:
            if value[0] != "s":
                raise _Unknown
            text = _scalar(value[1], False, False)
            self.lines.append(f"{' ' * indent}{key}:" + (f" {text}" if text else ""))

    def block_list(self, node: Any, indent: int, shape: rt.Shape | None) -> None:
        self.check_list(node, shape)
        model = shape.model if shape is not None else None
        for item in node[2]:
            dash = " " * indent + "- "
            if item[0] == "s":
                self.lines.append(dash + _scalar(item[1], False, bool(shape and shape.line)))
            elif item[1]:
                self.lines.append(dash + self.flow(item, None, model))
            elif item[0] == "m" and item[2]:
                self.block_map(item, indent + 2, model, dash)
            else:
                raise _Unknown


def known_canonical(rel: str, raw: bytes, languages: Sequence[str], settings_line: str = "") -> bool:
    """Whether the file is surely in canonical form (`format_text` would return it unchanged).

    False means "not known": the file may still be canonical, which the round trip then tells.
    """
    model = model_of(rel)
    if model is None or b"\t" in raw or b"\r" in raw or not raw.endswith(b"\n") or raw.endswith(b"\n\n"):
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    first = text.partition("\n")[0]
    if first != modeline(rel, first, settings_line):
        return False
    try:
        lines = _canonical_lines(raw, model, languages)
    except _Unknown:
        return False
    except Exception:  # any parse error: the round trip reports it properly
        return False
    if "\0" in "".join(lines):
        return False
    return _same_but_comments(text.split("\n")[1:-1], lines)


def _canonical_lines(raw: bytes, model: type[BaseModel], languages: Sequence[str]) -> list[str]:
    import yaml
    from yaml._yaml import CParser

    parser = CParser(raw)
    get = parser.get_event
    events: list[Any] = []
    append = events.append
    scalar, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    # One comparison per event in the usual case: this loop is most of the check's time.
    while True:
        event: Any = get()
        kind = type(event)
        if kind is scalar:
            if event.anchor is not None or event.tag is not None:
                raise _Unknown
            append(event)
        elif kind is map_end or kind is seq_end:
            append(event)
        elif kind is map_start or kind is seq_start:
            if event.anchor is not None or (event.tag is not None and not event.implicit):
                raise _Unknown
            append(event)
        elif kind is yaml.StreamEndEvent or event is None:
            break
        elif kind is yaml.DocumentStartEvent:
            if event.explicit or event.version or event.tags:
                raise _Unknown
        elif kind is yaml.DocumentEndEvent:
            if event.explicit:
                raise _Unknown
        elif kind is not yaml.StreamStartEvent:
            raise _Unknown  # an alias
    builder = _Builder(events, languages)
    root = builder.node()
    if builder.pos != len(events) or root[0] != "m" or root[1]:
        raise _Unknown
    builder.block_map(root, 0, model)
    return builder.lines


_COMMENT = re.compile(r"[ ]*(?:#.*)?\Z")
_TRAILING = re.compile(r"[ ]+#.*\Z")


def _same_but_comments(have: list[str], want: list[str]) -> bool:
    """Whether the file's lines are the canonical ones, give or take comments and blank lines.

    A comment may stand on a line of its own, or at the end of a canonical line.
    """
    at = 0
    for line in have:
        if at < len(want) and line.startswith(want[at]):
            rest = line[len(want[at]) :]
            if not rest or _TRAILING.match(rest):
                at += 1
                continue
        if _COMMENT.match(line) and not line.endswith(" "):
            continue
        return False
    return at == len(want)


__all__ = ["MODELINE", "format_text", "known_canonical", "model_of", "modeline"]
