"""Plain-language YAML diagnostics: what is wrong, where to fix it, and the right form to write."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .catalogue import mark
from .findings import Param, Said, tf, tn

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
# What a character at the start of a value does in YAML: each message has `{hint}`, how to write
# the value as text, and `{char}`, the character.
_SPECIAL = {
    "*": mark("finding.SIS005.starts-alias"),
    "&": mark("finding.SIS005.starts-anchor"),
    "!": mark("finding.SIS004.starts-tag"),
    "%": mark("finding.SIS001.starts-percent"),
    "@": mark("finding.SIS001.starts-at"),
    "`": mark("finding.SIS001.starts-backtick"),
    "|": mark("finding.SIS001.starts-block"),
    ">": mark("finding.SIS001.starts-block"),
    "?": mark("finding.SIS001.starts-complex-key"),
}
# How to write a value as text, each with `{example}`: the line as it should be written, or nothing
# when no example can be shown. `whole` hints quote the text as a whole, its own quotes removed.
_HINTS = {
    "quote-if-text": mark("finding.yaml.hint.quote-if-text"),
    "quote-whole-if-text": mark("finding.yaml.hint.quote-whole-if-text"),
    "or-quote": mark("finding.yaml.hint.or-quote"),
    "remove-or-quote": mark("finding.yaml.hint.remove-or-quote"),
    "block": mark("finding.yaml.hint.block"),
}
_WHOLE = frozenset(("quote-whole-if-text",))

Explained = tuple[str, Said, int, int]
"""(code, message, line, column), 1-based; the message as a catalogue key with its values."""


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


def _example(line: str, col: int, whole: bool = False) -> Param:
    """`: key: "value"`, the block value that starts at `col` written in quotes, when one can be shown.

    The YAML is the file's own text and stays as written in every language.
    """
    before = line[:col]
    value = _no_comment(line[col:])
    if _is_flow(before) or not value:
        return ""
    prefix = before.strip()
    prefix = prefix + " " if prefix and prefix != "---" else ""
    return tf("finding.yaml.example", yaml=f"{prefix}{_quoted(_unquote(value) if whole else value)}")


def _quote_hint(line: str, col: int, how: str = "quote-if-text") -> Said:
    """`; if it is text, put it in quotes: key: "value"` (the `how` of `_HINTS`) for the value at `col`."""
    return tf(_HINTS[how], example=_example(line, col, how in _WHOLE))


def _spaces(n: int) -> Param:
    return tn("finding.yaml.spaces", n)


def _either(choices: list[Param]) -> Param:
    return choices[0] if len(choices) == 1 else tf("finding.yaml.either", first=choices[0], second=choices[1])


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


def _misaligned(lines: list[str], index: int) -> Said | None:
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
    choices: list[Param] = [
        tn("finding.yaml.indent-like", lv[0], label=lv[2], line=lv[1] + 1)
        for lv in (deeper, shallower)
        if lv is not None
    ]
    item = line.startswith("- ", col) or line[col:].rstrip() == "-"
    if item:
        label = _label(line, col + 2)
        label = "`- " + label[1:] if label.startswith("`") else label
        return tf("finding.SIS001.misaligned-item", item=label, spaces=_spaces(col), choices=_either(choices))
    return tf(
        "finding.SIS001.misaligned-key", key=_label(line, col), spaces=_spaces(col), choices=_either(choices)
    )


def _over_indented(lines: list[str], index: int) -> Said | None:
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
        return tf(
            "finding.SIS001.over-indented",
            key=_label(line, col),
            spaces=_spaces(col),
            above=_label(owner, key_col),
            line=above + 1,
            above_spaces=_spaces(key_col),
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
            start = token.start_mark
            if (start.line, start.column) >= (line, column):
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
    at = opener.start_mark
    line = lines[at.line] if at.line < len(lines) else ""
    bracket = line[at.column : at.column + 1] or "["
    closer = "]" if bracket == "[" else "}"
    key = mark("finding.SIS001.unclosed-list") if bracket == "[" else mark("finding.SIS001.unclosed-mapping")
    rest = _no_comment(line[at.column :])
    example: Param = ""
    if rest != bracket and not rest.endswith(closer):
        written = f": {line[: at.column].strip()} {rest.rstrip(',')}{closer}".replace(":  ", ": ")[2:]
        example = tf("finding.yaml.example", yaml=written)
    return (
        "SIS001",
        tf(key, opener=bracket, closer=closer, example=example),
        at.line + 1,
        at.column + 1,
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
            written = f"{opened[: start.column].strip()} {_no_comment(opened[start.column :])}{last.style}"
            return (
                "SIS001",
                tf(
                    "finding.SIS001.quote-closes-later",
                    quote=last.style,
                    line=line0 + 1,
                    example=""
                    if _is_flow(opened[: start.column])
                    else tf("finding.yaml.example", yaml=written),
                ),
                start.line + 1,
                start.column + 1,
            )
        after = line[last.end_mark.column : last.end_mark.column + 1]
        if last.style == "'" and after.isalpha():
            return (
                "SIS001",
                tf("finding.SIS001.apostrophe", example=_example(line, start.column, whole=True)),
                start.line + 1,
                start.column + 1,
            )
        return (
            "SIS001",
            tf(
                "finding.SIS001.text-after-quote",
                quote=last.style,
                example=_example(line, start.column, whole=True),
            ),
            start.line + 1,
            start.column + 1,
        )
    if name in ("FlowSequenceEndToken", "FlowMappingEndToken") and last.end_mark.line == line0:
        char = line[col0 : col0 + 1]
        closer = "]" if name == "FlowSequenceEndToken" else "}"
        if char in ("]", "}"):
            return ("SIS001", tf("finding.SIS001.extra-closer", char=char), line0 + 1, col0 + 1)
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
            key = (
                mark("finding.SIS001.text-after-list")
                if closer == "]"
                else mark("finding.SIS001.text-after-mapping")
            )
            return (
                "SIS001",
                tf(
                    key,
                    opener="[" if closer == "]" else "{",
                    closer=closer,
                    hint=_quote_hint(line, col, "quote-whole-if-text"),
                ),
                line0 + 1,
                col + 1,
            )
    return None


def _special_start(lines: list[str], line0: int, col0: int, how: str = "quote-if-text") -> Explained | None:
    line = lines[line0] if line0 < len(lines) else ""
    char = line[col0 : col0 + 1]
    if char not in _SPECIAL:
        return None
    return ("SIS001", tf(_SPECIAL[char], char=char, hint=_quote_hint(line, col0, how)), line0 + 1, col0 + 1)


def special_value(text: str, line: int, column: int, message: Said) -> Said:
    """`message` about an alias, anchor or tag, with how to write it as text when it is a block value.

    The message has a `hint` value, empty until this fills it.
    """
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
    hint = _quote_hint(row, column - 1, "or-quote")
    return (message[0], message[1], (*(p for p in message[2] if p[0] != "hint"), ("hint", hint)))


def _tab(lines: list[str], line0: int, col0: int) -> Explained | None:
    line = lines[line0] if line0 < len(lines) else ""
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in lead:
        return ("SIS001", tf("finding.SIS001.tab-indent"), line0 + 1, lead.index("\t") + 1)
    if line[col0 : col0 + 1] == "\t":
        return ("SIS001", tf("finding.SIS001.tab"), line0 + 1, col0 + 1)
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
            tf("finding.SIS001.colon-space", text=key, fixed=(before + " " + fixed).strip()),
            line0 + 1,
            col0 + len(glued.group(1)) + 1,
        )
    if key[:1] in ("'", '"') and ":" not in key:
        return ("SIS001", tf("finding.SIS001.quoted-key"), line0 + 1, col0 + 1)
    if key[:1] in ("&", "*", "!"):
        found = _special_start(lines, line0, col0)
        if found:
            return ("SIS004" if key[0] == "!" else "SIS005", *found[1:])
    if ":" not in key:
        hint: Param = ""
        for above in range(line0 - 1, -1, -1):
            if _significant(lines[above]):
                if _value_start(lines[above]) is not None and _indent(lines[above]) <= _indent(line):
                    hint = tf(
                        "finding.yaml.hint.continues", above=_label(lines[above], _content(lines[above]))
                    )
                break
        shown = key if len(key) <= 30 else key[:29] + "…"
        return (
            "SIS001",
            tf("finding.SIS001.not-a-key", text=shown, key=shown.split(" ")[0], hint=hint),
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
        return ("SIS001", tf("finding.SIS001.colon-in-brackets"), line0 + 1, col0 + 1)
    value = _no_comment(line[start:])
    return (
        "SIS001",
        tf(
            "finding.SIS001.colon-in-text",
            text=value if len(value) <= 40 else value[:39] + "…",
            example=_example(line, start, whole=True),
        ),
        line0 + 1,
        start + 1,
    )


def _mark(where: Any) -> tuple[int, int] | None:
    return (where.line, where.column) if where is not None else None


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
        # libyaml's own words, in English: the rare case no plain-language reading covers.
        said = problem or context or "invalid YAML"
        return ("SIS001", tf("finding.SIS001.unreadable-here", problem=said), line, column)
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
            tf("finding.SIS001.bom-inside"),
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
            tf("finding.SIS003.directive-or-text"),
            line0 + 1,
            _indent(row) + 1,
        )
    if problem == "found unexpected document indicator" and "quoted scalar" in context:
        return (
            "SIS001",
            tf("finding.SIS001.document-marker-in-quotes", marker=row[:3]),
            line0 + 1,
            1,
        )
    if "while scanning a quoted scalar" in context and ctx is not None:
        quote_line = lines[ctx[0]] if ctx[0] < len(lines) else ""
        quote = quote_line[ctx[1] : ctx[1] + 1] or '"'
        value = _no_comment(quote_line[ctx[1] :])
        before = quote_line[: ctx[1]].strip()
        written = f": {before} {value}{quote}".replace(":  ", ": ")[2:]
        example = "" if _is_flow(before) else tf("finding.yaml.example", yaml=written)
        return (
            "SIS001",
            tf("finding.SIS001.unclosed-quote", quote=quote, example=example),
            ctx[0] + 1,
            ctx[1] + 1,
        )
    if problem in (
        "found unknown escape character",
        "found invalid Unicode character escape code",
        "did not find expected hexdecimal number",
    ):
        opening = ctx[1] if ctx is not None and ctx[0] == line0 else None
        escape: Said = tf("finding.SIS001.backslash")
        if opening is not None and not _is_flow(row[:opening]):
            written = _no_comment(row[opening:])
            if written.startswith('"') and written.endswith('"') and "'" not in written:
                prefix = row[:opening].strip()
                single = f"{prefix} '{written[1:-1]}'".replace(":  '", ": '").lstrip(" ")
                escape = tf("finding.SIS001.backslash-single", yaml=single)
        return ("SIS001", escape, line0 + 1, col0 + 1)
    if problem == "found an indentation indicator equal to 0":
        return (
            "SIS001",
            tf("finding.SIS001.indent-zero"),
            line0 + 1,
            col0 + 1,
        )
    if problem == "found undefined tag handle" or " a tag" in context or "tag URI" in problem:
        tag_at = ctx or (line0, col0)
        tag_row = lines[tag_at[0]] if tag_at[0] < len(lines) else ""
        return (
            "SIS004",
            tf(_SPECIAL["!"], char="!", hint=_quote_hint(tag_row, tag_at[1], "remove-or-quote")),
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
        if not char:
            return ("SIS001", tf("finding.SIS001.cannot-start-here"), line0 + 1, col0 + 1)
        return ("SIS001", tf("finding.SIS001.cannot-start", char=repr(char)[1:-1]), line0 + 1, col0 + 1)
    if "while scanning a block scalar" in context:
        found = _special_start(lines, *(ctx or (line0, col0)), how="block")
        if found:
            return found
    if problem == "could not find expected ':'" and ctx is not None:
        found = _no_colon_space(lines, *ctx)
        if found:
            return found
        return (
            "SIS001",
            tf("finding.SIS001.key-without-colon"),
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
            tf("finding.SIS001.colon-starts-key"),
            line0 + 1,
            col0 + 1,
        )
    if problem == "found unexpected ':'":
        return (
            "SIS001",
            tf("finding.SIS001.colon-without-space-in-brackets"),
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
                tf("finding.SIS001.list-on-key-line", key=key, hint=_quote_hint(row, start)),
                line0 + 1,
                col0 + 1,
            )
        return (
            "SIS001",
            tf("finding.SIS001.item-here"),
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
                    tf("finding.SIS001.extra-comma"),
                    line0 + 1,
                    col0 + 1,
                )
            return ("SIS001", tf("finding.SIS001.value-missing"), line0 + 1, col0 + 1)
        if problem.startswith("did not find expected ','"):
            closer = problem[-2]
            prev = next((i for i in range(line0 - 1, -1, -1) if _significant(lines[i])), None)
            if char == ":" and col0 == _indent(row):
                return (
                    "SIS001",
                    tf("finding.SIS001.colon-on-next-line"),
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
                    tf("finding.SIS001.comma-missing-at-end", line=prev + 1),
                    prev + 1,
                    len(lines[prev].rstrip()) + 1,
                )
            if char == ":":
                return (
                    "SIS001",
                    tf("finding.SIS001.colon-read-as-key"),
                    line0 + 1,
                    col0 + 1,
                )
            return (
                "SIS001",
                tf("finding.SIS001.comma-missing", closer=closer),
                line0 + 1,
                col0 + 1,
            )
        if problem == "found unexpected end of stream":
            return (
                "SIS001",
                tf("finding.SIS001.ends-in-value"),
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
                        tf(
                            "finding.SIS001.item-in-line-with-keys",
                            spaces=_spaces(col0),
                            above=_label(above, _indent(above)),
                            line=index + 1,
                            above_spaces=_spaces(_indent(above)),
                        ),
                        line0 + 1,
                        col0 + 1,
                    )
                if _significant(above) and _indent(above) < col0:
                    break
            return (
                "SIS001",
                tf(
                    "finding.SIS001.item-where-key-belongs",
                    above=_label(anchor, expect_col),
                    line=ctx[0] + 1 if ctx else 1,
                ),
                line0 + 1,
                col0 + 1,
            )
        if problem == "did not find expected '-' indicator":
            item_col = _content(anchor)
            return (
                "SIS001",
                tf(
                    "finding.SIS001.in-line-with-dash",
                    key=_label(row, col0),
                    line=ctx[0] + 1 if ctx else 1,
                    item=_label(anchor, item_col),
                    spaces=_spaces(item_col),
                ),
                line0 + 1,
                col0 + 1,
            )
        return (
            "SIS001",
            tf(
                "finding.SIS001.key-expected", above=_label(anchor, expect_col), line=ctx[0] + 1 if ctx else 1
            ),
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
                    tf("finding.SIS003.directive-line"),
                    index + 1,
                    1,
                )
        for index in range(min(line0, len(lines) - 1), -1, -1):
            if lines[index].startswith("...") or (lines[index].startswith("---") and index > 0):
                return (
                    "SIS001",
                    tf("finding.SIS001.document-marker", marker=lines[index][:3]),
                    index + 1,
                    1,
                )
        if char in ("]", "}"):
            return ("SIS001", tf("finding.SIS001.extra-closer", char=char), line0 + 1, col0 + 1)
        return (
            "SIS001",
            tf("finding.SIS001.after-top-value"),
            line0 + 1,
            col0 + 1,
        )
    if problem == "did not find expected comment or line break":
        return (
            "SIS001",
            tf("finding.SIS001.text-after-value"),
            line0 + 1,
            col0 + 1,
        )
    if problem == "did not find expected whitespace or line break":
        return ("SIS001", tf("finding.SIS001.space-missing"), line0 + 1, col0 + 1)
    return None


def number(raw: str, fixed: str) -> Said:
    """Message for a number written with a decimal comma or spaces between the thousands."""
    spaced = any(c in raw for c in " \u00a0\u202f")
    if "," in raw:
        head, tail = raw.rsplit(",", 1)
        if spaced:
            return tf("finding.SIS103.spaced-decimal-comma", raw=raw, fixed=fixed)
        if len(tail) == 3 and len(head.lstrip("-")) <= 3:
            return tf("finding.SIS103.comma-or-thousands", raw=raw, fixed=fixed, whole=fixed.replace(".", ""))
        return tf("finding.SIS103.decimal-comma", raw=raw, fixed=fixed)
    return tf("finding.SIS103.spaced-thousands", raw=raw, fixed=fixed)


def misread(raw: str, resolve: Callable[[str], object]) -> tuple[object, Said, int] | None:
    """(value meant, message, offset in `raw`) for a plain scalar that reads as text by mistake."""
    if "#" in raw:
        cut = raw.index("#")
        head = raw[:cut]
        if head and not head[-1].isspace():
            meant = resolve(head)
            if meant is not head:
                return (
                    meant,
                    tf("finding.SIS103.comment-glued", fixed=f"{head} {raw[cut:]}", raw=raw),
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
