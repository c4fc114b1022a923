"""The command line: parses options, calls one function per command, prints, and exits."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer
from typer._click.exceptions import ClickException

from . import entry
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


def _emit(outcome: Outcome) -> None:
    raise typer.Exit(entry.emit(outcome))


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
    _emit(entry.validate(path, format.value if format else None, strict, no_cache))


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
    _emit(entry.render(path, out, lang, format, no_cache))


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
    _emit(run(path, fmt, lang.value, org, year, strict, not no_cache, entry.color(fmt)))


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
    _emit(entry.diff(repo, base, head, staged, format.value, exit_code, no_findings, lang, no_cache))


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
    _emit(entry.log(repo, record, rev, format.value, lang, kind))


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
    _emit(entry.review(repo, base, head, format.value, lang, no_cache))


def run_typer(args: list[str]) -> int:
    """Parse `args` with typer and run the command; typer's own conditions become exit codes."""
    try:
        result = app(args=args, prog_name="sisturva", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        sys.stderr.write("interrupted\n")
        return 130
    except ClickException as error:
        error.show()
        return 2
    return result if isinstance(result, int) else 0


main = entry.main
"""The entry point, here too for callers that know the CLI module."""
