"""`log ID`: the history of one record across commits."""

from __future__ import annotations

from ..gitsource import Git
from ..history import history
from . import Outcome


def run(
    path: str | None,
    record_id: str,
    rev: str,
    fmt: str,
    lang: str = "fi",
    color: bool = False,
    kind: str | None = None,
) -> Outcome:
    """The record's history in `fmt` (text or json)."""
    from ..reports.diff import render_log as render

    found = history(Git(path), record_id, rev, kind)
    return Outcome(render(found, fmt, lang, color), 0)
