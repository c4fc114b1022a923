"""Suspect commitments: a goal's fingerprint, and the commitments whose confirmed fingerprint no longer matches."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import mark
from .findings import Finding, Param, listed, make, tf
from .models import Commitment, Goal, LocalizedText, Measure
from .strategy import Strategy

if TYPE_CHECKING:
    from .gitsource import Git

CODE = "SIS218"
MEANING = ("title", "indicator", "baseline", "target", "due", "status")
"""The fields that say what a goal means; a change to any of them makes its commitments suspect."""


def _measure(value: Measure | None) -> list[object] | None:
    # `92`, `92.0` and `92.00` are one value: the number is compared, not how it was typed.
    return None if value is None else [value.year, format(value.value.normalize(), "f")]


def _title(title: str | LocalizedText, lang: str) -> dict[str, str]:
    # A plain string is the text in the repository's first language, as `{fi: …}` would say it.
    if isinstance(title, str):
        return {lang: title}
    return {k: v for k, v in title.model_dump().items() if v is not None}


def meaning(goal: Goal, lang: str) -> dict[str, object]:
    """The goal's meaning fields as plain data: what the fingerprint is made of."""
    return {
        "title": _title(goal.title, lang),
        "indicator": goal.indicator,
        "baseline": _measure(goal.baseline),
        "target": _measure(goal.target),
        "due": goal.due.isoformat() if goal.due is not None else None,
        "status": goal.status,
    }


def fingerprint(goal: Goal, lang: str = "fi") -> str:
    """8 hex digits of SHA-256 over the canonical JSON of the goal's meaning; `lang` is a plain title's language.

    Only the meaning counts: comments, key order, quoting, `example` and `source` leave it as it is.
    """
    text = json.dumps(meaning(goal, lang), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def fingerprints(strategy: Strategy) -> dict[str, str]:
    """The current fingerprint of every goal of the strategy, by goal id."""
    lang = strategy.settings.languages[0]
    return {gid: fingerprint(goal, lang) for gid, goal in strategy.goals.items()}


def check(strategy: Strategy) -> list[Finding]:
    """SIS218: a commitment whose confirmed fingerprint of a goal it serves differs from the goal's own.

    A goal the commitment has no confirmation for is not checked: only recorded confirmations go
    stale, so a repository that has never confirmed anything is not flooded with warnings.
    """
    out: list[Finding] = []
    for item, index, gid in changed(strategy):
        message = tf(GENERIC, goal=gid, commitment=item.id)
        out.append(strategy.finding(CODE, message, "commitments", item.id, ("goals", index)))
    return out


def changed(strategy: Strategy) -> Iterator[tuple[Commitment, int, str]]:
    """(commitment, index in its `goals`, goal id) of each confirmed goal that has changed since.

    A goal the commitment has no confirmation for is not suspect; the fingerprints are worked out
    once, and only when some commitment has confirmed something.
    """
    current: dict[str, str] | None = None
    for _, item in strategy.all_commitments():
        if not item.confirmed:
            continue
        if current is None:
            current = fingerprints(strategy)
        for index, gid in enumerate(item.goals):
            confirmed = item.confirmed.get(gid)
            now = current.get(gid)
            if confirmed is not None and now is not None and confirmed != now:
                yield item, index, gid


GENERIC = mark("finding.SIS218")
IN_COMMIT = mark("finding.SIS218.commit")
FIELDS = mark("finding.SIS218.fields")


# -- naming the change from git history ---------------------------------------------------------


def _changed_fields(old: Goal, new: Goal, lang: str) -> list[str]:
    before, after = meaning(old, lang), meaning(new, lang)
    out: list[str] = []
    for name in MEANING:
        if name == "title":
            old_t = before["title"]
            new_t = after["title"]
            assert isinstance(old_t, dict) and isinstance(new_t, dict)
            out.extend(f"title.{k}" for k in sorted({*old_t, *new_t}) if old_t.get(k) != new_t.get(k))
        elif before[name] != after[name]:
            out.append(name)
    return out


def _goal_in(raw: bytes | None, rel: str, gid: str) -> Goal | None:
    """The goal `gid` as the priority file `raw` defines it, or None where it cannot be read."""
    from pydantic import ValidationError

    from .documents import parse

    if raw is None:
        return None
    data = parse(rel, raw).data
    goals = data.get("goals") if isinstance(data, dict) else None
    for item in goals if isinstance(goals, list) else []:
        if isinstance(item, dict) and item.get("id") == gid:
            try:
                return Goal.model_validate(item)
            except ValidationError:
                return None
    return None


def _record_in(root: Path, folder: str, top: str, wanted: str) -> tuple[str, dict[str, object]] | None:
    """(path, raw data) of the item `wanted` of list `top` in a file of `folder`: only files naming it are parsed."""
    from .documents import parse

    needle = wanted.encode()
    for path in sorted((root / folder).glob("*.yaml")):
        raw = path.read_bytes()
        if needle not in raw:
            continue
        rel = f"{folder}/{path.name}"
        data = parse(rel, raw).data
        items = data.get(top) if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("id") == wanted:
                return rel, item
    return None


def explain(findings: Sequence[Finding], root: Path) -> list[Finding]:
    """`findings` with each SIS218 naming the commit that last changed its goal, and what it changed.

    Done after the cache (the findings are cached by content, and a commit changes no content):
    only when there are suspect commitments, reading just the files of their goals and
    commitments, with per priority file one `git status`, one `git log` and the file as it was
    before that commit. Outside a git work tree, or while the file has uncommitted changes (the
    last commit is then not the change), the message stays general.
    """
    suspects = [f for f in findings if f.code == CODE and f.key == GENERIC]
    if not suspects:
        return list(findings)
    from pydantic import ValidationError

    from .authoring.edit import languages_of
    from .errors import SisturvaError
    from .gitsource import Git

    try:
        git = Git(str(root))
    except (SisturvaError, OSError):
        return list(findings)
    lang = languages_of(root)[0]
    commits: dict[str, tuple[str, str, str, str] | None] = {}
    told: dict[int, Finding] = {}
    for finding in suspects:
        values = dict(finding.params)
        gid, cid = str(values["goal"]), str(values["commitment"])
        found = _record_in(root, "priorities", "goals", gid)
        if found is None:
            continue
        rel, raw_goal = found
        if rel not in commits:
            commits[rel] = _last_commit(git, rel)
        last = commits[rel]
        if last is None:
            continue
        full, short, date, subject = last
        said: dict[str, Param] = {"goal": gid, "commitment": cid, "commit": short, "date": date}
        said["subject"] = subject
        message = tf(IN_COMMIT, **said)
        parent = git.parent(full)
        before = _goal_in(git.blob_at(parent, rel), rel, gid) if parent else None
        held = _record_in(root, "commitments", "commitments", cid)
        confirmed = held[1].get("confirmed") if held else None
        try:
            goal = Goal.model_validate(raw_goal)
        except ValidationError:
            goal = None
        if (
            before is not None
            and goal is not None
            and isinstance(confirmed, dict)
            and fingerprint(before, lang) == confirmed.get(gid)
        ):
            # The goal as confirmed is the one this commit changed: its fields can be named.
            changed = _changed_fields(before, goal, lang)
            if changed:
                message = tf(FIELDS, fields=listed(changed), **said)
        told[id(finding)] = make(
            CODE, message, finding.path, finding.line, finding.column, finding.id, finding.severity
        )
    return [told.get(id(f), f) for f in findings]


def _last_commit(git: Git, rel: str) -> tuple[str, str, str, str] | None:
    """(id, short id, date, subject) of the last commit that changed `rel`; None when it has uncommitted changes."""
    from .errors import SisturvaError
    from .safetext import terminal

    path = git.prefix + rel
    try:
        if git.git("status", "--porcelain", "--", path).strip():
            return None
        out = git.git("log", "-1", "--no-color", "--format=%H%x1f%h%x1f%as%x1f%s", "--", path)
    except (SisturvaError, OSError):
        return None
    fields = out.decode("utf-8", "replace").strip().split("\x1f")
    if len(fields) != 4:
        return None
    return fields[0], fields[1], fields[2], terminal(fields[3], 72)


__all__ = ["CODE", "MEANING", "changed", "check", "explain", "fingerprint", "fingerprints", "meaning"]
