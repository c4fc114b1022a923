"""`review BASE HEAD`: the pull-request comment, with findings in the touched files and who must review."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..findings import exit_code
from ..review import Review, newly_suspect, reviewers, shown_records
from . import Outcome
from .diff import Side, Sides, comparison, sides


def collect(path: str | None, base: str, head: str, use_cache: bool = True, lang: str = "fi") -> Review:
    """The review of a change as data."""
    # What the pull request changes: against the merge base, as GitHub shows it, so commits
    # that reached the base branch meanwhile are not shown as reverted.
    found = (
        sides(path, f"{base}...{head}", None, use_cache=use_cache, every_id=True)
        if _plain(base, head)
        else None
    )
    if found is None:
        found = sides(path, base, head, use_cache=use_cache, every_id=True)
    result = comparison(found, lang=lang)
    if not found.changes:
        return Review(result, (), ())
    touched = set(result.changed_paths)
    head_findings = [f for f in found.findings("head") if f.path in touched]
    people = reviewers(
        [c.rel for c in found.changes],
        _reader(found, "base"),
        _reader(found, "head"),
        result,
        found.git.display,
        lang,
    )
    shown = shown_records(result.changes, found.base_records, found.head_records)
    # From the findings the comparison already has: the suspect check costs no second pass.
    suspect = newly_suspect(
        result.introduced, result.resolved, _reader(found, "base"), _reader(found, "head"), found.git.display
    )
    return Review(result, tuple(head_findings), tuple(people), shown, tuple(suspect))


def _reader(found: Sides, side: Side) -> Callable[[Sequence[str]], Mapping[str, Any]]:
    """Parsed files of one side by path: straight from git objects, so a file that fails validation still names its owners."""

    def read(rels: Sequence[str]) -> Mapping[str, Any]:
        return {rel: doc.data for rel, doc in found.documents(side, rels)}

    return read


def _plain(base: str, head: str) -> bool:
    """Whether both are single revisions that can be joined as BASE...HEAD (else git's errors apply)."""
    return (
        bool(base and head)
        and ".." not in base + head
        and not (base + head).startswith("-")
        and not head.startswith("-")
    )


def run(
    path: str | None, base: str, head: str, fmt: str, lang: str = "fi", use_cache: bool = True
) -> Outcome:
    """Review a change and present it in `fmt` (markdown, json or github)."""
    from ..reports.review import render

    review = collect(path, base, head, use_cache, lang)
    return Outcome(render(review, fmt, lang), exit_code([*review.touched, *review.comparison.introduced]))
