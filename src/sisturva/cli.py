"""The command line: parses options, calls one function per command, prints, and exits."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Annotated

import typer
from typer._click.exceptions import ClickException

from .commands import Outcome

app = typer.Typer(
    name="sisturva",
    help="Planning toolkit for a living strategy kept as YAML in a git repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class FindingFormat(StrEnum):
    """Formats of a findings report."""

    text = "text"
    json = "json"
    github = "github"


PathArg = Annotated[
    str | None,
    typer.Argument(help="Strategy repository (or a folder inside it); default: found from here."),
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the parse cache.")]
Strict = Annotated[bool, typer.Option("--strict", help="Warnings count as errors (exit 1).")]


def _default_format(given: FindingFormat | None) -> str:
    if given is not None:
        return given.value
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _color(fmt: str) -> bool:
    """Colour only text for a terminal, and never when NO_COLOR is set (no-color.org)."""
    return fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _emit(outcome: Outcome) -> None:
    if outcome.stdout:
        sys.stdout.write(outcome.stdout)
    if outcome.stderr:
        sys.stderr.write(outcome.stderr)
    sys.stdout.flush()
    raise typer.Exit(outcome.code)


@app.command()
def validate(
    path: PathArg = None,
    format: Annotated[
        FindingFormat | None,
        typer.Option("--format", "-f", help="text, json or github (default: github under GitHub Actions)."),
    ] = None,
    strict: Strict = False,
    no_cache: NoCache = False,
) -> None:
    """Check every file: schema, references, duplicates, languages."""
    _validate(path, format, strict, no_cache)


def _validate(path: str | None, format: FindingFormat | None, strict: bool, no_cache: bool) -> None:
    from .commands.validate import run

    fmt = _default_format(format)
    _emit(run(path, fmt, strict, not no_cache, _color(fmt)))


def _plain_validate(args: list[str]) -> tuple[str | None, FindingFormat | None, bool, bool] | None:
    """The options of a plain `validate` call, or None for anything typer should parse.

    CI runs `validate` on every push, and an unchanged tree answers from the cache in tens of
    milliseconds; typer's parameter conversion imports pydantic (measured ≈ 0.2 s), so the
    common spellings skip it. Anything else, `--help` included, goes through typer.
    """
    if not args or args[0] != "validate":
        return None
    path: str | None = None
    fmt: FindingFormat | None = None
    strict = no_cache = False
    choices = {f.value: f for f in FindingFormat}
    rest = args[1:]
    index = 0
    while index < len(rest):
        arg = rest[index]
        if arg == "--strict":
            strict = True
        elif arg == "--no-cache":
            no_cache = True
        elif arg in ("--format", "-f") and index + 1 < len(rest) and rest[index + 1] in choices:
            index += 1
            fmt = choices[rest[index]]
        elif arg.startswith("--format=") and arg[9:] in choices:
            fmt = choices[arg[9:]]
        elif arg and not arg.startswith("-") and path is None:
            path = arg
        else:
            return None
        index += 1
    return path, fmt, strict, no_cache


@app.command()
def schema(
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Write NAME.schema.json files into this folder.")
    ] = None,
    name: Annotated[str | None, typer.Argument(help="One file kind, e.g. commitments.")] = None,
) -> None:
    """JSON Schema for every file kind, for editors and other tools."""
    from .commands.schema import run

    _emit(run(out, name))


@app.command()
def render(
    out: Annotated[
        str, typer.Option("--out", "-o", help="Folder to write; replaced as a whole, atomically.")
    ],
    path: PathArg = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Languages, e.g. fi,sv,en (default: all the repository's).")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="site, markdown, data or all (comma-separated).")
    ] = "all",
    no_cache: NoCache = False,
) -> None:
    """The published strategy: static site, Markdown document and open data."""
    from .commands.render import run

    _emit(run(path, out, lang, format, not no_cache))


class AlignFormat(StrEnum):
    """Formats of an alignment report."""

    text = "text"
    markdown = "markdown"
    json = "json"
    github = "github"


class Lang(StrEnum):
    """Languages of what people read."""

    fi = "fi"
    sv = "sv"
    en = "en"


@app.command()
def align(
    path: PathArg = None,
    format: Annotated[
        AlignFormat, typer.Option("--format", "-f", help="text, markdown, json or github.")
    ] = AlignFormat.text,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of labels and money: fi, sv or en.")
    ] = Lang.fi,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation (its id).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    strict: Strict = False,
    no_cache: NoCache = False,
) -> None:
    """Each organisation's commitments against its own budget plan, by line and year."""
    from .commands.align import run

    fmt = format.value
    _emit(run(path, fmt, lang.value, org, year, strict, not no_cache, _color(fmt)))


def _plain_align(args: list[str]) -> tuple[str | None, str, str, bool, bool] | None:
    """The options of a plain `align [PATH] [-f F] [--lang L] [--strict] [--no-cache]`, else None.

    As for `validate`: a cached answer takes milliseconds and typer's conversion costs more.
    """
    if not args or args[0] != "align":
        return None
    path: str | None = None
    options = {"--format": "text", "--lang": "fi"}
    choices = {"--format": {f.value for f in AlignFormat}, "--lang": {lang.value for lang in Lang}}
    flags = {"--strict": False, "--no-cache": False}
    rest = args[1:]
    index = 0
    while index < len(rest):
        arg = "--format" if rest[index] == "-f" else rest[index]
        if arg in flags:
            flags[arg] = True
        elif arg in options and index + 1 < len(rest) and rest[index + 1] in choices[arg]:
            index += 1
            options[arg] = rest[index]
        elif arg and not arg.startswith("-") and path is None:
            path = arg
        else:
            return None
        index += 1
    return path, options["--format"], options["--lang"], flags["--strict"], flags["--no-cache"]


def _align(path: str | None, fmt: str, lang: str, strict: bool, no_cache: bool) -> None:
    from .commands.align import run

    _emit(run(path, fmt, lang, None, None, strict, not no_cache, _color(fmt)))


class StatusFormat(StrEnum):
    """Formats of a status report."""

    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def status(
    path: PathArg = None,
    format: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="text, markdown or json.")
    ] = StatusFormat.text,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the report: fi, sv or en.")] = Lang.fi,
    year: Annotated[
        int | None, typer.Option("--year", help="Reference year for stale data (default: this year).")
    ] = None,
    no_cache: NoCache = False,
) -> None:
    """Goals and indicators: latest value, trend, on track or not, stale data, progress."""
    from .commands.status import run

    _emit(run(path, format.value, lang.value, year, not no_cache))


RepoOpt = Annotated[
    str | None,
    typer.Option("-C", "--repo", help="Strategy repository (or a folder inside it); default: here."),
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of the report: fi, sv or en.")]
RevArg = Annotated[
    str | None, typer.Argument(help="A commit, branch or tag; BASE...HEAD uses the merge base.")
]


class DiffFormat(StrEnum):
    """Formats of a diff."""

    text = "text"
    markdown = "markdown"
    json = "json"


class ReviewFormat(StrEnum):
    """Formats of a review."""

    markdown = "markdown"
    json = "json"
    github = "github"


class LogFormat(StrEnum):
    """Formats of a record's history."""

    text = "text"
    json = "json"


@app.command()
def diff(
    base: RevArg = None,
    head: RevArg = None,
    staged: Annotated[
        bool, typer.Option("--staged", "--cached", help="Compare BASE (HEAD) with the index.")
    ] = False,
    format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, markdown or json.")
    ] = DiffFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when there are changes.")] = False,
    no_findings: Annotated[
        bool, typer.Option("--no-findings", help="Do not compare findings (only the changed files are read).")
    ] = False,
    lang: LangOpt = "fi",
    repo: RepoOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Semantic diff of two revisions (default: HEAD against the working tree)."""
    from .commands.diff import run

    fmt = format.value
    _emit(run(repo, base, head, staged, fmt, exit_code, not no_findings, not no_cache, _color(fmt), lang))


@app.command()
def log(
    record: Annotated[str, typer.Argument(metavar="ID", help="The id of a record (any kind).")],
    format: Annotated[LogFormat, typer.Option("--format", "-f", help="text or json.")] = LogFormat.text,
    rev: Annotated[str, typer.Option("--rev", help="Follow the history back from this revision.")] = "HEAD",
    kind: Annotated[
        str | None, typer.Option("--kind", help="The record's kind when ids collide, e.g. budgets.")
    ] = None,
    lang: LangOpt = "fi",
    repo: RepoOpt = None,
) -> None:
    """The history of one record across commits: when, who, what changed."""
    from .commands.log import run

    _emit(run(repo, record, rev, format.value, lang, _color(format.value), kind))


@app.command()
def review(
    base: Annotated[str, typer.Argument(help="The pull request's base, e.g. origin/main.")],
    head: Annotated[str, typer.Argument(help="The pull request's head, e.g. HEAD.")],
    format: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="markdown, json or github.")
    ] = ReviewFormat.markdown,
    lang: LangOpt = "fi",
    repo: RepoOpt = None,
    no_cache: NoCache = False,
) -> None:
    """One pull-request comment: validation of what changed, the diff, who must review."""
    from .commands.review import run

    _emit(run(repo, base, head, format.value, lang, not no_cache))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; the one place where failures become exit codes."""
    from .errors import SisturvaError

    try:
        plain = _plain_validate(sys.argv[1:] if argv is None else list(argv))
        if plain is not None:
            _validate(*plain)
        plain_align = _plain_align(sys.argv[1:] if argv is None else list(argv))
        if plain_align is not None:
            _align(*plain_align)
        result = app(args=argv, prog_name="sisturva", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("interrupted\n")
        return 130
    except ClickException as error:
        error.show()
        return 2
    except SisturvaError as error:
        sys.stderr.write(f"sisturva: error: {error}\n")
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return result if isinstance(result, int) else 0
