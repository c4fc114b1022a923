"""Who reviews a change: the owners of the organisations whose files or records it touches, and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .diff import Comparison, RecordChange, Records
from .findings import Finding
from .layout import SINGLE_FILE_NAMES

Role = Literal["organisation", "parent", "chair", "secretariat"]
ROLES: tuple[Role, ...] = ("organisation", "parent", "chair", "secretariat")
"""Why an organisation reviews, strongest first: reviewers are listed in this order."""
OWN_FOLDERS: dict[str, str] = {
    "organisations": "id",
    "commitments": "organisation",
    "budgets": "organisation",
}
"""An organisation's own files, named by its id, and the key inside that names the organisation."""
SHARED_FOLDERS: tuple[str, ...] = ("priorities", "indicators", "phenomena")
"""Folders of records the partners share: the secretariat reviews them."""
TEMPLATES = "templates"
"""The templates folder when the settings name none (`templates` in sisturva.yaml)."""

Reader = Callable[[Sequence[str]], Mapping[str, Any]]
"""Parsed data of the files of one side by repository path; a file the side lacks is left out."""


@dataclass(frozen=True)
class Reason:
    """One changed file that makes an organisation a reviewer, and in which role."""

    role: Role
    path: str
    """The changed file as the user would type it."""
    of: str | None = None
    """Whose parent (an organisation) or whose group's chair (a priority) the reviewer is."""
    records: tuple[str, ...] = ()
    """Ids of the records the change adds, removes or modifies in the file."""


@dataclass(frozen=True)
class Reviewer:
    """An organisation that reviews a change: its owners, on both sides, and why it reviews."""

    organisation: str
    name: str
    """In the reader's language."""
    owners: tuple[str, ...]
    """Who reviews: the head's owners, then those of the base the change would drop."""
    because: tuple[Reason, ...] = ()
    owners_before: tuple[str, ...] = ()
    owners_after: tuple[str, ...] = ()
    removed: bool = False
    """The change removes the organisation's record: its owners are the base's."""

    @property
    def dropped(self) -> tuple[str, ...]:
        """Owners of the base that the head no longer lists; they review all the same."""
        return tuple(o for o in self.owners_before if o not in self.owners_after)


@dataclass(frozen=True)
class Review:
    """What CI posts on a pull request."""

    comparison: Comparison
    touched: tuple[Finding, ...]
    """Findings of the head in the files the change touches."""
    reviewers: tuple[Reviewer, ...]
    records: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    """The content of each added or removed record by (kind, id), to show all its fields."""
    suspect: tuple[Suspects, ...] = ()
    """The commitments the change makes suspect, by organisation."""


@dataclass(frozen=True)
class SuspectCommitment:
    """A commitment the change makes suspect (SIS218) against one goal it serves."""

    id: str
    goal: str
    """The goal whose meaning changed since the commitment was confirmed against it."""
    path: str
    """The commitment's file in the head, as the user would type it."""
    line: int


@dataclass(frozen=True)
class Suspects:
    """One organisation's commitments the change makes suspect, and the owners who confirm them."""

    organisation: str
    owners: tuple[str, ...]
    """As a reviewer's: the head's owners, then those of the base the change would drop."""
    commitments: tuple[SuspectCommitment, ...]


def _text(value: object, lang: str) -> str:
    """Record text (a string or `{fi, sv, en}`) in `lang`, else in the first language it has."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for code in (lang, "fi", "sv", "en"):
            found = value.get(code)
            if isinstance(found, str) and found:
                return found
    return ""


def _id(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# The rules of who reviews what, read from a file's parsed data whether or not it validates:
# `reviewers` applies them to a change, `owners.rules` to the whole tree (CODEOWNERS).


def owners_of(data: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The `owners` an organisation record lists, each once, in its order."""
    found = data.get("owners") if data else None
    return tuple(dict.fromkeys(o for o in found if isinstance(o, str))) if isinstance(found, list) else ()


def templates_folder(settings: Mapping[str, Any] | None) -> str:
    """The templates folder the settings name (`templates/` by default), with a trailing slash."""
    folder = settings.get("templates") if settings else None
    return (folder.strip("/") if isinstance(folder, str) and folder.strip("/") else TEMPLATES) + "/"


def parent_of(data: object, org: str) -> str | None:
    """The parent an organisation record names, which reviews its files (none when it names itself)."""
    parent = _id(data.get("parent")) if isinstance(data, dict) else None
    return parent if parent != org else None


def chair_of(data: object) -> str | None:
    """The organisation chairing a priority's group, which reviews the priority's file."""
    group = data.get("group") if isinstance(data, dict) else None
    return _id(group.get("chair")) if isinstance(group, dict) else None


def secretariat_of(data: object) -> str | None:
    """The secretariat organisation `strategy.yaml` names, which reviews the shared files."""
    secretariat = data.get("secretariat") if isinstance(data, dict) else None
    return _id(secretariat.get("organisation")) if isinstance(secretariat, dict) else None


def own_file(rel: str) -> str | None:
    """The organisation a file of its own is named after (`commitments/sm.yaml`: sm), else None."""
    folder, _, name = rel.partition("/")
    if folder in OWN_FOLDERS and name.endswith(".yaml") and "/" not in name:
        return name[: -len(".yaml")]
    return None


def is_shared(rel: str, templates: Iterable[str]) -> bool:
    """Whether the secretariat reviews the file: the root files, shared folders and the templates."""
    folder = rel.partition("/")[0]
    return rel in SINGLE_FILE_NAMES or folder in SHARED_FOLDERS or any(rel.startswith(t) for t in templates)


def reviewers(
    changed: Iterable[str],
    base: Reader,
    head: Reader,
    comparison: Comparison,
    display: str = "",
    lang: str = "fi",
) -> list[Reviewer]:
    """Who reviews a change of the files `changed` (repository paths), each organisation once.

    The owners of an organisation whose own files change (its organisation record, commitments,
    budget plan) and of its parent; the owners of a priority group's chair for its priority and
    goals; and the secretariat's owners for the shared files. Everything is read from both sides,
    so a change cannot leave out a reviewer by editing `owners`, `parent`, a chair or the
    secretariat: those of the base review too.
    """
    rels = sorted(set(changed))
    sides = (base, head)
    settings = [side(["sisturva.yaml"]).get("sisturva.yaml") for side in sides]
    templates = {templates_folder(s if isinstance(s, dict) else None) for s in settings}
    # Only the files whose content names a reviewer are parsed (not templates or stray files).
    readable = [rel for rel in rels if rel.partition("/")[0] in (*OWN_FOLDERS, "priorities")]
    files = [side(readable) for side in sides]
    records: dict[str, list[str]] = {}
    for c in comparison.changes:
        records.setdefault(c.path, []).append(c.id)

    reasons: dict[str, list[Reason]] = {}

    def add(org: str | None, role: Role, rel: str, of: str | None = None) -> None:
        if org:
            path = display + rel
            reason = Reason(role, path, of, tuple(dict.fromkeys(records.get(path, ()))))
            if reason not in reasons.setdefault(org, []):
                reasons[org].append(reason)

    own: dict[str, set[str]] = {}
    shared: list[str] = []
    for rel in rels:
        folder, _, name = rel.partition("/")
        datas = [f.get(rel) for f in files]
        named_after = own_file(rel)
        if named_after is not None:
            # The file's name and the id inside it should agree; a change where they differ is
            # reviewed by both organisations.
            named = {named_after}
            named.update(i for d in datas if isinstance(d, dict) if (i := _id(d.get(OWN_FOLDERS[folder]))))
            for org in sorted(named):
                add(org, "organisation", rel)
                own.setdefault(org, set()).add(rel)
        elif folder == "priorities" and "/" not in name:
            priority = next((i for d in datas if isinstance(d, dict) if (i := _id(d.get("id")))), None)
            for d in datas:
                add(chair_of(d), "chair", rel, priority or name.removesuffix(".yaml"))
            shared.append(rel)
        elif is_shared(rel, templates):
            shared.append(rel)

    organisations = [side([f"organisations/{org}.yaml" for org in sorted(own)]) for side in sides]
    for org, owned in sorted(own.items()):
        for found in organisations:
            parent = parent_of(found.get(f"organisations/{org}.yaml"), org)
            for rel in sorted(owned):
                add(parent, "parent", rel, org)
    if shared:
        for strategy in (side(["strategy.yaml"]).get("strategy.yaml") for side in sides):
            secretariat = secretariat_of(strategy)
            for rel in shared:
                add(secretariat, "secretariat", rel)

    wanted = [f"organisations/{org}.yaml" for org in sorted(reasons)]
    before, after = (side(wanted) for side in sides)
    out: list[Reviewer] = []
    for org, why in reasons.items():
        rel = f"organisations/{org}.yaml"
        old, new = before.get(rel), after.get(rel)
        old = old if isinstance(old, dict) else None
        new = new if isinstance(new, dict) else None
        owners_before, owners_after = owners_of(old), owners_of(new)
        name = _text(new.get("name"), lang) if new else ""
        out.append(
            Reviewer(
                org,
                name or (_text(old.get("name"), lang) if old else ""),
                tuple(dict.fromkeys((*owners_after, *owners_before))),
                tuple(sorted(why, key=lambda r: (ROLES.index(r.role), r.of or "", r.path))),
                owners_before,
                owners_after,
                removed=old is not None and new is None,
            )
        )
    out.sort(key=lambda r: (min(ROLES.index(x.role) for x in r.because), r.organisation))
    return out


def _suspect_pairs(findings: Iterable[Finding]) -> dict[tuple[str, str], Finding]:
    """SIS218 findings by (commitment, goal), read from the finding's fields rather than its words."""
    from .suspect import CODE

    out: dict[tuple[str, str], Finding] = {}
    for f in findings:
        values = dict(f.params) if f.code == CODE else {}
        cid, gid = values.get("commitment"), values.get("goal")
        if isinstance(cid, str) and isinstance(gid, str):
            out.setdefault((cid, gid), f)
    return out


def newly_suspect(
    introduced: Iterable[Finding],
    resolved: Iterable[Finding],
    base: Reader,
    head: Reader,
    display: str = "",
) -> list[Suspects]:
    """The commitments suspect (SIS218) in the head but not in the base, by organisation.

    `introduced` and `resolved` are the comparison's findings: a suspect commitment that only
    moved to another file is both, and was suspect before the change too, so it is left out.
    """
    before = _suspect_pairs(resolved)
    after = {k: f for k, f in _suspect_pairs(introduced).items() if k not in before}
    if not after:
        return []
    rels = {f.path: f.path.removeprefix(display) for f in after.values()}
    files = head(sorted(set(rels.values())))
    grouped: dict[str, list[SuspectCommitment]] = {}
    for (cid, gid), f in after.items():
        rel = rels[f.path]
        data = files.get(rel)
        # The file names its organisation; its name is the fallback for a file that does not.
        org = (_id(data.get("organisation")) if isinstance(data, dict) else None) or own_file(rel) or ""
        grouped.setdefault(org, []).append(SuspectCommitment(cid, gid, f.path, f.line))
    wanted = [f"organisations/{org}.yaml" for org in sorted(grouped) if org]
    old, new = base(wanted), head(wanted)
    out: list[Suspects] = []
    for org, items in sorted(grouped.items()):
        rel = f"organisations/{org}.yaml"
        owners = (*owners_of(_mapping(new.get(rel))), *owners_of(_mapping(old.get(rel))))
        found = tuple(sorted(items, key=lambda c: (c.path, c.line, c.id, c.goal)))
        out.append(Suspects(org, tuple(dict.fromkeys(owners)), found))
    return out


def _mapping(value: object) -> Mapping[str, Any] | None:
    return value if isinstance(value, dict) else None


def shown_records(
    changes: Iterable[RecordChange],
    base: Records,
    head: Records,
) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The content of each added record (from the head) and removed record (from the base)."""
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for c in changes:
        side = head if c.change == "added" else base if c.change == "removed" else None
        found = side.get((c.kind, c.id)) if side is not None else None
        if found is not None:
            out[(c.kind, c.id)] = found.data
    return out
