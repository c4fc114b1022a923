"""The semantic diff: records matched by kind and id, nested lists by key, money and findings compared."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from .findings import Finding
from .layout import FOLDER_NAMES, SINGLE_FILE_NAMES

if TYPE_CHECKING:  # the models and the aggregate are imported only by commands that validate
    from .documents import Document
    from .documents import Path as DataPath
    from .strategy import Strategy

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")

ChangeKind = Literal["added", "removed", "modified", "renamed"]

KINDS: tuple[str, ...] = (
    "settings",
    "strategy",
    "organisations",
    "phenomena",
    "indicators",
    "priorities",
    "goals",
    "commitments",
    "budgets",
)
"""Record kinds in the order reports list them."""

KEYS: dict[str, tuple[str, ...]] = {
    "goals": ("id",),
    "subgroups": ("id",),
    "resources": ("year", "budget_line"),
    "observations": ("year",),
    "lines": ("id",),
    "amounts": ("year",),
    "performance_targets": ("id",),
    "person_years": ("year",),
}
"""Lists of records inside a record, matched by these keys (never by position)."""
ORDERED: frozenset[str] = frozenset({"tasks"})
"""Lists whose order means something; every other list of ids is compared as a set."""
MONEY: frozenset[str] = frozenset({"euros", "allocated", "person_years", "available"})
"""Numeric fields whose change is shown as a signed delta."""
_ID_FIELDS = ("id", "previous_ids")


@dataclass(frozen=True)
class FieldChange:
    """One leaf field that differs: its dotted path, the value before and after, and a money delta."""

    field: str
    """E.g. `title.fi`, `resources[2024/26.10.01].euros`."""
    before: Any
    after: Any
    delta: Decimal | None = None
    """after − before, for money and person-years."""


@dataclass(frozen=True)
class RecordChange:
    """A record added, removed, modified or renamed."""

    kind: str
    id: str
    change: ChangeKind
    path: str
    """The file as the user would type it (the head's file, or the base's for a removed record)."""
    line: int | None
    fields: tuple[FieldChange, ...]
    title: str = ""
    """The record's name, title or action in the default language, for people."""
    previous_id: str | None = None
    """For a renamed record: its id before."""
    organisation: str | None = None
    """The organisation that owns the record, when it has one."""


@dataclass(frozen=True)
class MoneyRow:
    """Committed euros and person-years of one organisation in one year, before and after."""

    organisation: str
    year: int
    euros_before: Decimal
    euros_after: Decimal
    person_years_before: Decimal
    person_years_after: Decimal

    @property
    def euros_delta(self) -> Decimal:
        """After − before."""
        return self.euros_after - self.euros_before

    @property
    def person_years_delta(self) -> Decimal:
        """After − before."""
        return self.person_years_after - self.person_years_before


@dataclass(frozen=True)
class Section:
    """An extra part of a diff or review report, e.g. budget alignment; every format shows it generically."""

    key: str
    """JSON key of `data`, e.g. `alignment`."""
    title: str
    """Heading for people."""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    """Cells already formatted for people."""
    data: Any = None
    """The JSON value."""
    notes: tuple[str, ...] = ()
    """Lines of text shown under the table."""


@dataclass(frozen=True)
class Revision:
    """A side of a comparison: a commit, or the work tree, or the index."""

    spec: str
    """As the user gave it (or `(working tree)`, `(index)`)."""
    commit: str | None
    """The commit's object id; None for the work tree and the index."""

    def as_dict(self) -> dict[str, str | None]:
        """The `base`/`head` object of the JSON contract."""
        return {"revision": self.spec, "commit": self.commit}


@dataclass(frozen=True)
class Comparison:
    """Everything a change does, as data: what `diff` and `review` present."""

    base: Revision
    head: Revision
    changes: tuple[RecordChange, ...]
    money: tuple[MoneyRow, ...]
    introduced: tuple[Finding, ...] = ()
    resolved: tuple[Finding, ...] = ()
    findings_checked: bool = True
    """False when findings were not compared (`--no-findings`)."""
    changed_paths: tuple[str, ...] = ()
    """Record files that differ, as the user would type them."""
    sections: tuple[Section, ...] = field(default_factory=tuple)


# -- records as plain data --------------------------------------------------------------------------


DEFAULTS: dict[str, dict[str, Any]] = {
    "commitments": {"status": "planned", "progress": 0, "example": False},
    "goals": {"status": "active", "example": False},
    "indicators": {"frequency_years": 1, "example": False},
    "settings": {"languages": ["fi"], "required_languages": ["fi"], "currency": "EUR"},
    "resources": {"euros": 0, "person_years": 0},
    "observations": {"comparable": True},
    "record": {"example": False},
}
"""Values a model assumes when a key is left out (tested against the models): absent and default are equal."""
_RECORD_KINDS = ("organisations", "phenomena", "priorities", "budgets", "strategy")


def plain(value: Any, context: str = "") -> Any:
    """Parsed YAML data made comparable: empty values and defaults left out, so absent equals default."""
    if isinstance(value, dict):
        defaults = DEFAULTS.get(context) or (DEFAULTS["record"] if context in _RECORD_KINDS else {})
        out: dict[str, Any] = {}
        for key, item in value.items():
            clean = plain(item, str(key))
            if clean is None or clean == [] or clean == {}:
                continue
            if key in defaults and clean == defaults[key] and type(clean) is type(defaults[key]):
                continue
            out[str(key)] = clean
        return out
    if isinstance(value, list):
        return [plain(item, context) for item in value]
    return value


def kind_of(rel: str) -> str | None:
    """The file kind of a repository path (`sisturva`, `strategy` or a folder name), or None."""
    if rel in SINGLE_FILE_NAMES:
        return rel[:-5]
    folder, _, name = rel.partition("/")
    if folder in FOLDER_NAMES and name.endswith(".yaml") and "/" not in name:
        return folder
    return None


class Record:
    """One record of one revision, as parsed (not validated: a diff shows what changed even in a broken record)."""

    __slots__ = ("_data", "doc", "extra", "kind", "loc", "organisation", "raw", "rel")

    def __init__(
        self,
        kind: str,
        rel: str,
        doc: Document,
        loc: DataPath,
        raw: dict[str, Any],
        organisation: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.rel = rel
        self.doc = doc
        self.loc = loc
        self.raw = raw
        self.organisation = organisation
        self.extra = dict(extra or {})
        self._data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        """The record as comparable data (see `plain`), with extra fields such as its organisation."""
        if self._data is None:
            raw = (
                {k: v for k, v in self.raw.items() if k != "goals"} if self.kind == "priorities" else self.raw
            )
            data: dict[str, Any] = plain(raw, self.kind)
            data.update(self.extra)
            self._data = data
        return self._data

    @property
    def path(self) -> str:
        """The file as the user would type it."""
        return self.doc.path

    @property
    def line(self) -> int | None:
        """The record's line in its file."""
        if not self.loc:
            return 1
        # A text scan for `id: X` finds a listed record without parsing the file again for
        # positions; the parser's answer is used whenever the scan is not unambiguous.
        record_id = self.raw.get("id")
        text = self.doc.text
        if isinstance(record_id, str) and text is not None:
            pattern = re.compile(
                r"^[ \t-]*id:[ \t]*([\"']?)" + re.escape(record_id) + r"\1[ \t]*(?:#.*)?$", re.M
            )
            found = pattern.findall(text)
            if len(found) == 1:
                match = pattern.search(text)
                assert match is not None
                return text.count("\n", 0, match.start()) + 1
        return self.doc.locate(self.loc)[0]

    def same(self, other: Record) -> bool:
        """Whether two versions hold the same content (cheap: the parsed data as it is)."""
        if self.kind == "priorities":
            return self.data == other.data
        return self.raw == other.raw and self.extra == other.extra


Records = dict[tuple[str, str], Record]


def _text_id(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def load_records(docs: Iterable[tuple[str, Document]], names: set[str] | None = None) -> Records:
    """Every record of parsed files by (kind, id); a record needs only an id to be compared.

    With `names`, only the commitments called so (or having one of them as a previous id) are
    kept: the history of one record need not look at a whole file's worth of its neighbours.
    """
    out: Records = {}

    def add(record_id: str | None, rec: Record) -> None:
        if record_id:
            out.setdefault((rec.kind, record_id), rec)

    for rel, doc in docs:
        kind = kind_of(rel)
        data = doc.data
        if not isinstance(data, dict) or kind is None:
            continue
        if kind == "sisturva":
            add("sisturva", Record("settings", rel, doc, (), data))
        elif kind == "strategy":
            add("strategy", Record("strategy", rel, doc, (), data))
        elif kind == "commitments":
            org, items = _text_id(data.get("organisation")), data.get("commitments")
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if not isinstance(item, dict) or (names is not None and not _called(item, names)):
                    continue
                extra = {"organisation": org}
                add(
                    _text_id(item.get("id")), Record(kind, rel, doc, ("commitments", index), item, org, extra)
                )
        elif kind == "priorities":
            pr_id = _text_id(data.get("id"))
            group = data.get("group")
            chair = _text_id(group.get("chair")) if isinstance(group, dict) else None
            add(pr_id, Record(kind, rel, doc, (), data, chair))
            goals = data.get("goals")
            for index, goal in enumerate(goals if isinstance(goals, list) else []):
                if isinstance(goal, dict):
                    rec = Record("goals", rel, doc, ("goals", index), goal, None, {"priority": pr_id})
                    add(_text_id(goal.get("id")), rec)
        elif kind == "budgets":
            org = _text_id(data.get("organisation"))
            add(org, Record(kind, rel, doc, (), data, org))
        elif kind == "indicators":
            add(_text_id(data.get("id")), Record(kind, rel, doc, (), data, _text_id(data.get("owner"))))
        elif kind == "organisations":
            org = _text_id(data.get("id"))
            add(org, Record(kind, rel, doc, (), data, org))
        else:
            add(_text_id(data.get("id")), Record(kind, rel, doc, (), data))
    return out


def _called(item: object, names: set[str]) -> bool:
    if not isinstance(item, dict):
        return False
    previous = item.get("previous_ids")
    return item.get("id") in names or (isinstance(previous, list) and any(p in names for p in previous))


def records(strategy: Strategy) -> Records:
    """Every record of a built strategy."""
    return load_records(strategy.documents.items())


# -- comparing values -------------------------------------------------------------------------------


def _is_texts(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in LANGUAGES for k in value)


def _key(item: object, keys: tuple[str, ...]) -> str:
    if isinstance(item, dict):
        return "/".join(str(item.get(k)) for k in keys)
    return str(item)


def _keyed(items: list[Any], keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key = _key(item, keys)
        while key in out:  # a repeated key (itself a finding) must not hide an item
            key += "'"
        out[key] = item
    return out


def _number(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _leaf(path: str, name: str, before: Any, after: Any, out: list[FieldChange]) -> None:
    delta = None
    numeric = (_number(before) or _number(after)) and all(v is None or _number(v) for v in (before, after))
    if name in MONEY and numeric:
        delta = Decimal(after or 0) - Decimal(before or 0)
    out.append(FieldChange(path, before, after, delta))


def compare_values(before: Any, after: Any, path: str = "", name: str = "") -> list[FieldChange]:
    """Leaf fields that differ between two plain values (see `plain`)."""
    out: list[FieldChange] = []
    _compare(before, after, path, name, out)
    return out


def _compare(before: Any, after: Any, path: str, name: str, out: list[FieldChange]) -> None:
    if before == after:
        return
    # A plain string is text in the default language (always Finnish first).
    if isinstance(before, str) and _is_texts(after):
        before = {"fi": before}
    if isinstance(after, str) and _is_texts(before):
        after = {"fi": after}
    if before == after:
        return
    if isinstance(before, dict | type(None)) and isinstance(after, dict | type(None)) and (before or after):
        b, a = before or {}, after or {}
        for key in [*b, *(k for k in a if k not in b)]:
            _compare(b.get(key), a.get(key), f"{path}.{key}" if path else key, key, out)
        return
    if isinstance(before, list | type(None)) and isinstance(after, list | type(None)):
        b_list, a_list = before or [], after or []
        dicts = any(isinstance(x, dict) for x in (*b_list, *a_list))
        if dicts and name not in ORDERED:
            keys = KEYS.get(name, ())
            if keys:
                b_map, a_map = _keyed(b_list, keys), _keyed(a_list, keys)
            else:
                b_map = {str(i + 1): x for i, x in enumerate(b_list)}
                a_map = {str(i + 1): x for i, x in enumerate(a_list)}
            for key in [*b_map, *(k for k in a_map if k not in b_map)]:
                old, new = b_map.get(key), a_map.get(key)
                if (old is None or new is None) and keys:
                    # A whole item added or removed: its key is already in the path.
                    old, new = _without(old, keys), _without(new, keys)
                _compare(old, new, f"{path}[{key}]", name, out)
            return
        if (
            name not in ORDERED
            and _sortable(b_list)
            and _sortable(a_list)
            and sorted(b_list) == sorted(a_list)
        ):
            return  # the same set of ids in another order is not a change
    _leaf(path, name, before, after, out)


def _without(item: Any, keys: tuple[str, ...]) -> Any:
    if not isinstance(item, dict):
        return item
    rest = {k: v for k, v in item.items() if k not in keys}
    return rest or {k: v for k, v in item.items() if k == keys[0]}


def _sortable(items: list[Any]) -> bool:
    return all(isinstance(x, str) for x in items) or all(_number(x) for x in items)


def _title(kind: str, data: Mapping[str, Any]) -> str:
    for key in ("title", "name", "action"):
        value = data.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            for lang in LANGUAGES:
                if value.get(lang):
                    return str(value[lang])
    return ""


def _content(data: Mapping[str, Any]) -> str:
    return json.dumps({k: v for k, v in data.items() if k not in _ID_FIELDS}, sort_keys=True, default=str)


# -- the diff ---------------------------------------------------------------------------------------


def with_defaults(kind: str, fields: list[FieldChange]) -> list[FieldChange]:
    """A top-level field left out on one side shows the value it then has (`status: planned`), not nothing."""
    defaults = DEFAULTS.get(kind) or (DEFAULTS["record"] if kind in _RECORD_KINDS else {})
    out: list[FieldChange] = []
    for f in fields:
        if f.field in defaults and (f.before is None) != (f.after is None):
            default = defaults[f.field]
            f = FieldChange(f.field, default if f.before is None else f.before,
                            default if f.after is None else f.after, f.delta)  # fmt: skip
        out.append(f)
    return out


def _change(kind: str, record_id: str, change: ChangeKind, rec: Record, fields: list[FieldChange],
            previous: str | None = None, other: Record | None = None) -> RecordChange:  # fmt: skip
    organisation = rec.organisation or (other.organisation if other else None)
    return RecordChange(
        kind,
        record_id,
        change,
        rec.path,
        rec.line,
        tuple(fields),
        _title(kind, rec.data),
        previous,
        organisation,
    )


def compare(before: Records, after: Records) -> list[RecordChange]:
    """Record changes between two revisions' records (all of them, or those of the changed files)."""
    changes: list[RecordChange] = []
    removed = [k for k in before if k not in after]
    added = [k for k in after if k not in before]
    renamed: dict[tuple[str, str], tuple[str, str]] = {}  # new key → old key
    taken: set[tuple[str, str]] = set()
    for key in added:
        previous = after[key].raw.get("previous_ids")
        previous = previous if isinstance(previous, list) else []
        for old_id in previous:
            old_key = (key[0], old_id)
            if old_key in before and old_key in removed and old_key not in taken:
                renamed[key] = old_key
                taken.add(old_key)
                break
    by_content: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for old_key in removed:
        if old_key not in taken:
            by_content.setdefault((old_key[0], _content(before[old_key].data)), []).append(old_key)
    for key in added:
        if key in renamed:
            continue
        candidates = by_content.get((key[0], _content(after[key].data)))
        if candidates:
            old_key = candidates.pop(0)
            renamed[key] = old_key
            taken.add(old_key)

    for key in sorted({*before, *after}, key=lambda k: (KINDS.index(k[0]), k[1])):
        kind, record_id = key
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None:
            if old.same(new):
                continue
            fields = with_defaults(kind, compare_values(old.data, new.data))
            if fields:
                changes.append(_change(kind, record_id, "modified", new, fields, None, old))
        elif new is not None and key in renamed:
            old_key = renamed[key]
            old = before[old_key]
            strip = {k: v for k, v in old.data.items() if k != "id"}
            fields = [FieldChange("id", old_key[1], record_id)]
            fields += compare_values(strip, {k: v for k, v in new.data.items() if k != "id"})
            changes.append(_change(kind, record_id, "renamed", new, fields, old_key[1], old))
        elif new is not None:
            changes.append(_change(kind, record_id, "added", new, compare_values(None, new.data)))
        elif old is not None and key not in taken:
            changes.append(_change(kind, record_id, "removed", old, compare_values(old.data, None)))
    return changes


def _amount(value: object) -> Decimal:
    return Decimal(value) if _number(value) else Decimal(0)  # type: ignore[arg-type]


def _committed(found: Records) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    totals: dict[tuple[str, int], tuple[Decimal, Decimal]] = {}
    for (kind, _), rec in found.items():
        if kind != "commitments" or rec.organisation is None or rec.raw.get("status") == "cancelled":
            continue  # a cancelled commitment frees its money
        resources = rec.raw.get("resources")
        for res in resources if isinstance(resources, list) else []:
            year = res.get("year") if isinstance(res, dict) else None
            if not isinstance(year, int) or isinstance(year, bool):
                continue
            euros, person_years = totals.get((rec.organisation, year), (Decimal(0), Decimal(0)))
            totals[(rec.organisation, year)] = (
                euros + _amount(res.get("euros")),
                person_years + _amount(res.get("person_years")),
            )
    return totals


def money(before_records: Records, after_records: Records) -> list[MoneyRow]:
    """Committed euros and person-years per organisation and year, where they changed."""
    before, after = _committed(before_records), _committed(after_records)
    zero = (Decimal(0), Decimal(0))
    rows: list[MoneyRow] = []
    for org, year in sorted({*before, *after}):
        b, a = before.get((org, year), zero), after.get((org, year), zero)
        if b != a:
            rows.append(MoneyRow(org, year, b[0], a[0], b[1], a[1]))
    return rows


def _finding_key(f: Finding) -> tuple[str, str | None, str, str]:
    return (f.code, f.id, f.message, f.path)


def compare_findings(
    before: Iterable[Finding], after: Iterable[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """Findings introduced and resolved, matched by code, id, message and path (not by line)."""
    old, new = list(before), list(after)
    left = Counter(_finding_key(f) for f in old)
    right = Counter(_finding_key(f) for f in new)
    introduced: list[Finding] = []
    resolved: list[Finding] = []
    for f in sorted(new, key=Finding.sort_key):
        key = _finding_key(f)
        if left[key] > 0:
            left[key] -= 1
        else:
            introduced.append(f)
    for f in sorted(old, key=Finding.sort_key):
        key = _finding_key(f)
        if right[key] > 0:
            right[key] -= 1
        else:
            resolved.append(f)
    return introduced, resolved
