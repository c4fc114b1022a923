"""One value changed in place: a record found by kind and id, a field path resolved by the models, the text spliced."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..documents import Document, parse, resolve_plain
from ..errors import UsageError
from ..findings import did_you_mean
from ..kinds import SINGULAR, kind_named
from ..models import LANGUAGES, Commitment, Goal
from ..sources import display_prefix
from . import roundtrip as rt
from .canonical import model_of

SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?")
SINGLE = {"settings": "sisturva.yaml", "strategy": "strategy.yaml"}
ITEM_MODELS: dict[str, type[BaseModel]] = {"commitments": Commitment, "goals": Goal}
"""Kinds whose records are items of a list inside a file, and their models."""
FOLDER_OF = {"goals": "priorities"}


@dataclass(frozen=True)
class Located:
    """A record: its file (repository path), its place in the file's data, and its data."""

    kind: str
    record_id: str
    rel: str
    loc: tuple[str | int, ...]
    doc: Document


@dataclass(frozen=True)
class Edit:
    """One change made by `set_value`: the file's new text, and what to tell the user."""

    rel: str
    text: str
    before: object
    after: object
    field: str
    line: int = 1
    """The line of the changed field in the new text (of its record, when the field is gone)."""


# -- finding the record -------------------------------------------------------------------------


def _read(root: Path, rel: str, prefix: str) -> Document | None:
    path = root / rel
    if path.is_symlink() or not path.is_file():
        return None
    return parse(prefix + rel, path.read_bytes())


def locate(root: Path, kind_text: str, record_id: str, absolute: bool = False) -> Located:
    """The record `record_id` of the kind `kind_text` names; a UsageError (with "did you mean") if none."""
    from ..diff import load_records

    kind = kind_named(kind_text)
    if kind is None:
        choices = sorted({*SINGULAR, *SINGULAR.values()})
        raise UsageError(
            f"unknown kind '{kind_text}'{did_you_mean(kind_text.lower(), choices)}; "
            f"give one of: {', '.join(SINGULAR.values())}"
        )
    prefix = display_prefix(root, absolute)
    if kind in SINGLE:
        rel = SINGLE[kind]
        doc = _read(root, rel, prefix)
        if doc is None:
            raise UsageError(f"{prefix}{rel}: no such file; create it first (sisturva init)")
        return Located(kind, kind, rel, (), doc)
    folder = FOLDER_OF.get(kind, kind)
    base = root / folder
    names = sorted(p.name for p in base.glob("*.yaml")) if base.is_dir() else []
    # The usual case first: the record's own file, or the files that mention its id at all.
    direct = f"{record_id}.yaml"
    needle = record_id.encode()
    candidates = [direct] if direct in names and kind not in ITEM_MODELS else []
    if not candidates:
        candidates = [n for n in names if needle in (base / n).read_bytes()]
    if kind in ITEM_MODELS:
        top = "goals" if kind == "goals" else "commitments"
        for name in candidates:
            raw = (base / name).read_bytes()
            index = _find_index(raw, top, record_id)
            if index is not None:
                # Found from the parser's events alone: a large file is not built into data here.
                rel = f"{folder}/{name}"
                shown = Document(prefix + rel, None, (), raw.decode("utf-8"))
                return Located(kind, record_id, rel, (top, index), shown)
    for group in (candidates, [n for n in names if n not in candidates]):
        docs = [(f"{folder}/{n}", d) for n in group if (d := _read(root, f"{folder}/{n}", prefix))]
        found = load_records(docs).get((kind, record_id))
        if found is not None:
            return Located(kind, record_id, found.rel, found.loc, found.doc)
        if group is candidates and not candidates:
            continue
    everything = [(f"{folder}/{n}", d) for n in names if (d := _read(root, f"{folder}/{n}", prefix))]
    known = sorted(i for k, i in load_records(everything) if k == kind)
    raise UsageError(f"unknown {SINGULAR[kind]} '{record_id}'{did_you_mean(record_id, known)}")


# -- the field path -----------------------------------------------------------------------------


def parse_field(text: str) -> list[tuple[str, str | None]]:
    """`resources[2024/26.10.01].euros` → [("resources", "2024/26.10.01"), ("euros", None)]."""
    segments: list[tuple[str, str | None]] = []
    at = 0
    while True:
        found = SEGMENT.match(text, at)
        if found is None:
            raise UsageError(
                f"'{text}' is not a field path; write it as sisturva diff prints fields, "
                "e.g. status, title.sv, resources[2024/26.10.01].euros"
            )
        segments.append((found.group(1), found.group(2)))
        at = found.end()
        if at == len(text):
            return segments
        if text[at] != ".":
            raise UsageError(f"'{text}': expected '.' after '{text[:at]}'")
        at += 1


def _record_model(located: Located) -> type[BaseModel]:
    if located.kind in ITEM_MODELS:
        return ITEM_MODELS[located.kind]
    model = model_of(located.rel)
    assert model is not None
    return model


def _lookup(data: Any, model: type[BaseModel], segments: Sequence[tuple[str, str | None]]) -> object:
    """The value at the field path in the reader's data, or None when absent."""
    node = data
    for name, key in segments:
        if not isinstance(node, dict):
            return None
        shape = rt.shape(model, name) if model is not None else None
        node = node.get(name)
        if key is not None:
            keys = shape.keys if shape is not None else ()
            index = rt.find_item(node, keys, key) if isinstance(node, list) and keys else None
            node = node[index] if isinstance(node, list) and index is not None else None
        if shape is not None and shape.model is not None:
            model = shape.model
    return node


def _lookup_text(
    data: Any, model: type[BaseModel], segments: Sequence[tuple[str, str | None]], first: str
) -> object:
    *head, (last, _) = segments
    if head and last in LANGUAGES:
        parent = _lookup(data, model, head)
        if isinstance(parent, str):
            return parent if last == first else None
        return parent.get(last) if isinstance(parent, dict) else None
    return _lookup(data, model, segments)


def _typed(value: str, shape: rt.Shape) -> object:
    """The value typed on the command line, read as the reader reads YAML where the field wants it."""
    if shape.list and shape.model is None:
        doc = parse("VALUE", f"v: {value}\n".encode())
        items = doc.data.get("v") if doc.data else None
        if not isinstance(items, list):
            raise UsageError(f"'{value}': give the list in brackets, e.g. [p1-g1, p1-g2]")
        seq = rt.CommentedSeq(rt.scalar(i) if isinstance(i, str) else i for i in items)
        seq.fa.set_flow_style()
        return seq
    if shape.text and not shape.number:
        return rt.scalar(value, shape.line)
    resolved = resolve_plain(value)
    return rt.scalar(resolved) if isinstance(resolved, str) else resolved


def _new_item(items: Any, keys: Sequence[str], key: str, model: type[BaseModel]) -> Any:
    parts = key.split("/")
    if len(parts) != len(keys):
        raise UsageError(f"'[{key}]': give the item's {'/'.join(keys)}, e.g. [2024/26.10.01]"[:200])
    item = rt.CommentedMap()
    for name, part in zip(keys, parts, strict=True):
        shape = rt.shape(model, name)
        item[name] = _typed(part, shape) if shape is not None else part
    if any(isinstance(other, rt.CommentedMap) and other.fa.flow_style() for other in items):
        item.fa.set_flow_style()
    return item


def _insert_item(items: Any, item: Any, keys: Sequence[str]) -> int:
    """Put a new item where the natural order (by year, then id) puts it, when the list is in that order."""
    order = rt.natural_order(items, keys)
    mine = rt.sort_key(item, keys)
    position = len(items)
    if order == list(range(len(items))) and mine is not None:
        for index, other in enumerate(items):
            theirs = rt.sort_key(other, keys)
            if theirs is not None and theirs > mine:
                position = index
                break
    items.insert(position, item)
    return position


def apply(
    node: Any,
    model: type[BaseModel],
    segments: Sequence[tuple[str, str | None]],
    value: str | None,
    languages: Sequence[str],
    field: str,
) -> None:
    """Set (or, with `value` None, remove) the field at `segments` in the round-trip tree `node`."""
    for index, (name, key) in enumerate(segments):
        last = index == len(segments) - 1
        shape = rt.shape(model, name)
        if shape is None:
            names = rt.field_names(model)
            raise UsageError(
                f"'{field}': {model.__name__} has no field '{name}'{did_you_mean(name, names)}; "
                f"its fields are {', '.join(names)}"
            )
        if key is not None:
            if not shape.keys or shape.model is None:
                raise UsageError(f"'{field}': {name} is not a list of records; leave out [{key}]")
            items = node.get(name)
            if items is None:
                if value is None:
                    return
                items = rt.CommentedSeq()
                rt.insert_key(node, name, items, rt.field_names(model))
            at = rt.find_item(items, shape.keys, key)
            if at is None:
                if value is None:
                    known = [k for k in (rt.key_text(i, shape.keys) for i in items) if k]
                    raise UsageError(f"'{field}': no {name}[{key}]{did_you_mean(key, known)}")
                at = _insert_item(items, _new_item(items, shape.keys, key, shape.model), shape.keys)
            if last:
                if value is not None:
                    example = rt.field_names(shape.model)[-1]
                    raise UsageError(
                        f"'{field}' is a whole record; name one of its fields, e.g. {field}.{example}"
                    )
                del items[at]
                return
            node, model = items[at], shape.model
            continue
        if last:
            if value is None:
                if name in node:
                    rt.remove_key(node, name)
                return
            if shape.model is not None and not shape.text:
                example = rt.field_names(shape.model)[0]
                raise UsageError(f"'{field}' is a group of fields; name one of them, e.g. {field}.{example}")
            rt.insert_key(node, name, _typed(value, shape), rt.field_names(model))
            return
        if shape.text and shape.model is None:
            lang, sub = segments[index + 1]
            if lang not in LANGUAGES or sub is not None or index + 2 != len(segments):
                raise UsageError(
                    f"'{field}': after {name} comes a language, one of {', '.join(LANGUAGES)}, e.g. {name}.sv"
                )
            _set_text(node, name, lang, value, languages, model)
            return
        if shape.model is None or shape.list:
            raise UsageError(f"'{field}': {name} has no fields inside it; set {name} itself")
        child = node.get(name)
        if child is None:
            if value is None:
                return
            child = rt.CommentedMap()
            rt.insert_key(node, name, child, rt.field_names(model))
        if not isinstance(child, dict):
            raise UsageError(f"'{field}': {name} is not a mapping in the file; set {name} itself")
        node, model = child, shape.model


def _set_text(
    node: Any, name: str, lang: str, value: str | None, languages: Sequence[str], model: type[BaseModel]
) -> None:
    order = rt.language_order(languages)
    current = node.get(name)
    first = order[0]
    if value is None:
        if isinstance(current, dict) and lang in current:
            rt.remove_key(current, lang)
            if not current:
                rt.remove_key(node, name)
        elif isinstance(current, str) and lang == first:
            rt.remove_key(node, name)
        return
    new = rt.scalar(value)
    if (current is None and lang == first) or (isinstance(current, str) and lang == first):
        rt.insert_key(node, name, new, rt.field_names(model))
        return
    if not isinstance(current, dict):
        # A plain string is text in the first language: it becomes that language's entry.
        mapping = rt.CommentedMap()
        if isinstance(current, str):
            mapping[first] = current
        rt.insert_key(node, name, mapping, rt.field_names(model))
        # The end-of-line comment was about the text: it follows the text to its new line.
        entry = node.ca.items.get(name)
        if isinstance(current, str) and entry and len(entry) > 2 and entry[2] is not None:
            mapping.ca.items[first] = [None, None, entry[2], None]
            entry[2] = None
        current = mapping
    rt.insert_key(current, lang, new, order)


# -- splicing the change into the text ----------------------------------------------------------


def _item_lines(raw: bytes, top_key: str, index: int) -> tuple[int, int, int] | None:
    """The first and last line (0-based) and the content column of item `index` of list `top_key`.

    Read from the fast parser's events; None where the item is not a block mapping in a block list.
    """
    import yaml
    from yaml._yaml import CParser

    parser = CParser(raw)
    depth = 0
    state = "key"
    found_key = False
    item = -1
    first = column = last = -1
    inside = 0
    flows: list[bool] = []
    while True:
        event: Any = parser.get_event()
        if event is None or isinstance(event, yaml.StreamEndEvent):
            return None
        kind = type(event)
        if kind in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent):
            continue
        opens = kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        closes = kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        if inside:
            flow_end = False
            if opens:
                inside += 1
                flows.append(bool(event.flow_style))
            elif closes:
                inside -= 1
                flow_end = bool(flows.pop()) if flows else False
            # A block collection ends where the next token starts (maybe lines below): only scalars
            # and the closing brackets of flow collections mark where the item's text ends.
            if kind is yaml.ScalarEvent or flow_end:
                mark = event.end_mark
                end = mark.line - 1 if mark.column == 0 else mark.line
                last = max(last, end)
            if inside == 0:
                return first, last, column
            continue
        if depth == 1 and kind is yaml.ScalarEvent and state == "key":
            found_key = event.value == top_key
            state = "value"
            continue
        if depth == 1 and state == "value":
            state = "key"
            if found_key:
                if kind is not yaml.SequenceStartEvent or event.flow_style:
                    return None
                depth = 2
                continue
        if depth == 2:
            if closes:
                return None
            item += 1
            if item == index:
                if kind is not yaml.MappingStartEvent or event.flow_style:
                    return None
                first, column, inside = event.start_mark.line, event.start_mark.column, 1
                continue
            if opens:
                # Skip a whole item that is not the one.
                level = 1
                while level:
                    skipped = type(parser.get_event())
                    if skipped in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                        level += 1
                    elif skipped in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                        level -= 1
            continue
        if opens:
            depth += 1
            if depth > 1 and depth != 2:
                # A nested value of another top-level key: skip it whole.
                level = 1
                while level:
                    skipped = type(parser.get_event())
                    if skipped in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                        level += 1
                    elif skipped in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                        level -= 1
                depth -= 1
                state = "key"
        elif closes:
            depth -= 1
        elif depth == 1 and state == "value":
            state = "key"


def _find_index(raw: bytes, top_key: str, record_id: str) -> int | None:
    """The index of the item of list `top_key` whose first key is `id: record_id`, from parser events.

    None when it is not found that way: the caller then reads the file whole.
    """
    import yaml
    from yaml._yaml import CParser

    try:
        raw.decode("utf-8")
        parser = CParser(raw)
        get = parser.get_event
        opens = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        closes = (yaml.MappingEndEvent, yaml.SequenceEndEvent)

        def skip() -> None:
            level = 1
            while level:
                kind = type(get())
                if kind in opens:
                    level += 1
                elif kind in closes:
                    level -= 1

        while type(get()) is not yaml.MappingStartEvent:
            pass
        while True:
            key = get()
            if type(key) is not yaml.ScalarEvent:
                return None
            value = get()
            if key.value != top_key:
                if type(value) in opens:
                    skip()
                continue
            if type(value) is not yaml.SequenceStartEvent:
                return None
            index = 0
            while True:
                item = get()
                if type(item) is not yaml.MappingStartEvent:
                    return None
                first, second = get(), get()
                if type(first) is not yaml.ScalarEvent or first.value != "id":
                    return None
                if type(second) is yaml.ScalarEvent and second.value == record_id:
                    return index
                if type(second) in opens:
                    skip()
                skip()
                index += 1
    except Exception:  # a file the fast parser cannot read: the slow path reports it
        return None


def _fragment(text: str, raw: bytes, loc: tuple[str | int, ...]) -> tuple[int, int, int, str] | None:
    """The lines of the list item at `loc` as a document of its own: first line, last line, indent, text."""
    if len(loc) != 2 or not isinstance(loc[0], str) or not isinstance(loc[1], int):
        return None
    found = _item_lines(raw, loc[0], loc[1])
    if found is None:
        return None
    first, last, column = found
    lines = text.split("\n")
    head = lines[first]
    if column < 2 or head[: column - 2].strip() or head[column - 2 : column] != "- ":
        return None
    body = [" " * column + head[column:], *lines[first + 1 : last + 1]]
    if any(line.strip() and not line.startswith(" " * column) for line in body):
        return None  # a line less indented than the item (a comment at the margin): not cut out
    return first, last, column, "\n".join(line[column:] for line in body) + "\n"


def set_value(
    root: Path,
    located: Located,
    field: str,
    value: str | None,
    languages: Sequence[str],
) -> Edit:
    """The new text of the record's file with `field` set to `value` (None: removed)."""
    segments = parse_field(field)
    model = _record_model(located)
    doc = located.doc
    if doc.text is None:
        raise UsageError(f"{doc.path}: the file cannot be read as YAML; fix it first (see sisturva validate)")
    text = doc.text
    first_lang = rt.language_order(languages)[0]
    piece = _fragment(text, text.encode(), located.loc)
    if piece is None and doc.data is None:
        doc = parse(doc.path, text.encode())
        if doc.data is None:
            raise UsageError(
                f"{doc.path}: the file cannot be read as YAML; fix it first (see sisturva validate)"
            )
    if piece is not None:
        first, last, column, fragment = piece
        old_piece = parse(doc.path, fragment.encode())
        before = _lookup_text(old_piece.data, model, segments, first_lang)
        tree = rt.load(fragment)
        apply(tree, model, segments, value, languages, field)
        out = rt.dump(tree)
        dash = " " * (column - 2) + "- "
        lines = [(" " * column + line if line else line) for line in out.rstrip("\n").split("\n")]
        lines[0] = dash + lines[0][column:]
        old = text.split("\n")
        new_text = "\n".join([*old[:first], *lines, *old[last + 1 :]])
        # Only the record's own text is read again, for the value and line to report.
        loc: tuple[str | int, ...] = ()
        after_doc, offset = parse(doc.path, out.encode()), first
    else:
        before = _lookup_text(_node(doc.data, located.loc), model, segments, first_lang)
        tree = rt.load(text)
        target = _node(tree, located.loc)
        apply(target, model, segments, value, languages, field)
        new_text = rt.dump(tree)
        after_doc, offset, loc = parse(doc.path, new_text.encode()), 0, located.loc
    after_record = _node(after_doc.data, loc) if after_doc.data is not None else None
    after = _lookup_text(after_record, model, segments, first_lang)
    line = offset + _line_of(after_doc, loc, segments)
    return Edit(located.rel, new_text, before, after, field, line)


def _line_of(doc: Document, loc: tuple[str | int, ...], segments: Sequence[tuple[str, str | None]]) -> int:
    """The line of the field at `segments` (or of the nearest part of it still there) in `doc`."""
    path: list[str | int] = list(loc)
    node: Any = _node(doc.data, loc) if doc.data is not None else None
    for name, key in segments:
        if not isinstance(node, dict) or name not in node:
            break
        path.append(name)
        node = node[name]
        if key is not None and isinstance(node, list):
            index = rt.find_item(node, rt.KEYS.get(name, ()), key)
            if index is None:
                break
            path.append(index)
            node = node[index]
    line, _ = doc.locate(tuple(path), key=True)
    return line or 1


def _node(data: Any, loc: Sequence[str | int]) -> Any:
    node = data
    for step in loc:
        node = node[step]
    return node


def languages_of(root: Path) -> list[str]:
    """The repository's languages, as `sisturva.yaml` lists them (fi when it cannot be read)."""
    path = root / "sisturva.yaml"
    try:
        doc = parse("sisturva.yaml", path.read_bytes())
    except OSError:
        return ["fi"]
    found = doc.data.get("languages") if doc.data else None
    if isinstance(found, list) and found and all(isinstance(x, str) and x in LANGUAGES for x in found):
        return list(found)
    return ["fi"]


__all__ = ["Edit", "Located", "apply", "languages_of", "locate", "parse_field", "set_value"]
