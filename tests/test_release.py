"""`release` records an approval as an annotated tag; `releases` lists the approved versions and what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sisturva.cli import main
from sisturva.locale import plain

from .conftest import MINIMAL, PROJECT
from .gitrepo import commit, git, init, write

COMMITMENTS = "commitments/poliisihallitus.yaml"
SECOND = (
    "  - id: poha-ennalta\n"
    "    action: Ennalta estävä työ\n"
    "    goals: [p1-g1]\n"
    "    period: {start: 2022, end: 2022}\n"
    "    resources:\n"
    "      - {year: 2022, budget_line: 26.10.01, euros: 50000}\n"
)


def _tags(repo: Path) -> list[str]:
    return git(repo, "tag", "--list").split()


def _fails(capsys: pytest.CaptureFixture[str], args: list[str], *needles: str) -> str:
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err and captured.out == ""
    for needle in needles:
        assert needle in captured.err, captured.err
    return captured.err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal strategy, committed once, as the current folder."""
    found = init(tmp_path / "repo")
    write(found, dict(MINIMAL))
    commit(found, "base")
    monkeypatch.chdir(found)
    return found


# -- release ----------------------------------------------------------------------------------------------


def test_a_release_is_an_annotated_tag_of_head_with_the_date_and_decision(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    decision = "Yhteistyöryhmän kokous 20.5.2025, pöytäkirja § 4\n#4 hyväksyttiin yksimielisesti"
    assert main(["release", "2025.1", "--date", "2025-05-20", "--decision", decision]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"tagged strategy/2025.1 at {head[:7]} (2025-05-20): Yhteistyöryhmän kokous 20.5.2025, pöytäkirja § 4",
        "next: share it with `git push origin strategy/2025.1`",
    ]
    assert git(repo, "cat-file", "-t", "strategy/2025.1").strip() == "tag"
    assert git(repo, "rev-parse", "strategy/2025.1^{commit}").strip() == head
    message = git(repo, "tag", "--list", "--format=%(contents)", "strategy/2025.1")
    assert decision in message  # every line, the one starting with `#` too
    assert "Approved: 2025-05-20" in message
    assert git(repo, "tag", "--list", "--format=%(taggername)", "strategy/2025.1").strip() == "Testi Tekijä"


def test_a_release_of_an_earlier_revision_is_validated_from_git_objects(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    write(repo, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    commit(repo, "second")
    write(repo, {"priorities/p1.yaml": "not: [valid"})  # uncommitted, and not what is approved
    assert main(["release", "1.0.0", "--rev", "HEAD~1"]) == 0
    assert f"tagged strategy/1.0.0 at {first[:7]} (" in capsys.readouterr().out
    assert git(repo, "rev-parse", "strategy/1.0.0^{commit}").strip() == first


def test_the_prefix_comes_from_the_settings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, {"sisturva.yaml": MINIMAL["sisturva.yaml"] + "release_prefix: kumppanit/v\n"})
    commit(repo, "own prefix")
    assert main(["release", "2025.1", "--decision", "Kokous"]) == 0
    assert "tagged kumppanit/v2025.1 at " in capsys.readouterr().out
    assert _tags(repo) == ["kumppanit/v2025.1"]
    assert main(["releases", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["prefix"] == "kumppanit/v"
    assert [r["version"] for r in data["releases"]] == ["2025.1"]


def test_validation_errors_at_the_revision_refuse_the_release(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = MINIMAL[COMMITMENTS].replace("goals: [p1-g1]", "goals: [p1-g9]")
    write(repo, {COMMITMENTS: broken})
    commit(repo, "a goal that does not exist")
    err = _fails(capsys, ["release", "2025.1"], "SIS201", "'HEAD' has 1 error", "sisturva validate")
    assert f"{COMMITMENTS}:" in err
    # The same, read from git objects, for a revision that is not the work tree's.
    write(repo, {COMMITMENTS: MINIMAL[COMMITMENTS]})
    commit(repo, "fixed")
    _fails(capsys, ["release", "2025.1", "--rev", "HEAD~1"], "SIS201", "'HEAD~1' has 1 error")
    assert _tags(repo) == []
    assert main(["release", "2025.1"]) == 0


def test_uncommitted_changes_refuse_a_release_of_head(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    _fails(capsys, ["release", "2025.1"], "uncommitted changes", "organisations/om.yaml", "--rev REV")
    _fails(capsys, ["release", "2025.1", "--rev", "main"], "uncommitted changes")
    assert _tags(repo) == []


def test_an_existing_version_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "2025.1"]) == 0
    capsys.readouterr()
    _fails(capsys, ["release", "2025.1"], "version '2025.1' exists", "sisturva releases")
    git(repo, "tag", "strategy/2025.2")  # a lightweight tag holds the name too
    _fails(capsys, ["release", "2025.2"], "exists")


@pytest.mark.parametrize(
    "version", ["2025", "v2025.1", "2025.0", "2025.01", "1.2", "1.2.3.4", "01.2.3", "../x", ""]
)
def test_a_version_that_is_not_year_number_or_semver_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str], version: str
) -> None:
    _fails(capsys, ["release", version], "is not accepted", "2025.1", "1.2.0")
    assert _tags(repo) == []


@pytest.mark.parametrize("date", ["20.5.2025", "2025-5-20", "2025-02-30", "tomorrow"])
def test_a_date_that_is_not_iso_is_refused(repo: Path, capsys: pytest.CaptureFixture[str], date: str) -> None:
    _fails(capsys, ["release", "2025.1", "--date", date], "YYYY-MM-DD")


def test_control_characters_in_the_decision_are_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fails(capsys, ["release", "2025.1", "--decision", "ok\x1b[31m"], "control")
    assert _tags(repo) == []


def test_unknown_and_hostile_revisions_are_refused_as_diff_refuses_them(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fails(capsys, ["release", "2025.1", "--rev", "nosuch"], "unknown revision 'nosuch'", "git log")
    out = tmp_path / "x"
    _fails(capsys, ["release", "2025.1", f"--rev=--output={out}"], "is not accepted", "must not")
    assert not out.exists()
    assert _tags(repo) == []


def test_an_empty_or_shallow_repository_is_refused(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = init(tmp_path / "empty")
    write(empty, dict(MINIMAL))
    monkeypatch.chdir(empty)
    _fails(capsys, ["release", "2025.1"], "no commits yet")
    commit(repo, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    monkeypatch.chdir(clone)
    _fails(capsys, ["release", "2025.1"], "shallow", "git fetch --unshallow")
    assert _tags(clone) == []


def test_outside_git_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "plain", dict(MINIMAL))
    monkeypatch.chdir(tmp_path / "plain")
    _fails(capsys, ["release", "2025.1"], "not inside a git work tree")


# -- releases ---------------------------------------------------------------------------------------------


@pytest.fixture
def three(repo: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Three releases: the minimal strategy; 100,000 € more and a new commitment; that commitment removed."""
    budget = MINIMAL["budgets/poliisihallitus.yaml"].replace("allocated: 200000", "allocated: 300000")
    write(repo, {"budgets/poliisihallitus.yaml": budget})
    commit(repo, "room for more")
    assert main(["release", "2025.1", "--date", "2025-01-10", "--decision", "Kokous 1/2025\n§ 3"]) == 0
    raised = MINIMAL[COMMITMENTS].replace("euros: 100000", "euros: 200000") + SECOND
    write(repo, {COMMITMENTS: raised})
    commit(repo, "more")
    assert main(["release", "2025.2", "--date", "2025-05-20", "--decision", "Kokous 2/2025"]) == 0
    write(repo, {COMMITMENTS: MINIMAL[COMMITMENTS].replace("euros: 100000", "euros: 200000")})
    commit(repo, "less")
    assert main(["release", "2025.3", "--date", "2025-11-12", "--decision", "Kokous 3/2025"]) == 0
    # Not releases: a lightweight tag under the prefix, and an annotated tag outside it.
    git(repo, "tag", "strategy/2026.1")
    git(repo, "tag", "-a", "v1.0.0", "-m", "software version")
    capsys.readouterr()
    return repo


def test_releases_as_json_newest_first_with_counts_and_euros(
    three: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["releases", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    releases = data["releases"]
    assert [r["version"] for r in releases] == ["2025.3", "2025.2", "2025.1"]
    assert [r["date"] for r in releases] == ["2025-11-12", "2025-05-20", "2025-01-10"]
    assert [r["previous"] for r in releases] == ["2025.2", "2025.1", None]
    assert releases[2]["decision"] == "Kokous 1/2025\n§ 3"
    assert releases[0]["commit"] == git(three, "rev-parse", "HEAD").strip()
    assert releases[0]["tag"] == "strategy/2025.3"
    assert releases[1]["counts"] == {"added": 1, "removed": 0, "modified": 1, "renamed": 0}
    assert releases[0]["counts"] == {"added": 0, "removed": 1, "modified": 0, "renamed": 0}
    assert releases[2]["counts"] is None
    assert releases[2]["euros"] == [{"year": 2022, "before": None, "after": 100000, "delta": None}]
    assert releases[1]["euros"] == [{"year": 2022, "before": 100000, "after": 250000, "delta": 150000}]
    assert releases[0]["euros"] == [{"year": 2022, "before": 250000, "after": 200000, "delta": -50000}]


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "en",
            [
                "Approved versions",
                "strategy/2025.3  12 Nov 2025  ",
                "    changes since 2025.2: 0 records added, 1 record removed, 0 records modified",
                "      2022  250,000 € → 200,000 € (-50,000 €)",
                "    changes since 2025.1: 1 record added, 0 records removed, 1 record modified",
                "      2022  100,000 € → 250,000 € (+150,000 €)",
                "    first approved version",
                "      2022  100,000 €",
            ],
        ),
        (
            "fi",
            [
                "Hyväksytyt versiot",
                "    muutokset versiosta 2025.1: 1 tietue lisätty, 0 tietuetta poistettu, 1 tietue muutettu",
                "    Sitoumusten eurot vuosittain:",
                "      2022  100 000 € → 250 000 € (+150 000 €)",
            ],
        ),
    ],
)
def test_releases_as_text_in_the_readers_language(
    three: Path, capsys: pytest.CaptureFixture[str], lang: str, lines: list[str]
) -> None:
    assert main(["releases", "--lang", lang]) == 0
    out = plain(capsys.readouterr().out).replace("\u2212", "-")  # fi writes a minus sign
    at = -1
    for line in lines:  # in this order
        found = next((i for i, seen in enumerate(out.splitlines()) if i > at and seen.startswith(line)), None)
        assert found is not None, (line, out)
        at = found
    assert "2026.1" not in out and "v1.0.0" not in out
    assert "    Kokous 1/2025\n    § 3\n" in out


def test_releases_as_markdown_for_a_pull_request(three: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "--format", "markdown", "--lang", "en"]) == 0
    out = plain(capsys.readouterr().out)
    assert out.startswith("## Approved versions\n")
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == ["### 2025.3 · 12 Nov 2025", "### 2025.2 · 20 May 2025", "### 2025.1 · 10 Jan 2025"]
    assert "- Decision: Kokous 1/2025 § 3" in out
    assert "| 2022 | 100,000 € | 250,000 € | +150,000 € |" in out
    assert "| 2022 | — | 100,000 € | — |" in out


def test_hostile_decisions_are_shown_inert(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    decision = "<script>x</script> @everyone | [a](javascript:x)\n::error::boom"
    assert main(["release", "2025.1", "--decision", decision]) == 0
    capsys.readouterr()
    assert main(["releases", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "<script>" not in out and "@everyone" not in out and "[a](javascript" not in out
    assert main(["releases"]) == 0
    assert not any(line.lstrip().startswith("::") for line in capsys.readouterr().out.splitlines())


def test_no_releases_yet(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "tag", "strategy/2025.1")  # lightweight: no approval recorded
    assert main(["releases", "--lang", "en"]) == 0
    assert "No approved versions yet" in capsys.readouterr().out
    assert main(["releases", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["releases"] == []


def test_the_example_strategy_in_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    top = init(tmp_path / "top")
    shutil.copytree(PROJECT / "strategy", top / "strategy")
    commit(top, "example")
    monkeypatch.chdir(top)
    assert main(["release", "2021.1", "-C", "strategy", "--date", "2021-06-01"]) == 0
    assert "tagged strategy/2021.1 at " in capsys.readouterr().out
    assert main(["releases", "-C", "strategy", "--format", "json"]) == 0
    (only,) = json.loads(capsys.readouterr().out)["releases"]
    assert only["decision"] == "" and only["date"] == "2021-06-01" and only["euros"]
