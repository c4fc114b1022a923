"""import xlsx of hostile files: a clear error (exit 2), never a traceback, never a written file."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from sisturva.cli import main
from sisturva.spreadsheet import reading

from .conftest import PROJECT, snapshot

ORG = "poliisihallitus"


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    root = tmp_path / "strategy"
    shutil.copytree(PROJECT / "strategy", root)
    return root


@pytest.fixture
def book(strategy: Path, tmp_path: Path) -> Path:
    out = tmp_path / "poha.xlsx"
    assert main(["export", "xlsx", "-C", str(strategy), "--out", str(out), "--org", ORG]) == 0
    return out


def refused(strategy: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Import `path`; it must stop with exit 2 and one line on stderr, with nothing written."""
    before = snapshot(strategy)
    capsys.readouterr()
    code = main(["import", "xlsx", str(path), "-C", str(strategy)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("sisturva: error: ")
    assert snapshot(strategy) == before
    return err


def rezip(source: Path, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of a workbook with its parts changed."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def test_a_text_file_named_xlsx(strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sitoumukset.xlsx"
    path.write_text("id;euros\npoha;100\n", encoding="utf-8")
    assert "not an Excel workbook (.xlsx); save it as .xlsx" in refused(strategy, path, capsys)


def test_an_old_xls_file(strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "vanha.xlsx"
    path.write_bytes(reading.OLE_MAGIC + b"\0" * 512)
    assert "an old Excel file (.xls)" in refused(strategy, path, capsys)


def test_an_opendocument_spreadsheet(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "laskenta.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert "an OpenDocument spreadsheet (.ods)" in refused(strategy, path, capsys)


def test_a_zip_that_is_no_workbook(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kuvat.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("kuva.txt", "ei työkirja")
    assert "a zip file, but not an Excel workbook" in refused(strategy, path, capsys)


def test_a_truncated_workbook(
    strategy: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "katkennut.xlsx"
    path.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    assert "not a readable .xlsx file" in refused(strategy, path, capsys)


def test_a_macro_workbook_by_its_name(
    strategy: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "makrot.xlsm"
    shutil.copy(book, path)
    assert "a workbook with macros is not read" in refused(strategy, path, capsys)


def test_a_vba_project_inside_an_xlsx(
    strategy: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_macros(parts: dict[str, bytes]) -> None:
        parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 100
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )

    path = rezip(book, tmp_path / "piilotettu.xlsx", add_macros)
    assert "the workbook holds macros (a VBA project)" in refused(strategy, path, capsys)


def test_a_zip_bomb(strategy: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def bomb(parts: dict[str, bytes]) -> None:
        parts["xl/media/zeros.bin"] = b"\0" * (20 * 1024 * 1024)

    path = rezip(book, tmp_path / "pommi.xlsx", bomb)
    assert path.stat().st_size < 1024 * 1024
    assert "a zip bomb, not a workbook; it is not read" in refused(strategy, path, capsys)


def test_too_much_unpacked_in_all(
    strategy: Path,
    book: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 10_000)
    assert "more than 10000; it is not read" in refused(strategy, book, capsys)


def test_entity_expansion_in_a_sheet(
    strategy: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
            for n in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )

    def expand(parts: dict[str, bytes]) -> None:
        parts["xl/worksheets/sheet1.xml"] = laughs

    path = rezip(book, tmp_path / "naurua.xlsx", expand)
    assert "xl/worksheets/sheet1.xml declares a DTD or XML entities" in refused(strategy, path, capsys)


def test_a_dtd_in_the_content_types(
    strategy: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def dtd(parts: dict[str, bytes]) -> None:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"<Types", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Types', 1
        )

    path = rezip(book, tmp_path / "dtd.xlsx", dtd)
    assert "[Content_Types].xml is not plain XML" in refused(strategy, path, capsys)


def test_a_huge_sheet(
    strategy: Path, book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 30)
    wb = openpyxl.load_workbook(book)
    for n in range(40):
        wb["Resurssit"].append(["poha-ankkuritoiminta", 2030 + n, "26.10.01", 1, 0])
    wb.save(book)
    assert "!Resurssit: more than 30 rows; it is not read" in refused(strategy, book, capsys)


def test_too_many_columns(strategy: Path, book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(book)
    wb["Sitoumukset"].cell(row=2, column=reading.MAX_COLUMNS + 5).value = "x"
    wb.save(book)
    assert f"!Sitoumukset: more than {reading.MAX_COLUMNS} columns" in refused(strategy, book, capsys)


def test_a_workbook_not_made_by_export(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "oma.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["id", "euros"])  # type: ignore[union-attr]
    wb.save(path)
    assert "not a workbook made by sisturva export" in refused(strategy, path, capsys)


def test_a_folder_and_a_missing_file(
    strategy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "kansio.xlsx"
    folder.mkdir()
    assert "not a file" in refused(strategy, folder, capsys)
    assert "no such file" in refused(strategy, tmp_path / "puuttuu.xlsx", capsys)


def test_defusedxml_guards_openpyxl() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_formula_where_a_value_belongs_is_a_finding_not_its_cached_value(
    strategy: Path, book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A formula with a cached result: the result is never trusted, the cell is reported.
    def cached(parts: dict[str, bytes]) -> None:
        sheet = parts["xl/worksheets/sheet2.xml"]
        start = sheet.index(b'<c r="D2"')
        end = sheet.index(b"</c>", start) + len(b"</c>")
        parts["xl/worksheets/sheet2.xml"] = (
            sheet[:start] + b'<c r="D2"><f>150000+25000</f><v>175000</v></c>' + sheet[end:]
        )

    path = rezip(book, book.with_name("kaava.xlsx"), cached)
    before = snapshot(strategy)
    capsys.readouterr()
    assert main(["import", "xlsx", str(path), "-C", str(strategy)]) == 1
    err = capsys.readouterr().err
    assert f"{path}!Resurssit!D2: a formula (=150000+25000); type the value itself" in err
    assert snapshot(strategy) == before
    assert isinstance(io.BytesIO(), io.BytesIO)


def test_a_hidden_sheet_that_names_a_path_outside(
    strategy: Path, book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.load_workbook(book)
    meta = wb["_sisturva"]
    row = next(r for r in meta.iter_rows() if r[0].value == "sheet" and r[2].value == "commitments")
    row[3].value = "../../etc/passwd"
    wb.save(book)
    assert "'../../etc/passwd' / 'commitments' is not an organisation's sheet" in refused(
        strategy, book, capsys
    )
