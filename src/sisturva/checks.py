"""All checks of one strategy, for commands that compare revisions or report everything."""

from __future__ import annotations

from .findings import Finding
from .strategy import Strategy


def run_all(strategy: Strategy) -> list[Finding]:
    """Validation findings plus every further rule set (alignment) of the strategy."""
    from .align import check as alignment

    return [*strategy.findings, *alignment(strategy)]
