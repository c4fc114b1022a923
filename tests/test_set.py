from __future__ import annotations

import os
from pathlib import Path

import pytest

from sisturva.cli import main

from .conftest import snapshot
from .gitrepo import git

COMMITMENTS = """\
# yaml-language-server: $schema=../../schemas/commitments.schema.json
# Poliisihallituksen sitoumukset.
organisation: poliisihallitus
commitments:
  # Ensimmäinen sitoumus.
  - id: poha-viestinta
    action: Turvallisuusviestintä  # lyhyt nimi
    goals: [p1-g1]
    period: {start: 2022, end: 2023}
    status: planned   # päivitetään kuukausittain
    progress: 10
    performance_target: turvallisuuden-tunne
    resources:
      - {year: 2022, budget_line: "26.10.01", euros: 100000, person_years: 1}
      # Vuosi 2023 on vielä arvio.

      - {year: 2023, budget_line: "26.10.01", euros: 50000}
    # Resurssit loppuvat tähän.

  - id: poha-toinen
    action:
      fi: Toinen sitoumus
      # ruotsi puuttuu vielä
    goals: [p1-g1]
    period: {start: 2022, end: 2022}
# Tiedoston loppu.
"""


@pytest.fixture
def strategy(repo: Path) -> Path:
    (repo / "commitments/poliisihallitus.yaml").write_text(COMMITMENTS, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "alku")
    return repo


def run(repo: Path, *args: str) -> int:
    return main(["set", "-C", str(repo), *args])


def test_status_changes_in_place_and_every_comment_stays(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(strategy, "commitment", "poha-viestinta", "status", "in-progress") == 0
    out = capsys.readouterr().out
    assert out.endswith("commitments/poliisihallitus.yaml:10: status: planned → in-progress\n")
    text = (strategy / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    # The comment keeps its column where the longer value leaves room, else one space follows the value.
    assert text == COMMITMENTS.replace("status: planned   #", "status: in-progress #")


def test_euros_of_a_resource_by_year_and_line(strategy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(strategy, "commitments", "poha-viestinta", "resources[2023/26.10.01].euros", "75000.50") == 0
    assert "resources[2023/26.10.01].euros: 50000 → 75000.50" in capsys.readouterr().out
    text = (strategy / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    assert text == COMMITMENTS.replace("euros: 50000}", "euros: 75000.50}")


def test_translation_turns_a_plain_title_into_a_mapping(strategy: Path) -> None:
    assert run(strategy, "commitment", "poha-viestinta", "action.sv", "Säkerhetskommunikation") == 0
    text = (strategy / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    # The end-of-line comment follows the text to its new line, at the column it had.
    assert text == COMMITMENTS.replace(
        "    action: Turvallisuusviestintä  # lyhyt nimi\n",
        "    action:\n      fi: Turvallisuusviestintä    # lyhyt nimi\n      sv: Säkerhetskommunikation\n",
    )


def test_translation_goes_into_an_existing_mapping_after_its_comment(strategy: Path) -> None:
    assert run(strategy, "commitment", "poha-toinen", "action.sv", "Ett annat") == 0
    text = (strategy / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    assert text == COMMITMENTS.replace(
        "      fi: Toinen sitoumus\n      # ruotsi puuttuu vielä\n",
        "      fi: Toinen sitoumus\n      # ruotsi puuttuu vielä\n      sv: Ett annat\n",
    )


def test_observation_of_a_missing_year_is_added_in_order(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(repo, "indicator", "luottamus", "observations[2019].value", "93.5") == 0
    text = (repo / "indicators/luottamus.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "observations:\n  - {year: 2018, value: 95}\n  - {year: 2019, value: 93.5}\n  - {year: 2020, value: 91}\n"
    )
    assert "observations[2019].value: (none) → 93.5" in capsys.readouterr().out


def test_unknown_id_suggests_the_nearest(strategy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(strategy)
    assert run(strategy, "commitment", "poha-viestina", "status", "done") == 2
    assert "unknown commitment 'poha-viestina' (did you mean 'poha-viestinta'?)" in capsys.readouterr().err
    assert snapshot(strategy) == before


def test_unknown_field_and_kind_suggest_the_nearest(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(strategy, "commitment", "poha-viestinta", "progres", "5") == 2
    assert "has no field 'progres' (did you mean 'progress'?)" in capsys.readouterr().err
    assert run(strategy, "comitment", "poha-viestinta", "progress", "5") == 2
    assert "unknown kind 'comitment' (did you mean 'commitment'?)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("progress", "150", "at most 100"),
        ("progress", "many", "progress"),
        ("status", "finished", "status"),
        ("resources[2030/26.10.01].euros", "5", "outside the commitment's period"),
    ],
)
def test_a_value_making_the_file_invalid_changes_nothing(
    strategy: Path, capsys: pytest.CaptureFixture[str], field: str, value: str, said: str
) -> None:
    before = snapshot(strategy)
    assert run(strategy, "commitment", "poha-viestinta", field, value) == 1
    err = capsys.readouterr().err
    assert "commitments/poliisihallitus.yaml:" in err and said in err
    assert "would make it invalid" in err
    assert snapshot(strategy) == before


def test_dry_run_prints_a_diff_and_writes_nothing(strategy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(strategy)
    assert run(strategy, "commitment", "poha-viestinta", "progress", "40", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "-    progress: 10\n+    progress: 40\n" in out
    assert snapshot(strategy) == before


def test_same_value_is_not_written_and_the_mtime_stays(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = strategy / "commitments/poliisihallitus.yaml"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert run(strategy, "commitment", "poha-viestinta", "progress", "10") == 0
    assert "nothing to change" in capsys.readouterr().out
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_unset_removes_a_field_and_keeps_the_comments(strategy: Path) -> None:
    assert run(strategy, "commitment", "poha-viestinta", "performance_target", "--unset") == 0
    text = (strategy / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    assert text == COMMITMENTS.replace("    performance_target: turvallisuuden-tunne\n", "")


def test_value_and_unset_together_is_a_usage_error(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(strategy, "commitment", "poha-viestinta", "progress", "5", "--unset") == 2
    assert "not both" in capsys.readouterr().err


def test_goal_inside_a_priority_file(repo: Path) -> None:
    assert run(repo, "goal", "p1-g1", "target.value", "95") == 0
    text = (repo / "priorities/p1.yaml").read_text(encoding="utf-8")
    assert "    target: {year: 2025, value: 95}\n" in text


def test_big_file_is_changed_only_where_asked(repo: Path) -> None:
    items = "".join(
        f"  - id: poha-k{i:04d}  # {i}\n    action: Toimi {i}\n    goals: [p1-g1]\n"
        f"    period: {{start: 2022, end: 2022}}\n    progress: 0\n"
        for i in range(300)
    )
    text = "organisation: poliisihallitus\ncommitments:\n" + items
    (repo / "commitments/poliisihallitus.yaml").write_text(text, encoding="utf-8")
    assert run(repo, "commitment", "poha-k0150", "progress", "20") == 0
    after = (repo / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    assert after == text.replace(
        "    action: Toimi 150\n    goals: [p1-g1]\n    period: {start: 2022, end: 2022}\n    progress: 0\n",
        "    action: Toimi 150\n    goals: [p1-g1]\n    period: {start: 2022, end: 2022}\n    progress: 20\n",
    )
