"""What a strategy holds, counted: the summary line of `validate` and the main job."""

from __future__ import annotations

from .strategy import Strategy


def counts(strategy: Strategy) -> dict[str, int]:
    """Records of each kind."""
    return {
        "organisations": len(strategy.organisations),
        "phenomena": len(strategy.phenomena),
        "indicators": len(strategy.indicators),
        "priorities": len(strategy.priorities),
        "goals": len(strategy.goals),
        "commitments": len(strategy.commitment_owner),
        "budgets": len(strategy.budgets),
    }


def line(strategy: Strategy, files: int) -> str:
    """`42 files: 8 priorities, 20 goals, …`."""
    c = counts(strategy)
    parts = ", ".join(f"{n} {kind}" for kind, n in c.items())
    return f"{files} files: {parts}"
