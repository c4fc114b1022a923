"""`review BASE HEAD`: the pull-request comment, its JSON and annotations, and who must review."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sisturva.cli import main

from .conftest import MINIMAL, PROJECT
from .gitrepo import commit, init, write

C = MINIMAL["commitments/poliisihallitus.yaml"]
OWNED = MINIMAL["organisations/poliisihallitus.yaml"] + "owners: ['@poliisi/strategia']\n"


@pytest.fixture
def pull(tmp_path: Path) -> Path:
    """main with the minimal strategy; HEAD raises a commitment and breaks a goal reference."""
    repo = init(tmp_path / "repo")
    write(repo, {**MINIMAL, "organisations/poliisihallitus.yaml": OWNED})
    commit(repo, "base")
    changed = C.replace("euros: 100000", "euros: 130000").replace("goals: [p1-g1]", "goals: [p1-g1, p1-g5]")
    write(repo, {"commitments/poliisihallitus.yaml": changed})
    commit(repo, "pull request")
    return repo


def test_markdown_comment(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(pull)
    assert main(["review", "HEAD~1", "HEAD", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("<!-- sisturva-review -->\n**Validation of the changed files:** ✗ 1 error")
    assert "| `SIS201` | `commitments/poliisihallitus.yaml:5:20` | unknown goal 'p1\\-g5'" not in out
    assert "`commitments/poliisihallitus.yaml:5:20`" in out
    assert "| `poliisihallitus` | Poliisihallitus | `@poliisi/strategia` |" in out
    assert "+30,000 €" in out
    assert out.count("<details>") == out.count("</details>")


def test_json_and_github(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(pull)
    assert main(["review", "HEAD~1", "HEAD", "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["changed"] is True
    assert body["reviewers"] == [
        {"organisation": "poliisihallitus", "name": "Poliisihallitus", "owners": ["@poliisi/strategia"]}
    ]
    assert [f["code"] for f in body["touched"]["findings"] if f["severity"] == "error"] == ["SIS201"]
    assert [f["code"] for f in body["findings"]["introduced"]] == ["SIS201"]
    assert body["money"][0]["euros"] == {"before": 100000, "after": 130000, "delta": 30000}
    assert main(["review", "HEAD~1", "HEAD", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert (
        "::error file=commitments/poliisihallitus.yaml,line=5,col=20,title=SIS201::unknown goal 'p1-g5'"
        in out
    )


def test_nothing_changed_is_one_line(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(pull, {"README.md": "not part of the strategy\n"})
    commit(pull, "docs only")
    monkeypatch.chdir(pull)
    for fmt, expected in (
        ("markdown", "Ei muutoksia strategiaan.\n"),
        ("github", "No changes to the strategy.\n"),
    ):
        assert main(["review", "HEAD~1", "HEAD", "--format", fmt]) == 0
        assert capsys.readouterr().out == expected
    assert main(["review", "HEAD~1", "HEAD", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] is False


def test_review_from_a_subprocess(pull: Path) -> None:
    done = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "sisturva"), "review", "HEAD~1", "HEAD", "--format", "json"],
        cwd=pull,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and json.loads(done.stdout)["counts"]["modified"] == 1


def test_review_is_against_the_merge_base(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .gitrepo import git

    git(pull, "branch", "-f", "pr", "HEAD")
    git(pull, "reset", "-q", "--hard", "HEAD~1")
    write(pull, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    commit(pull, "main moves on")
    monkeypatch.chdir(pull)
    assert main(["review", "main", "pr", "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in body["changes"]] == ["poha-viestinta"]
    assert body["head"]["revision"] == "pr"
