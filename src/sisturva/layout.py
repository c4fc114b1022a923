"""The repository layout's names, kept free of heavy imports so start-up stays light."""

from __future__ import annotations

SINGLE_FILE_NAMES: tuple[str, ...] = ("sisturva.yaml", "strategy.yaml")
"""Files at the repository root."""
FOLDER_NAMES: tuple[str, ...] = (
    "organisations",
    "phenomena",
    "indicators",
    "priorities",
    "commitments",
    "budgets",
)
"""Folders holding one record (or one organisation's records) per file."""
MAX_BYTES = 1_000_000
"""Files above this size are refused unread: no strategy record needs a megabyte."""
