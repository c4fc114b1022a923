"""Plain-language YAML diagnostics: what is wrong, where to fix it, and the right form to write."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Everything here runs only for a file that already has a problem, so it may re-read the text,
# scan it again for tokens and try several readings; the happy path never comes here.

_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""libyaml's line breaks: its line and column numbers count lines split at these."""
_KEY = re.compile(r"([^\s#'\"\[\]{},:-][^#:]*?|-[^\s#:][^#:]*?):(?=\s|$)")
"""A block key as people write it, `name:`, followed by a space or the end of the line."""
_GROUP = "[ \u00a0\u202f]"
_NUMBER = re.compile(rf"-?(?:[0-9]{{1,3}}(?:{_GROUP}[0-9]{{3}})+(?:[.,][0-9]+)?|[0-9]+,[0-9]+)\Z")
"""A number written the way people write it: a decimal comma, spaces between the thousands."""
# In brackets: a number, a comma, digits, then the end of the item (`{person_years: 0,5}`).
_FLOW_COMMA = re.compile(
    rf"(?<![^\s\[{{,])(-?(?:[0-9]{{1,3}}(?:{_GROUP}[0-9]{{3}})+|[0-9]+)),([0-9]+)(?=\s*(?:[,\]}}]|#|$))"
)
_SPECIAL = {
    "*": "`*` at the start of a value makes it an alias, a reference to another value, which is not allowed",
    "&": "`&` at the start of a value makes it an anchor, a name for the value, which is not allowed",
    "!": "`!` at the start of a value makes it a tag, which is not allowed",
    "%": "a value cannot start with `%` in YAML",
    "@": "a value cannot start with `@` in YAML",
    "`": "a value cannot start with a backtick (`) in YAML",
    "|": "`|` at the start of a value begins a block of text on the lines below it",
    ">": "`>` at the start of a value begins a block of text on the lines below it",
    "?": "`?` followed by a space at the start of a value makes it a complex key, which is not allowed",
}
_TAB = "a tab is used for indentation; YAML needs spaces: indent with two spaces instead"

Explained = tuple[str, str, int, int]
"""(code, message, line, column), 1-based."""


def _lines(text: str) -> list[str]:
    return _BREAK.split(text)


def line_offsets(text: str) -> list[int]:
    """Where each line of `text` starts, as libyaml counts lines."""
    return [0, *(match.end() for match in _BREAK.finditer(text))]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _significant(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _content(line: str) -> int:
    """Column where a line's key or value starts, after its indentation and `- ` markers."""
    col = _indent(line)
    while line.startswith("- ", col) or line[col:].rstrip() == "-":
        col += 2
        while line.startswith(" ", col):
            col += 1
    return col


def _label(line: str, col: int) -> str:
    """How a person would name what starts at `col`: its key, or the first words."""
    key = _KEY.match(line, col)
    if key and not line.startswith("- ", col):
        return f"`{key.group(1)}:`"
    text = line[col:].strip()
    return f"`{text[:30]}…`" if len(text) > 30 else f"`{text}`"


def _no_comment(value: str) -> str:
    cut = re.search(r"\s#", value)
    return (value[: cut.start()] if cut else value).strip()


def _quoted(text: str) -> str:
    """`text` as a YAML quoted scalar, shortened for a one-line message."""
    if len(text) > 50:
        text = text[:49] + "…"
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _value_start(line: str) -> int | None:
    """Column of the value on a block `key: value` line (after any `- `), else None."""
    col = _content(line)
    key = _KEY.match(line, col)
    if not key:
        return None
    start = key.end() + 1
    while line.startswith(" ", start):
        start += 1
    return start if start < len(line) else None


def _is_flow(before: str) -> bool:
    return any(c in before for c in "[{")


def _quote_hint(line: str, col: int, what: str = "if it is text, put it in quotes", sep: str = "; ") -> str:
    """`; <what>: key: "value"` for the block value that starts at `col`, when one can be shown."""
    before = line[:col]
    value = _no_comment(line[col:])
    if _is_flow(before) or not value:
        return f"{sep}{what}"
    prefix = before.strip()
    prefix = prefix + " " if prefix and prefix != "---" else ""
    return f"{sep}{what}: {prefix}{_quoted(_unquote(value) if 'whole' in what else value)}"


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"


def _levels(lines: list[str], upto: int) -> list[tuple[int, int, str]]:
    """Columns that a line at `upto` could line up with: (column, line index, label), nearest first."""
    found: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    lowest = 1 << 30
    for index in range(min(upto, len(lines)) - 1, -1, -1):
        line = lines[index]
        if not _significant(line):
            continue
        col = _indent(line)
        if col >= lowest:
            continue
        lowest = col
        inner = _content(line)
        for where in (inner, col) if inner != col else (col,):
            if where not in seen:
                seen.add(where)
                found.append((where, index, _label(line, where)))
    return found


def _misaligned(lines: list[str], index: int) -> str | None:
    """Message for line `index`, whose indentation lines up with nothing above it."""
    line = lines[index] if index < len(lines) else ""
    if not _significant(line):
        return None
    col = _indent(line)
    levels = _levels(lines, index)
    if not levels or any(where == col for where, _, _ in levels):
        return None
    deeper = min((lv for lv in levels if lv[0] > col), default=None, key=lambda lv: lv[0])
    shallower = max((lv for lv in levels if lv[0] < col), default=None, key=lambda lv: lv[0])
    choices = [
        f"by {_spaces(lv[0])} like {lv[2]} on line {lv[1] + 1}"
        for lv in (deeper, shallower)
        if lv is not None
    ]
    item = line.startswith("- ", col) or line[col:].rstrip() == "-"
    what = (
        f"this list item {_label(line, col + 2)}".replace("item `", "item `- ") if item else _label(line, col)
    )
    rule = "items of one list" if item else "keys of one mapping"
    return (
        f"wrong indentation: {what} is indented by {_spaces(col)}, which lines up with nothing above it; "
        f"{rule} must start in the same column: indent it {' or '.join(choices)}"
    )


def _over_indented(lines: list[str], index: int) -> str | None:
    """Message for a `key:` line indented deeper than the key above it, which already has a value."""
    line = lines[index]
    col = _indent(line)
    for above in range(index - 1, -1, -1):
        owner = lines[above]
        if not _significant(owner) or _indent(owner) >= col:
            continue
        key_col = _content(owner)
        if key_col >= col or not _KEY.match(owner, key_col):
            return None
        return (
            f"wrong indentation: {_label(line, col)} is indented by {_spaces(col)}, more than "
            f"{_label(owner, key_col)} on line {above + 1} ({_spaces(key_col)}), which already has a value; "
            f"indent it like {_label(owner, key_col)}, or if it is part of the text above, put the whole "
            "text in quotes"
        )
    return None


def _tokens(text: str, line: int, column: int) -> list[Any]:
    """The tokens libyaml reads before (line, column), 0-based; fewer when its scanner stops first."""
    from yaml._yaml import CParser

    out: list[Any] = []
    scanner = CParser(text)
    try:
        while True:
            token = scanner.get_token()
            if token is None:
                break
            mark = token.start_mark
            if (mark.line, mark.column) >= (line, column):
                break
            out.append(token)
    except Exception:  # the scanner's own error at or after the place: the tokens so far are enough
        pass
    return out


def _open_flows(tokens: list[Any]) -> list[Any]:
    stack: list[Any] = []
    for token in tokens:
        name = type(token).__name__
        if name in ("FlowSequenceStartToken", "FlowMappingStartToken"):
            stack.append(token)
        elif name in ("FlowSequenceEndToken", "FlowMappingEndToken") and stack:
            stack.pop()
    return stack


def _unclosed(lines: list[str], opener: Any) -> Explained:
    mark = opener.start_mark
    line = lines[mark.line] if mark.line < len(lines) else ""
    bracket = line[mark.column : mark.column + 1] or "["
    closer = "]" if bracket == "[" else "}"
    kind = "list" if bracket == "[" else "mapping"
    rest = _no_comment(line[mark.column :])
    example = f": {line[: mark.column].strip()} {rest.rstrip(',')}{closer}".replace(":  ", ": ")
    if rest == bracket or rest.endswith(closer):
        example = ""
    return (
        "SIS001",
        f"the {kind} opened with `{bracket}` here is never closed; end it with `{closer}` after its last item{example}",
        mark.line + 1,
        mark.column + 1,
    )


def _after_closed(lines: list[str], tokens: list[Any], line0: int, col0: int) -> Explained | None:
    """Text that follows a closed quote or bracket on the same line: `"Tavoite" ja muuta`."""
    if not tokens:
        return None
    last = tokens[-1]
    name = type(last).__name__
    line = lines[line0] if line0 < len(lines) else ""
    if name == "ScalarToken" and last.style in ("'", '"') and last.end_mark.line == line0:
        start = last.start_mark
        if start.line < line0:
            opened = lines[start.line] if start.line < len(lines) else ""
            return (
                "SIS001",
                f"the quote {last.style} opened here closes only on line {line0 + 1}; end the text with "
                f"{last.style} on this line"
                + (
                    f": {opened[: start.column].strip()} {_no_comment(opened[start.column :])}{last.style}"
                    if not _is_flow(opened[: start.column])
                    else ""
                ),
                start.line + 1,
                start.column + 1,
            )
        after = line[last.end_mark.column : last.end_mark.column + 1]
        if last.style == "'" and after.isalpha():
            return (
                "SIS001",
                "an apostrophe inside single quotes ends the text; write it twice ('') or"
                + _quote_hint(line, start.column, "put the whole text in double quotes", " "),
                start.line + 1,
                start.column + 1,
            )
        return (
            "SIS001",
            f"there is text after the closing quote {last.style}"
            + _quote_hint(line, start.column, "put the whole text in quotes"),
            start.line + 1,
            start.column + 1,
        )
    if name in ("FlowSequenceEndToken", "FlowMappingEndToken") and last.end_mark.line == line0:
        char = line[col0 : col0 + 1]
        closer = "]" if name == "FlowSequenceEndToken" else "}"
        if char in ("]", "}"):
            return ("SIS001", f"an extra `{char}` with nothing to close; remove it", line0 + 1, col0 + 1)
        opener = None
        depth = 0
        for token in reversed(tokens):
            kind = type(token).__name__
            if kind.endswith("EndToken") and kind.startswith("Flow"):
                depth += 1
            elif kind.endswith("StartToken") and kind.startswith("Flow"):
                depth -= 1
                if depth == 0:
                    opener = token
                    break
        if opener is not None and opener.start_mark.line == line0:
            col = opener.start_mark.column
            shape = "a list" if closer == "]" else "a mapping"
            return (
                "SIS001",
                f"a value that starts with `{'[' if closer == ']' else '{'}` is read as {shape}, and text "
                f"follows its closing `{closer}`"
                + _quote_hint(line, col, "if it is text, put the whole text in quotes"),
                line0 + 1,
                col + 1,
            )
    return None


def _special_start(lines: list[str], line0: int, col0: int) -> Explained | None:
    line = lines[line0] if line0 < len(lines) else ""
    char = line[col0 : col0 + 1]
    if char not in _SPECIAL:
        return None
    return ("SIS001", _SPECIAL[char] + _quote_hint(line, col0), line0 + 1, col0 + 1)


def special_value(text: str, line: int, column: int, message: str) -> str:
    """`message` about an alias, anchor or tag, with how to write it as text when it is a block value."""
    lines = _lines(text)
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    rest = _no_comment(row[column - 1 :])
    if (
        not rest
        or rest[0] not in "*&!"
        or rest.split(" ", 1)[-1][:1] in ("[", "{")
        or (" " not in rest and rest[0] == "&")
    ):
        return message
    return message + _quote_hint(row, column - 1, "or if it is text, put it in quotes", ", ")


def _tab(lines: list[str], line0: int, col0: int) -> Explained | None:
    line = lines[line0] if line0 < len(lines) else ""
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in lead:
        return ("SIS001", _TAB, line0 + 1, lead.index("\t") + 1)
    if line[col0 : col0 + 1] == "\t":
        return (
            "SIS001",
            "a tab is used where YAML needs spaces; replace it with spaces",
            line0 + 1,
            col0 + 1,
        )
    return None


def _no_colon_space(lines: list[str], line0: int, col0: int) -> Explained | None:
    line = lines[line0] if line0 < len(lines) else ""
    key = _no_comment(line[col0:])
    glued = re.match(r"([^\s:'\"\[\]{},#][^\s:]*):([^\s/].*)\Z", key)
    if glued and not glued.group(2).startswith("//"):
        fixed = f"{glued.group(1)}: {glued.group(2)}"
        before = line[:col0].strip()
        return (
            "SIS001",
            f"a space is missing after ':' in `{key}`; YAML needs a space after a key's colon: "
            f"{(before + ' ' + fixed).strip()}",
            line0 + 1,
            col0 + len(glued.group(1)) + 1,
        )
    if key[:1] in ("'", '"') and ":" not in key:
        return (
            "SIS001",
            "a key in quotes must end on the line where it starts, followed by ':'",
            line0 + 1,
            col0 + 1,
        )
    if key[:1] in ("&", "*", "!"):
        found = _special_start(lines, line0, col0)
        if found:
            return ("SIS004" if key[0] == "!" else "SIS005", *found[1:])
    if ":" not in key:
        hint = ""
        for above in range(line0 - 1, -1, -1):
            if _significant(lines[above]):
                if _value_start(lines[above]) is not None and _indent(lines[above]) <= _indent(line):
                    hint = (
                        "; if it continues the text of the line above, indent it more than "
                        f"{_label(lines[above], _content(lines[above]))} or put the whole text in quotes"
                    )
                break
        shown = key if len(key) <= 30 else key[:29] + "…"
        return (
            "SIS001",
            f"`{shown}` is neither a key with a value nor a list item; write a key as `{shown.split(' ')[0]}: value`{hint}",
            line0 + 1,
            col0 + 1,
        )
    return None


def _colon_in_text(lines: list[str], line0: int, col0: int) -> Explained | None:
    line = lines[line0] if line0 < len(lines) else ""
    start = _value_start(line)
    if start is None or start > col0 or _KEY.match(line, _content(line)) is None:
        return None
    if _is_flow(line[:col0]):
        return (
            "SIS001",
            "a ':' followed by a space inside a value is read as another key; put the text in quotes",
            line0 + 1,
            col0 + 1,
        )
    value = _no_comment(line[start:])
    return (
        "SIS001",
        f"the text `{value if len(value) <= 40 else value[:39] + '…'}` contains ': ', which YAML reads as "
        "the start of another key" + _quote_hint(line, start, "put the whole text in quotes"),
        line0 + 1,
        start + 1,
    )


def _mark(mark: Any) -> tuple[int, int] | None:
    return (mark.line, mark.column) if mark is not None else None


def explain(
    text: str, problem: str | None, problem_mark: Any, context: str | None, context_mark: Any
) -> Explained:
    """A libyaml error as (code, message, line, column) that a person can act on."""
    try:
        found = _explain(text, problem or "", _mark(problem_mark), context or "", _mark(context_mark))
    except Exception:  # a diagnostic must never be the thing that fails
        found = None
    where = problem_mark or context_mark
    line, column = (where.line + 1, where.column + 1) if where is not None else (1, 1)
    if found is None:
        said = problem or context or "invalid YAML"
        return (
            "SIS001",
            f"YAML cannot read the file from here ({said}); check the quotes, colons and indentation",
            line,
            column,
        )
    code, message, line, column = found
    return code, message, max(line, 1), max(column, 1)


def _explain(
    text: str,
    problem: str,
    at: tuple[int, int] | None,
    context: str,
    ctx: tuple[int, int] | None,
) -> Explained | None:
    lines = _lines(text)
    line0, col0 = at or ctx or (0, 0)
    row = lines[line0] if line0 < len(lines) else ""
    char = row[col0 : col0 + 1]

    bom = text.find("\ufeff")
    if bom >= 0 and bom <= sum(len(x) + 1 for x in lines[: line0 + 1]):
        upto = _lines(text[:bom])
        return (
            "SIS001",
            "an invisible byte order mark (U+FEFF) is here, often pasted in from another file; delete it",
            len(upto),
            len(upto[-1]) + 1,
        )
    if "tab" in problem or char == "\t":
        found = _tab(lines, line0, col0)
        if found:
            return found
    if "directive" in problem or "directive" in context or problem == "found incompatible YAML document":
        return (
            "SIS003",
            "a line that starts with `%` is a YAML directive, which is not allowed; delete the line, "
            "or if it is text, put it in quotes",
            line0 + 1,
            _indent(row) + 1,
        )
    if problem == "found unexpected document indicator" and "quoted scalar" in context:
        return (
            "SIS001",
            f"`{row[:3]}` at the start of a line inside quoted text ends the YAML document; indent the line",
            line0 + 1,
            1,
        )
    if "while scanning a quoted scalar" in context and ctx is not None:
        quote_line = lines[ctx[0]] if ctx[0] < len(lines) else ""
        quote = quote_line[ctx[1] : ctx[1] + 1] or '"'
        value = _no_comment(quote_line[ctx[1] :])
        before = quote_line[: ctx[1]].strip()
        example = f": {before} {value}{quote}".replace(":  ", ": ") if not _is_flow(before) else ""
        return (
            "SIS001",
            f"the quote {quote} that starts here is never closed; end the text with {quote}{example}",
            ctx[0] + 1,
            ctx[1] + 1,
        )
    if problem in (
        "found unknown escape character",
        "found invalid Unicode character escape code",
        "did not find expected hexdecimal number",
    ):
        opening = ctx[1] if ctx is not None and ctx[0] == line0 else None
        hint = ""
        if opening is not None and not _is_flow(row[:opening]):
            written = _no_comment(row[opening:])
            if written.startswith('"') and written.endswith('"') and "'" not in written:
                prefix = row[:opening].strip()
                hint = f", or use single quotes, which have no escapes: {prefix} '{written[1:-1]}'"
                hint = hint.replace(":  '", ": '")
        return (
            "SIS001",
            "a backslash (\\) inside double quotes starts an escape such as \\n; write \\\\ for a backslash"
            + hint,
            line0 + 1,
            col0 + 1,
        )
    if problem == "found an indentation indicator equal to 0":
        return (
            "SIS001",
            "a block of text cannot be indented by 0 (`|0`); write `|` and indent the text below it",
            line0 + 1,
            col0 + 1,
        )
    if problem == "found undefined tag handle" or " a tag" in context or "tag URI" in problem:
        tag_at = ctx or (line0, col0)
        tag_row = lines[tag_at[0]] if tag_at[0] < len(lines) else ""
        return (
            "SIS004",
            _SPECIAL["!"] + _quote_hint(tag_row, tag_at[1], "remove it, or if it is text, put it in quotes"),
            tag_at[0] + 1,
            tag_at[1] + 1,
        )
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        found = _special_start(lines, *(ctx or (line0, col0)))
        if found:
            return ("SIS005", *found[1:])
    if problem == "found character that cannot start any token":
        found = _special_start(lines, line0, col0)
        if found:
            return found
        shown = repr(char)[1:-1] if char else "this character"
        return ("SIS001", f"a value cannot start with `{shown}`; put the text in quotes", line0 + 1, col0 + 1)
    if "while scanning a block scalar" in context:
        found = _special_start(lines, *(ctx or (line0, col0)))
        if found:
            code, said, line, column = found
            return (
                code,
                said.replace(
                    "; if it is text", "; write the text on the next lines, indented, or if it is one line"
                ),
                line,
                column,
            )
    if problem == "could not find expected ':'" and ctx is not None:
        found = _no_colon_space(lines, *ctx)
        if found:
            return found
        return (
            "SIS001",
            "this key is not followed by ':' on its own line; write each key as `key: value` on one line",
            ctx[0] + 1,
            ctx[1] + 1,
        )
    if problem == "mapping values are not allowed in this context":
        found = _colon_in_text(lines, line0, col0)
        if found:
            return found
        if _content(row) < col0 and _KEY.match(row, _content(row)):
            over = _over_indented(lines, line0)
            if over:
                return ("SIS001", over, line0 + 1, _indent(row) + 1)
        return (
            "SIS001",
            "a ':' followed by a space is read as the start of a key here; if it is part of text, "
            "put the text in quotes",
            line0 + 1,
            col0 + 1,
        )
    if problem == "found unexpected ':'":
        return (
            "SIS001",
            "a ':' inside brackets must be followed by a space, or be part of text in quotes; "
            "put the text in quotes",
            line0 + 1,
            col0 + 1,
        )
    if problem == "mapping keys are not allowed in this context":
        found = _special_start(lines, line0, col0)
        if found:
            return found
    if problem == "block sequence entries are not allowed in this context":
        start = _value_start(row)
        if start is not None and start == col0:
            key = _label(row, _content(row))
            return (
                "SIS001",
                f"a list cannot start on the same line as its key: write {key} alone on its line and each "
                "`- item` on the lines below it, indented by two spaces" + _quote_hint(row, start),
                line0 + 1,
                col0 + 1,
            )
        return (
            "SIS001",
            "a list item (`- `) cannot start here; put each `- item` on a line of its own, below its key",
            line0 + 1,
            col0 + 1,
        )
    tokens: list[Any] | None = None
    if problem in (
        "did not find expected ',' or ']'",
        "did not find expected ',' or '}'",
        "did not find expected node content",
        "found unexpected end of stream",
    ):
        tokens = _tokens(text, line0, col0)
        opened = _open_flows(tokens)
        if opened:
            innermost = opened[-1]
            first = lines[innermost.start_mark.line]
            closer = "]" if type(innermost).__name__ == "FlowSequenceStartToken" else "}"
            rest = "\n".join(lines[line0:])[col0:] if line0 < len(lines) else ""
            # Not closed at all, or not on its line when a later line without the closer is a key.
            if innermost.start_mark.line < line0 and (
                closer not in rest
                or (
                    closer not in first[innermost.start_mark.column :]
                    and _KEY.match(row, _indent(row)) is not None
                    and closer not in row
                )
            ):
                return _unclosed(lines, innermost)
        if problem == "did not find expected node content":
            if char == ",":
                return (
                    "SIS001",
                    "an extra comma: a value is missing before it; remove the comma",
                    line0 + 1,
                    col0 + 1,
                )
            return ("SIS001", "a value is missing here", line0 + 1, col0 + 1)
        if problem.startswith("did not find expected ','"):
            closer = problem[-2]
            prev = next((i for i in range(line0 - 1, -1, -1) if _significant(lines[i])), None)
            if char == ":" and col0 == _indent(row):
                return (
                    "SIS001",
                    "a ':' must be on the same line as its key; move it up to the end of the key",
                    line0 + 1,
                    col0 + 1,
                )
            if (
                char == ":"
                and prev is not None
                and opened
                and opened[-1].start_mark.line < line0
                and not _no_comment(lines[prev]).endswith((",", "[", "{"))
            ):
                return (
                    "SIS001",
                    f"a comma is missing at the end of line {prev + 1}: items in brackets are separated "
                    "by commas",
                    prev + 1,
                    len(lines[prev].rstrip()) + 1,
                )
            if char == ":":
                return (
                    "SIS001",
                    "a ':' inside a list or mapping in brackets is read as a key here; put the text in quotes",
                    line0 + 1,
                    col0 + 1,
                )
            return (
                "SIS001",
                f"a comma is missing between two items here, or a `{closer}` to close the brackets",
                line0 + 1,
                col0 + 1,
            )
        if problem == "found unexpected end of stream":
            return (
                "SIS001",
                "the file ends in the middle of a value; finish it or remove it",
                line0 + 1,
                col0 + 1,
            )
    if problem in ("did not find expected key", "did not find expected '-' indicator"):
        if tokens is None:
            tokens = _tokens(text, line0, col0)
        found = _after_closed(lines, tokens, line0, col0)
        if found:
            return found
        misaligned = _misaligned(lines, line0)
        if misaligned:
            return ("SIS001", misaligned, line0 + 1, _indent(row) + 1)
        expect_col = ctx[1] if ctx is not None else 0
        anchor = lines[ctx[0]] if ctx is not None and ctx[0] < len(lines) else ""
        is_item = row.startswith("- ", col0) or row[col0:].strip() == "-"
        if problem == "did not find expected key" and is_item:
            for index in range(line0 - 1, -1, -1):
                above = lines[index]
                if _significant(above) and _indent(above) < col0 and above.startswith("- ", _indent(above)):
                    return (
                        "SIS001",
                        f"wrong indentation: this list item is indented by {_spaces(col0)}, in line with the keys "
                        f"of the item above; to start a new item, indent it like {_label(above, _indent(above))} "
                        f"on line {index + 1} ({_spaces(_indent(above))})",
                        line0 + 1,
                        col0 + 1,
                    )
                if _significant(above) and _indent(above) < col0:
                    break
            return (
                "SIS001",
                f"a list item where a key belongs, in line with {_label(anchor, expect_col)} on line "
                f"{ctx[0] + 1 if ctx else 1}; put the list under a key of its own: `key:` on the line above, "
                "then the items indented by two spaces",
                line0 + 1,
                col0 + 1,
            )
        if problem == "did not find expected '-' indicator":
            item_col = _content(anchor)
            return (
                "SIS001",
                f"wrong indentation: {_label(row, col0)} is in line with the `- ` of the list on line "
                f"{ctx[0] + 1 if ctx else 1}; if it belongs to that item, indent it like "
                f"{_label(anchor, item_col)} ({_spaces(item_col)}), or start the line with `- ` for a new item",
                line0 + 1,
                col0 + 1,
            )
        return (
            "SIS001",
            f"a key (`key: value`) is expected here, in line with {_label(anchor, expect_col)} on line "
            f"{ctx[0] + 1 if ctx else 1}; check the indentation and the quotes on this line",
            line0 + 1,
            col0 + 1,
        )
    if (
        problem == "did not find expected <document start>"
        or problem == "found unexpected document indicator"
    ):
        for index in range(min(line0, len(lines) - 1), -1, -1):
            if lines[index].startswith("%"):
                return (
                    "SIS003",
                    "a line that starts with `%` is a YAML directive, which is not allowed; delete the line",
                    index + 1,
                    1,
                )
        for index in range(min(line0, len(lines) - 1), -1, -1):
            if lines[index].startswith("...") or (lines[index].startswith("---") and index > 0):
                return (
                    "SIS001",
                    f"`{lines[index][:3]}` at the start of a line ends the YAML document; delete it, or if it "
                    "is part of a text, indent the line",
                    index + 1,
                    1,
                )
        if char in ("]", "}"):
            return ("SIS001", f"an extra `{char}` with nothing to close; remove it", line0 + 1, col0 + 1)
        return (
            "SIS001",
            "the top level of the file must be keys with values (`key: value`); this line follows a value "
            "that is not one",
            line0 + 1,
            col0 + 1,
        )
    if problem == "did not find expected comment or line break":
        return (
            "SIS001",
            "unexpected text here, after a complete value; put the whole value in quotes or move the "
            "text to a line of its own",
            line0 + 1,
            col0 + 1,
        )
    if problem == "did not find expected whitespace or line break":
        return ("SIS001", "a space is missing here", line0 + 1, col0 + 1)
    return None


def number(raw: str, fixed: str) -> str:
    """Message for a number written with a decimal comma or spaces between the thousands."""
    spaced = any(c in raw for c in " \u00a0\u202f")
    if "," in raw:
        head, tail = raw.rsplit(",", 1)
        how = (
            "spaces and a decimal comma; write it without spaces and with a point"
            if spaced
            else ("a comma; write it with a point")
        )
        thousands = (
            f", or without a separator if the comma separates thousands: {fixed.replace('.', '')}"
            if len(tail) == 3 and not spaced and len(head.lstrip("-")) <= 3
            else ""
        )
        lead = "a decimal number" if not spaced else "a number"
        return f"`{raw}` looks like {lead} written with {how}: {fixed}{thousands} (put it in quotes if it is text)"
    return (
        f"`{raw}` looks like a number written with spaces between the thousands; write it without them: "
        f"{fixed} (put it in quotes if it is text)"
    )


def misread(raw: str, resolve: Callable[[str], object]) -> tuple[object, str, int] | None:
    """(value meant, message, offset in `raw`) for a plain scalar that reads as text by mistake."""
    if "#" in raw:
        cut = raw.index("#")
        head = raw[:cut]
        if head and not head[-1].isspace():
            meant = resolve(head)
            if meant is not head:
                return (
                    meant,
                    f"a comment needs a space before `#`: write `{head} {raw[cut:]}`, not `{raw}`",
                    cut,
                )
        return None
    if _NUMBER.match(raw):
        fixed = re.sub(_GROUP, "", raw).replace(",", ".")
        meant = resolve(fixed)
        if meant is not fixed:
            return meant, number(raw, fixed), 0
    return None


def flow_comma(line: str, column: int, key: str) -> tuple[str, int] | None:
    """The number as written and where it starts, for a key that is the tail of `{x: 0,5}`.

    `column` is the key's 0-based column on `line`, and `key` the key as written.
    """
    for match in _FLOW_COMMA.finditer(line):
        if match.start(2) == column and match.group(2) == key:
            return match.group(1) + "," + match.group(2), match.start(1)
    return None
