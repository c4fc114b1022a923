from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sisturva.cli import app, main
from sisturva.entry import quick
from sisturva.findings import CODES

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
        [sys.executable, "-m", "sisturva", "validate", str(repo), "--format", "json"],
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
    ],
)
def test_plain_validate_answers_as_typer_does(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    monkeypatch.chdir(PROJECT / "strategy" / "priorities")
    assert main(args) == 0
    quick = capsys.readouterr().out
    try:
        code = app(args=args, prog_name="sisturva", standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    assert code in (0, None)
    assert capsys.readouterr().out == quick
    assert "0 errors" in quick or '"error": 0' in quick


@pytest.mark.parametrize("args", [["validate", "-f", "yaml"], ["validate", "a", "b"]])
def test_unusual_validate_calls_go_through_typer(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert "Usage: sisturva validate" in capsys.readouterr().err


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
    ["diff", "HEAD~1", "HEAD", "-f", "json", "--lang=en", "--exit-code"],
    ["diff", "--cached", "--no-findings", "--format", "markdown"],
    ["log", "poha-viestinta"],
    ["log", "poha-viestinta", "--format=json", "--rev", "HEAD~1"],
    ["review", "HEAD~1", "HEAD"],
    ["review", "HEAD~1", "HEAD", "-f", "github", "--lang", "sv", "--no-cache"],
    ["align", "--format", "markdown", "--lang", "sv"],
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
    assert (code, quick_out.out) == (typer_code or 0, capsys.readouterr().out)
    assert quick_out.out.strip()


@pytest.mark.parametrize(
    "extra", [[], ["-f", "site,markdown", "--lang=fi,en"], ["--format", "data", "--no-cache", "."]]
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
    assert quick_err.startswith("rendered ") and quick_files


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
    ],
)
def test_unusual_calls_go_through_typer(args: list[str]) -> None:
    assert quick(args) is None
