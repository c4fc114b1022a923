"""Findings: problems in the data, as values with a stable code and a position."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# code → (default severity, what it means). The README's table is generated from and tested
# against this registry, so a code is documented the moment it exists.
CODES: dict[str, tuple[Severity, str]] = {
    "SIS001": ("error", "YAML syntax error"),
    "SIS002": ("error", "duplicate key in a mapping"),
    "SIS003": ("error", "`%YAML` or `%TAG` directive (the file must be read as YAML 1.2)"),
    "SIS004": ("error", "explicit tag such as `!!python/object` or `!foo`"),
    "SIS005": ("error", "anchor or alias (`&a`, `*a`)"),
    "SIS006": ("error", "nesting deeper than the limit"),
    "SIS007": ("error", "file larger than the size limit"),
    "SIS008": ("error", "bytes that are not UTF-8"),
    "SIS009": ("error", "byte order mark at the start of the file"),
    "SIS010": ("error", "empty or comment-only file"),
    "SIS011": ("error", "several YAML documents in one file"),
    "SIS012": ("error", "mapping key that is not a string"),
    "SIS013": ("error", "symbolic link, or a path that leads outside the repository"),
    "SIS014": ("error", "the top level of a file is not a mapping"),
    "SIS015": ("warning", "a file in a record folder that is not read: not named ID.yaml, in a subfolder, or named with a leading dot"),
    "SIS016": ("error", "file or folder cannot be read (reported at 1:1)"),
    "SIS101": ("error", "unknown key"),
    "SIS102": ("error", "missing required key"),
    "SIS103": ("error", "value of the wrong type or out of range"),
    "SIS104": ("error", "id is not a lower-case kebab-case slug"),
    "SIS105": ("error", "link is not an http(s) address"),
    "SIS201": ("error", "reference to an unknown record"),
    "SIS202": ("error", "duplicate id"),
    "SIS203": ("error", "file name disagrees with the record's id"),
    "SIS204": ("error", "goal reference names a priority that does not exist"),
    "SIS205": ("error", "goal id does not start with its priority's id"),
    "SIS206": ("warning", "indicator that no goal or phenomenon uses"),
    "SIS207": ("warning", "text missing a required language (an error under --strict)"),
    "SIS208": ("error", "required file missing (`strategy.yaml`)"),
    "SIS209": ("warning", "goal's indicator has no observation for the baseline year"),
    "SIS210": ("error", "resource year outside its commitment's period"),
    "SIS211": ("warning", "commitment period starts before or ends after the planning years"),
    "SIS212": ("warning", "priority period starts before or ends after the planning years"),
    "SIS213": ("warning", "goal's target, due or baseline year outside its priority's period"),
    "SIS214": ("warning", "goal's target, due or baseline year outside the planning years"),
    "SIS215": ("error", "goal's baseline year after its target year"),
    "SIS216": ("error", "observation for a year still to come"),
    "SIS301": ("error", "resource names a budget line that is not in the organisation's plan"),
    "SIS302": ("error", "organisation has commitments with money but no budget plan"),
    "SIS303": ("warning", "resource year outside the years the plan covers: not yet planned"),
    "SIS304": ("error", "commitments exceed the line's allocation (or amount) for a year"),
    "SIS305": ("error", "commitments exceed the person-years the organisation made available"),
    "SIS306": ("warning", "commitment with no resources: not yet resourced (error under --strict)"),
    "SIS307": ("error", "commitment tied to a performance target its organisation's plan lacks"),
    "SIS308": ("info", "resourced commitment tied to none of its organisation's own targets"),
    "SIS309": ("warning", "plan shorter than its kind requires"),
    "SIS310": ("info", "draft budget plan"),
    "SIS311": ("warning", "active goal that no resourced commitment serves"),
    "SIS312": ("info", "priority group member with no commitment to that priority"),
    "SIS313": ("error", "budget amount or person-years for a year the plan does not cover"),
    "SIS314": ("warning", "plan's years start before or end after the planning years"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in the data."""

    code: str
    """Stable code from `CODES`."""
    severity: Severity
    """error, warning or info."""
    message: str
    """What is wrong and what to do."""
    path: str
    """File as typed from the current directory (or repository-relative for revisions)."""
    line: int = 1
    """1-based line (1 for a finding about a whole file)."""
    column: int = 1
    """1-based column (1 for a finding about a whole file)."""
    id: str | None = None
    """The record the finding concerns."""

    def as_dict(self) -> dict[str, object]:
        """The JSON contract of DESIGN.md."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "id": self.id,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, then position, then code."""
        return (self.path, self.line, self.column, self.code)


def make(
    code: str,
    message: str,
    path: str,
    line: int | None = None,
    column: int | None = None,
    record_id: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding with the code's default severity unless one is given.

    Without a position (a whole file, a file that could not be read) it is at 1:1, so every
    finding can be shown and annotated as `path:line:column`.
    """
    return Finding(code, severity or CODES[code][0], message, path, line or 1, column or 1, record_id)


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity: the `counts` of the JSON contract."""
    result: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        result[finding.severity] += 1
    return result


def strictened(findings: Iterable[Finding]) -> list[Finding]:
    """Under `--strict`, warnings count as errors."""
    return [_promote(f) if f.severity == "warning" else f for f in findings]


def _promote(finding: Finding) -> Finding:
    return Finding(
        finding.code,
        "error",
        finding.message,
        finding.path,
        finding.line,
        finding.column,
        finding.id,
    )


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing is at error level, else 1."""
    return 1 if any(f.severity == "error" for f in findings) else 0


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a close choice exists, else an empty string."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
