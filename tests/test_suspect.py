"""Suspect commitments: a changed goal makes the commitments serving it warnings until they are confirmed again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sisturva.cli import main

from .conftest import MINIMAL, write_tree
from .gitrepo import commit, git, init

GOALS = MINIMAL["priorities/p1.yaml"] + (
    "  - id: p1-g2\n    title: {fi: Apu tulee ajoissa, sv: Hjälpen kommer i tid}\n    indicator: luottamus\n"
)
SM = (
    "organisation: sm\n"
    "commitments:\n"
    "  # Ohjaus, sovittu 2022\n"
    "  - id: sm-ohjaus\n"
    "    action: Ohjaus   # lyhyesti\n"
    "    goals: [p1-g2, p1-g1]\n"
    "    period: {start: 2022, end: 2022}\n"
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _suspects(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, int, str, str]]:
    code, out, _ = _run(capsys, "validate", "-C", "r", "--no-cache", "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 0, findings
    return [
        (f["path"], f["line"], f["column"], f["severity"], f["message"])
        for f in findings
        if f["code"] == "SIS218"
    ]


@pytest.fixture
def strategy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A committed strategy whose two commitments serve p1-g1, confirmed with `confirm --all`."""
    root = write_tree(
        init(tmp_path / "r"), {**MINIMAL, "priorities/p1.yaml": GOALS, "commitments/sm.yaml": SM}
    )
    monkeypatch.chdir(tmp_path)
    assert _suspects(capsys) == []
    code, out, err = _run(capsys, "confirm", "--all", "-C", "r")
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == [
        "r/commitments/poliisihallitus.yaml:10: poha-viestinta: confirmed p1-g1",
        "r/commitments/sm.yaml:8: sm-ohjaus: confirmed p1-g2, p1-g1",
    ]
    assert _suspects(capsys) == []
    commit(root, "Confirm every commitment")
    return root


def _edit(root: Path, old: str, new: str, message: str) -> None:
    path = root / "priorities/p1.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    commit(root, message, date="2024-03-05T12:00:00+02:00")


def test_confirm_all_writes_fingerprints_keeping_comments(strategy: Path) -> None:
    assert (strategy / "commitments/sm.yaml").read_text(encoding="utf-8") == (
        SM + "    confirmed: {p1-g2: 6649091c, p1-g1: 27ec57dd}\n"
    )
    assert (strategy / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8") == (
        MINIMAL["commitments/poliisihallitus.yaml"] + "    confirmed: {p1-g1: 27ec57dd}\n"
    )


def test_a_changed_target_makes_both_commitments_suspect_until_confirmed(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(strategy, "checkout", "-q", "-b", "tavoite")
    _edit(strategy, "target: {year: 2025, value: 92}", "target: {year: 2025, value: 95}", "Raise the target")
    short = git(strategy, "rev-parse", "--short", "HEAD").strip()
    told = (
        "goal 'p1-g1' has changed since this commitment was confirmed against it: target "
        f"(in commit {short} on 2024-03-05: Raise the target); check that '{{c}}' still serves the goal "
        "as it now reads, then run `sisturva confirm {c} --goal p1-g1`"
    )
    assert _suspects(capsys) == [
        ("r/commitments/poliisihallitus.yaml", 5, 13, "warning", told.format(c="poha-viestinta")),
        ("r/commitments/sm.yaml", 6, 20, "warning", told.format(c="sm-ohjaus")),
    ]
    code, out, err = _run(capsys, "confirm", "sm-ohjaus", "--goal", "p1-g1", "-C", "r")
    assert (code, out, err) == (0, "r/commitments/sm.yaml:8: sm-ohjaus: confirmed p1-g1\n", "")
    code, _, _ = _run(capsys, "confirm", "poha-viestinta", "-C", "r")
    assert code == 0
    assert _suspects(capsys) == []
    text = (strategy / "commitments/sm.yaml").read_text(encoding="utf-8")
    # The comments stay, the unrelated goal keeps its fingerprint, and only p1-g1's changes.
    assert text.startswith(SM)
    assert "# Ohjaus, sovittu 2022\n" in text and "Ohjaus   # lyhyesti\n" in text


def test_confirm_writes_exactly_the_new_fingerprint(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (strategy / "commitments/sm.yaml").read_text(encoding="utf-8")
    old = before.split("p1-g1: ")[1][:8]
    _edit(strategy, "title: Luottamus säilyy", "title: Luottamus kasvaa", "Sharper title")
    code, out, _ = _run(capsys, "confirm", "sm-ohjaus", "-C", "r", "--dry-run")
    assert code == 0 and out.count("\n-    confirmed:") == 1
    assert (strategy / "commitments/sm.yaml").read_text(encoding="utf-8") == before
    assert _run(capsys, "confirm", "sm-ohjaus", "-C", "r")[0] == 0
    after = (strategy / "commitments/sm.yaml").read_text(encoding="utf-8")
    new = after.split("p1-g1: ")[1][:8]
    assert new != old
    assert after == before.replace(f"p1-g1: {old}", f"p1-g1: {new}")


def test_a_title_changed_in_swedish_only_is_a_change(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(strategy, "sv: Hjälpen kommer i tid", "sv: Hjälpen kommer snabbt", "Swedish wording")
    found = _suspects(capsys)
    assert [(p, line, col) for p, line, col, _, _ in found] == [("r/commitments/sm.yaml", 6, 13)]
    assert (
        "p1-g2' has changed since this commitment was confirmed against it: title.sv (in commit"
        in found[0][4]
    )


def test_an_unrelated_goal_change_leaves_other_commitments_alone(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(
        strategy,
        "sv: Hjälpen kommer i tid}\n",
        "sv: Hjälpen kommer i tid}\n    status: achieved\n",
        "p1-g2 done",
    )
    found = _suspects(capsys)
    # Only sm-ohjaus serves p1-g2; poliisihallitus serves p1-g1 alone, which did not change.
    assert [(p, line, col) for p, line, col, _, _ in found] == [("r/commitments/sm.yaml", 6, 13)]
    assert (
        "p1-g2' has changed since this commitment was confirmed against it: status (in commit" in found[0][4]
    )


def test_an_uncommitted_change_is_named_in_general_words(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = strategy / "priorities/p1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 92}", "value: 90}"), encoding="utf-8")
    found = _suspects(capsys)
    assert len(found) == 2
    assert all(m.startswith("goal 'p1-g1' has changed since this commitment was confirmed against it; check")
               for *_, m in found)  # fmt: skip


def test_without_confirmations_nothing_is_suspect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    root = write_tree(init(tmp_path / "r"), dict(MINIMAL))
    commit(root, "Start")
    monkeypatch.chdir(tmp_path)
    path = root / "priorities/p1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 92}", "value: 99}"), encoding="utf-8")
    assert _suspects(capsys) == []


def test_a_new_commitment_is_confirmed_against_its_goals(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "new", "commitment", "sm-uusi", "--org", "sm", "--action", "Uusi",
                        "--goal", "p1-g1", "--start", "2022", "-C", "r")  # fmt: skip
    assert (code, err) == (0, "")
    text = (strategy / "commitments/sm.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  - id: sm-uusi\n    action:\n      fi: Uusi\n    goals: [p1-g1]\n    period: {start: 2022}\n"
        "    confirmed: {p1-g1: 27ec57dd}\n"
    )
    _edit(strategy, "value: 92}", "value: 93}", "Target")
    assert [line for _, line, *_ in _suspects(capsys)] == [5, 6, 12]
