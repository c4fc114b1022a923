"""Command implementations: each parses nothing and prints nothing; it returns an `Outcome`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What a command produced: data for stdout, diagnostics for stderr, and the exit code."""

    stdout: str
    code: int
    stderr: str = ""
