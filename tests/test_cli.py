from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer._click.exceptions import ClickException

from sisturva.cli import app, main
from sisturva.entry import parse, quick
from sisturva.findings import CODES
from sisturva.interface import BY_NAME, Command, Param
from sisturva.interface import COMMANDS as COMMAND_DECLARATIONS
from sisturva.kinds import kind_named

from .conftest import MINIMAL, PROJECT
from .gitrepo import commit, init, write

README = (PROJECT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands)


def test_there_are_commands() -> None:
    assert {"validate", "schema"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_readme_section(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: sisturva {command}")
    # The first line of help is the command's one-line description.
    description = out.split("\n\n")[1].strip()
    assert description and not description.startswith("Options")
    assert re.search(rf"^### `sisturva {command}\b", README, re.MULTILINE), (
        f"README has no section for {command}"
    )


@pytest.mark.parametrize("command", COMMAND_DECLARATIONS, ids=lambda c: c.name)
def test_help_shows_every_option_and_hides_the_deprecated_spellings(
    command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command.name, "--help"]) == 0
    out = capsys.readouterr().out
    usage = out.splitlines()[0]
    for param in command.params:
        label = param.metavar or param.name.upper()
        for word in param.flags or (label,):
            found = re.search(rf"(^|[\s,{{\[]){re.escape(word)}([\s,}}\]]|$)", out, re.MULTILINE)
            assert bool(found) != param.hidden, f"sisturva {command.name} --help: {word}"
        if not param.flags:
            assert (label in usage) != param.hidden, usage


def test_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert re.search(rf"^  {command}\s", out, re.MULTILINE)


def test_readme_finding_codes_table_matches_the_registry() -> None:
    table = README.split("<!-- codes:start -->", 1)[1].split("<!-- codes:end -->", 1)[0]
    rows = re.findall(r"^\| (SIS\d{3}) \| (\w+) \| (.+) \|$", table, re.MULTILINE)
    assert [(code, severity) for code, severity, _ in rows] == [(c, s) for c, (s, _) in CODES.items()]


def test_readme_names_the_two_commands_first() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick and "make test" in quick


def test_unknown_command_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_output_is_whole_and_exit_code_kept_though_exit_skips_clean_up(repo: Path) -> None:
    # The command exits without freeing its objects one by one: what it wrote must be flushed first.
    (repo / "organisations" / "sm.yaml").write_text("id: sm\nname: SM\nkind: ministryy\n")
    done = subprocess.run(
        [sys.executable, "-m", "sisturva", "validate", "-C", str(repo), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "SIS103" in json.dumps(json.loads(done.stdout))
    assert done.stderr == ""


def test_console_script_starts(tmp_path: object) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sisturva", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "validate" in done.stdout


@pytest.mark.parametrize(
    ("module", "heavy"),
    [
        # The quick path of `validate`, `diff`, `log`, … starts without the command-line library.
        ("sisturva.entry", ("typer", "pydantic", "jinja2", "rich", "babel", "yaml")),
        # `sisturva --help` must stay quick: these load inside the commands that need them.
        ("sisturva.cli", ("pydantic", "jinja2", "rich", "babel", "yaml")),
    ],
)
def test_start_up_imports_no_heavy_library(module: str, heavy: tuple[str, ...]) -> None:
    code = f"import sys, {module}; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "--strict", "-f", "json"],
        ["validate", "--format=github", "--no-cache"],
        ["validate", "--format", "text", "--strict"],
        ["validate", "-C", ".."],
        ["validate", "--directory=..", "-f", "json"],
        ["validate", "--directory", ".", "--no-cache"],
        ["validate", ".."],
        ["validate", "-f", "json", "."],
    ],
)
def test_plain_validate_answers_as_typer_does(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    monkeypatch.chdir(PROJECT / "strategy" / "priorities")
    # The example has warnings on purpose (commitments not yet resourced): --strict fails it.
    expected = 1 if "--strict" in args else 0
    assert main(args) == expected
    quick = capsys.readouterr()
    try:
        code = app(args=args, prog_name="sisturva", standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    assert (code or 0) == expected
    assert capsys.readouterr() == quick
    if expected == 0:
        assert "0 errors" in quick.out or '"error": 0' in quick.out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["validate", "-f", "yaml"], "Usage: sisturva validate"),
        (["validate", "a", "b"], "Usage: sisturva validate"),
        (["validate", "-C"], "Error: Option '-C' requires an argument."),
        (["validate", "--directory"], "Error: Option '--directory' requires an argument."),
    ],
)
def test_unusual_validate_calls_go_through_typer(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert quick(args) is None
    assert main(args) == 2
    assert says in capsys.readouterr().err


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A repository of two commits: the second moves money in a commitment."""
    repo = init(tmp_path / "hist")
    write(repo, dict(MINIMAL))
    commit(repo, "first")
    rel = "commitments/poliisihallitus.yaml"
    write(repo, {rel: MINIMAL[rel].replace("euros: 100000", "euros: 150000")})
    commit(repo, "second", date="2024-02-01T12:00:00+02:00")
    return repo


QUICK_CALLS = [
    ["diff", "HEAD~1", "HEAD"],
    ["diff", "-C", ".", "HEAD~1", "HEAD", "--no-findings"],
    ["diff", "HEAD~1", "--directory=commitments", "--format", "json"],
    ["diff", "HEAD~1", "HEAD", "--repo", "."],
    ["diff", "HEAD~1", "HEAD", "-f", "json", "--lang=en", "--exit-code"],
    ["diff", "--cached", "--no-findings", "--format", "markdown"],
    ["log", "poha-viestinta"],
    ["log", "poha-viestinta", "--format=json", "--rev", "HEAD~1"],
    ["log", "-C", "organisations", "poha-viestinta", "--kind", "commitment", "--lang", "en"],
    ["log", "sm", "--repo", "."],
    ["review", "HEAD~1", "HEAD"],
    ["review", "HEAD~1", "HEAD", "-f", "github", "--lang", "sv", "--no-cache"],
    ["review", "-C", ".", "HEAD~1", "HEAD", "--format=json"],
    ["review", "HEAD~1", "HEAD", "--repo", "."],
    ["align", "--format", "markdown", "--lang", "sv"],
    ["align", "-C", "budgets", "--org", "poliisihallitus", "--year", "2022", "--strict"],
    ["align", "."],
    ["status", "-C", ".", "--year", "2024", "-f", "json"],
    ["status", "--lang=en", "--year=2024", "."],
    ["validate", "-C", "organisations", "--format", "json"],
    ["validate", "organisations"],
    ["schema", "budgets"],
]


@pytest.mark.parametrize("args", QUICK_CALLS, ids=" ".join)
def test_quick_path_answers_as_typer_does(
    args: list[str], history: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    monkeypatch.chdir(history)
    assert quick(args) is not None
    code = main(args)
    quick_out = capsys.readouterr()
    try:
        typer_code = app(args=args, prog_name="sisturva", standalone_mode=False)
    except typer.Exit as done:
        typer_code = done.exit_code
    # Deprecation notes and other diagnostics too: both paths write the same stderr.
    assert (code, quick_out) == (typer_code or 0, capsys.readouterr())
    assert quick_out.out.strip()


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["-f", "site,markdown", "--lang=fi,en"],
        ["--format", "data", "--no-cache", "-C", "."],
        ["--directory=organisations", "-f", "data"],
        ["--format", "data", "."],
    ],
)
def test_quick_render_writes_what_typer_writes(
    extra: list[str], history: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from .conftest import snapshot

    monkeypatch.chdir(history)
    out = history.parent / "out"
    args = ["render", "-o", str(out), *extra]
    assert quick(args) is not None
    assert main(args) == 0
    quick_err, quick_files = capsys.readouterr().err, snapshot(out)
    shutil.rmtree(out)
    try:
        typer_code = app(args=args, prog_name="sisturva", standalone_mode=False)
    except typer.Exit as done:
        typer_code = done.exit_code
    assert not typer_code
    assert (quick_err, quick_files) == (capsys.readouterr().err, snapshot(out))
    assert quick_err.splitlines()[-1].startswith("rendered ") and quick_files


@pytest.mark.parametrize(
    "args",
    [
        ["render"],
        ["render", "--out"],
        ["render", "-o", "site", "--lang"],
        ["diff", "--help"],
        ["diff", "-f", "yaml"],
        ["diff", "a", "b", "c"],
        ["log"],
        ["log", "x", "--rev"],
        ["log", "x", "--rev", "-h"],
        ["review", "HEAD"],
        ["diff", "--", "HEAD"],
        ["diff", "--exit-code=yes"],
        ["diff", "-C"],
        ["diff", "-Cstrategy"],
        ["validate", "-C", "-h"],
        ["align", "--year", "-1"],
        ["align", "--year", "twenty"],
        ["status", "--lang", "de"],
        ["log", "x", "--lang", "de"],
        ["--version", "validate"],
    ],
)
def test_unusual_calls_go_through_typer(args: list[str]) -> None:
    assert quick(args) is None


# -- one folder option, the deprecated positional form ---------------------------------------------

NOTE = "sisturva: warning: `sisturva {0} PATH` is deprecated; use `sisturva {0} -C PATH`\n"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "-f", "json"],
        ["align", "--lang", "en"],
        ["status", "--year", "2024"],
        ["render", "-f", "data"],
    ],
    ids=lambda args: args[0],
)
def test_the_positional_folder_still_works_with_a_note(
    args: list[str], history: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(history.parent)
    command, extra = args[0], args[1:]
    if command == "render":
        extra = [*extra, "--out", "site"]
    code = main([command, "-C", "hist", *extra])
    new = capsys.readouterr()
    shutil.rmtree("site", ignore_errors=True)  # so the second render writes what the first did
    assert main([command, "hist", *extra]) == code
    old = capsys.readouterr()
    assert old.out == new.out and (command == "render" or old.out)
    assert old.err == NOTE.format(command) + new.err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["validate", "hist", "-C", "hist"],
            "PATH and -C both name the strategy folder; give only `-C PATH`",
        ),
        (["log", "sm", "--repo", "hist", "-C", "hist"], "--repo DIR and -C both name the strategy folder"),
    ],
)
def test_the_folder_given_twice_is_exit_2(
    args: list[str],
    says: str,
    history: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(history.parent)
    assert main(args) == 2
    seen = capsys.readouterr()
    assert seen.out == "" and says in seen.err and len(seen.err.splitlines()) == 1


@pytest.mark.parametrize("command", ["validate", "align", "status", "diff", "log", "review", "render"])
def test_every_command_that_reads_a_strategy_takes_minus_c(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    needs = {"log": ["sm"], "review": ["HEAD~1", "HEAD"], "render": ["--out", "site"]}
    assert main([command, *needs.get(command, []), "-C", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"sisturva: error: {tmp_path}: not a strategy repository (no sisturva.yaml here or above); "
        "run it inside one or name it with -C DIR\n"
    )


def test_the_folder_is_found_from_the_current_one_up(
    history: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(history / "commitments")
    assert main(["validate", "-f", "json"]) == 0
    here = capsys.readouterr().out
    monkeypatch.chdir(history.parent)
    assert main(["validate", "-f", "json", "-C", "hist/commitments"]) == 0
    assert capsys.readouterr().out == here


# -- one declaration for both parsers ------------------------------------------------------------


def _click_command(name: str) -> Any:
    import typer

    group: Any = typer.main.get_command(app)
    return group.commands[name] if name else group


def _sample(param: Param) -> list[str]:
    """A value the parameter accepts."""
    if param.type == "flag":
        return []
    if param.type == "int":
        return ["2024"]
    return [param.choices[-1] if param.choices else "sample-value"]


def _required(command: Command, leaving: Param | None = None) -> list[str]:
    """The arguments a call must give, but for `leaving`."""
    args: list[str] = []
    for param in command.params:
        if param.required and param is not leaving:
            args += [param.flags[0], *_sample(param)] if param.flags else _sample(param)
    return args


def _calls(command: Command) -> Iterator[list[str]]:
    """One call per spelling of each parameter, and one with only what is required."""
    yield _required(command)
    for param in command.params:
        for flag in param.flags or ("",):
            rest = _required(command, param)
            value = _sample(param)
            yield [*rest, flag, *value] if flag else [*value, *rest]
            if flag.startswith("--") and value:
                yield [*rest, f"{flag}={value[0]}"]


@pytest.mark.parametrize("command", COMMAND_DECLARATIONS, ids=lambda c: c.name)
def test_both_parsers_know_the_same_spellings(command: Command) -> None:
    # An option typer knows and the quick path does not (or the other way round) fails here.
    clicked = _click_command(command.name)
    typer_spellings = {o for p in clicked.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")}
    declared = {flag for param in command.params for flag in param.flags}
    assert typer_spellings - {"-h", "--help"} == declared
    assert {p.name for p in clicked.params if p.param_type_name == "argument"} == {
        param.name for param in command.params if not param.flags
    }


@pytest.mark.parametrize("command", COMMAND_DECLARATIONS, ids=lambda c: c.name)
def test_both_parsers_give_the_same_values(command: Command) -> None:
    clicked = _click_command(command.name)
    for args in _calls(command):
        values = parse(command, args)
        assert values is not None, args
        context = clicked.make_context(command.name, list(args))
        assert values == context.params, args


def test_version_is_the_installed_one_and_quick(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.metadata

    from sisturva.cli import run_typer

    expected = f"sisturva {importlib.metadata.version('sisturva')}\n"
    for flag in ("--version", "-V"):
        assert main([flag]) == 0
        assert capsys.readouterr().out == expected
        assert run_typer([flag]) == 0
        assert capsys.readouterr().out == expected
    code = (
        "import sys; from sisturva.entry import main; main(['--version']); "
        "print(sorted(m for m in ('typer', 'pydantic', 'yaml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == expected + "[]\n"


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        ("sisturva val", ["validate"]),
        ("sisturva validate --f", ["--format"]),
        ("sisturva validate -f ", ["text", "json", "github"]),
        ("sisturva log x --l", ["--lang"]),
        ("sisturva --v", ["--version"]),
    ],
)
def test_shell_completion_offers_commands_options_and_choices(words: str, offered: list[str]) -> None:
    env = {
        **os.environ,
        "_SISTURVA_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    done = subprocess.run(
        [sys.executable, "-m", "sisturva"], capture_output=True, text=True, check=False, env=env
    )
    assert (done.returncode, done.stdout.split(), done.stderr) == (0, offered, "")


def test_completion_can_be_shown_and_installed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--install-completion" in out and "--show-completion" in out


# -- the README names only what exists -----------------------------------------------------------

SPAN = re.compile(r"`([^`\n]+(?:\n[^`\n]+)?)`")


def _readme_sections(text: str) -> Iterator[tuple[str | None, str]]:
    """(command, text) of each part of the README: a command's section, ("", …) for what the
    commands share (before the first command), or (None, …) elsewhere."""
    commands = text.split("<!-- commands:end -->", 1)
    parts = re.split(r"^(### `sisturva [a-z]+)", commands[0], flags=re.MULTILINE)
    before, shared, common = parts[0].partition("## Commands\n")
    yield None, before
    yield "", shared + common
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        yield heading.split()[-1], heading + body
    yield None, commands[1] if len(commands) > 1 else ""


def readme_calls(text: str) -> list[list[str]]:
    """Every `sisturva …` command line of the README (headings, examples, code spans), split into words."""
    lines = [m.group(1) for m in SPAN.finditer(text) if m.group(1).startswith("sisturva ")]
    lines += re.findall(r"^\$ (sisturva .*)$", text, re.MULTILINE)
    lines += re.findall(r"run: (sisturva .*)$", text, re.MULTILINE)
    calls = []
    for line in lines:
        line = re.sub(r"\$\{\{[^}]*\}\}", "X", line).replace("[", " ").replace("]", " ")
        words = shlex.split(line)[1:]
        ends = [i for i, w in enumerate(words) if w in (">", ">>", "|", "2>")]
        words = words[: ends[0]] if ends else words
        if words and not words[0].isupper():  # `sisturva COMMAND --help` names no command
            calls.append(words)
    return calls


def _top_options() -> set[str]:
    group = _click_command("")
    return {"-h", "--help"} | {o for p in group.params for o in (*p.opts, *p.secondary_opts)}


def readme_problems(text: str) -> list[str]:
    """What the README names that sisturva does not have."""
    import typer

    problems = []
    for words in readme_calls(text):
        if words[0].startswith("-"):
            problems += [f"sisturva has no option {word}" for word in words if word not in _top_options()]
            continue
        name, rest = words[0], words[1:]
        if name not in BY_NAME:
            problems.append(f"no command {name!r}: sisturva {' '.join(words)}")
            continue
        args = [w for w in rest if w not in ("-h", "--help")]
        try:
            _click_command(name).make_context(name, args)
        except typer.Exit:
            pass
        except ClickException as error:
            problems.append(f"sisturva {' '.join(words)}: {error.format_message()}")
    for command, section in _readme_sections(text):
        if command is None or (command and command not in BY_NAME):
            continue
        # What the commands share may name an option of any of them.
        params = {
            flag: param
            for declared in ([BY_NAME[command]] if command else COMMAND_DECLARATIONS)
            for param in declared.params
            for flag in param.flags
        }
        for span in SPAN.finditer(section):
            option, _, value = " ".join(span.group(1).split()).partition(" ")
            if not option.startswith("-") or option == "-":
                continue
            param = params.get(option)
            if param is None and not command and option in _top_options():
                continue
            if param is None:
                problems.append(f"sisturva {command or 'COMMAND'} has no option {option}")
            elif param.choices and value and not value.isupper():
                problems += [
                    f"sisturva {command} {option} has no choice {choice!r}"
                    for choice in value.split("|")
                    if choice not in param.choices
                ]
            elif option == "--kind" and value and kind_named(value) is None:
                problems.append(f"sisturva {command} --kind {value}: no such kind")
    return problems


def test_readme_names_only_commands_and_options_that_exist() -> None:
    assert len(readme_calls(README)) >= 10
    assert readme_problems(README) == []


def test_readme_check_catches_what_does_not_exist() -> None:
    wrong = (
        "## Commands\n\nEvery command takes `--colour` and `-C DIR`.\n\n"
        "### `sisturva frobnicate`\n\n`sisturva --help --colour`\n"
        "### `sisturva validate [-C DIR] [--colour]`\n\n`--format yaml` and `--strict`\n\n"
        "```console\n$ sisturva log ID --kind budgetz --since 2020\n```\n"
        "### `sisturva log ID`\n\n`--kind budgetz`\n"
    )
    assert readme_problems(wrong) == [
        "no command 'frobnicate': sisturva frobnicate",
        "sisturva has no option --colour",
        "sisturva validate -C DIR --colour: No such option: --colour",
        "sisturva log ID --kind budgetz --since 2020: No such option: --since (Possible options: --kind)",
        "sisturva COMMAND has no option --colour",
        "sisturva validate --format has no choice 'yaml'",
        "sisturva log --kind budgetz: no such kind",
    ]
