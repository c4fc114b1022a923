"""Every command's arguments and options, declared once: the quick parser and the typer commands are built from it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from .commands import Outcome
from .errors import UsageError

# This module is imported on every run, before anything else: it must stay as light as
# `entry` itself (no typer, no pydantic), so the command implementations load inside the runners.

Value = str | int | bool | list[str] | tuple[str, ...] | None
Values = Mapping[str, Value]

VERSION_FLAGS = ("--version", "-V")
"""The top-level option that prints the version."""
LANGS = ("fi", "sv", "en")


@dataclass(frozen=True)
class Param:
    """One argument or option of a command."""

    name: str
    """The value's name, as the command's runner receives it."""
    flags: tuple[str, ...] = ()
    """Its spellings, the long one first; none for a positional argument."""
    help: str = ""
    type: Literal["text", "flag", "int"] = "text"
    choices: tuple[str, ...] = ()
    """The values it accepts (none: any)."""
    default: str | None = None
    """The value when not given (flags: False; numbers: None)."""
    required: bool = False
    metavar: str | None = None
    hidden: bool = False
    instead_of: str | None = None
    """A deprecated spelling of the strategy folder: its value goes to this parameter, with a note on stderr."""
    many: bool = False
    """A positional argument that takes every remaining value (`fmt PATH…`): a list, () when none."""

    @property
    def initial(self) -> Value:
        """The value a call that does not give it receives."""
        if self.many:
            return ()  # as click gives an argument of any number of values that was not given
        return False if self.type == "flag" else self.default

    def spelled(self) -> str:
        """How a message shows it, e.g. `--repo DIR` or `PATH`."""
        label = self.metavar or self.name.upper()
        return f"{self.flags[0]} {label}" if self.flags else label


@dataclass(frozen=True)
class Command:
    """A command: its one-line description, its parameters, and how it runs."""

    name: str
    help: str
    params: tuple[Param, ...]
    runner: Callable[[Values], Outcome]

    def invoke(self, values: Values) -> Outcome:
        """Run with every parameter's value; deprecated spellings are moved where they belong, with a note."""
        given = dict(values)
        for param in self.params:
            old = given.get(param.name)
            if param.instead_of is None or old is None:
                continue
            target = next(p for p in self.params if p.name == param.instead_of)
            new = f"{target.flags[0]} {param.metavar or target.metavar}"
            if given.get(target.name) is not None:
                raise UsageError(
                    f"{param.spelled()} and {target.flags[0]} both name the strategy folder; "
                    f"give only `{new}`"
                )
            sys.stderr.write(
                f"sisturva: warning: `sisturva {self.name} {param.spelled()}` is deprecated; "
                f"use `sisturva {self.name} {new}`\n"
            )
            given[target.name] = old
        return self.runner(given)


# -- values ---------------------------------------------------------------------------------------


def _text(values: Values, name: str) -> str | None:
    value = values.get(name)
    return value if isinstance(value, str) else None


def _str(values: Values, name: str) -> str:
    return _text(values, name) or ""


def _texts(values: Values, name: str) -> tuple[str, ...]:
    value = values.get(name)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, tuple | list) else ()


def _int(values: Values, name: str) -> int | None:
    value = values.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _flag(values: Values, name: str) -> bool:
    return values.get(name) is True


def default_format(given: str | None) -> str:
    """A findings format: as given, else GitHub annotations under Actions, else text."""
    if given is not None:
        return given
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def color(fmt: str) -> bool:
    """Colour only text for a terminal, and never when NO_COLOR is set (no-color.org)."""
    return fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def version() -> str:
    """The installed package's version (the source tree's when it is not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("sisturva")
    except PackageNotFoundError:
        from . import __version__

        return __version__


# -- runners --------------------------------------------------------------------------------------


def _validate(v: Values) -> Outcome:
    from .commands.validate import run

    fmt = default_format(_text(v, "format"))
    return run(
        _text(v, "directory"), fmt, _flag(v, "strict"), not _flag(v, "no_cache"), color(fmt), _text(v, "lang")
    )


def _schema(v: Values) -> Outcome:
    from .commands.schema import run

    return run(_text(v, "out"), _text(v, "name"), _text(v, "reference"))


def _render(v: Values) -> Outcome:
    from .commands.render import run

    return run(
        _text(v, "directory"),
        _str(v, "out"),
        _text(v, "lang"),
        _str(v, "format"),
        not _flag(v, "no_cache"),
        _flag(v, "allow_errors"),
    )


def _align(v: Values) -> Outcome:
    from .commands.align import run

    fmt = _str(v, "format")
    return run(
        _text(v, "directory"),
        fmt,
        _str(v, "lang"),
        _text(v, "org"),
        _int(v, "year"),
        _flag(v, "strict"),
        not _flag(v, "no_cache"),
        color(fmt),
        _text(v, "out"),
    )


def _status(v: Values) -> Outcome:
    from .commands.status import run

    return run(
        _text(v, "directory"),
        _str(v, "format"),
        _str(v, "lang"),
        _int(v, "year"),
        not _flag(v, "no_cache"),
        _text(v, "out"),
    )


def _diff(v: Values) -> Outcome:
    from .commands.diff import run

    fmt = _str(v, "format")
    return run(
        _text(v, "directory"),
        _text(v, "base"),
        _text(v, "head"),
        _flag(v, "staged"),
        fmt,
        _flag(v, "exit_code"),
        not _flag(v, "no_findings"),
        not _flag(v, "no_cache"),
        color(fmt),
        _str(v, "lang"),
    )


def _log(v: Values) -> Outcome:
    from .commands.log import run

    fmt = _str(v, "format")
    return run(
        _text(v, "directory"),
        _str(v, "record"),
        _str(v, "rev"),
        fmt,
        _str(v, "lang"),
        color(fmt),
        _text(v, "kind"),
    )


def _review(v: Values) -> Outcome:
    from .commands.review import run

    return run(
        _text(v, "directory"),
        _str(v, "base"),
        _str(v, "head"),
        _str(v, "format"),
        _str(v, "lang"),
        not _flag(v, "no_cache"),
    )


def _init(v: Values) -> Outcome:
    from .commands.init import run

    return run(_text(v, "folder"), _text(v, "lang"), _text(v, "years"), _text(v, "name"))


def _new(v: Values) -> Outcome:
    from .commands.new import run

    return run(_text(v, "directory"), _str(v, "kind"), _str(v, "id"), v, _flag(v, "dry_run"))


def _set(v: Values) -> Outcome:
    from .commands.set import run

    return run(
        _text(v, "directory"),
        _str(v, "kind"),
        _str(v, "id"),
        _str(v, "field"),
        _text(v, "value"),
        _flag(v, "unset"),
        _flag(v, "dry_run"),
    )


def _confirm(v: Values) -> Outcome:
    from .commands.confirm import run

    return run(
        _text(v, "directory"), _text(v, "commitment"), _text(v, "goal"), _flag(v, "all"), _flag(v, "dry_run")
    )


def _fmt(v: Values) -> Outcome:
    from .commands.fmt import run

    return run(_text(v, "directory"), _texts(v, "paths"), _flag(v, "check"), _flag(v, "diff"))


def _release(v: Values) -> Outcome:
    from .commands.release import run_release

    return run_release(
        _text(v, "directory"), _str(v, "version"), _text(v, "date"), _text(v, "decision"), _text(v, "rev")
    )


def _releases(v: Values) -> Outcome:
    from .commands.release import run_releases

    return run_releases(_text(v, "directory"), _str(v, "format"), _str(v, "lang"))


def _owners(v: Values) -> Outcome:
    from .commands.owners import run

    return run(
        _text(v, "directory"), _str(v, "format"), _flag(v, "check"), _text(v, "out"), not _flag(v, "no_cache")
    )


def _export(v: Values) -> Outcome:
    from .commands.export import run

    return run(
        _text(v, "directory"),
        _str(v, "what"),
        _text(v, "out"),
        _text(v, "org"),
        _str(v, "lang"),
        not _flag(v, "no_cache"),
    )


def _import(v: Values) -> Outcome:
    from .commands.importing import run

    return run(
        _text(v, "directory"),
        _str(v, "what"),
        _str(v, "file"),
        _text(v, "org"),
        _flag(v, "dry_run"),
        _str(v, "lang"),
        not _flag(v, "no_cache"),
    )


# -- the declaration ------------------------------------------------------------------------------

DIRECTORY = Param(
    "directory",
    ("-C", "--directory"),
    "Strategy folder, or a folder inside it (default: the nearest with sisturva.yaml, from here up).",
    metavar="DIR",
)
PATH = Param("path", help="Deprecated: use -C PATH.", metavar="PATH", hidden=True, instead_of="directory")
"""The strategy folder as a positional argument, as `validate`, `align`, `status` and `render` once took it."""
REPO = Param(
    "repo", ("--repo",), "Deprecated: use -C DIR.", metavar="DIR", hidden=True, instead_of="directory"
)
"""The strategy folder as `diff`, `log` and `review` once spelled it."""
NO_CACHE = Param("no_cache", ("--no-cache",), "Do not read or write the cache.", "flag")
STRICT = Param("strict", ("--strict",), "Warnings count as errors (exit 1).", "flag")
LANG = Param("lang", ("--lang",), "Language of the report: fi, sv or en.", choices=LANGS, default="fi")


def _format(help: str, choices: tuple[str, ...], default: str | None) -> Param:
    return Param("format", ("--format", "-f"), help, choices=choices, default=default)


def _revision(name: str, help: str, required: bool = False) -> Param:
    return Param(name, help=help, required=required, metavar=name.upper())


COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        "Check every file: schema, references, duplicates, languages.",
        (
            DIRECTORY,
            _format(
                "text, json or github (default: github under GitHub Actions, else text).",
                ("text", "json", "github"),
                None,
            ),
            STRICT,
            NO_CACHE,
            Param(
                "lang",
                ("--lang",),
                "Language of the text format's messages: fi, sv or en (default: en; json and github stay en).",
                choices=LANGS,
            ),
            PATH,
        ),
        _validate,
    ),
    Command(
        "schema",
        "JSON Schema for every file kind, for editors and other tools.",
        (
            Param("name", help="One file kind, e.g. commitments or budget.", metavar="NAME"),
            Param("out", ("--out", "-o"), "Write NAME.schema.json files into this folder.", metavar="DIR"),
            Param(
                "reference",
                ("--reference",),
                "Also write the Markdown reference of every file kind and finding code to FILE.",
                metavar="FILE",
            ),
        ),
        _schema,
    ),
    Command(
        "render",
        "The published strategy: static site, Markdown document and open data.",
        (
            Param(
                "out",
                ("--out", "-o"),
                "Folder to write; replaced as a whole, atomically.",
                required=True,
                metavar="DIR",
            ),
            DIRECTORY,
            Param(
                "lang",
                ("--lang",),
                "Languages, e.g. fi,sv,en (default: all the repository's).",
                metavar="LANGS",
            ),
            Param(
                "format",
                ("--format", "-f"),
                "site, markdown, data, pdf or all (comma-separated; all is site,markdown,data, as pdf needs Chromium).",
                default="all",
                metavar="FORMATS",
            ),
            Param(
                "allow_errors",
                ("--allow-errors",),
                "Publish even with errors, every page marked as unapproved; the findings go to stderr.",
                "flag",
            ),
            NO_CACHE,
            PATH,
        ),
        _render,
    ),
    Command(
        "align",
        "Each organisation's commitments against its own budget plan, by line and year.",
        (
            DIRECTORY,
            _format(
                "text, markdown, json, github, or xlsx (a workbook; with --out).",
                ("text", "markdown", "json", "github", "xlsx"),
                "text",
            ),
            Param(
                "lang",
                ("--lang",),
                "Language of labels and money: fi, sv or en.",
                choices=LANGS,
                default="fi",
            ),
            Param("org", ("--org",), "Only this organisation (its id).", metavar="ID"),
            Param("year", ("--year",), "Only this year.", "int", metavar="YEAR"),
            Param("out", ("--out", "-o"), "With --format xlsx: the workbook to write.", metavar="FILE"),
            STRICT,
            NO_CACHE,
            PATH,
        ),
        _align,
    ),
    Command(
        "status",
        "Goals and indicators: latest value, trend, on track or not, stale data, progress.",
        (
            DIRECTORY,
            _format(
                "text, markdown, json, or xlsx (a workbook; with --out).",
                ("text", "markdown", "json", "xlsx"),
                "text",
            ),
            LANG,
            Param(
                "year",
                ("--year",),
                "Reference year for stale data (default: this year).",
                "int",
                metavar="YEAR",
            ),
            Param("out", ("--out", "-o"), "With --format xlsx: the workbook to write.", metavar="FILE"),
            NO_CACHE,
            PATH,
        ),
        _status,
    ),
    Command(
        "diff",
        "Semantic diff of two revisions (default: HEAD against the working tree).",
        (
            _revision("base", "A commit, branch or tag; BASE...HEAD uses the merge base."),
            _revision("head", "A commit, branch or tag (default: the working tree)."),
            DIRECTORY,
            Param("staged", ("--staged", "--cached"), "Compare BASE (HEAD) with the index.", "flag"),
            _format("text, markdown or json.", ("text", "markdown", "json"), "text"),
            Param("exit_code", ("--exit-code",), "Exit 1 when there are changes.", "flag"),
            Param(
                "no_findings",
                ("--no-findings",),
                "Do not compare findings (only the changed files are read).",
                "flag",
            ),
            LANG,
            NO_CACHE,
            REPO,
        ),
        _diff,
    ),
    Command(
        "log",
        "The history of one record across commits: when, who, what changed.",
        (
            Param("record", help="The id of a record (any kind).", required=True, metavar="ID"),
            DIRECTORY,
            _format("text or json.", ("text", "json"), "text"),
            Param(
                "rev",
                ("--rev",),
                "Follow the history back from this revision.",
                default="HEAD",
                metavar="REV",
            ),
            Param(
                "kind",
                ("--kind",),
                "The record's kind when ids collide: organisation, budget, commitment, … "
                "(singular or plural).",
                metavar="KIND",
            ),
            LANG,
            REPO,
        ),
        _log,
    ),
    Command(
        "review",
        "One pull-request comment: validation of what changed, the diff, who must review.",
        (
            _revision("base", "The pull request's base, e.g. origin/main.", required=True),
            _revision("head", "The pull request's head, e.g. HEAD.", required=True),
            DIRECTORY,
            _format("markdown, json or github.", ("markdown", "json", "github"), "markdown"),
            LANG,
            NO_CACHE,
            REPO,
        ),
        _review,
    ),
    Command(
        "init",
        "A new strategy repository that validates: files, schemas, CI workflows, contribution guide.",
        (
            Param(
                "folder",
                help="The folder to make it in (default: here); created when missing.",
                metavar="DIR",
            ),
            Param(
                "lang",
                ("--lang",),
                "The strategy's languages, Finnish first (default: fi,sv,en).",
                metavar="LANGS",
            ),
            Param(
                "years",
                ("--years",),
                "The planning years, first and last, e.g. 2025-2028 (default: this year and three more).",
                metavar="YEARS",
            ),
            Param("name", ("--name",), "The strategy's name in Finnish.", metavar="TEXT"),
        ),
        _init,
    ),
    Command(
        "new",
        "One new record where it belongs: organisation, phenomenon, indicator, priority, goal, commitment, budget, budget-line.",
        (
            Param(
                "kind",
                help="organisation, phenomenon, indicator, priority, goal, commitment, budget or budget-line.",
                required=True,
                metavar="KIND",
            ),
            Param(
                "id",
                help="The new record's id (a budget plan's: its organisation; a budget line's: e.g. 26.10.01).",
                required=True,
                metavar="ID",
            ),
            Param(
                "title",
                ("--title", "--name", "--action"),
                "Its title, name or (a commitment's) action, in Finnish.",
                metavar="TEXT",
            ),
            Param(
                "type",
                ("--type",),
                "An organisation's kind (agency, …) or a budget plan's (state-tts, …).",
                metavar="TYPE",
            ),
            Param(
                "status",
                ("--status",),
                "Its status, e.g. active (the kind's choices are listed when it is wrong).",
                metavar="STATUS",
            ),
            Param(
                "org",
                ("--org",),
                "The organisation: a commitment's, a budget line's plan's, an indicator's owner.",
                metavar="ID",
            ),
            Param("priority", ("--priority",), "A goal's priority.", metavar="ID"),
            Param("goal", ("--goal",), "The goals a commitment serves, comma-separated.", metavar="IDS"),
            Param("indicator", ("--indicator",), "A goal's or phenomenon's indicator.", metavar="ID"),
            Param("parent", ("--parent",), "The organisation an organisation comes under.", metavar="ID"),
            Param("unit", ("--unit",), "An indicator's unit, in Finnish.", metavar="TEXT"),
            Param(
                "direction",
                ("--direction",),
                "Which way an indicator is better.",
                choices=("higher-is-better", "lower-is-better"),
            ),
            Param(
                "start",
                ("--start",),
                "The first year of its period (a budget plan's years).",
                "int",
                metavar="YEAR",
            ),
            Param("end", ("--end",), "The last year of its period.", "int", metavar="YEAR"),
            Param(
                "budget_line",
                ("--budget-line",),
                "A commitment's resource: the line of its organisation's plan.",
                metavar="LINE",
            ),
            Param(
                "year",
                ("--year",),
                "The year of a commitment's resource or a budget line's amount (default: --start).",
                "int",
                metavar="YEAR",
            ),
            Param(
                "euros",
                ("--euros",),
                "Euros of that resource, or that budget line's amount.",
                metavar="AMOUNT",
            ),
            Param(
                "allocated",
                ("--allocated",),
                "The part of a budget line's amount allocated to the cooperation.",
                metavar="AMOUNT",
            ),
            Param(
                "person_years", ("--person-years",), "Person-years of a commitment's resource.", metavar="N"
            ),
            DIRECTORY,
            Param("dry_run", ("--dry-run",), "Show the change as a diff; write nothing.", "flag"),
        ),
        _new,
    ),
    Command(
        "set",
        "Change one value of one record in place, keeping every comment; refused if it makes the file invalid.",
        (
            Param(
                "kind",
                help="The record's kind: commitment, goal, indicator, budget, … (singular or plural).",
                required=True,
                metavar="KIND",
            ),
            Param(
                "id",
                help="The record's id (settings and strategy: the kind again).",
                required=True,
                metavar="ID",
            ),
            Param(
                "field",
                help="The field as sisturva diff prints it: status, title.sv, resources[2024/26.10.01].euros, …",
                required=True,
                metavar="FIELD",
            ),
            Param(
                "value",
                help="The new value, read as YAML reads it (2024, 1500.50, true, text).",
                metavar="VALUE",
            ),
            Param(
                "unset", ("--unset",), "Remove the field (or the list item) instead of setting it.", "flag"
            ),
            Param("dry_run", ("--dry-run",), "Show the change as a diff; write nothing.", "flag"),
            DIRECTORY,
        ),
        _set,
    ),
    Command(
        "confirm",
        "Record that a commitment still serves its goals as they now read, so it is no longer suspect (SIS218).",
        (
            Param("commitment", help="The commitment's id (leave out with --all).", metavar="COMMITMENT"),
            Param(
                "goal",
                ("--goal",),
                "Confirm this one goal (default: every goal the commitment serves).",
                metavar="GOAL",
            ),
            Param(
                "all", ("--all",), "Confirm every goal of every commitment, e.g. in a new repository.", "flag"
            ),
            Param("dry_run", ("--dry-run",), "Show the change as a diff; write nothing.", "flag"),
            DIRECTORY,
        ),
        _confirm,
    ),
    Command(
        "fmt",
        "Put every strategy file in its canonical form, keeping comments and meaning.",
        (
            Param(
                "paths",
                help="Files or folders to format (default: the whole strategy).",
                metavar="PATH...",
                many=True,
            ),
            Param(
                "check",
                ("--check",),
                "Write nothing; list the files that would change and exit 1 if any.",
                "flag",
            ),
            Param(
                "diff",
                ("--diff",),
                "Write nothing; show what would change as a diff (exit 1 if any).",
                "flag",
            ),
            DIRECTORY,
        ),
        _fmt,
    ),
    Command(
        "owners",
        "CODEOWNERS for GitHub or GitLab from the organisations' owners; --check for CI.",
        (
            DIRECTORY,
            _format(
                "codeowners (GitHub), gitlab (with sections) or json.",
                ("codeowners", "gitlab", "json"),
                "codeowners",
            ),
            Param(
                "check",
                ("--check",),
                "Write nothing; exit 1 with a diff when the file (--out, else the format's "
                "default) is not what would be generated.",
                "flag",
            ),
            Param(
                "out",
                ("--out", "-o"),
                "Write the file here, atomically: .github/CODEOWNERS (GitHub) or .gitlab/CODEOWNERS "
                "(GitLab) at the work tree's top, the defaults --check reads (default: print it).",
                metavar="FILE",
            ),
            NO_CACHE,
        ),
        _owners,
    ),
    Command(
        "release",
        "Record the cooperation group's approval of a revision as an annotated tag.",
        (
            Param("version", help="The version, e.g. 2025.1 or 1.2.0.", required=True, metavar="VERSION"),
            DIRECTORY,
            Param("date", ("--date",), "The day of the approval (default: today).", metavar="YYYY-MM-DD"),
            Param(
                "decision",
                ("--decision",),
                "The decision: the meeting and its record (free text; may be several lines).",
                metavar="TEXT",
            ),
            Param("rev", ("--rev",), "The revision approved (default: HEAD).", metavar="REV"),
        ),
        _release,
    ),
    Command(
        "releases",
        "The approved versions, newest first, with what changed between them.",
        (DIRECTORY, _format("text, markdown or json.", ("text", "markdown", "json"), "text"), LANG),
        _releases,
    ),
    Command(
        "export",
        "A workbook of an organisation's commitments and budget (or of every organisation) to fill in.",
        (
            Param("what", help="The kind of file: xlsx.", choices=("xlsx",), required=True, metavar="FORMAT"),
            DIRECTORY,
            Param(
                "out", ("--out", "-o"), "The workbook to write (FILE.xlsx).", required=True, metavar="FILE"
            ),
            Param("org", ("--org",), "Only this organisation (its id); default: every one.", metavar="ID"),
            Param(
                "lang",
                ("--lang",),
                "Language of headers, titles and formats: fi, sv or en.",
                choices=LANGS,
                default="fi",
            ),
            NO_CACHE,
        ),
        _export,
    ),
    Command(
        "import",
        "A returned workbook as a change of the organisation's files, checked like validate.",
        (
            # No choices here: the runner says which formats there are, and FILE follows FORMAT.
            Param("what", help="The kind of file: xlsx.", required=True, metavar="FORMAT"),
            Param("file", help="The workbook (FILE.xlsx).", required=True, metavar="FILE"),
            DIRECTORY,
            Param("org", ("--org",), "Only this organisation's sheets (its id).", metavar="ID"),
            Param("dry_run", ("--dry-run",), "Show the change and write nothing.", "flag"),
            Param(
                "lang",
                ("--lang",),
                "Language of the change report: fi, sv or en.",
                choices=LANGS,
                default="fi",
            ),
            NO_CACHE,
        ),
        _import,
    ),
)
"""The commands, in the order `sisturva --help` lists them."""

BY_NAME: Mapping[str, Command] = {command.name: command for command in COMMANDS}
