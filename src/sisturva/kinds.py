"""Record kinds as people type them, singular or plural, mapped to the plural names the code uses."""

from __future__ import annotations

SINGULAR: dict[str, str] = {
    "settings": "settings",
    "strategy": "strategy",
    "organisations": "organisation",
    "phenomena": "phenomenon",
    "indicators": "indicator",
    "priorities": "priority",
    "goals": "goal",
    "commitments": "commitment",
    "budgets": "budget",
}
"""Each kind (as `diff.KINDS` names it, in the same order; a test keeps them equal) → its singular."""

SCHEMAS: dict[str, str] = {
    "settings": "settings",
    "strategy": "strategy",
    "organisations": "organisation",
    "phenomena": "phenomenon",
    "indicators": "indicator",
    "priorities": "priority",
    "commitments": "commitments",
    "budgets": "budget",
}
"""Each kind with a file of its own → the name of its JSON Schema (`models.SCHEMA_NAMES`; a test keeps them equal)."""

_NAMED = {spelling: kind for kind, singular in SINGULAR.items() for spelling in (kind, singular)}


def kind_named(text: str) -> str | None:
    """The kind that `text` names in the singular or the plural (`budget`, `budgets` → `budgets`), or None."""
    return _NAMED.get(text.strip().lower())


def schema_named(text: str) -> str | None:
    """The JSON Schema that `text` names as a kind in the singular or the plural (`budgets` → `budget`), or None."""
    kind = kind_named(text)
    return SCHEMAS.get(kind) if kind else None


def spellings(kinds: tuple[str, ...]) -> str:
    """How a message lists the accepted kinds: their singular names."""
    return ", ".join(SINGULAR[kind] for kind in kinds)
