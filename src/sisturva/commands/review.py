"""`review BASE HEAD`: the pull-request comment, with findings in the touched files and who must review."""

from __future__ import annotations

from ..diff import Review, reviewers
from ..findings import exit_code
from . import Outcome
from .diff import comparison, sides


def collect(path: str | None, base: str, head: str, use_cache: bool = True) -> Review:
    """The review of a change as data."""
    found = sides(path, base, head, use_cache=use_cache)
    result = comparison(found)
    if not found.changes:
        return Review(result, (), ())
    touched = set(result.changed_paths)
    head_findings = [f for f in found.findings("head") if f.path in touched]
    rels = [c.rel for c in found.changes]
    people = reviewers(found.full("head"), found.base_records, result, rels)
    return Review(result, tuple(head_findings), tuple(people))


def run(
    path: str | None, base: str, head: str, fmt: str, lang: str = "fi", use_cache: bool = True
) -> Outcome:
    """Review a change and present it in `fmt` (markdown, json or github)."""
    from ..reports.review import render

    review = collect(path, base, head, use_cache)
    return Outcome(render(review, fmt, lang), exit_code([*review.touched, *review.comparison.introduced]))
