"""Output injection: hostile keys, values, record text, commits and file names through every command and format."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from sisturva.cli import main
from sisturva.safetext import UNSAFE

from .conftest import MINIMAL
from .gitrepo import ENV, git, init, write

OSC8 = "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"
PAYLOAD = (
    "\x1b[31mred\x1b[0m "
    + OSC8
    + " \x07\x08\u009b2J \u202eevil\n::add-mask::secret\r https://evil.example/x www.evil.example"
    " @everyone <script>alert(1)</script> a|b ##[add-mask]hidden"
)
"""Terminal escapes, a hyperlink, bell, backspace, CSI, bidi override, a workflow command on a line of
its own, bare addresses, a mention, HTML, a table breaker and a legacy workflow command."""
AUTHOR = "Mallory \x1b[31mEvil\x07 \u202erohtuA @everyone ##[add-mask]x"
"""git drops newlines, `<>` and leading or trailing controls from names; the rest reaches the log."""
FILE = "phenomena/x\x1b[31m\n::add-mask::file\u202e.yaml"
KEY_OWNER = "phenomena/ilmio.yaml"
RAW_ALLOWED = "\n"
"""The only control character an output may hold: the line breaks between its lines."""
SGR = re.compile(r"\x1b\[[0-9;]*m")
"""The colours sisturva itself writes when colour is on."""
OUR_COMMANDS = re.compile(r"::(error|warning|notice) file=[^\s:]*(,line=\d+)?(,col=\d+)?,title=SIS\d+::")


def yq(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text` (JSON strings are YAML)."""
    return json.dumps(text)


def _base() -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = dict(MINIMAL)
    files["organisations/poliisihallitus.yaml"] = MINIMAL["organisations/poliisihallitus.yaml"].replace(
        "name: Poliisihallitus", f"name: {yq(PAYLOAD)}"
    )
    files["priorities/p1.yaml"] = (
        MINIMAL["priorities/p1.yaml"]
        .replace("title: Turvallisuuden tunne", f"title: {yq(PAYLOAD)}")
        .replace("title: Luottamus säilyy", f"title: {yq(PAYLOAD)}")
    )
    files["indicators/luottamus.yaml"] = MINIMAL["indicators/luottamus.yaml"].replace(
        "name: Luottamus poliisiin", f"name: {yq(PAYLOAD)}"
    )
    files["budgets/poliisihallitus.yaml"] = MINIMAL["budgets/poliisihallitus.yaml"].replace(
        "name: Poliisitoimen toimintamenot", f"name: {yq(PAYLOAD)}"
    )
    return files


def _head() -> dict[str, str | bytes | None]:
    commitments = (
        MINIMAL["commitments/poliisihallitus.yaml"]
        .replace("action: Turvallisuusviestintä", f"action: {yq(PAYLOAD)}")
        .replace("euros: 100000", "euros: 130000")
    )
    return {
        "commitments/poliisihallitus.yaml": commitments,
        # An unknown key: its name is quoted in the finding.
        KEY_OWNER: f"id: ilmio\ntitle: Ilmiö\nstatus: observed\n{yq(PAYLOAD)}: 1\n",
        FILE: "id: x\n",
    }


@dataclass(frozen=True)
class Repo:
    """The attack repository: a valid base commit and a head commit that changes it."""

    path: Path
    base: str
    head: str


def _commit(repo: Path, message: str, author: str) -> str:
    """Commit everything with a message and an author name of our choosing (`gitrepo.commit` has neither)."""
    git(repo, "add", "-A")
    env = {
        **os.environ,
        **ENV,
        "GIT_AUTHOR_NAME": author,
        "GIT_CONFIG_GLOBAL": str(repo.parent / ".gitconfig-test"),
        "GIT_AUTHOR_DATE": "2024-02-01T12:00:00+02:00",
        "GIT_COMMITTER_DATE": "2024-02-01T12:00:00+02:00",
    }
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, env=env, check=True)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Repo]:
    repo = init(tmp_path_factory.mktemp("attack") / "repo")
    write(repo, _base())
    base = _commit(repo, "base", "Testi Tekijä")
    write(repo, _head())
    head = _commit(repo, PAYLOAD, AUTHOR)
    yield Repo(repo, base, head)


@pytest.fixture(scope="module")
def valid_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base tree alone, which validates, for `render` (it publishes nothing that fails)."""
    root = tmp_path_factory.mktemp("valid") / "strategy"
    write(root, _base())
    return root


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    code = main([*args, "--no-cache"] if args[0] in ("validate", "align", "diff", "review") else list(args))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def _no_raw_controls(text: str, colour: bool = False) -> None:
    plain = SGR.sub("", text) if colour else text
    found = sorted({f"U+{ord(ch):04X}" for ch in plain if ch in UNSAFE and ch not in RAW_ALLOWED})
    assert not found, f"raw {found} in output:\n{plain[:2000]}"


def _no_workflow_command(text: str, ours: bool = False) -> None:
    """No line that GitHub Actions would run: `::` at a line's start, or `##[` anywhere."""
    assert "##[" not in text
    for line in text.split("\n"):
        if line.lstrip().startswith("::"):
            assert ours and OUR_COMMANDS.match(line.lstrip()), f"workflow command: {line!r}"


_CODE_SPAN = re.compile(r"`[^`\n]*`")


def _inert_markdown(text: str) -> None:
    """No bare address a renderer would link, no mention, no HTML from records; no link at all."""
    prose = _CODE_SPAN.sub("", text)
    assert "://" not in prose, prose
    assert not re.search(r"www\.", prose, re.IGNORECASE)
    assert not re.search(r"@\w", prose)
    assert "<script" not in text and "&lt;script&gt;" in text
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    assert "<script" not in rendered and "<a " not in rendered


def _text_channel(run: Run, colour: bool = False) -> None:
    _no_raw_controls(run.out, colour)
    _no_raw_controls(run.err)
    _no_workflow_command(run.out)
    _no_workflow_command(run.err)


def _finding_lines(out: str) -> list[str]:
    return [
        line for line in SGR.sub("", out).split("\n") if re.search(r": (error|warning|info) SIS\d+: ", line)
    ]


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _json_channel(run: Run, *exact: str) -> Any:
    _no_raw_controls(run.out)
    _no_raw_controls(run.err)
    data = json.loads(run.out)
    strings = list(_strings(data))
    for wanted in exact:
        assert any(wanted in s for s in strings), f"{wanted!r} not kept exactly"
    return data


@pytest.fixture
def colour(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Colour on, as at a terminal."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    yield


# -- validate -------------------------------------------------------------------------------------


@pytest.mark.parametrize("coloured", [False, True], ids=["plain", "colour"])
def test_validate_text(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], coloured: bool
) -> None:
    monkeypatch.chdir(attack.path)
    findings = json.loads(_run(capsys, "validate", "--format", "json").out)["findings"]
    assert len(findings) >= 3
    if coloured:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.delenv("NO_COLOR", raising=False)
    run = _run(capsys, "validate", "--format", "text")
    assert run.code == 1
    if coloured:
        assert "\x1b[" in run.out
    _text_channel(run, coloured)
    assert len(_finding_lines(run.out)) == len(findings)
    assert "\\x1b[31mred" in run.out and "\\u202e" in run.out and "\\n" in run.out  # shown, not obeyed


def test_validate_json(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    data = _json_channel(_run(capsys, "validate", "--format", "json"), PAYLOAD, FILE)
    assert any(f["path"] == FILE for f in data["findings"])


def test_validate_github(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    findings = json.loads(_run(capsys, "validate", "--format", "json").out)["findings"]
    run = _run(capsys, "validate", "--format", "github")
    _no_raw_controls(run.out)
    _no_workflow_command(run.out, ours=True)
    commands = [line for line in run.out.split("\n") if line.startswith("::")]
    assert len(commands) == len(findings)


# -- align ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("coloured", [False, True], ids=["plain", "colour"])
def test_align_text(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], coloured: bool
) -> None:
    monkeypatch.chdir(attack.path)
    findings = json.loads(_run(capsys, "align", "--format", "json").out)["findings"]
    if coloured:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.delenv("NO_COLOR", raising=False)
    run = _run(capsys, "align", "--format", "text")
    _text_channel(run, coloured)
    assert len(_finding_lines(run.out)) == len(findings)
    assert "\\x1b[31mred" in run.out  # the organisation's name, shown


def test_align_markdown(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    run = _run(capsys, "align", "--format", "markdown")
    _text_channel(run)
    _inert_markdown(run.out)


def test_align_json_and_github(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    data = _json_channel(_run(capsys, "align", "--format", "json"), PAYLOAD)
    run = _run(capsys, "align", "--format", "github")
    _no_raw_controls(run.out)
    _no_workflow_command(run.out, ours=True)
    assert len([line for line in run.out.split("\n") if line.startswith("::")]) == len(data["findings"])


# -- status ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("coloured", [False, True], ids=["plain", "colour"])
def test_status_text(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], coloured: bool
) -> None:
    monkeypatch.chdir(attack.path)
    if coloured:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.delenv("NO_COLOR", raising=False)
    run = _run(capsys, "status", "--format", "text")
    _text_channel(run, coloured)
    assert "\\u202eevil" in run.out  # the goal's title, shown


def test_status_markdown(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    run = _run(capsys, "status", "--format", "markdown")
    _text_channel(run)
    _inert_markdown(run.out)


def test_status_json(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    _json_channel(_run(capsys, "status", "--format", "json"), PAYLOAD)


# -- diff -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("coloured", [False, True], ids=["plain", "colour"])
def test_diff_text(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], coloured: bool
) -> None:
    monkeypatch.chdir(attack.path)
    if coloured:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.delenv("NO_COLOR", raising=False)
    run = _run(capsys, "diff", attack.base, attack.head)
    _text_channel(run, coloured)
    assert "action: Turvallisuusviestintä → \\x1b[31mred" in SGR.sub("", run.out)


def test_diff_markdown(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    run = _run(capsys, "diff", attack.base, attack.head, "--format", "markdown")
    _text_channel(run)
    _inert_markdown(run.out)


def test_diff_json(attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(attack.path)
    data = _json_channel(_run(capsys, "diff", attack.base, attack.head, "--format", "json"), PAYLOAD, FILE)
    assert FILE in data["paths"]


# -- log ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("coloured", [False, True], ids=["plain", "colour"])
def test_log_text(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], coloured: bool
) -> None:
    monkeypatch.chdir(attack.path)
    if coloured:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.delenv("NO_COLOR", raising=False)
    run = _run(capsys, "log", "poha-viestinta")
    assert run.code == 0
    _text_channel(run, coloured)
    assert "Mallory \\x1b[31mEvil\\x07" in run.out


def test_log_json(attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(attack.path)
    data = _json_channel(_run(capsys, "log", "poha-viestinta", "--format", "json"), PAYLOAD, AUTHOR)
    assert data["commits"][0]["author"] == AUTHOR


# -- review ---------------------------------------------------------------------------------------


def test_review_markdown(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    run = _run(capsys, "review", attack.base, attack.head)
    assert run.code == 1
    _text_channel(run)
    _inert_markdown(run.out.replace("<!-- sisturva-review -->", ""))


def test_review_json(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    data = _json_channel(_run(capsys, "review", attack.base, attack.head, "--format", "json"), PAYLOAD, FILE)
    assert data["reviewers"][0]["name"] == PAYLOAD


def test_review_github(
    attack: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(attack.path)
    run = _run(capsys, "review", attack.base, attack.head, "--format", "github")
    _no_raw_controls(run.out)
    _no_workflow_command(run.out, ours=True)
    assert re.search(r"^::error file=", run.out, re.MULTILINE)


# -- render ---------------------------------------------------------------------------------------


def test_render_markdown(valid_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    run = _run(capsys, "render", str(valid_tree), "--out", str(out), "--format", "markdown", "--no-cache")
    assert run.code == 0, run.err
    documents = sorted(out.rglob("*.md"))
    assert documents
    for document in documents:
        text = document.read_text(encoding="utf-8")
        _no_raw_controls(text)
        _no_workflow_command(text)
        _inert_markdown(text)
    shutil.rmtree(out)


# -- messages on stderr ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "one_line"),
    [
        (["diff", "main\u202e\x1b[31m\n::add-mask::secret", "HEAD"], True),
        (["log", "x\x1b]8;;http://x\x1b\\\n::add-mask::secret"], True),
        (["log", "poha-viestinta", "--rev", "nope\x1b[2J\u202e\n::add-mask::secret"], True),
        # A folder is quoted as typed; the error line guards whatever any message holds.
        (["diff", "-C", "missing\x1b[31m\n::add-mask::secret"], False),
    ],
    ids=["revision", "record-id", "rev-option", "folder"],
)
def test_messages_quote_input_inertly(
    attack: Repo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    one_line: bool,
) -> None:
    monkeypatch.chdir(attack.path)
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("sisturva: error: ")
    if one_line:
        assert captured.err.count("\n") == 1, captured.err
    _text_channel(Run(code, captured.out, captured.err))
    assert "\\x1b" in captured.err  # what was typed, shown
