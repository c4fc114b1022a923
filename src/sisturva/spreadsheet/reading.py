"""A returned workbook read safely: the zip checked before any XML is parsed, defused XML, bounded sheets."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import SisturvaError

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest workbook read, as stored."""
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""The most its parts may unpack to, together."""
MAX_RATIO = 200
"""The most any part may unpack to per stored byte: more is a zip bomb, not a spreadsheet."""
MAX_PARTS = 20_000
MAX_ROWS = 200_000
"""Rows per sheet."""
MAX_COLUMNS = 64
"""Columns read per row: the editable sheets have fewer than 30."""
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_TYPES = (
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-office.vbaProject",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml",
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookRefused(SisturvaError):
    """The file is not a workbook sisturva reads (exit 2): wrong type, macros, too large, malformed."""


@dataclass(frozen=True)
class Cell:
    """A cell's value as stored, and whether it holds a formula (whose cached value is never trusted)."""

    value: object
    formula: bool = False


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Book:
    """The workbook's sheets as rows of cells, by sheet name, in the workbook's order."""

    name: str
    """The file as the user typed it, for messages."""
    sheets: Mapping[str, tuple[Row, ...]]


def check_zip(path: Path, shown: str) -> None:
    """Refuse what is not a plain .xlsx from its bytes and zip directory alone, before any part is unpacked."""
    if path.exists() and not path.is_file():
        raise WorkbookRefused(f"{shown}: not a file; give the workbook (FILE.xlsx)")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise WorkbookRefused(f"{shown}: no such file") from None
    except OSError as error:
        raise WorkbookRefused(f"{shown}: cannot read it: {error.strerror}") from None
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlam"):
        raise WorkbookRefused(
            f"{shown}: a workbook with macros is not read; save it as an Excel workbook (.xlsx) without macros"
        )
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(
            f"{shown}: {size} bytes is more than a workbook of the strategy needs ({MAX_FILE_BYTES})"
        )
    if head.startswith(OLE_MAGIC):
        raise WorkbookRefused(
            f"{shown}: an old Excel file (.xls) or an encrypted workbook; save it as .xlsx without a password"
        )
    if not head.startswith(b"PK"):
        raise WorkbookRefused(f"{shown}: not an Excel workbook (.xlsx); save it as .xlsx and import that")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_parts(infos, shown)
            names = {info.filename for info in infos}
            if "mimetype" in names and "content.xml" in names:
                raise WorkbookRefused(
                    f"{shown}: an OpenDocument spreadsheet (.ods); save it as an Excel workbook (.xlsx)"
                )
            if "[Content_Types].xml" not in names:
                raise WorkbookRefused(
                    f"{shown}: a zip file, but not an Excel workbook (.xlsx); save it as .xlsx"
                )
            types = _content_types(archive.read("[Content_Types].xml"), shown)
            _no_dtd(archive, infos, shown)
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(
            f"{shown}: not a readable .xlsx file ({error}); save it again as .xlsx"
        ) from None
    if any(t in types for t in MACRO_TYPES) or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise WorkbookRefused(
            f"{shown}: the workbook holds macros (a VBA project); save it as an Excel workbook (.xlsx) without macros"
        )
    if MAIN_TYPE not in types:
        raise WorkbookRefused(f"{shown}: not an Excel workbook (.xlsx); save it as .xlsx and import that")


def _check_parts(infos: list[zipfile.ZipInfo], shown: str) -> None:
    if len(infos) > MAX_PARTS:
        raise WorkbookRefused(f"{shown}: {len(infos)} parts in the zip is not a workbook of the strategy")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookRefused(f"{shown}: a part is encrypted; save the workbook without a password")
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookRefused(
                f"{shown}: {info.filename} unpacks to {info.file_size} bytes from {info.compress_size}: "
                "a zip bomb, not a workbook; it is not read"
            )
    if total > MAX_UNPACKED_BYTES:
        raise WorkbookRefused(
            f"{shown}: the parts unpack to {total} bytes, more than {MAX_UNPACKED_BYTES}; it is not read"
        )


def _no_dtd(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], shown: str) -> None:
    """Refuse any XML part with a document type declaration: no spreadsheet needs one, entity bombs do."""
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(info) as part:
            # A DTD can only stand before the root element, at the start of the part.
            head = part.read(4096)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise WorkbookRefused(
                f"{shown}: {info.filename} declares a DTD or XML entities, which no workbook needs; it is not read"
            )


def _content_types(xml: bytes, shown: str) -> set[str]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError):
        raise WorkbookRefused(
            f"{shown}: [Content_Types].xml is not plain XML (a DTD or entities); it is not read"
        ) from None
    return {element.get("ContentType", "") for element in root}


def read(path: Path, shown: str) -> Book:
    """Every sheet's cells; a WorkbookRefused (never a traceback) when the file is not a safe, plain workbook."""
    import openpyxl

    check_zip(path, shown)
    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise WorkbookRefused("defusedxml is not installed; install it to read workbooks from others")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds; each means the file is not a workbook it reads
        raise WorkbookRefused(
            f"{shown}: cannot be read as a workbook ({_reason(error)}); save it again as .xlsx"
        ) from None
    sheets: dict[str, tuple[Row, ...]] = {}
    try:
        for ws in book.worksheets:
            rows: list[Row] = []
            # The size a sheet claims for itself is not trusted: rows hold only the cells they have.
            ws.reset_dimensions()
            for number, raw in enumerate(ws.iter_rows(), start=1):
                if number > MAX_ROWS:
                    raise WorkbookRefused(f"{shown}!{ws.title}: more than {MAX_ROWS} rows; it is not read")
                cells = tuple(
                    Cell(getattr(c, "value", None), getattr(c, "data_type", None) == "f") for c in raw
                )
                if len(cells) > MAX_COLUMNS and any(c.value is not None for c in cells[MAX_COLUMNS:]):
                    raise WorkbookRefused(
                        f"{shown}!{ws.title}: more than {MAX_COLUMNS} columns; it is not read"
                    )
                rows.append(cells[:MAX_COLUMNS])
            while rows and all(c.value is None for c in rows[-1]):
                rows.pop()
            sheets[ws.title] = tuple(rows)
    except WorkbookRefused:
        raise
    except Exception as error:
        raise WorkbookRefused(
            f"{shown}: cannot be read as a workbook ({_reason(error)}); save it again as .xlsx"
        ) from None
    finally:
        book.close()
    return Book(shown, sheets)


def _reason(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__


__all__ = ["Book", "Cell", "Row", "WorkbookRefused", "check_zip", "read"]
