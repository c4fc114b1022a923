"""The strategy aggregate: every file's model, built once, with references resolved and checked."""

from __future__ import annotations

import typing
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .catalogue import mark
from .documents import Document, Path
from .findings import Finding, Said, hint, listed, make, tf
from .models import (
    FOLDERS,
    LANGUAGES,
    Budget,
    Commitment,
    CommitmentsFile,
    Goal,
    Indicator,
    LocalizedText,
    Model,
    Organisation,
    Phenomenon,
    Priority,
    Settings,
    StrategyDoc,
)
from .validation import validate_model

T = TypeVar("T")

History = Callable[[Sequence[str]], Mapping[str, int]]
"""Given repository paths, when each file was added: a larger number is later (absent: not known)."""

DEFAULT_SETTINGS = Settings.model_validate(
    {"schema": 1, "languages": ["fi"], "planning_years": {"start": 2000}}
)


@dataclass(frozen=True)
class Located:
    """Where a record lives: its file and its path inside the file's data."""

    rel: str
    loc: Path


@dataclass(frozen=True)
class Strategy:
    """The whole strategy of one revision, immutable once built."""

    settings: Settings
    strategy: StrategyDoc | None
    organisations: Mapping[str, Organisation]
    phenomena: Mapping[str, Phenomenon]
    indicators: Mapping[str, Indicator]
    priorities: Mapping[str, Priority]
    goals: Mapping[str, Goal]
    goal_priority: Mapping[str, str]
    commitments: Mapping[str, tuple[Commitment, ...]]
    """Commitments by organisation id."""
    commitment_owner: Mapping[str, str]
    """Organisation id by commitment id."""
    budgets: Mapping[str, Budget]
    documents: Mapping[str, Document]
    """Every parsed file by its path inside the repository."""
    where: Mapping[tuple[str, str], Located]
    """(kind, id) → where the record is defined."""
    findings: tuple[Finding, ...]
    broken: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Ids (and file stems) by kind whose file failed validation: checks stay quiet about them."""
    _display: Mapping[str, str] = field(default_factory=dict)

    def display(self, rel: str) -> str:
        """The path of a repository file as the user would type it."""
        return self._display.get(rel, rel)

    def finding(
        self,
        code: str,
        message: str | Said,
        kind: str,
        record_id: str,
        sub: Path = (),
        severity: Any = None,
    ) -> Finding:
        """A finding at the record (kind, id), or at `sub` inside it."""
        located = self.where.get((kind, record_id))
        if located is None:
            return make(code, message, kind, None, None, record_id, severity)
        doc = self.documents[located.rel]
        line, column = doc.locate(located.loc + sub)
        return make(code, message, doc.path, line, column, record_id, severity)

    def all_commitments(self) -> Iterator[tuple[str, Commitment]]:
        """(organisation id, commitment) in file order."""
        for org, items in self.commitments.items():
            for item in items:
                yield org, item


def kind_of(rel: str) -> str | None:
    """The file kind of a repository path, or None when the layout does not know it."""
    if rel in ("sisturva.yaml", "strategy.yaml"):
        return rel[:-5]
    folder, _, name = rel.partition("/")
    if folder in FOLDERS and name.endswith(".yaml") and "/" not in name:
        return folder
    return None


class _Builder:
    """Collects models and findings while the aggregate is put together."""

    def __init__(
        self,
        docs: Iterable[tuple[str, Document]],
        names: Mapping[str, Collection[str]] | None = None,
        history: History | None = None,
    ) -> None:
        self.docs = dict(docs)
        self.names = names or {}
        self.history = history
        self._unread: dict[str, Collection[str]] = {}
        self.findings: list[Finding] = []
        self.where: dict[tuple[str, str], Located] = {}
        self.models: dict[str, list[tuple[str, Model]]] = {k: [] for k in FOLDERS}
        self.single: dict[str, Model] = {}
        self.broken: dict[str, set[str]] = {k: set() for k in (*FOLDERS, "goals")}
        self._order = {rel: i for i, rel in enumerate(self.docs)}
        self._added: Mapping[str, int] | None = None

    def age(self, rel: str) -> tuple[float, int]:
        """Sorts the definitions of one id oldest first: by when git added the file, then by path.

        Git is asked once, and only when the repository has a duplicate; a file git does not
        know yet (new in the work tree) is the newest.
        """
        if self._added is None:
            self._added = {}
            if self.history is not None:
                involved = _duplicated_files(self.docs)
                if involved:
                    self._added = self.history(sorted(involved))
        added = self._added.get(rel)
        return (float("inf") if added is None else added, self._order.get(rel, 0))

    def unread(self, kind: str) -> Collection[str]:
        """Ids of `kind` whose files exist but were not given (only when building part of a repository)."""
        named = self.names.get(kind)
        if not named:
            return ()
        if kind not in self._unread:
            given = {
                rel.rsplit("/", 1)[-1][: -len(".yaml")] for rel in self.docs if rel.startswith(kind + "/")
            }
            self._unread[kind] = set(named) - given
        return self._unread[kind]

    def at(
        self,
        code: str,
        message: str | Said,
        rel: str,
        loc: Path,
        record_id: str | None = None,
        key: bool = False,
    ) -> None:
        doc = self.docs[rel]
        line, column = doc.locate(loc, key=key)
        self.findings.append(make(code, message, doc.path, line, column, record_id))

    def load(self) -> None:
        for rel, doc in self.docs.items():
            self.findings.extend(doc.findings)
            kind = kind_of(rel)
            if kind is None:
                continue
            if doc.data is None:
                # Unreadable, but its name still says which record it is: references to it wait
                # for the file to be fixed instead of repeating its finding.
                if kind in FOLDERS:
                    self.broken[kind].add(rel.rsplit("/", 1)[-1][:-5])
                continue
            if kind in ("sisturva", "strategy"):
                model_cls: type[Model] = Settings if kind == "sisturva" else StrategyDoc
                model, problems = validate_model(doc, model_cls)
                self.findings.extend(problems)
                if model is not None:
                    self.single[kind] = model
                continue
            raw_id = doc.data.get("id", doc.data.get("organisation"))
            record_id = raw_id if isinstance(raw_id, str) else None
            model, problems = validate_model(doc, FOLDERS[kind], record_id)
            self.findings.extend(problems)
            stem = rel.rsplit("/", 1)[-1][:-5]
            if model is None:
                if record_id:
                    self.broken[kind].add(record_id)
                self.broken[kind].add(stem)
                if kind == "priorities":
                    self.broken["goals"].update(_raw_ids(doc.data.get("goals")))
                salvaged = self.salvage(doc) if kind == "commitments" else None
                if salvaged is None:
                    continue
                model = salvaged
            self.models[kind].append((rel, model))

    def salvage(self, doc: Document) -> CommitmentsFile | None:
        """The valid commitments of a file with some invalid ones, so they are still checked."""
        data = doc.data or {}
        org, items = data.get("organisation"), data.get("commitments")
        if not isinstance(org, str) or not isinstance(items, list):
            return None
        kept: list[Commitment] = []
        for item in items:
            try:
                kept.append(Commitment.model_validate(item))
            except ValidationError:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.broken["commitments"].add(item["id"])
        try:
            return CommitmentsFile.model_validate({"organisation": org, "commitments": kept})
        except ValidationError:
            return None

    def index(self, kind: str, key: str = "id") -> dict[str, Any]:
        """Records of a one-record-per-file kind by id; duplicates and misnamed files found."""
        result: dict[str, Any] = {}
        defined: dict[str, list[str]] = {}
        for rel, model in self.models[kind]:
            defined.setdefault(getattr(model, key), []).append(rel)
        # Of several definitions, the one added first keeps the id; the later ones are reported.
        first_of = {rid: min(rels, key=self.age) for rid, rels in defined.items() if len(rels) > 1}
        for rel, model in self.models[kind]:
            record_id = getattr(model, key)
            stem = rel.rsplit("/", 1)[-1][:-5]
            if stem != record_id:
                self.at(
                    "SIS203",
                    tf("finding.SIS203", field=key, id=record_id, file=f"{kind}/{record_id}.yaml"),
                    rel,
                    (key,),
                    record_id,
                )
            first = first_of.get(record_id, rel)
            if first != rel:
                self.at(
                    "SIS202",
                    tf("finding.SIS202.record", field=key, id=record_id, file=self.docs[first].path),
                    rel,
                    (key,),
                    record_id,
                )
                continue
            result[record_id] = model
            self.where[(kind, record_id)] = Located(rel, ())
        return result


def _refs(
    builder: _Builder,
    known: Mapping[str, Any],
    kind: str,
    noun: str,
    ids: Iterable[tuple[str, Path]],
    rel: str,
    record_id: str | None,
) -> None:
    unread = builder.unread(kind)
    for ref, loc in ids:
        if ref in known or ref in builder.broken.get(kind, set()) or ref in unread:
            continue
        close = hint(ref, builder.names.get(kind, known))
        builder.at("SIS201", tf(UNKNOWN[noun], id=ref, hint=close), rel, loc, record_id)


UNKNOWN = {
    "organisation": mark("finding.SIS201.organisation"),
    "indicator": mark("finding.SIS201.indicator"),
    "phenomenon": mark("finding.SIS201.phenomenon"),
}
"""The message of a reference to an unknown record, by the noun of its kind."""


def _raw_ids(items: object) -> set[str]:
    """The `id`s of a list of mappings as written, before validation."""
    if not isinstance(items, list):
        return set()
    return {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}


def _duplicated_files(docs: Mapping[str, Document]) -> set[str]:
    """Files defining an id (of a record, goal or commitment) that another file defines too."""
    holders: dict[tuple[str, str], set[str]] = {}
    for rel, doc in docs.items():
        kind = kind_of(rel)
        data = doc.data
        if kind not in FOLDERS or not isinstance(data, dict):
            continue
        own = data.get("organisation" if kind in ("budgets", "commitments") else "id")
        ids = {(kind, own)} if isinstance(own, str) else set()
        if kind == "commitments":
            ids.update(("commitment", i) for i in _raw_ids(data.get("commitments")))
        elif kind == "priorities":
            ids.update(("goal", i) for i in _raw_ids(data.get("goals")))
        for key in ids:
            holders.setdefault(key, set()).add(rel)
    return {rel for rels in holders.values() if len(rels) > 1 for rel in rels}


def _first(builder: _Builder, defs: Mapping[str, list[tuple[str, int]]]) -> dict[str, tuple[str, int]]:
    """For each id defined more than once, the definition that keeps it: the earliest added, then the first."""
    return {
        key: min(found, key=lambda d: (builder.age(d[0]), d[1]))
        for key, found in defs.items()
        if len(found) > 1
    }


def _positions(raw_items: object, items: Sequence[Commitment]) -> list[int]:
    """Where each validated commitment is in the file's list as written (which may hold invalid ones)."""
    raw = raw_items if isinstance(raw_items, list) else []
    found: list[int] = []
    at = 0
    for ci, item in enumerate(items):
        j = at
        while j < len(raw) and not (isinstance(raw[j], dict) and raw[j].get("id") == item.id):
            j += 1
        if j < len(raw):
            found.append(j)
            at = j + 1
        else:
            found.append(ci)
    return found


def _defs(pairs: Iterable[tuple[str, tuple[str, int]]]) -> dict[str, list[tuple[str, int]]]:
    defs: dict[str, list[tuple[str, int]]] = {}
    for key, where in pairs:
        defs.setdefault(key, []).append(where)
    return defs


def _repeats(values: Iterable[T]) -> Iterator[tuple[int, T]]:
    """(index, value) of every value that already came earlier in `values`."""
    seen: set[T] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield index, value
        seen.add(value)


def _holds_text(annotation: object) -> bool:
    """Whether a field's type admits text for people (`Text`), directly or in a list or union."""
    if annotation is LocalizedText:
        return True
    return any(_holds_text(arg) for arg in typing.get_args(annotation))


_TEXT_FIELDS: dict[type[BaseModel], frozenset[str]] = {}


def _text_field_names(cls: type[BaseModel]) -> frozenset[str]:
    """The fields of `cls` whose plain strings are text for people (not ids, links or citations)."""
    found = _TEXT_FIELDS.get(cls)
    if found is None:
        found = _TEXT_FIELDS[cls] = frozenset(
            name for name, info in cls.model_fields.items() if _holds_text(info.annotation)
        )
    return found


def _text_fields(value: object, loc: Path, text: bool = False) -> Iterator[tuple[LocalizedText | str, Path]]:
    """Every piece of text for people inside a model, with its data path.

    `text` says that a plain string here is text for people (the field's type is `Text`).
    """
    if isinstance(value, LocalizedText) or (text and isinstance(value, str)):
        yield value, loc
    elif isinstance(value, BaseModel):
        texts = _text_field_names(type(value))
        for name, info in type(value).model_fields.items():
            if name in value.model_fields_set:
                yield from _text_fields(getattr(value, name), (*loc, info.alias or name), name in texts)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_fields(item, (*loc, index), text)


def _languages(builder: _Builder, settings: Settings) -> None:
    """SIS207: text without a required language, whether a mapping lacks it or a plain string is all there is."""
    first = settings.languages[0]
    required = [lang for lang in settings.required_languages if lang != first]
    if not required:
        return
    records = [pair for pairs in builder.models.values() for pair in pairs]
    if "strategy" in builder.single:
        records.append(("strategy.yaml", builder.single["strategy"]))
    for rel, model in records:
        for text, loc in _text_fields(model, ()):
            if isinstance(text, str):
                missing = required
                example = f"{{{first}: …, {': …, '.join(missing)}: …}}"
                message: Said = tf("finding.SIS207.plain", language=first, mapping=example)
            else:
                missing = [lang for lang in required if getattr(text, lang) is None]
                message = tf("finding.SIS207.missing", languages=listed(missing))
            if missing:
                builder.at("SIS207", message, rel, loc, getattr(model, "id", None))


def build(
    docs: Iterable[tuple[str, Document]],
    names: Mapping[str, Collection[str]] | None = None,
    history: History | None = None,
) -> Strategy:
    """The aggregate of parsed documents given by repository path.

    `names` gives, per kind, the ids of the whole repository (by file name) when `docs` are only part
    of it (see `scope`): a reference to a record whose file was not given is taken as sound (the
    file reads the same on both sides of the change being checked), and "did you mean" suggests
    from the whole repository. `history` tells when files were added, so that of two definitions
    of one id the later one is reported; without it, the one later in path order.
    """
    b = _Builder(docs, names, history)
    b.load()
    settings = b.single.get("sisturva")
    settings = settings if isinstance(settings, Settings) else DEFAULT_SETTINGS
    strategy_doc = b.single.get("strategy")
    strategy_doc = strategy_doc if isinstance(strategy_doc, StrategyDoc) else None
    if "strategy.yaml" not in b.docs:
        display = next(iter(b.docs.values())).path.rsplit("sisturva.yaml", 1)[0] if b.docs else ""
        b.findings.append(
            make(
                "SIS208",
                tf("finding.SIS208"),
                display + "strategy.yaml",
            )
        )

    organisations: dict[str, Organisation] = b.index("organisations")
    phenomena: dict[str, Phenomenon] = b.index("phenomena")
    indicators: dict[str, Indicator] = b.index("indicators")
    priorities: dict[str, Priority] = b.index("priorities")
    budgets: dict[str, Budget] = b.index("budgets", "organisation")

    orgs = organisations
    if strategy_doc is not None:
        refs: list[tuple[str, Path]] = []
        for level in ("cooperation_group", "expert_network"):
            body = getattr(strategy_doc, level)
            if body.chair:
                refs.append((body.chair, (level, "chair")))
            refs.extend((m, (level, "members", i)) for i, m in enumerate(body.members))
        refs.append((strategy_doc.secretariat.organisation, ("secretariat", "organisation")))
        _refs(b, orgs, "organisations", "organisation", refs, "strategy.yaml", None)

    for organisation in organisations.values():
        rel = b.where[("organisations", organisation.id)].rel
        if organisation.parent:
            parent = [(organisation.parent, ("parent",))]
            _refs(b, orgs, "organisations", "organisation", parent, rel, organisation.id)

    used_indicators: set[str] = set()
    for ph in phenomena.values():
        rel = b.where[("phenomena", ph.id)].rel
        _refs(
            b,
            orgs,
            "organisations",
            "organisation",
            [(o, ("proposed_by", i)) for i, o in enumerate(ph.proposed_by)],
            rel,
            ph.id,
        )
        _refs(
            b,
            indicators,
            "indicators",
            "indicator",
            [(x, ("indicators", i)) for i, x in enumerate(ph.indicators)],
            rel,
            ph.id,
        )
        used_indicators.update(ph.indicators)

    for ind in indicators.values():
        if ind.owner:
            _refs(
                b,
                orgs,
                "organisations",
                "organisation",
                [(ind.owner, ("owner",))],
                b.where[("indicators", ind.id)].rel,
                ind.id,
            )

    goals: dict[str, Goal] = {}
    goal_priority: dict[str, str] = {}
    goal_defs: dict[str, list[tuple[str, int]]] = {}
    for pr in priorities.values():
        for gi, goal in enumerate(pr.goals):
            goal_defs.setdefault(goal.id, []).append((b.where[("priorities", pr.id)].rel, gi))
    goal_first = _first(b, goal_defs)
    for pr in priorities.values():
        rel = b.where[("priorities", pr.id)].rel
        _refs(
            b,
            phenomena,
            "phenomena",
            "phenomenon",
            [(x, ("phenomena", i)) for i, x in enumerate(pr.phenomena)],
            rel,
            pr.id,
        )
        members: list[tuple[str, Path]] = []
        if pr.group.chair:
            members.append((pr.group.chair, ("group", "chair")))
        members.extend((m, ("group", "members", i)) for i, m in enumerate(pr.group.members))
        for si, sub_id in _repeats(sub.id for sub in pr.group.subgroups):
            message = tf("finding.SIS202.subgroup", id=sub_id)
            b.at("SIS202", message, rel, ("group", "subgroups", si, "id"), pr.id)
        for si, sub in enumerate(pr.group.subgroups):
            if sub.chair:
                members.append((sub.chair, ("group", "subgroups", si, "chair")))
            members.extend((m, ("group", "subgroups", si, "members", i)) for i, m in enumerate(sub.members))
        _refs(b, orgs, "organisations", "organisation", members, rel, pr.id)
        for gi, goal in enumerate(pr.goals):
            loc: Path = ("goals", gi)
            if not goal.id.startswith(pr.id + "-"):
                b.at(
                    "SIS205",
                    tf("finding.SIS205", goal=goal.id, priority=pr.id),
                    rel,
                    (*loc, "id"),
                    goal.id,
                )
            first = goal_first.get(goal.id, (rel, gi))
            if first != (rel, gi):
                other = b.docs[first[0]].path
                b.at("SIS202", tf("finding.SIS202.goal", id=goal.id, file=other), rel, (*loc, "id"), goal.id)
                continue
            goals[goal.id] = goal
            goal_priority[goal.id] = pr.id
            b.where[("goals", goal.id)] = Located(rel, loc)
            if goal.indicator:
                used_indicators.add(goal.indicator)
                _refs(
                    b,
                    indicators,
                    "indicators",
                    "indicator",
                    [(goal.indicator, (*loc, "indicator"))],
                    rel,
                    goal.id,
                )

    # A broken priority or phenomenon file may be the one that uses an indicator: say nothing then.
    uncertain = bool(b.broken["priorities"] or b.broken["phenomena"])
    for ind_id in indicators:
        if ind_id not in used_indicators and not uncertain:
            b.at(
                "SIS206",
                tf("finding.SIS206", id=ind_id),
                b.where[("indicators", ind_id)].rel,
                ("id",),
                ind_id,
            )

    broken_priorities = tuple(p + "-" for p in b.broken["priorities"])
    broken_goals = b.broken["goals"]
    commitments: dict[str, tuple[Commitment, ...]] = {}
    commitment_owner: dict[str, str] = {}
    files: list[tuple[str, CommitmentsFile, list[int]]] = []
    for rel, model in b.models["commitments"]:
        assert isinstance(model, CommitmentsFile)
        # Positions come from the file as written, where a salvaged file still has its invalid items.
        raw_items = (b.docs[rel].data or {}).get("commitments")
        files.append((rel, model, _positions(raw_items, model.commitments)))
    org_first = _first(b, _defs((model.organisation, (rel, 0)) for rel, model, _ in files))
    commitment_first = _first(
        b,
        _defs(
            (item.id, (rel, at))
            for rel, model, positions in files
            if org_first.get(model.organisation, (rel, 0))[0] == rel
            for item, at in zip(model.commitments, positions, strict=True)
        ),
    )
    for rel, model, positions in files:
        org = model.organisation
        stem = rel.rsplit("/", 1)[-1][:-5]
        if stem != org:
            b.at(
                "SIS203",
                tf("finding.SIS203", field="organisation", id=org, file=f"commitments/{org}.yaml"),
                rel,
                ("organisation",),
                org,
            )
        _refs(b, orgs, "organisations", "organisation", [(org, ("organisation",))], rel, None)
        first_file = org_first.get(org, (rel, 0))[0]
        if first_file != rel:
            b.at(
                "SIS202",
                tf("finding.SIS202.commitments", org=org, file=b.docs[first_file].path),
                rel,
                ("organisation",),
                org,
            )
            continue
        kept: list[Commitment] = []
        for item, position in zip(model.commitments, positions, strict=True):
            loc = ("commitments", position)
            first = commitment_first.get(item.id, (rel, position))
            if first != (rel, position):
                other = b.docs[first[0]].path
                b.at(
                    "SIS202",
                    tf("finding.SIS202.commitment", id=item.id, file=other),
                    rel,
                    (*loc, "id"),
                    item.id,
                )
                continue
            kept.append(item)
            commitment_owner[item.id] = org
            b.where[("commitments", item.id)] = Located(rel, loc)
            for gi, goal_id in enumerate(item.goals):
                if goal_id in goals or goal_id.startswith(broken_priorities) or goal_id in broken_goals:
                    continue
                gloc = (*loc, "goals", gi)
                prefix = goal_id.split("-", 1)[0]
                if (
                    prefix not in priorities
                    and not any(goal_id.startswith(p + "-") for p in priorities)
                    and not any(goal_id.startswith(p + "-") for p in b.broken["priorities"])
                ):
                    b.at(
                        "SIS204",
                        tf("finding.SIS204", goal=goal_id, hint=hint(goal_id, goals)),
                        rel,
                        gloc,
                        item.id,
                    )
                else:
                    b.at(
                        "SIS201",
                        tf("finding.SIS201.goal", id=goal_id, hint=hint(goal_id, goals)),
                        rel,
                        gloc,
                        item.id,
                    )
        commitments[org] = tuple(kept)

    for org, budget in budgets.items():
        rel = b.where[("budgets", org)].rel
        _refs(b, orgs, "organisations", "organisation", [(org, ("organisation",))], rel, None)
        for li, line_id in _repeats(line.id for line in budget.lines):
            message = tf("finding.SIS202.line", line=line_id)
            b.at("SIS202", message, rel, ("lines", li, "id"), org)
        for li, line in enumerate(budget.lines):
            for ai, year in _repeats(a.year for a in line.amounts):
                message = tf("finding.SIS202.year", year=year, line=line.id)
                b.at("SIS202", message, rel, ("lines", li, "amounts", ai, "year"), org)
        for ti, target_id in _repeats(t.id for t in budget.performance_targets):
            message = tf("finding.SIS202.target", target=target_id)
            b.at("SIS202", message, rel, ("performance_targets", ti, "id"), org)

    _languages(b, settings)
    return Strategy(
        settings=settings,
        strategy=strategy_doc,
        organisations=organisations,
        phenomena=phenomena,
        indicators=indicators,
        priorities=priorities,
        goals=goals,
        goal_priority=goal_priority,
        commitments=commitments,
        commitment_owner=commitment_owner,
        budgets=budgets,
        documents=b.docs,
        where=b.where,
        findings=tuple(b.findings),
        broken={kind: frozenset(ids) for kind, ids in b.broken.items()},
        _display={rel: doc.path for rel, doc in b.docs.items()},
    )


__all__ = ["LANGUAGES", "Strategy", "build", "kind_of"]
