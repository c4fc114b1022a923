"""The program's entry point: the calls CI makes most run without loading typer; the rest go to `cli`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from .commands import Outcome

# typer's parameter conversion imports pydantic (measured ≈ 0.25 s of a 0.5 s `log`), while a
# cached `validate` answers in tens of milliseconds: the common spellings of the commands CI runs
# skip it. Anything else (`--help`, an unknown option, a value out of its choices) goes through
# typer, which explains what is wrong.

Values = dict[str, str | bool]


@dataclass(frozen=True)
class Shape:
    """The arguments of one command that the quick path understands."""

    least: int
    """Positional arguments required."""
    most: int
    """Positional arguments allowed."""
    flags: frozenset[str] = frozenset()
    options: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    """Option → the values it accepts (None: any value not starting with `-`)."""
    short: Mapping[str, str] = field(default_factory=dict)
    """Short spelling → long option or flag."""
    required: frozenset[str] = frozenset()
    """Options a call must give (typer explains a missing one)."""


def parse(shape: Shape, args: Sequence[str]) -> tuple[list[str], Values] | None:
    """Positional arguments and given options of a plain call, or None for anything typer should parse."""
    positional: list[str] = []
    given: Values = {}
    index = 0
    while index < len(args):
        arg = args[index]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        name = shape.short.get(name, name)
        if name in shape.flags and not eq:
            given[name] = True
        elif name in shape.options:
            if eq:
                value = inline
            elif index + 1 < len(args):
                index += 1
                value = args[index]
            else:
                return None
            accepted = shape.options[name]
            if not value or value.startswith("-") or (accepted is not None and value not in accepted):
                return None
            given[name] = value
        elif arg and not arg.startswith("-") and len(positional) < shape.most:
            positional.append(arg)
        else:
            return None
        index += 1
    if len(positional) < shape.least or not shape.required <= given.keys():
        return None
    return positional, given


def default_format(given: str | None) -> str:
    """A findings format: as given, else GitHub annotations under Actions, else text."""
    if given is not None:
        return given
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def color(fmt: str) -> bool:
    """Colour only text for a terminal, and never when NO_COLOR is set (no-color.org)."""
    return fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _given(given: Values, name: str) -> str | None:
    value = given.get(name)
    return value if isinstance(value, str) else None


def _text(given: Values, name: str, default: str) -> str:
    return _given(given, name) or default


def validate(path: str | None, fmt: str | None, strict: bool, no_cache: bool) -> Outcome:
    """`validate` as the CLI runs it."""
    from .commands.validate import run

    chosen = default_format(fmt)
    return run(path, chosen, strict, not no_cache, color(chosen))


def align(path: str | None, fmt: str, lang: str, strict: bool, no_cache: bool) -> Outcome:
    """`align` for every organisation and year."""
    from .commands.align import run

    return run(path, fmt, lang, None, None, strict, not no_cache, color(fmt))


def diff(
    repo: str | None,
    base: str | None,
    head: str | None,
    staged: bool,
    fmt: str,
    exit_code: bool,
    no_findings: bool,
    lang: str,
    no_cache: bool,
) -> Outcome:
    """`diff` as the CLI runs it."""
    from .commands.diff import run

    return run(repo, base, head, staged, fmt, exit_code, not no_findings, not no_cache, color(fmt), lang)


def log(repo: str | None, record: str, rev: str, fmt: str, lang: str, kind: str | None) -> Outcome:
    """`log ID` as the CLI runs it."""
    from .commands.log import run

    return run(repo, record, rev, fmt, lang, color(fmt), kind)


def review(repo: str | None, base: str, head: str, fmt: str, lang: str, no_cache: bool) -> Outcome:
    """`review BASE HEAD` as the CLI runs it."""
    from .commands.review import run

    return run(repo, base, head, fmt, lang, not no_cache)


def render(path: str | None, out: str, lang: str | None, fmt: str, no_cache: bool) -> Outcome:
    """`render --out DIR` as the CLI runs it."""
    from .commands.render import run

    return run(path, out, lang, fmt, not no_cache)


LANGS = frozenset({"fi", "sv", "en"})
_REPO = {"-C": "--repo"}
_FORMAT = {"-f": "--format"}
_FREE = None


def _nth(pos: list[str], index: int) -> str | None:
    return pos[index] if index < len(pos) else None


def _quick_validate(pos: list[str], given: Values) -> Outcome:
    return validate(_nth(pos, 0), _given(given, "--format"), "--strict" in given, "--no-cache" in given)


def _quick_align(pos: list[str], given: Values) -> Outcome:
    fmt, lang = _text(given, "--format", "text"), _text(given, "--lang", "fi")
    return align(_nth(pos, 0), fmt, lang, "--strict" in given, "--no-cache" in given)


def _quick_diff(pos: list[str], given: Values) -> Outcome:
    return diff(
        _given(given, "--repo"),
        _nth(pos, 0),
        _nth(pos, 1),
        "--staged" in given,
        _text(given, "--format", "text"),
        "--exit-code" in given,
        "--no-findings" in given,
        _text(given, "--lang", "fi"),
        "--no-cache" in given,
    )


def _quick_log(pos: list[str], given: Values) -> Outcome:
    fmt, rev, lang = (
        _text(given, "--format", "text"),
        _text(given, "--rev", "HEAD"),
        _text(given, "--lang", "fi"),
    )
    return log(_given(given, "--repo"), pos[0], rev, fmt, lang, _given(given, "--kind"))


def _quick_review(pos: list[str], given: Values) -> Outcome:
    fmt, lang = _text(given, "--format", "markdown"), _text(given, "--lang", "fi")
    return review(_given(given, "--repo"), pos[0], pos[1], fmt, lang, "--no-cache" in given)


def _quick_render(pos: list[str], given: Values) -> Outcome:
    out = _given(given, "--out") or ""
    return render(
        _nth(pos, 0), out, _given(given, "--lang"), _text(given, "--format", "all"), "--no-cache" in given
    )


QUICK: Mapping[str, tuple[Shape, Callable[[list[str], Values], Outcome]]] = {
    "validate": (
        Shape(
            0,
            1,
            frozenset({"--strict", "--no-cache"}),
            {"--format": frozenset({"text", "json", "github"})},
            _FORMAT,
        ),
        _quick_validate,
    ),
    "align": (
        Shape(
            0,
            1,
            frozenset({"--strict", "--no-cache"}),
            {"--format": frozenset({"text", "markdown", "json", "github"}), "--lang": LANGS},
            _FORMAT,
        ),
        _quick_align,
    ),
    "diff": (
        Shape(
            0,
            2,
            frozenset({"--staged", "--exit-code", "--no-findings", "--no-cache"}),
            {"--format": frozenset({"text", "markdown", "json"}), "--lang": _FREE, "--repo": _FREE},
            {**_FORMAT, **_REPO, "--cached": "--staged"},
        ),
        _quick_diff,
    ),
    "log": (
        Shape(
            1,
            1,
            frozenset(),
            {
                "--format": frozenset({"text", "json"}),
                "--rev": _FREE,
                "--kind": _FREE,
                "--lang": _FREE,
                "--repo": _FREE,
            },
            {**_FORMAT, **_REPO},
        ),
        _quick_log,
    ),
    "review": (
        Shape(
            2,
            2,
            frozenset({"--no-cache"}),
            {"--format": frozenset({"markdown", "json", "github"}), "--lang": _FREE, "--repo": _FREE},
            {**_FORMAT, **_REPO},
        ),
        _quick_review,
    ),
    "render": (
        Shape(
            0,
            1,
            frozenset({"--no-cache"}),
            {"--out": _FREE, "--lang": _FREE, "--format": _FREE},
            {**_FORMAT, "-o": "--out"},
            frozenset({"--out"}),
        ),
        _quick_render,
    ),
}
"""Commands with a quick path: the shape of their plain calls and how to run them."""


def quick(args: Sequence[str]) -> Callable[[], Outcome] | None:
    """The run of a plain call of a command in `QUICK`, or None when typer should parse `args`."""
    if not args or args[0] not in QUICK:
        return None
    shape, runner = QUICK[args[0]]
    parsed = parse(shape, args[1:])
    if parsed is None:
        return None
    positional, given = parsed
    return lambda: runner(positional, given)


def emit(outcome: Outcome) -> int:
    """Write what a command produced and give its exit code."""
    if outcome.stdout:
        sys.stdout.write(outcome.stdout)
    if outcome.stderr:
        sys.stderr.write(outcome.stderr)
    sys.stdout.flush()
    return outcome.code


def main(argv: list[str] | None = None) -> int:
    """Run the program; the one place where failures become exit codes."""
    from .errors import SisturvaError

    args = sys.argv[1:] if argv is None else list(argv)
    try:
        plain = quick(args)
        if plain is None:
            from .cli import run_typer

            return run_typer(args)
        return emit(plain())
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except SisturvaError as error:
        sys.stderr.write(f"sisturva: error: {error}\n")
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def run() -> NoReturn:
    """The `sisturva` command: `main`, then exit at once, with the output flushed.

    After loading a national-scale repository the process holds millions of objects, and freeing
    them one by one at exit would take about as long as a warm command's own work (≈ 0.6 s after
    `render`). Nothing is left for exit handlers: every child process is waited for and every file
    is written before `main` returns.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # the reader went away, or a stream was closed: nothing more can be said
    os._exit(code)
