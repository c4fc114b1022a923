"""import xlsx: real workbooks made by export, edited as a person would, imported, the files compared byte for byte."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sisturva.cli import main

from .conftest import PROJECT, snapshot
from .gitrepo import commit, git, init

CASES = PROJECT / "tests" / "cases" / "xlsx"
ORG = "poliisihallitus"


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    """The example strategy in a git work tree of its own, committed."""
    root = tmp_path / "strategy"
    shutil.copytree(PROJECT / "strategy", root)
    init(root)
    commit(root, "alku")
    return root


def export(root: Path, out: Path, *args: str) -> Path:
    assert main(["export", "xlsx", "-C", str(root), "--out", str(out), *args]) == 0
    return out


def column(ws: Any, header: str) -> int:
    """The column (from 1) whose header is `header`."""
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"no column {header!r} in {ws.title}")


def row_of(ws: Any, first: str, value: object) -> int:
    """The first row whose column `first` holds `value`."""
    col = column(ws, first)
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=col).value == value:
            return row
    raise AssertionError(f"no row {value!r} in {ws.title}")


def resource_row(ws: Any, commitment: str, year: int) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == commitment and ws.cell(row=row, column=2).value == year:
            return row
    raise AssertionError(f"no resource {commitment} {year}")


def imported(root: Path, book: Path, *args: str) -> int:
    return main(["import", "xlsx", str(book), "-C", str(root), *args])


def person_edits(book: Path) -> None:
    """What a partner does in Excel: a euro figure, a new row, a status from the list, a translation, a new line."""
    wb = openpyxl.load_workbook(book)
    commitments, resources, budget = wb["Sitoumukset"], wb["Resurssit"], wb["Talousarvio"]
    first = row_of(commitments, "Tunniste", "poha-turvallisuusviestinta")
    commitments.cell(
        row=first, column=column(commitments, "Toimenpide (sv)")
    ).value = "Polisens säkerhetskommunikation utvecklas med prioriteringsgruppen"
    second = row_of(commitments, "Tunniste", "poha-ankkuritoiminta")
    commitments.cell(row=second, column=column(commitments, "Tila")).value = "done"
    typed = commitments.cell(row=second, column=column(commitments, "Kuvaus (en)"))
    typed.value = "=Ankkuri teams: police, social work and youth services"
    typed.data_type = "s"  # typed after a ' in Excel: text, not a formula
    commitments.append(
        [
            "poha-uusi",
            "Uusi toimenpide",
            None,
            "A new action",
            None,
            None,
            None,
            "p1-g1",
            None,
            None,
            2023,
            2024,
        ]
    )
    euros = column(resources, "Euroa")
    resources.cell(
        row=resource_row(resources, "poha-turvallisuusviestinta", 2021), column=euros
    ).value = 175000
    resources.append(["poha-ankkuritoiminta", 2022, "26.10.01", 20000, 0.5])
    resources.append(["poha-uusi", 2023, "26.10.01", 12500.5, 0.25])
    budget.cell(
        row=row_of(budget, "Vuosi", 2021), column=column(budget, "Kohdennettu yhteistyöhön (€)")
    ).value = 500000
    budget.append(["26.10.01", 2022, 800000000, 100000])
    wb.save(book)


def test_export_then_import_of_the_example_changes_nothing(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(strategy)
    for args in (("--org", ORG), ()):
        book = export(strategy, tmp_path / "kirja.xlsx", *args)
        capsys.readouterr()
        assert imported(strategy, book) == 0
        assert "no changes; nothing to write" in capsys.readouterr().out
    assert snapshot(strategy) == before


def test_a_persons_edits_are_written_through_the_one_writer(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    person_edits(book)
    before = snapshot(strategy)
    capsys.readouterr()
    assert imported(strategy, book) == 0
    out = capsys.readouterr().out
    assert "resources[2021/26.10.01].euros: 150 000 € → 175 000 € (+25 000 €)" in out
    assert "status: in-progress → done" in out
    assert "+ sitoumus poha-uusi" in out
    assert "lines[26.10.01].amounts[2021].allocated: 450 000 € → 500 000 € (+50 000 €)" in out
    assert f"wrote {strategy}/commitments/{ORG}.yaml" in out
    after = snapshot(strategy)
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert changed == {f"commitments/{ORG}.yaml", f"budgets/{ORG}.yaml"}
    # Byte for byte: comments and layout of everything untouched kept, new items in their neighbours' style.
    assert after[f"commitments/{ORG}.yaml"] == (CASES / "commitments.yaml").read_bytes()
    assert after[f"budgets/{ORG}.yaml"] == (CASES / "budget.yaml").read_bytes()
    assert main(["validate", "-C", str(strategy)]) == 0
    # The same workbook again: nothing left to do, nothing written.
    capsys.readouterr()
    assert imported(strategy, book) == 0
    assert "no changes" in capsys.readouterr().out
    assert snapshot(strategy) == after


def test_dry_run_shows_the_change_and_writes_nothing(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    person_edits(book)
    before = snapshot(strategy)
    capsys.readouterr()
    assert imported(strategy, book, "--dry-run", "--lang", "en") == 0
    captured = capsys.readouterr()
    assert "resources[2021/26.10.01].euros: 150,000 € → 175,000 € (+25,000 €)" in captured.out
    assert "dry run: nothing written" in captured.err
    assert snapshot(strategy) == before


def test_every_bad_cell_is_named_and_nothing_is_written(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    wb = openpyxl.load_workbook(book)
    commitments, resources = wb["Sitoumukset"], wb["Resurssit"]
    first = row_of(commitments, "Tunniste", "poha-turvallisuusviestinta")
    commitments.cell(row=first, column=column(commitments, "Tavoite 1")).value = "p1-g9"
    commitments.cell(row=first, column=column(commitments, "Tila")).value = "valmis"
    second = row_of(commitments, "Tunniste", "poha-ankkuritoiminta")
    commitments.cell(row=second, column=column(commitments, "Edistyminen (%)")).value = "=40+20"
    resources.cell(
        row=resource_row(resources, "poha-turvallisuusviestinta", 2023), column=4
    ).value = "150 000 €"
    resources.cell(
        row=resource_row(resources, "poha-turvallisuusviestinta", 2024), column=3
    ).value = "26.10.1"
    wb.save(book)
    before = snapshot(strategy)
    capsys.readouterr()
    assert imported(strategy, book) == 1
    err = capsys.readouterr().err.splitlines()
    assert any(
        line.startswith(f"{book}!Sitoumukset!H{first}: unknown goal 'p1-g9' (did you mean 'p1-g")
        for line in err
    )
    assert (
        f"{book}!Sitoumukset!M{first}: unknown status 'valmis'; choose one from the list: "
        "planned, in-progress, done, cancelled"
    ) in err
    assert any(line.startswith(f"{book}!Sitoumukset!N{second}: a formula (=40+20)") for line in err)
    assert any(
        "'150 000 €' is not a number; type it as a number" in line and "!Resurssit!D" in line for line in err
    )
    assert any("unknown budget line '26.10.1' (did you mean '26.10.01'?)" in line for line in err)
    assert err[-1] == f"✗ 5 problems in {book}; nothing written"
    assert snapshot(strategy) == before


def test_a_change_that_validate_refuses_is_not_written(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    wb = openpyxl.load_workbook(book)
    # 2022 has no amount in the plan: the commitments would use money the plan does not give (SIS304).
    wb["Resurssit"].append(["poha-ankkuritoiminta", 2022, "26.10.01", 20000, 0.5])
    wb.save(book)
    before = snapshot(strategy)
    capsys.readouterr()
    assert imported(strategy, book) == 1
    err = capsys.readouterr().err
    assert "error SIS304" in err
    assert "nothing written" in err
    assert snapshot(strategy) == before


def test_moved_columns_are_refused_at_the_header(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    wb = openpyxl.load_workbook(book)
    wb["Resurssit"].insert_cols(2)
    wb.save(book)
    capsys.readouterr()
    assert imported(strategy, book) == 1
    err = capsys.readouterr().err
    assert f"{book}!Resurssit!B1: expected the column 'Vuosi' here, found an empty cell" in err


def test_a_deleted_row_removes_the_commitment(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    wb = openpyxl.load_workbook(book)
    commitments, resources = wb["Sitoumukset"], wb["Resurssit"]
    commitments.delete_rows(row_of(commitments, "Tunniste", "poha-ankkuritoiminta"))
    for row in range(resources.max_row, 1, -1):
        if resources.cell(row=row, column=1).value == "poha-ankkuritoiminta":
            resources.delete_rows(row)
    wb.save(book)
    capsys.readouterr()
    assert imported(strategy, book) == 0
    assert "- sitoumus poha-ankkuritoiminta" in capsys.readouterr().out
    text = (strategy / f"commitments/{ORG}.yaml").read_text(encoding="utf-8")
    assert "poha-ankkuritoiminta" not in text
    assert "poha-turvallisuusviestinta" in text


def _set_yaml(root: Path, old: str, new: str) -> None:
    path = root / f"commitments/{ORG}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_workbook_from_an_older_revision_is_merged_three_ways(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    # Meanwhile the repository moves on: another field of the same commitment changes.
    _set_yaml(strategy, "    progress: 60\n", "    progress: 70\n")
    commit(strategy, "edistyminen")
    wb = openpyxl.load_workbook(book)
    resources = wb["Resurssit"]
    resources.cell(row=resource_row(resources, "poha-turvallisuusviestinta", 2021), column=4).value = 175000
    wb.save(book)
    capsys.readouterr()
    assert imported(strategy, book) == 0
    text = (strategy / f"commitments/{ORG}.yaml").read_text(encoding="utf-8")
    assert "    progress: 70\n" in text  # the repository's change stays
    assert 'budget_line: "26.10.01", euros: 175000, person_years: 1.5' in text  # the workbook's is added
    assert "progress" not in capsys.readouterr().out  # the workbook did not touch it


def test_both_sides_changing_a_field_is_a_conflict(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    _set_yaml(strategy, "euros: 150000, person_years: 1.5", "euros: 160000, person_years: 1.5")
    commit(strategy, "lisää rahaa")
    wb = openpyxl.load_workbook(book)
    resources = wb["Resurssit"]
    resources.cell(row=resource_row(resources, "poha-turvallisuusviestinta", 2021), column=4).value = 175000
    wb.save(book)
    before = snapshot(strategy)
    capsys.readouterr()
    assert imported(strategy, book) == 1
    err = capsys.readouterr().err
    assert (
        f"commitments/{ORG}.yaml: conflict in poha-turvallisuusviestinta resources[2021/26.10.01].euros: "
        "the workbook changed it from 150000 to 175000, the repository to 160000"
    ) in err
    assert "nothing written" in err
    assert snapshot(strategy) == before


def test_an_uncommitted_base_that_is_gone_is_refused(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_yaml(strategy, "    progress: 60\n", "    progress: 65\n")  # exported from an uncommitted edit
    book = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    git(strategy, "checkout", "--", ".")
    wb = openpyxl.load_workbook(book)
    resources = wb["Resurssit"]
    resources.cell(row=resource_row(resources, "poha-turvallisuusviestinta", 2021), column=4).value = 175000
    wb.save(book)
    before = snapshot(strategy)
    capsys.readouterr()
    assert imported(strategy, book) == 2
    assert "is not in git; export a new workbook" in capsys.readouterr().err
    assert snapshot(strategy) == before


def test_the_whole_strategy_workbook_has_a_sheet_group_per_organisation(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(strategy, tmp_path / "kaikki.xlsx")
    wb = openpyxl.load_workbook(book)
    assert {"sm Sitoumukset", "sm Resurssit", "sm Talousarvio", "poliisihallitus Sitoumukset"} <= set(
        wb.sheetnames
    )
    ws = wb["sm Sitoumukset"]
    ws.cell(row=2, column=column(ws, "Edistyminen (%)")).value = 99
    wb.save(book)
    before = snapshot(strategy)
    capsys.readouterr()
    assert imported(strategy, book, "--org", ORG) == 0
    assert "no changes" in capsys.readouterr().out
    assert snapshot(strategy) == before
    assert imported(strategy, book, "--org", "sm") == 0
    assert "progress:" in capsys.readouterr().out
    assert imported(strategy, book, "--org", "smm") == 2
    assert "no sheets of 'smm' (did you mean 'sm'?)" in capsys.readouterr().err


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", PROJECT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_round_trip_of_a_generated_national_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate = _generator()
    root = tmp_path / "national"
    generate.write(root, generate.generate(scale=0.03).files())
    before = snapshot(root)
    book = export(root, tmp_path / "kaikki.xlsx")
    capsys.readouterr()
    assert imported(root, book) == 0
    assert "no changes" in capsys.readouterr().out
    assert snapshot(root) == before
