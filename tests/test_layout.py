"""Which files of a record folder are read: the same rule for the work tree and for git revisions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sisturva.cli import main
from sisturva.diff import Revision
from sisturva.findings import english
from sisturva.gitsource import Git
from sisturva.layout import unread
from sisturva.sources import SourceFile, read_tree

from .conftest import MINIMAL
from .gitrepo import commit, init, write
from .test_validate import QUIET_FILES, STRAY_FILES

Seen = tuple[str, bytes | None, tuple[str, str, int, int] | None]


def _seen(files: list[SourceFile]) -> list[Seen]:
    return [
        (s.rel, s.raw, (p.code, p.message, p.line, p.column) if (p := s.problem) is not None else None)
        for s in files
    ]


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A git repository whose last commit holds stray, quiet and nested files in record folders."""
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    write(repo, {**STRAY_FILES, **QUIET_FILES, "organisations/a-b.yaml": "id: a-b\n"})
    os.symlink("../sisturva.yaml", repo / "organisations" / "sub" / "link.yaml")
    commit(repo, "stray files")
    return repo


def test_git_trees_and_the_work_tree_report_the_same_files(
    committed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(committed)
    source = Git(committed)
    rev = Revision("HEAD", source.commit("HEAD"))
    from_git = _seen(source.sources(source.tree(rev), rev))
    from_disk = _seen(read_tree(committed))
    assert from_git == from_disk
    reported = {rel for rel, _, problem in from_disk if problem is not None and problem[0] == "SIS015"}
    assert reported == set(STRAY_FILES)
    assert not {rel for rel, _, _ in from_disk} & set(QUIET_FILES)
    assert next(
        (rel, raw) for rel, raw, problem in from_disk if problem is not None and problem[0] == "SIS013"
    ) == ("organisations/sub/link.yaml", None)


def test_diff_reports_stray_files_a_change_adds_as_validate_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    base = commit(repo, "clean")
    write(repo, dict(STRAY_FILES))
    head = commit(repo, "stray files")
    monkeypatch.chdir(repo)
    main(["diff", base, head, "--format", "json"])
    introduced = json.loads(capsys.readouterr().out)["findings"]["introduced"]
    main(["validate", "--format", "json", "--no-cache"])
    validated = json.loads(capsys.readouterr().out)["findings"]

    def brief(found: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return sorted((f["code"], f["path"], f["line"], f["column"], f["message"]) for f in found)

    assert brief(introduced) == brief(validated)
    assert {f["path"] for f in validated} == set(STRAY_FILES)


@pytest.mark.parametrize(
    ("rest", "read"),
    [
        ("sm.yaml", True),
        ("sm.yml", False),
        ("sm.YAML", False),
        (".sm.yaml", False),
        ("..evil.yaml", False),
        (".yaml", False),
        ("notes.txt", False),
        ("sub/sm.yaml", False),
    ],
)
def test_the_rule(rest: str, read: bool) -> None:
    message = unread("organisations", rest)
    assert (message is None) == read
    if message is not None:
        said = english(message)
        assert "remove it" in said or "rename it" in said
