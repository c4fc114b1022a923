"""`sisturva new`: one record of every kind where it belongs, refusals that say why, comments kept, prompts at a terminal."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sisturva.cli import main

from .conftest import PROJECT, snapshot, write_tree

SETTINGS = "schema: 1\nlanguages: [fi]\nplanning_years: {start: 2021, end: 2025}\n"
STRATEGY = (
    "name: Testistrategia\n"
    "mission: Arjen turvallisuus\n"
    "cooperation_group: {name: Yhteistyöryhmä, chair: sm, members: [sm, poliisihallitus]}\n"
    "expert_network: {name: Asiantuntijaverkosto, members: [sm]}\n"
    "secretariat: {organisation: sm}\n"
)
PRIORITY = """\
# yaml-language-server: $schema=../../schemas/priority.schema.json
id: p1
title: Turvallisuuden tunne
status: active
period: {start: 2021}

# Tavoitteet sovittiin 2021.
goals:
  - id: p1-g1
    title: Luottamus säilyy  # lyhyt muoto

  # Toinen tavoite odottaa mittaria.
  - id: p1-g2
    title: Yöllä on turvallista

# Lähde:
source: Painopisteryhmä 2021
"""
COMMITMENTS = """\
# yaml-language-server: $schema=../../schemas/commitments.schema.json
# Poliisihallituksen sitoumukset.
organisation: poliisihallitus

commitments:
  # Viestintä
  - id: poha-viestinta
    action: Turvallisuusviestintä   # lyhyesti
    goals: [p1-g1]
    period: {start: 2022, end: 2022}

  # Loput myöhemmin.
"""
FILES = {
    "sisturva.yaml": SETTINGS,
    "strategy.yaml": STRATEGY,
    "organisations/sm.yaml": "id: sm\nname: Sisäministeriö\nkind: ministry\n",
    "organisations/poliisihallitus.yaml": "id: poliisihallitus\nname: Poliisihallitus\nkind: agency\nparent: sm\n",
    "priorities/p1.yaml": PRIORITY,
    "commitments/poliisihallitus.yaml": COMMITMENTS,
    "budgets/poliisihallitus.yaml": (
        "organisation: poliisihallitus\nkind: state-tts\nstatus: adopted\nyears: {start: 2021, end: 2024}\n"
        "lines:\n"
        '  - id: "26.10.01"\n'
        "    name: Poliisitoimen toimintamenot\n"
        "    amounts:\n"
        "      - {year: 2022, euros: 800000000, allocated: 200000}\n"
    ),
}


@pytest.fixture(autouse=True)
def _no_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # As in CI: no terminal to ask at, whatever runs the tests.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "r", dict(FILES))


def _new(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["new", *args])
    seen = capsys.readouterr()
    return code, seen.out, seen.err


def _line_at(root: Path, out: str) -> str:
    """The file line that `new`'s `path:line: …` output points at."""
    where = out.split(": ", 1)[0]
    path, line = where.rsplit(":", 1)
    return (Path.cwd() / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]


# -- every kind -----------------------------------------------------------------------------------


def test_init_then_one_record_of_every_kind_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "r", "--years", "2025-2028"]) == 0
    capsys.readouterr()
    root = tmp_path / "r"
    made = [
        ("organisation", "poliisihallitus", "--name", "Poliisihallitus", "--type", "agency", "--parent", "sihteeristo"),
        ("indicator", "luottamus", "--name", "Luottamus poliisiin", "--unit", "%", "--direction", "higher-is-better"),
        ("phenomenon", "turvallisuuden-tunne", "--title", "Turvallisuuden tunne", "--status", "monitored",
         "--indicator", "luottamus"),
        ("priority", "p1", "--title", "Turvallisuuden tunne", "--status", "active", "--start", "2025"),
        ("goal", "p1-g1", "--priority", "p1", "--title", "Luottamus säilyy", "--indicator", "luottamus"),
        ("budget", "poliisihallitus", "--type", "state-tts", "--status", "adopted", "--start", "2025", "--end", "2028"),
        ("budget-line", "26.10.01", "--org", "poliisihallitus", "--name", "Poliisitoimen toimintamenot",
         "--year", "2025", "--euros", "800 000 000", "--allocated", "200000"),
        ("commitment", "poha-viestinta", "--org", "poliisihallitus", "--action", "Turvallisuusviestintä",
         "--goal", "p1-g1", "--start", "2025", "--end", "2025", "--budget-line", "26.10.01", "--euros", "150000"),
    ]  # fmt: skip
    where = {
        "organisation": "r/organisations/poliisihallitus.yaml:2",
        "indicator": "r/indicators/luottamus.yaml:2",
        "phenomenon": "r/phenomena/turvallisuuden-tunne.yaml:2",
        "priority": "r/priorities/p1.yaml:2",
        "goal": "r/priorities/p1.yaml:8",
        "budget": "r/budgets/poliisihallitus.yaml:2",
        "budget-line": "r/budgets/poliisihallitus.yaml:7",
        "commitment": "r/commitments/poliisihallitus.yaml:4",
    }
    for kind, record_id, *options in made:
        code, out, err = _new(capsys, kind, record_id, *options, "-C", "r")
        assert (code, err) == (0, ""), (kind, err)
        assert out == f"{where[kind]}: new {kind} {record_id}\n"
        assert record_id in _line_at(root, out)
    assert main(["validate", "-C", "r", "--no-cache", "-f", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["error"] == 0, report["findings"]
    # New files start with their schema, pointed at the repository's schemas/.
    assert (root / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/commitments.schema.json\n"
        "organisation: poliisihallitus\n"
        "commitments:\n"
        "  - id: poha-viestinta\n"
        "    action:\n"
        "      fi: Turvallisuusviestintä\n"
        "    goals: [p1-g1]\n"
        "    period: {start: 2025, end: 2025}\n"
        "    resources:\n"
        '      - {year: 2025, budget_line: "26.10.01", euros: 150000}\n'
        "    confirmed: {p1-g1: aba2e43d}\n"
    )
    assert (
        (root / "budgets/poliisihallitus.yaml")
        .read_text(encoding="utf-8")
        .endswith(
            '  - id: "26.10.01"\n'
            "    name:\n"
            "      fi: Poliisitoimen toimintamenot\n"
            "    amounts:\n"
            "      - {year: 2025, euros: 800000000, allocated: 200000}\n"
        )
    )


def test_a_new_file_names_its_schema_as_the_repositorys_other_files_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shipped example keeps its schemas one folder above the strategy.
    shutil.copytree(PROJECT / "strategy", tmp_path / "x" / "strategy")
    code, out, _ = _new(capsys, "organisation", "uusi-virasto", "--name", "Uusi virasto", "--type", "agency",
                        "-C", "x/strategy")  # fmt: skip
    assert (code, out) == (0, "x/strategy/organisations/uusi-virasto.yaml:2: new organisation uusi-virasto\n")
    ours = (tmp_path / "x/strategy/organisations/uusi-virasto.yaml").read_text(encoding="utf-8")
    theirs = (PROJECT / "strategy/organisations/sm.yaml").read_text(encoding="utf-8")
    assert ours.splitlines()[0] == theirs.splitlines()[0]
    assert ours == (
        "# yaml-language-server: $schema=../../schemas/organisation.schema.json\n"
        "id: uusi-virasto\n"
        "name:\n"
        "  fi: Uusi virasto\n"
        "kind: agency\n"
    )


# -- appending keeps the file as it was -----------------------------------------------------------


def test_a_goal_is_appended_with_every_comment_and_blank_line_kept(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _new(
        capsys, "goal", "p1-g3", "--priority", "p1", "--title", "Apu tulee ajoissa", "-C", "r"
    )
    assert (code, out, err) == (0, "r/priorities/p1.yaml:15: new goal p1-g3\n", "")
    assert (strategy / "priorities/p1.yaml").read_text(encoding="utf-8") == PRIORITY.replace(
        "    title: Yöllä on turvallista\n",
        "    title: Yöllä on turvallista\n  - id: p1-g3\n    title: Apu tulee ajoissa\n",
    )


def test_a_commitment_is_appended_with_every_comment_and_blank_line_kept(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _new(capsys, "commitment", "poha-uusi", "--org", "poliisihallitus", "--action", "Uusi toimi",
                          "--goal", "p1-g2,p1-g1", "--start", "2022", "--end", "2023", "-C", "r")  # fmt: skip
    assert (code, out, err) == (0, "r/commitments/poliisihallitus.yaml:11: new commitment poha-uusi\n", "")
    assert (strategy / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/commitments.schema.json\n"
        "# Poliisihallituksen sitoumukset.\n"
        "organisation: poliisihallitus\n"
        "\n"
        "commitments:\n"
        "  # Viestintä\n"
        "  - id: poha-viestinta\n"
        "    action: Turvallisuusviestintä   # lyhyesti\n"
        "    goals: [p1-g1]\n"
        "    period: {start: 2022, end: 2022}\n"
        "  - id: poha-uusi\n"
        "    action: Uusi toimi\n"
        "    goals: [p1-g2, p1-g1]\n"
        "    period: {start: 2022, end: 2023}\n"
        "    confirmed: {p1-g2: dba30c38, p1-g1: c47b09c0}\n"
        "\n"
        "  # Loput myöhemmin.\n"
    )


def test_a_commitments_file_is_made_when_the_organisation_has_none(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _new(capsys, "commitment", "sm-ohjaus", "--org", "sm", "--action", "Ohjaus", "--goal", "p1-g1",
                        "--start", "2022", "-C", "r")  # fmt: skip
    assert (code, out) == (0, "r/commitments/sm.yaml:4: new commitment sm-ohjaus\n")
    assert (strategy / "commitments/sm.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/commitments.schema.json\n"
        "organisation: sm\n"
        "commitments:\n"
        "  - id: sm-ohjaus\n"
        "    action: Ohjaus\n"
        "    goals: [p1-g1]\n"
        "    period: {start: 2022}\n"
        "    confirmed: {p1-g1: c47b09c0}\n"
    )


def test_dry_run_shows_the_diff_and_writes_nothing(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(strategy)
    code, out, err = _new(
        capsys, "goal", "p1-g3", "--priority", "p1", "--title", "Apu", "-C", "r", "--dry-run"
    )
    assert (code, err) == (0, "")
    assert out.startswith("--- a/r/priorities/p1.yaml\n+++ b/r/priorities/p1.yaml\n")
    assert "+  - id: p1-g3\n+    title: Apu\n" in out
    assert snapshot(strategy) == before


# -- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["organisation", "sm", "--name", "SM", "--type", "ministry"],
            "organisation 'sm' exists: r/organisations/sm.yaml; choose another id",
        ),
        (
            ["commitment", "poha-viestinta", "--org", "sm"],
            "commitment 'poha-viestinta' exists: r/commitments/poliisihallitus.yaml; choose another id",
        ),
        (
            ["goal", "p1-g1", "--priority", "p1", "--title", "x"],
            "goal 'p1-g1' exists: r/priorities/p1.yaml; choose another id",
        ),
        (
            ["budget-line", "26.10.01", "--org", "poliisihallitus", "--name", "x"],
            "budget line '26.10.01' exists in poliisihallitus's plan: r/budgets/poliisihallitus.yaml",
        ),
        (
            [
                "commitment",
                "poha-x",
                "--org",
                "poliisihallitus",
                "--action",
                "x",
                "--goal",
                "p1-g1x",
                "--start",
                "2022",
            ],
            "--goal: unknown goal 'p1-g1x' (did you mean 'p1-g1'?)",
        ),
        (
            [
                "commitment",
                "poha-x",
                "--org",
                "poliisihallitu",
                "--action",
                "x",
                "--goal",
                "p1-g1",
                "--start",
                "2022",
            ],
            "--org: unknown organisation 'poliisihallitu' (did you mean 'poliisihallitus'?)",
        ),
        (
            [
                "commitment",
                "poha-x",
                "--org",
                "poliisihallitus",
                "--action",
                "x",
                "--goal",
                "p1-g1",
                "--start",
                "2022",
                "--budget-line",
                "26.10.10",
            ],
            "--budget-line: unknown budget line '26.10.10' in poliisihallitus's plan (did you mean '26.10.01'?)",
        ),
        (["budget", "smm", "--type", "ngo"], "unknown organisation 'smm' (did you mean 'sm'?)"),
        (
            ["goal", "p1-g3", "--priority", "p11", "--title", "x"],
            "--priority: unknown priority 'p11' (did you mean 'p1'?)",
        ),
        (
            ["comitment", "x"],
            "unknown kind 'comitment' (did you mean 'commitment'?); choose one of: organisation,",
        ),
        (["organisation", "Uusi_Virasto"], "'Uusi_Virasto' is not an id; use lower-case letters and digits"),
        (
            ["goal", "g3", "--priority", "p1", "--title", "x"],
            "a goal's id starts with its priority's id and a hyphen: e.g. p1-g3",
        ),
        (["organisation", "x", "--unit", "%"], "--unit is not used by new organisation; leave it out"),
        (
            ["priority", "p2", "--title", "x", "--status", "activ", "--start", "2022"],
            "--status: unknown status 'activ' (did you mean 'active'?); choose one of: preparing, active, completed, retired",
        ),
        (
            ["priority", "p2", "--title", "x", "--status", "active", "--start", "2022", "--end", "2021"],
            "--end: the period ends (2021) before it starts (2022)",
        ),
        (
            [
                "commitment",
                "poha-x",
                "--org",
                "poliisihallitus",
                "--action",
                "x",
                "--goal",
                "p1-g1",
                "--start",
                "2022",
                "--budget-line",
                "26.10.01",
                "--euros",
                "10,555",
            ],
            "--euros: '10,555': write a number of at least 0 with at most two decimals",
        ),
    ],
)
def test_refusals_say_why_and_write_nothing(
    args: list[str], says: str, strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(strategy)
    code, out, err = _new(capsys, *args, "-C", "r")
    assert (code, out) == (2, "")
    assert err.startswith("sisturva: error: ") and says in err, err
    assert len(err.splitlines()) == 1
    assert snapshot(strategy) == before


def test_an_unknown_reference_reads_as_validate_says_it(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = _new(capsys, "commitment", "poha-x", "--org", "poliisihallitus", "--action", "x", "--goal", "p1-g9",
                     "--start", "2022", "-C", "r")  # fmt: skip
    (strategy / "commitments/poliisihallitus.yaml").write_text(
        COMMITMENTS.replace("goals: [p1-g1]", "goals: [p1-g9]"), encoding="utf-8"
    )
    assert main(["validate", "-C", "r", "--no-cache", "-f", "json"]) == 1
    [finding] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["code"] == "SIS201"]
    assert finding["message"] in err


def test_a_missing_required_option_without_a_terminal_is_exit_2_naming_it(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _new(
        capsys, "commitment", "poha-x", "--org", "poliisihallitus", "--action", "x", "-C", "r"
    )
    assert (code, out) == (2, "")
    assert err == (
        "sisturva: error: new commitment poha-x needs --goal IDS and --start YEAR; give them as options, "
        "or run it at a terminal to be asked\n"
    )
    code, _, err = _new(capsys, "organisation", "uusi", "--type", "agency", "-C", "r")
    assert code == 2
    assert err == (
        "sisturva: error: new organisation uusi needs --name TEXT; give it as an option, "
        "or run it at a terminal to be asked\n"
    )


def test_a_record_the_writer_refuses_is_exit_1_with_where(
    strategy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(strategy)
    code, out, err = _new(capsys, "commitment", "poha-x", "--org", "poliisihallitus", "--action", "x", "--goal",
                          "p1-g1", "--start", "2022", "--end", "2022", "--budget-line", "26.10.01", "--year", "2023",
                          "-C", "r")  # fmt: skip
    assert (code, out) == (1, "")
    first, last = err.splitlines()
    assert (
        first.startswith("r/commitments/poliisihallitus.yaml:16:16: error SIS210") and "error SIS210" in first
    )
    assert last == "sisturva: error: the new commitment was not written; fix what is named above"
    assert snapshot(strategy) == before


# -- at a terminal --------------------------------------------------------------------------------


class _Terminal:
    """A command run on a pseudo-terminal, as a person at a terminal would run it."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(PROJECT / "src")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sisturva", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
        )
        os.close(slave)
        self.seen = ""

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the other end closed
            return False
        self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(chunk)

    def expect(self, text: str, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while not self.seen.endswith(text):
            if time.monotonic() > end or not self._read(end - time.monotonic()):
                raise AssertionError(f"never saw {text!r}; the terminal shows:\n{self.seen}")

    def answer(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def close(self) -> int:
        while self._read(5):
            pass
        code = self.process.wait(20)
        os.close(self.master)
        return code


def test_a_terminal_asks_for_what_is_missing_with_the_choices(strategy: Path, tmp_path: Path) -> None:
    term = _Terminal(["new", "commitment", "poha-kysytty", "-C", "r"], tmp_path)
    try:
        term.expect("Organisation whose commitment it is (--org): ")
        term.answer("poliisihallitu")
        term.expect("; try again\nOrganisation whose commitment it is (--org): ")
        term.answer("1")
        term.expect("What the organisation will do, in Finnish (--action): ")
        term.answer("Kysytty toimi")
        term.expect("Goals it serves, comma-separated (--goal): ")
        term.answer("p1-g2, 1")
        term.expect("First year (--start) [2021]: ")
        term.answer("2022")
        term.expect("Last year (--end) [2025]: ")
        term.answer("")
        term.expect("Budget line that pays for it (--budget-line) (Enter to skip): ")
        term.answer("1")
        term.expect("Year of the resource (--year) [2022]: ")
        term.answer("")
        term.expect("Euros that year (--euros) (Enter to skip): ")
        term.answer("1 500,50")
        term.expect("Person-years that year (--person-years) (Enter to skip): ")
        term.answer("")
    finally:
        code = term.close()
    assert code == 0, term.seen
    assert term.seen == (
        "new commitment 'poha-kysytty': answer each question; Ctrl-C stops, writing nothing\n"
        "   1  poliisihallitus  Poliisihallitus\n"
        "   2  sm               Sisäministeriö\n"
        "Organisation whose commitment it is (--org): poliisihallitu\n"
        "  unknown organisation 'poliisihallitu' (did you mean 'poliisihallitus'?); try again\n"
        "Organisation whose commitment it is (--org): 1\n"
        "What the organisation will do, in Finnish (--action): Kysytty toimi\n"
        "   1  p1-g1  Luottamus säilyy\n"
        "   2  p1-g2  Yöllä on turvallista\n"
        "Goals it serves, comma-separated (--goal): p1-g2, 1\n"
        "First year (--start) [2021]: 2022\n"
        "Last year (--end) [2025]: \n"
        "   1  26.10.01  Poliisitoimen toimintamenot\n"
        "Budget line that pays for it (--budget-line) (Enter to skip): 1\n"
        "Year of the resource (--year) [2022]: \n"
        "Euros that year (--euros) (Enter to skip): 1 500,50\n"
        "Person-years that year (--person-years) (Enter to skip): \n"
        "r/commitments/poliisihallitus.yaml:11: new commitment poha-kysytty\n"
    )
    assert (
        (strategy / "commitments/poliisihallitus.yaml")
        .read_text(encoding="utf-8")
        .endswith(
            "  - id: poha-kysytty\n"
            "    action: Kysytty toimi\n"
            "    goals: [p1-g2, p1-g1]\n"
            "    period: {start: 2022, end: 2025}\n"
            "    resources:\n"
            '      - {year: 2022, budget_line: "26.10.01", euros: 1500.5}\n'
            "    confirmed: {p1-g2: dba30c38, p1-g1: c47b09c0}\n"
            "\n"
            "  # Loput myöhemmin.\n"
        )
    )


def test_a_terminal_asks_only_what_the_options_left_out_and_stops_on_end_of_input(
    strategy: Path, tmp_path: Path
) -> None:
    before = snapshot(strategy)
    term = _Terminal(["new", "goal", "p1-g3", "--priority", "p1", "-C", "r"], tmp_path)
    try:
        term.expect("Title, in Finnish (--title): ")
        os.write(term.master, b"\x04")  # Ctrl-D: the end of input
    finally:
        code = term.close()
    assert code == 2
    assert term.seen.endswith(
        "sisturva: error: no answer for --title; give it as an option, e.g. --title VALUE\n"
    ), term.seen
    assert "--priority" not in term.seen.split("\n", 1)[1]
    assert snapshot(strategy) == before
