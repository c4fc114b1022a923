"""Reading revisions from git objects: hostile revisions, shallow clones, subfolders, the same files as on disk."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from sisturva.cli import main
from sisturva.commands.diff import sides
from sisturva.diff import Revision
from sisturva.gitsource import Git
from sisturva.sources import read_tree

from .conftest import MINIMAL, PROJECT, snapshot
from .gitrepo import commit, git, init, write

SISTURVA = PROJECT / ".venv" / "bin" / "sisturva"


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A repository with two commits of the minimal strategy."""
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "first")
    write(repo, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    commit(repo, "second")
    return repo


def _fails(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> str:
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


@pytest.mark.parametrize(
    "revision",
    [
        "--output=OUT",
        "--upload-pack=touch OUT",
        "-h",
        "-",
        "HEAD@{9999}",
        "../x",
        "0123456789" * 4,
        "",
        "HEAD:x",
    ],
)
@pytest.mark.parametrize("command", ["diff", "review", "log"])
def test_hostile_revisions_are_refused_and_leave_no_file(
    command: str,
    revision: str,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(history)
    before = snapshot(history.parent)
    revision = revision.replace("OUT", str(history.parent / "leaked"))
    if command == "log":
        args = ["log", "om", "--rev", revision]
    elif command == "review":
        args = ["review", "--", revision, "HEAD"]
    else:
        args = ["diff", "--", revision]
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err and len(captured.err.strip().splitlines()) == 1
    assert not (history.parent / "leaked").exists()
    assert snapshot(history.parent) == before


def test_options_in_place_of_revisions_never_reach_git(history: Path, tmp_path: Path) -> None:
    target = tmp_path / "leaked"
    for args in (["diff", f"--output={target}"], ["review", f"--upload-pack=touch {target}", "HEAD"]):
        done = subprocess.run(
            [str(SISTURVA), *args], cwd=history, capture_output=True, text=True, check=False
        )
        assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not target.exists()


def test_unknown_revision_says_what_to_do(
    history: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(history)
    line = _fails(capsys, ["diff", "no-such-branch"], "unknown revision 'no-such-branch'")
    assert "git log" in line


def test_ambiguous_name(
    history: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    git(history, "branch", "same")
    git(history, "tag", "same", "HEAD~1")
    monkeypatch.chdir(history)
    _fails(capsys, ["diff", "same", "HEAD"], "ambiguous")


def test_not_a_git_work_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain"
    write(plain, dict(MINIMAL))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(plain)
    _fails(capsys, ["diff"], "not inside a git work tree")


def test_empty_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    monkeypatch.chdir(repo)
    _fails(capsys, ["diff"], "no commits yet")
    _fails(capsys, ["log", "sm"], "no commits yet")


def test_not_a_strategy_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    monkeypatch.chdir(repo)
    _fails(capsys, ["diff"], "not a strategy repository")


def test_shallow_clone_without_the_base(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history}", str(clone))
    monkeypatch.chdir(clone)
    for args in (["diff", "HEAD~1", "HEAD"], ["review", "HEAD~1", "HEAD"], ["diff", "main...HEAD~1"]):
        line = _fails(capsys, args, "shallow clone")
        assert "fetch-depth: 0" in line and "git fetch --unshallow" in line


def test_detached_head_works(
    history: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    git(history, "checkout", "-q", "--detach", "HEAD")
    monkeypatch.chdir(history)
    assert main(["diff", "HEAD~1", "HEAD", "--format", "json", "--no-findings"]) == 0
    assert [c["id"] for c in json.loads(capsys.readouterr().out)["changes"]] == ["om"]


def test_strategy_in_a_subfolder_of_the_work_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "project")
    write(repo, {"README.md": "project\n", **{f"strategy/{k}": v for k, v in MINIMAL.items()}})
    commit(repo, "first")
    write(
        repo,
        {"README.md": "changed\n", "strategy/organisations/om.yaml": "id: om\nname: OM\nkind: ministry\n"},
    )
    write(repo, {"organisations/outside.yaml": "id: outside\nname: Ulkona\nkind: ministry\n"})
    commit(repo, "second")
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD~1", "HEAD", "-C", "strategy", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert [(c["id"], c["path"]) for c in body["changes"]] == [("om", "strategy/organisations/om.yaml")]
    assert body["paths"] == ["strategy/organisations/om.yaml"]
    monkeypatch.chdir(repo / "strategy" / "organisations")
    assert main(["log", "om", "--format", "json"]) == 0
    assert [c["path"] for c in json.loads(capsys.readouterr().out)["commits"]] == ["../organisations/om.yaml"]


def test_sources_from_git_match_the_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    write(
        repo,
        {"phenomena/old.yml": "id: old\n", "commitments/sub/x.yaml": "x: 1\n", "budgets/.hidden.yaml": "x\n"},
    )
    os.symlink("../sisturva.yaml", repo / "indicators" / "link.yaml")
    commit(repo, "all kinds of files")
    monkeypatch.chdir(repo)
    source = Git(repo)
    rev = Revision("HEAD", source.commit("HEAD"))
    from_git = [(s.rel, s.raw, s.problem and s.problem.code) for s in source.sources(source.tree(rev), rev)]
    from_disk = [(s.rel, s.raw, s.problem and s.problem.code) for s in read_tree(repo)]
    assert from_git == from_disk
    assert ("indicators/link.yaml", None, "SIS013") in from_git


def test_oversized_blob_is_not_read(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    write(repo, {**MINIMAL, "organisations/huge.yaml": "id: huge\n" + "# x\n" * 300_000})
    commit(repo, "huge")
    source = Git(repo)
    rev = Revision("HEAD", source.commit("HEAD"))
    files = {s.rel: s for s in source.sources(source.tree(rev), rev)}
    huge = files["organisations/huge.yaml"]
    assert huge.raw is None and huge.problem is not None and huge.problem.code == "SIS007"
    assert files["organisations/sm.yaml"].raw == MINIMAL["organisations/sm.yaml"].encode()


def test_a_touched_file_with_the_same_content_is_no_change(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "first")
    index = (repo / ".git" / "index").read_bytes()
    for rel in MINIMAL:  # new stat data, same bytes: git can only tell by reading them
        os.utime(repo / rel, (1_000_000_000, 1_000_000_000))
    write(repo, {"sisturva.yaml": MINIMAL["sisturva.yaml"] + "# changed\n"})
    found = sides(str(repo), None, None)
    assert [c.rel for c in found.changes] == ["sisturva.yaml"]
    assert (repo / ".git" / "index").read_bytes() == index  # nothing written into the repository
