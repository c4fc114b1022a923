"""The output sanitiser: terminal lines, inert Markdown, rich markup and JSON, for any text."""

from __future__ import annotations

import html
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sisturva.safetext import (
    BIDI,
    UNSAFE,
    inert_lines,
    markdown,
    markdown_cell,
    markdown_code,
    rich_markup,
    terminal,
    to_json,
)

ZWSP = "\u200b"
# Text that hypothesis draws often holds the characters an attacker would use.
PIECES = [":", "::", "##[", "@", "www.", "WWW.", "://", "<", "|", "`", "\\", " ", "\n", "1.", "- ", "="]
HOSTILE = st.lists(
    st.one_of(st.text(max_size=3), st.sampled_from(sorted(UNSAFE)), st.sampled_from(PIECES)), max_size=12
).map("".join)


def _visible(ch: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return named.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def shown_as(text: str) -> str:
    """What a reader of the rendered Markdown should see for `text`: the same text on one line, controls
    as escapes, addresses and mentions broken by a zero-width space."""
    seen = "".join(_visible(ch) if ch in UNSAFE and ch not in "\t\n\v\f\r" else ch for ch in text)
    seen = re.sub(r"[\t\n\v\f\r ]+", " ", seen).strip()
    seen = seen.replace("@", "@" + ZWSP).replace("://", ":" + ZWSP + "//")
    return re.sub(r"(www)\.", "\\1" + ZWSP + ".", seen, flags=re.IGNORECASE)


def render(markdown_text: str) -> str:
    """Markdown as a CommonMark renderer with tables turns it into HTML (raw HTML allowed, as in wikis)."""
    return str(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown_text))


# -- terminal -------------------------------------------------------------------------------------


def test_terminal_shows_controls_as_escapes() -> None:
    assert terminal("a\x1b[31mb\x07\x08\u009bc") == "a\\x1b[31mb\\x07\\x08\\x9bc"
    assert terminal("x\n::add-mask::secret\r\ty") == "x\\n::add-mask::secret\\r\\ty"
    assert terminal("\x1b]8;;http://x\x1b\\link") == "\\x1b]8;;http://x\\x1b\\link"
    assert terminal("abc\u202efed\u2066\u200f\u061c\u2028") == "abc\\u202efed\\u2066\\u200f\\u061c\\u2028"
    assert terminal("\x7f\x00") == "\\x7f\\x00"


def test_terminal_leaves_text_as_it_is() -> None:
    for text in ("Hätäkeskuslaitos", "1\u00a0234\u00a0567\u00a0€", "a::b", "[bold]x[/]", "", "  indented"):
        assert terminal(text) == text


def test_terminal_never_starts_a_workflow_command() -> None:
    assert terminal("::add-mask::secret") == "\\x3a:add-mask::secret"
    assert terminal(" \u00a0\u3000::error::x") == " \u00a0\u3000\\x3a:error::x"  # the runner trims these
    # The runner reads the legacy form anywhere in a line.
    assert terminal("text ##[add-mask]secret") == "text ##\\x5badd-mask]secret"
    assert terminal("###[x") == "###\\x5bx"


def test_terminal_cuts_before_escaping() -> None:
    assert terminal("abcdef", 4) == "abc…"
    assert terminal("\x1b\x1b\x1b\x1b", 3) == "\\x1b\\x1b…"


def test_inert_lines_guards_joined_lines() -> None:
    assert inert_lines("a\n  ::warning::x\nb ::c\n##[group]") == "a\n  \\x3a:warning::x\nb ::c\n##\\x5bgroup]"
    plain = "one\ntwo\n"
    assert inert_lines(plain) is plain


@settings(max_examples=500)
@given(HOSTILE)
def test_terminal_output_is_one_safe_line(text: str) -> None:
    out = terminal(text)
    assert not UNSAFE & set(out)
    assert "\n" not in out and len(out.splitlines()) <= 1
    assert not out.lstrip().startswith("::")
    assert "##[" not in out
    assert inert_lines(out) == out


# -- rich -----------------------------------------------------------------------------------------


def test_rich_markup_prints_exactly_the_escaped_text() -> None:
    from rich.console import Console

    console = Console(force_terminal=True, color_system="truecolor", highlight=False, emoji=False, width=500)
    for text in ("[link=https://evil.example]x[/link]", "[bold red]x", "a\\[b]", "\x1b[2J [/]"):
        with console.capture() as captured:
            console.print(rich_markup(text), end="")
        assert captured.get() == terminal(text)


# -- Markdown -------------------------------------------------------------------------------------


def test_markdown_escapes_markup_html_and_line_starts() -> None:
    assert markdown("a\n| b") == "a \\| b"
    assert markdown("- not a list") == "\\- not a list"
    assert markdown("12. not a list") == "12\\. not a list"
    assert markdown("3) not a list") == "3\\) not a list"
    assert markdown("===") == "\\==="
    assert markdown("# x & <b>") == "\\# x &amp; &lt;b&gt;"
    assert markdown("[x](javascript:y) `code` *em* ~s~ $m$") == (
        "\\[x\\](javascript:y) \\`code\\` \\*em\\* \\~s\\~ \\$m\\$"
    )
    assert markdown("toiminta- ja (TTS) 26.10.01 -1,5") == "toiminta- ja (TTS) 26.10.01 -1,5"


def test_markdown_breaks_addresses_mentions_and_commands() -> None:
    assert markdown("https://evil.example/x") == f"https:{ZWSP}//evil.example/x"
    assert markdown("WWW.evil.example") == f"WWW{ZWSP}.evil.example"
    assert markdown("@everyone @org/team") == f"@{ZWSP}everyone @{ZWSP}org/team"
    assert markdown("::add-mask::x") == "\\::add-mask::x"
    assert markdown("##[add-mask]x") == "\\#\\#\\[add-mask\\]x"


def test_markdown_shows_controls_as_escapes() -> None:
    assert markdown("a\x1b[31mb\u202e") == "a\\\\x1b\\[31mb\\\\u202e"
    assert render(markdown("a\x1b[31mb\u202e")) == "<p>a\\x1b[31mb\\u202e</p>\n"


def test_markdown_cell_cuts_long_text() -> None:
    assert markdown_cell("x" * 400) == "x" * 299 + "…"
    assert markdown_cell("|" * 10, limit=4) == "\\|\\|\\|…"


def test_markdown_code_spans_only_what_cannot_break_out() -> None:
    assert markdown_code("commitments/poliisihallitus.yaml:5:20") == "`commitments/poliisihallitus.yaml:5:20`"
    assert markdown_code("@org/team") == "`@org/team`"
    assert markdown_code("a`b|c") == "a\\`b\\|c"
    assert markdown_code("x\n# heading") == "x \\# heading"


@settings(max_examples=500)
@given(HOSTILE)
def test_markdown_output_is_inert(text: str) -> None:
    out = markdown(text)
    assert "<" not in out and "\n" not in out
    assert "://" not in out and not re.search(r"www\.", out, re.IGNORECASE)
    assert not re.search(r"@\w", out)
    assert not UNSAFE & set(out)
    assert not out.lstrip().startswith("::") and "##[" not in out


@settings(max_examples=300)
@given(HOSTILE)
def test_markdown_renders_as_exactly_the_text(text: str) -> None:
    rendered = render(markdown(text))
    expected = shown_as(text)
    if not expected:
        assert rendered == ""
        return
    match = re.fullmatch(r"<p>(.*)</p>\n", rendered, re.S)
    assert match, rendered
    assert "<" not in match.group(1)
    assert html.unescape(match.group(1)) == expected


@given(st.lists(HOSTILE.filter(str.strip), min_size=1, max_size=3))
def test_a_table_cell_never_adds_a_cell(cells: list[str]) -> None:
    header = "| " + " | ".join("h" for _ in cells) + " |\n|" + "|".join(" --- " for _ in cells) + "|\n"
    row = "| " + " | ".join(markdown_cell(c) or " " for c in cells) + " |\n"
    assert len(re.findall(r"<td[ >]", render(header + row))) == len(cells)


# -- JSON -----------------------------------------------------------------------------------------


def test_json_escapes_what_a_terminal_would_obey() -> None:
    data = {"a\u202e": ["\x1b[31m", "\u009b", "\x7f", "\u2028", "Hätä €"]}
    out = to_json(data, indent=None)
    assert out == '{"a\\u202e": ["\\u001b[31m", "\\u009b", "\\u007f", "\\u2028", "Hätä €"]}'
    assert json.loads(out) == data


@given(st.recursive(HOSTILE | st.integers(), lambda inner: st.lists(inner) | st.dictionaries(HOSTILE, inner)))
def test_json_is_lossless_and_carries_no_raw_control(data: object) -> None:
    out = to_json(data)
    assert json.loads(out) == data
    assert not (UNSAFE - {"\n"}) & set(out)


def test_bidi_controls_are_all_unsafe() -> None:
    assert set(BIDI) <= UNSAFE
    assert {"\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"} <= UNSAFE
