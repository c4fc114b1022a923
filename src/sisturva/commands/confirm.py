"""`confirm`: record that a commitment still serves its goals as they now read, so it is no longer suspect."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import UsageError
from ..findings import did_you_mean
from ..strategy import Strategy
from . import Outcome


def _targets(
    strategy: Strategy, commitment: str | None, goal: str | None, every: bool
) -> dict[str, tuple[str, ...]]:
    """The goals to confirm, by commitment id: one goal, every goal one commitment serves, or all of them."""
    items = {item.id: item for _, item in strategy.all_commitments()}
    if every:
        # Only goals that exist: a reference to an unknown goal is an error of its own (SIS201).
        return {cid: tuple(g for g in item.goals if g in strategy.goals) for cid, item in items.items()}
    assert commitment is not None
    item = items.get(commitment)
    if item is None:
        raise UsageError(f"unknown commitment '{commitment}'{did_you_mean(commitment, items)}")
    if goal is not None:
        if goal not in item.goals:
            raise UsageError(
                f"commitment '{commitment}' does not serve goal '{goal}'{did_you_mean(goal, item.goals)}; "
                f"it serves {', '.join(item.goals)}"
            )
        if goal not in strategy.goals:
            raise UsageError(f"goal '{goal}' is not defined in priorities/; fix the reference first")
        return {commitment: (goal,)}
    return {commitment: tuple(g for g in item.goals if g in strategy.goals)}


def _confirmed_node(goals: Sequence[str], old: Any, prints: Mapping[str, str], served: Sequence[str]) -> Any:
    """The `confirmed` mapping with `goals` at their current fingerprints, in the order the goals are listed."""
    from ruamel.yaml.comments import CommentedMap

    from ..authoring import roundtrip as rt
    from ..authoring.canonical import FLOW_ITEMS

    node = old if isinstance(old, CommentedMap) else CommentedMap()
    for gid in goals:
        # Quoted when needed: `12345678` or `1e234567` would read back as a number.
        node[gid] = rt.scalar(prints[gid])
    # A goal the commitment no longer serves has nothing left to confirm.
    for gid in [k for k in node if k not in served]:
        rt.remove_key(node, gid)
    order = [g for g in served if g in node]
    rt.reorder(node, order)
    if old is None and len(node) <= FLOW_ITEMS:
        node.fa.set_flow_style()
    return node


def confirmed_text(
    text: str, shown: str, targets: Mapping[str, Sequence[str]], prints: Mapping[str, str]
) -> tuple[str, dict[str, int]]:
    """The new text of one commitments file with `targets` confirmed, and each changed commitment's index."""
    from ..authoring import roundtrip as rt
    from ..models import Commitment

    try:
        data = rt.load(text)
    except rt.RoundTripError as error:
        raise UsageError(f"{shown}:{error.line}:{error.column}: {error.message}; fix it first") from None
    items = data.get("commitments") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise UsageError(f"{shown}: commitments is not a list; fix it first (`sisturva validate`)")
    changed: dict[str, int] = {}
    for index, item in enumerate(items):
        cid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(cid, str) or cid not in targets:
            continue
        goals = targets[cid]
        served = [g for g in item.get("goals") or [] if isinstance(g, str)]
        old = item.get("confirmed")
        before = dict(old) if isinstance(old, dict) else {}
        if not goals and not before:
            continue
        node = _confirmed_node(goals, old, prints, served)
        if dict(node) == before and old is not None:
            continue
        if node:
            rt.insert_key(item, "confirmed", node, rt.field_names(Commitment))
        elif "confirmed" in item:
            rt.remove_key(item, "confirmed")
        changed[cid] = index
    return (rt.dump(data) if changed else text), changed


def record(
    strategy: Strategy, commitment: str | None, goal: str | None, every: bool
) -> tuple[dict[str, str], list[tuple[str, int, str, tuple[str, ...]]]]:
    """The new text of each commitments file that changes, and (path, index, commitment, goals) of each change."""
    from ..suspect import fingerprints

    targets = _targets(strategy, commitment, goal, every)
    prints = fingerprints(strategy)
    by_file: dict[str, dict[str, tuple[str, ...]]] = {}
    for cid, goals in targets.items():
        located = strategy.where.get(("commitments", cid))
        if located is not None:
            by_file.setdefault(located.rel, {})[cid] = goals
    out: dict[str, str] = {}
    told: list[tuple[str, int, str, tuple[str, ...]]] = []
    for rel, wanted in by_file.items():
        doc = strategy.documents[rel]
        if doc.text is None:
            continue
        text, changed = confirmed_text(doc.text, strategy.display(rel), wanted, prints)
        if changed:
            out[rel] = text
            told.extend((rel, index, cid, wanted[cid]) for cid, index in changed.items())
    return out, told


def _line(text: str, rel: str, index: int) -> int:
    """The line of the commitment's `confirmed` key in the new text."""
    from ..documents import parse

    doc = parse(rel, text.encode("utf-8"))
    line, _ = doc.locate(("commitments", index, "confirmed"), key=True)
    if line is None:
        line, _ = doc.locate(("commitments", index))
    return line or 1


def run(
    directory: str | None, commitment: str | None, goal: str | None, every: bool, dry_run: bool
) -> Outcome:
    """Record the current fingerprints of a commitment's goals (or of every commitment's) through `write_changes`."""
    from ..authoring.write import write_changes
    from ..repository import load
    from ..sources import display_prefix

    if every and (commitment or goal):
        raise UsageError("--all confirms every commitment's goals; leave out COMMITMENT and --goal")
    if not every and not commitment:
        raise UsageError("name the COMMITMENT to confirm, or give --all to confirm every commitment")
    loaded = load(directory)
    changes, told = record(loaded.strategy, commitment, goal, every)
    absolute = bool(directory) and os.path.isabs(str(directory))
    if not changes:
        what = "every commitment is" if every else f"'{commitment}' is"
        return Outcome(f"{what} already confirmed against its goals as they read now; nothing to change\n", 0)
    result = write_changes(loaded.root, changes, dry_run=dry_run, absolute=absolute)
    if result.refused:
        from ..reports.findings import finding_line

        refused = "".join(finding_line(f) + "\n" for f in result.findings)
        return Outcome("", 1, refused + "sisturva: error: nothing was confirmed; fix what is named above\n")
    if dry_run:
        return Outcome(result.diff, 0, "(dry run: nothing written)\n")
    prefix = display_prefix(loaded.root, absolute)
    lines = [
        f"{prefix}{rel}:{_line(changes[rel], rel, index)}: {cid}: confirmed {', '.join(goals) or '(no goals)'}\n"
        for rel, index, cid, goals in told
    ]
    return Outcome("".join(lines), 0)
