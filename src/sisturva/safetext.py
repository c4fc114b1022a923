"""Text from records made safe for each output channel: terminal lines, Markdown, rich markup and JSON."""

from __future__ import annotations

import json
import re
from typing import Any

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidirectional controls: they reorder what a reader sees without changing what is there."""
SEPARATORS = "\u2028\u2029"
"""Line and paragraph separators: a line break to some readers, and to `str.splitlines`."""
UNSAFE = frozenset([chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))] + list(BIDI) + list(SEPARATORS))
"""Characters never written raw: C0 and C1 controls, DEL, bidi controls and line separators."""
CELL = 300
"""Longest record text shown in one Markdown table cell; the JSON output keeps everything."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""A spreadsheet cell of text starting with one of these could run as a formula (OWASP's CSV injection)."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(ch: str) -> str:
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


_CLASS = r"\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"[{_CLASS}]")
_VISIBLE = str.maketrans({ch: _visible(ch) for ch in UNSAFE})
# GitHub Actions reads a workflow command from a line that starts with `::` after leading
# whitespace (the runner's `TrimStart`), and a legacy `##[command]` anywhere in a line.
_LEGACY = "##["
_LEGACY_INERT = "##\\x5b"


def _leading_command(text: str) -> str:
    start = len(text) - len(text.lstrip())
    if text.startswith("::", start):
        return text[:start] + "\\x3a" + text[start + 1 :]
    return text


def terminal(text: str, limit: int | None = None) -> str:
    r"""Text for one terminal or log line: controls shown as escapes (`\x1b`, `\n`, `\u202e`), no workflow command.

    `limit` cuts the text (before escaping) to that many characters, the last one `…`.
    """
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    if _UNSAFE.search(text) is not None:
        text = text.translate(_VISIBLE)
    if "::" in text:
        text = _leading_command(text)
    if _LEGACY in text:
        text = text.replace(_LEGACY, _LEGACY_INERT)
    return text


def inert_lines(report: str) -> str:
    """A report of many lines of our own making, with no line GitHub Actions would read as a command.

    The fields in it went through `terminal` already; this guards the lines they were joined into.
    """
    if "::" not in report and _LEGACY not in report:
        return report
    return "\n".join(_leading_command(line) for line in report.split("\n")).replace(_LEGACY, _LEGACY_INERT)


def rich_markup(text: str) -> str:
    """Record text for rich's console markup: escaped as for a terminal, and `[tags]` shown as typed."""
    from rich.markup import escape  # rich loads in ≈0.1 s: only the reports that print with it pay

    return escape(terminal(text))


# -- Markdown ---------------------------------------------------------------------------------------

# Whitespace that Markdown sees as such (a line break, indentation); other spaces stay as written.
_MD_SPACE = re.compile(r"[\t\n\v\f\r ]+")
_MD_VISIBLE = str.maketrans({ch: _visible(ch) for ch in UNSAFE if ch not in "\t\n\v\f\r"})
# Markup anywhere in a line: code, emphasis, links and footnotes (`[`; so `(`, `!` and `^` need
# nothing), table cells, strikethrough, math, a heading's closing `#`s, attribute lists.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$])")
# What would start a list, a thematic break or a setext heading underline at the start of a line
# (`*`, `#` are escaped anyway), and `::`, which GitHub Actions reads as a workflow command when a
# report is printed in a job's log; `26.10.01` or `-1,5` need nothing.
_MD_LINE_START = re.compile(r"^(?:(\d{1,9})(?=[.)](?:\s|$))|([-+])(?=[\s+-]|$)|(=)(?==*$)|(:)(?=:))")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)
# Text that `markdown` leaves as it is: single spaces between words, nothing to escape, no list
# marker, no control character. Most record text is like this: one match instead of many passes.
_MD_NOT_PLAIN = _CLASS + r"\\`*_{}\[\]#|~$&<>@"
_MD_PLAIN = re.compile(rf"[^\s{_MD_NOT_PLAIN}+\-=:\d](?:[^\t\n\v\f\r {_MD_NOT_PLAIN}]| (?=[^\t\n\v\f\r ]))*")
_SAFE_CODE = re.compile(r"[A-Za-z0-9._/:@+\[\]-]{1,200}")
_ZWSP = "\u200b"


def _line_start(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1) + "\\"
    return "\\" + (m.group(2) or m.group(3) or m.group(4))


def markdown(text: str, limit: int | None = None) -> str:
    r"""Record text as one line of inert Markdown: no markup, HTML, links, pings, table breaks or controls.

    Controls are shown as escapes (`\x1b`), HTML as entities, Markdown specials backslash-escaped;
    a zero-width space after `@` and inside `://` and `www.` keeps mentions and bare addresses from
    turning live. `limit` cuts the text (before escaping) to that many characters, the last one `…`.
    """
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    plain = _MD_PLAIN.fullmatch(text) and not text[-1].isspace()
    if plain and "://" not in text and _WWW.search(text) is None:
        return text
    if _UNSAFE.search(text) is not None:
        text = text.translate(_MD_VISIBLE)
    flat = _MD_SPACE.sub(" ", text).strip()
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MD_SPECIAL.sub(r"\\\1", flat)
    flat = _MD_LINE_START.sub(_line_start, flat)
    flat = flat.replace("@", "@" + _ZWSP).replace("://", ":" + _ZWSP + "//")
    return _WWW.sub(r"\1" + _ZWSP + ".", flat)


def markdown_cell(text: str, limit: int = CELL) -> str:
    """Record text for one Markdown table cell: inert as `markdown`, and at most `limit` characters of it."""
    return markdown(text, limit)


def markdown_code(text: str) -> str:
    """An id or a path as a code span when it cannot break out of one; anything else as `markdown_cell`."""
    return f"`{text}`" if _SAFE_CODE.fullmatch(text) else markdown_cell(text)


# -- JSON -------------------------------------------------------------------------------------------

# `ensure_ascii=False` keeps Finnish readable and escapes C0 controls itself; what it would write
# raw and a terminal acts on (DEL, C1, bidi, separators) becomes a `\uXXXX` escape: the same data.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_JSON_ESCAPE = str.maketrans({ch: f"\\u{ord(ch):04x}" for ch in UNSAFE if ord(ch) >= 0x7F})


def to_json(data: Any, indent: int | None = 2) -> str:
    """JSON that decodes to exactly `data` and carries no raw control or bidi character."""
    out = json.dumps(data, ensure_ascii=False, indent=indent)
    # These characters can only occur inside strings, where an escape means the same character.
    return out.translate(_JSON_ESCAPE) if _JSON_UNSAFE.search(out) is not None else out


__all__ = [
    "BIDI",
    "CELL",
    "FORMULA_START",
    "SEPARATORS",
    "UNSAFE",
    "inert_lines",
    "markdown",
    "markdown_cell",
    "markdown_code",
    "rich_markup",
    "terminal",
    "to_json",
]
