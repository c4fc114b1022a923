"""export xlsx, and align/status as workbooks: made for the people filling them in, and safe to open."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sisturva.cli import main
from sisturva.models import Resource

from .conftest import PROJECT, snapshot
from .gitrepo import commit, init

ORG = "poliisihallitus"
HOSTILE = [
    '=HYPERLINK("http://example.org","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tvälilyönti",
    "\rrivi",
]


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    root = tmp_path / "strategy"
    shutil.copytree(PROJECT / "strategy", root)
    init(root)
    return root


def export(root: Path, out: Path, *args: str) -> Any:
    assert main(["export", "xlsx", "-C", str(root), "--out", str(out), *args]) == 0
    return openpyxl.load_workbook(out)


def test_the_workbook_is_made_for_the_people_filling_it_in(strategy: Path, tmp_path: Path) -> None:
    head = commit(strategy, "alku")
    wb = export(strategy, tmp_path / "poha.xlsx", "--org", ORG)
    assert wb.sheetnames == [
        "Sitoumukset", "Resurssit", "Talousarvio", "Tavoitteet", "Painopisteet", "Talousarviorivit", "_sisturva",
    ]  # fmt: skip
    commitments, resources, budget = wb["Sitoumukset"], wb["Resurssit"], wb["Talousarvio"]
    assert [c.value for c in resources[1]] == [
        "Sitoumus",
        "Vuosi",
        "Talousarviorivi",
        "Euroa",
        "Henkilötyövuodet",
    ]
    # The field's description from the models is the header's comment.
    assert resources["D1"].comment.text == Resource.model_fields["euros"].description
    assert commitments.freeze_panes == "B2" and resources.freeze_panes == "A2"
    assert resources.column_dimensions["A"].width == 26
    # Euros are numbers formatted as money, years whole numbers, budget line ids text.
    row = next(r for r in resources.iter_rows(min_row=2) if r[1].value == 2021)
    assert row[3].value == 150000 and row[3].data_type == "n" and row[3].number_format == '#,##0.00 "€"'
    assert row[1].number_format == "0"
    assert row[2].value == "26.10.01" and row[2].data_type == "s"
    # Drop-down lists: statuses, goals from the reference sheet, years, budget lines of the plan.
    rules = {
        str(dv.sqref).split()[0].rstrip("0123456789"): dv
        for dv in commitments.data_validations.dataValidation
    }
    status = next(
        dv for dv in commitments.data_validations.dataValidation if "planned" in (dv.formula1 or "")
    )
    assert status.formula1 == '"planned,in-progress,done,cancelled"' and status.type == "list"
    assert any((dv.formula1 or "").startswith("'Tavoitteet'!$A$2:$A$") for dv in rules.values())
    lines = [dv.formula1 for dv in resources.data_validations.dataValidation if dv.type == "list"]
    assert "'Talousarviorivit'!$B$2:$B$2" in lines
    assert '"2021,2022,2023,2024,2025"' in lines
    # Reference sheets are protected and titled in the language; the hidden sheet names the revision.
    goals = wb["Tavoitteet"]
    assert goals.protection.sheet is True
    assert goals["C2"].value == "Luottamus poliisiin vahvistuu"
    assert goals["E2"].is_date and goals["E2"].number_format == "d.m.yyyy"
    meta = wb["_sisturva"]
    assert meta.sheet_state == "hidden"
    assert [c.value for c in meta[2]][:2] == ["revision", head]
    assert budget["C2"].value == 792037000


def test_headers_titles_and_dates_follow_lang(strategy: Path, tmp_path: Path) -> None:
    wb = export(strategy, tmp_path / "poha.xlsx", "--org", ORG, "--lang", "sv")
    assert wb.sheetnames[:3] == ["Åtaganden", "Resurser", "Budget"]
    assert wb["Åtaganden"]["B1"].value == "Åtgärd (fi)"
    assert wb["Mål"]["C2"].value == "Förtroendet för polisen stärks"
    assert wb["Mål"]["E2"].number_format == "yyyy-mm-dd"
    assert wb["_sisturva"]["B2"].value is None  # no commit yet: no revision


def test_text_that_a_spreadsheet_would_run_is_written_as_text(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = strategy / f"commitments/{ORG}.yaml"
    text = path.read_text(encoding="utf-8")
    # JSON strings are YAML's double-quoted strings: the tab and carriage return stay escaped.
    block = "    description:\n" + "".join(
        f"      {lang}: {json.dumps(value)}\n"
        for lang, value in zip(("fi", "sv", "en"), HOSTILE, strict=False)
    )
    text = text.replace("    goals: [p1-g1, p1-g3]\n", block + "    goals: [p1-g1, p1-g3]\n", 1)
    path.write_text(text, encoding="utf-8")
    assert main(["validate", "-C", str(strategy)]) == 0
    capsys.readouterr()
    out = tmp_path / "poha.xlsx"
    wb = export(strategy, out, "--org", ORG)
    cells = [wb["Sitoumukset"][f"{c}2"] for c in "EFG"]
    assert [c.value for c in cells] == HOSTILE[:3]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet  # no formula anywhere in the sheet
    # And back: the same text, nothing changed.
    before = snapshot(strategy)
    assert main(["import", "xlsx", str(out), "-C", str(strategy)]) == 0
    assert snapshot(strategy) == before


def test_every_formula_start_is_neutralised() -> None:
    from sisturva.spreadsheet.export import set_text

    wb = openpyxl.Workbook()
    ws: Any = wb.active
    for n, value in enumerate(HOSTILE, start=1):
        set_text(ws.cell(row=n, column=1), value)
    assert all(ws.cell(row=n, column=1).data_type == "s" for n in range(1, len(HOSTILE) + 1))


def test_bad_requests_stop_with_a_clear_line(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        main(
            [
                "export",
                "xlsx",
                "-C",
                str(strategy),
                "--out",
                str(tmp_path / "a.xlsx"),
                "--org",
                "poliisihalitus",
            ]
        )
        == 2
    )
    assert (
        "unknown organisation 'poliisihalitus' (did you mean 'poliisihallitus'?)" in capsys.readouterr().err
    )
    assert main(["export", "xlsx", "-C", str(strategy), "--out", str(tmp_path / "a.xls")]) == 2
    assert "name the workbook FILE.xlsx" in capsys.readouterr().err
    assert not list(tmp_path.glob("a.*"))


def test_align_as_a_workbook_has_numbers_as_numbers(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "align.xlsx"
    assert main(["align", "-C", str(strategy), "--format", "xlsx", "--out", str(out), "--lang", "en"]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    wb = openpyxl.load_workbook(out)
    ws = wb["Budget alignment"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["Id", "Organisation", "Plan", "Year"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "hatakeskuslaitos" and r[3].value == 2023)
    assert [c.value for c in row[5:8]] == [350000, 300000, 50000]
    assert row[5].number_format == '#,##0.00 "€"'
    assert wb["Findings"]["A1"].value == "code"
    assert main(["align", "-C", str(strategy), "--format", "xlsx"]) == 2


def test_status_as_a_workbook(strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "status.xlsx"
    assert main(["status", "-C", str(strategy), "--format", "xlsx", "--out", str(out), "--year", "2026"]) == 0
    wb = openpyxl.load_workbook(out)
    goals = wb["Tavoitteet"]
    row = next(r for r in goals.iter_rows(min_row=2) if r[1].value == "p5-g1")
    assert row[3].value in ("Jäljessä tavoitteesta", "Ei ajantasaista tietoa", "Ei tietoa")
    assert row[6].value == 1200 and row[5].value == 2017  # latest value and year, as numbers
    assert wb["Mittarit"].max_row > 1
    capsys.readouterr()
    assert main(["status", "-C", str(strategy), "--out", str(out)]) == 2
    assert "give --format xlsx with it" in capsys.readouterr().err


def test_text_no_workbook_can_hold_is_refused_by_name(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = strategy / f"commitments/{ORG}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "fi: Poliisin turvallisuusviestinnän", 'fi: "Poliisin\\x1b turvallisuusviestinnän', 1
        ).replace("painopisteryhmän kanssa\n", 'painopisteryhmän kanssa"\n', 1),
        encoding="utf-8",
    )
    capsys.readouterr()
    out = tmp_path / "poha.xlsx"
    assert main(["export", "xlsx", "-C", str(strategy), "--out", str(out), "--org", ORG]) == 2
    err = capsys.readouterr().err
    assert "holds a control character that no workbook can hold" in err and "\\x1b" in err
    assert "Traceback" not in err
    assert not out.exists()
