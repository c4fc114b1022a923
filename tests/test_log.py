"""`log ID`: one record's history across commits, following renamed ids and moves between files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sisturva.cli import main

from .conftest import MINIMAL
from .gitrepo import commit, git, init, write

C = MINIMAL["commitments/poliisihallitus.yaml"]


def _steps(capsys: pytest.CaptureFixture[str], args: list[str]) -> list[dict[str, object]]:
    assert main([*args, "--format", "json"]) == 0
    commits: list[dict[str, object]] = json.loads(capsys.readouterr().out)["commits"]
    return commits


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Four commits: add, change money, an unrelated change, rename the id."""
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "Aloitus", date="2024-01-01T10:00:00+02:00")
    write(repo, {"commitments/poliisihallitus.yaml": C.replace("euros: 100000", "euros: 125000")})
    commit(repo, "Lisää rahaa viestintään", date="2024-02-01T10:00:00+02:00")
    write(repo, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    commit(repo, "Uusi organisaatio", date="2024-03-01T10:00:00+02:00")
    renamed = C.replace("euros: 100000", "euros: 125000").replace(
        "  - id: poha-viestinta\n", "  - id: poha-viestinta-2022\n    previous_ids: [poha-viestinta]\n"
    )
    write(repo, {"commitments/poliisihallitus.yaml": renamed})
    commit(repo, "Tarkempi tunnus", date="2024-04-01T10:00:00+02:00")
    return repo


def test_history_follows_a_renamed_id(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    steps = _steps(capsys, ["log", "poha-viestinta-2022"])
    assert [(s["message"], s["change"]) for s in steps] == [
        ("Tarkempi tunnus", "renamed"),
        ("Lisää rahaa viestintään", "modified"),
        ("Aloitus", "added"),
    ]
    assert steps[0]["previous_id"] == "poha-viestinta"
    assert steps[1]["fields"] == [
        {"field": "resources[2022/26.10.01].euros", "before": 100000, "after": 125000, "delta": 25000}
    ]
    assert steps[1]["author"] == "Testi Tekijä" and steps[1]["date"] == "2024-02-01T10:00:00+02:00"


def test_history_as_text(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert main(["log", "poha-viestinta-2022", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("commitment poha-viestinta-2022\n")
    assert "resources[2022/26.10.01].euros: 100,000 € → 125,000 € (+25,000 €)" in out
    assert "renamed poha-viestinta → poha-viestinta-2022  commitments/poliisihallitus.yaml" in out


def test_history_in_colour_says_the_same(repo: Path) -> None:
    import re

    from sisturva.gitsource import Git
    from sisturva.history import history
    from sisturva.reports.diff import log_text

    found = history(Git(str(repo)), "poha-viestinta-2022")
    coloured = log_text(found, "en", color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == log_text(found, "en", color=False)


def test_history_of_other_kinds(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert [s["change"] for s in _steps(capsys, ["log", "om"])] == ["added"]
    assert [s["message"] for s in _steps(capsys, ["log", "p1-g1"])] == ["Aloitus"]
    assert main(["log", "p1-g1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "goals"


def test_history_follows_a_move_to_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "Aloitus")
    write(
        repo,
        {
            "commitments/poliisihallitus.yaml": "organisation: poliisihallitus\ncommitments: []\n",
            "commitments/sm.yaml": C.replace("organisation: poliisihallitus", "organisation: sm"),
        },
    )
    commit(repo, "Siirto ministeriölle")
    monkeypatch.chdir(repo)
    steps = _steps(capsys, ["log", "poha-viestinta"])
    assert [(s["message"], s["change"], s["path"]) for s in steps] == [
        ("Siirto ministeriölle", "modified", "commitments/sm.yaml"),
        ("Aloitus", "added", "commitments/poliisihallitus.yaml"),
    ]
    assert {"field": "organisation", "before": "poliisihallitus", "after": "sm"} in steps[0]["fields"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["log", "no-such-record"], "no record 'no-such-record'"),
        (["log", "Not An Id"], "is not a record id"),
        (["log", "poha-viestinta-2022", "--rev", "--output=x"], "must not be empty or start with '-'"),
    ],
)
def test_log_refuses_what_it_cannot_find(
    args: list[str],
    needle: str,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not (repo / "x").exists()


def test_history_through_a_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "Aloitus")
    git(repo, "checkout", "-q", "-b", "haara")
    write(repo, {"commitments/poliisihallitus.yaml": C.replace("euros: 100000", "euros: 90000")})
    commit(repo, "Haarassa")
    git(repo, "checkout", "-q", "main")
    write(
        repo,
        {
            "commitments/poliisihallitus.yaml": C.replace(
                "organisation: poliisihallitus\n", "organisation: poliisihallitus  # PoHa\n"
            )
        },
    )
    commit(repo, "Päähaarassa")
    git(repo, "merge", "-q", "--no-ff", "-m", "Yhdistä", "haara")
    monkeypatch.chdir(repo)
    steps = _steps(capsys, ["log", "poha-viestinta"])
    assert [(s["message"], s["change"]) for s in steps] == [("Haarassa", "modified"), ("Aloitus", "added")]


def test_an_id_two_records_share_lists_both_and_asks_for_a_kind(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo / "organisations")
    assert main(["log", "poliisihallitus", "--format", "json"]) == 2
    seen = capsys.readouterr()
    assert seen.out == ""
    assert seen.err == (
        "sisturva: error: 2 records are called 'poliisihallitus' at 'HEAD'; "
        "choose one with --kind KIND (e.g. --kind budget):\n"
        "  organisation  ../organisations/poliisihallitus.yaml\n"
        "  budget        ../budgets/poliisihallitus.yaml\n"
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("organisation", "organisations"),
        ("organisations", "organisations"),
        ("budget", "budgets"),
        ("budgets", "budgets"),
        ("Budget", "budgets"),
    ],
)
def test_kind_picks_between_records_with_the_same_id_in_either_number(
    kind: str, expected: str, repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert main(["log", "poliisihallitus", "--kind", kind, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == expected


def test_kind_of_a_record_that_has_no_twin(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert main(["log", "poha-viestinta-2022", "--kind", "commitment", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "commitments"
    assert main(["log", "poha-viestinta-2022", "--kind", "budget"]) == 2
    assert "no record 'poha-viestinta-2022'" in capsys.readouterr().err


def test_unknown_kind_names_the_kinds(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert main(["log", "poliisihallitus", "--kind", "nonsense"]) == 2
    assert capsys.readouterr().err == (
        "sisturva: error: unknown kind 'nonsense'; use one of organisation, phenomenon, indicator, "
        "priority, goal, commitment, budget (or their plurals)\n"
    )
