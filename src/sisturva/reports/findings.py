"""Findings as text for people, JSON for programs and GitHub workflow annotations."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..catalogue import mark, messages
from ..findings import Finding, counts
from ..safetext import inert_lines, terminal, to_json

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_KEYS = (mark("severity.error"), mark("severity.warning"), mark("severity.info"))
"""A severity's word in reports for people, built as `"severity." + severity`."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(findings: Sequence[Finding], lang: str | None = None) -> str:
    """`2 errors, 1 warning, 0 infos`; in a report's language (`2 virhettä, 1 varoitus, …`) when given one.

    Without a language the words are the command line's own English, as `validate` prints them
    (its output has no `--lang`, and the catalogue is not loaded for it).
    """
    c = counts(findings)
    if lang is None:
        return ", ".join(_plural(c[s], s) for s in ("error", "warning", "info"))
    words = messages(lang)
    return ", ".join(
        (
            words.tn("count.errors", c["error"]),
            words.tn("count.warnings", c["warning"]),
            words.tn("count.infos", c["info"]),
        )
    )


def severity(level: str, lang: str | None = None) -> str:
    """A finding's severity as a reader of `lang` knows it (`virhe`); the contract's word without a language."""
    if lang is None:
        return level
    return messages(lang).of("severity.", level)


def where(f: Finding) -> str:
    """`path:line:column`, as typed (a file name may hold anything: see `finding_line`)."""
    return f.path + (f":{f.line}" if f.line else "") + (f":{f.column}" if f.column else "")


def finding_line(f: Finding, lang: str | None = None) -> str:
    """`path:line:column: severity CODE: message` on one line, whatever the path and message hold."""
    return f"{terminal(where(f))}: {severity(f.severity, lang)} {f.code}: {terminal(f.text(lang))}"


def text(
    findings: Sequence[Finding], extra: Mapping[str, Any], color: bool = False, lang: str | None = None
) -> str:
    """One `path:line:column: severity CODE: message` line per finding, grouped by file.

    With `lang`, the messages are in that language; the severities, codes and summary stay the
    command line's English, so editors' and CI's matchers of `path:line:column: error` still match.
    """
    lines: list[str] = []
    last_path = None
    for f in sorted(findings, key=Finding.sort_key):
        if last_path is not None and f.path != last_path:
            lines.append("")
        last_path = f.path
        lines.append(f"{terminal(where(f))}: {f.severity} {f.code}: {terminal(f.text(lang))}")
    if lines:
        lines.append("")
    held = extra.get("summary")
    if held:
        lines.append(terminal(str(held)))
    lines.append(("✓ " if not counts(findings)["error"] else "✗ ") + summary_line(findings))
    plain = inert_lines("\n".join(lines) + "\n")
    return _colored(plain) if color else plain


def _colored(plain: str) -> str:
    """The same text with severities coloured for a terminal (rich, imported only when needed)."""
    import re

    from rich.console import Console
    from rich.markup import escape

    marked = escape(plain)
    marked = re.sub(
        r"^(.*?: )(error|warning|info)( SIS\d+:)",
        lambda m: f"{m.group(1)}[{_STYLE[m.group(2)]}]{m.group(2)}[/]{m.group(3)}",
        marked,
        flags=re.MULTILINE,
    )
    console = Console(force_terminal=True, highlight=False, soft_wrap=True, emoji=False)
    with console.capture() as captured:
        console.print(marked, end="")
    return captured.get()


def as_json(findings: Sequence[Finding], extra: Mapping[str, Any]) -> str:
    """The JSON contract of DESIGN.md: findings and counts, plus any extra report fields."""
    body: dict[str, Any] = dict(extra)
    body["findings"] = [f.as_dict() for f in sorted(findings, key=Finding.sort_key)]
    body["counts"] = counts(findings)
    return to_json(body) + "\n"


def _escape_data(value: str) -> str:
    # Controls shown as escapes first, so the log viewer is not coloured or linked by a record;
    # then the runner's own escapes, which it undoes.
    return terminal(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: Sequence[Finding], extra: Mapping[str, Any]) -> str:
    """`::error file=…,line=…,col=…,title=…::message` workflow commands."""
    out: list[str] = []
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in sorted(findings, key=Finding.sort_key):
        props = [f"file={_escape_property(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
        props.append(f"title={_escape_property(f.code)}")
        out.append(f"::{level[f.severity]} {','.join(props)}::{_escape_data(f.message)}")
    out.append(summary_line(findings))
    return "\n".join(out) + "\n"


FORMATS: dict[str, Callable[[Sequence[Finding], Mapping[str, Any]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
}
