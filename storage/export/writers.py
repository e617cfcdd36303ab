"""Writing tables out: an XLSX workbook (openpyxl's write-only mode) or CSV files.

Both defuse every cell and header that would start a formula — a witness's text is untrusted
input, and `=HYPERLINK(...)` in a reviewer's Excel is an attack on the reviewer — and escape
characters that act on a terminal or hide text. A workbook is streamed sheet by sheet (write-only
mode), so 100,000 cases do not sit in memory; its header is bold and frozen, its columns have
widths, and every sheet has an autofilter.

Where the rows wait until the workbook is zipped is the caller's choice (`Scratch`): openpyxl
would put each sheet in a named file in the system's temporary folder, decrypted rows outside
the folder the reviewer chose, left behind by a crash. Here `kuager export` gives unnamed files in
the export's own folder (gone from the disk as soon as they are made) and the desk gives memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Protocol
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from storage.defuse import cell_text, defuse, inside, one_line, private_file, sheet_title
from storage.export.cells import CellValue
from storage.export.layout import Table

_BOLD = Font(bold=True)
_MAX_WIDTH = 60


class TableOut(Protocol):
    """Where one table's rows go."""

    def append(self, values: Sequence[CellValue]) -> None: ...


Scratch = Callable[[], IO[bytes]]
"""A new, empty, readable and writable binary file for one sheet's rows until the workbook is
zipped: `tempfile.TemporaryFile` in the export's folder, or `io.BytesIO`."""


class Sheets:
    """An XLSX workbook in write-only mode, one sheet per table, written as rows come."""

    def __init__(self, scratch: Scratch) -> None:
        self.book = Workbook(write_only=True)
        self._scratch = scratch
        self._titles: set[str] = set()
        self._sheets: dict[str, _SheetOut] = {}

    def table(self, table: Table, widths: Sequence[int]) -> TableOut:
        sheet = self.book.create_sheet(title=sheet_title(table.title, self._titles))
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = min(width, _MAX_WIDTH)
        sheet.freeze_panes = "A2"
        # openpyxl makes this writer, on a named temporary file, at the first row; made here
        # first (after the widths and frozen row, which its top part writes), it writes to ours.
        sheet._writer = WorksheetWriter(sheet, out=self._scratch())
        sheet._writer.write_top()
        header = []
        for text in table.headers():
            cell = WriteOnlyCell(sheet, value=one_line(text))
            cell.data_type = "s"
            cell.font = _BOLD
            header.append(cell)
        sheet.append(header)
        out = self._sheets[table.key] = _SheetOut(sheet, len(header))
        return out

    def save(self, out: IO[bytes]) -> None:
        for sheet in self._sheets.values():
            sheet.filter_all()
        with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            _Zipper(self.book, archive).save()


class _Zipper(ExcelWriter):  # type: ignore[misc]  # openpyxl has no type information
    """openpyxl's writer, taking each sheet from its scratch file instead of a named file
    (`ZipFile.write` needs a name; our scratch files have none)."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if not ws.closed:
            ws.close()
        writer = ws._writer
        ws._rels = writer._rels
        scratch: IO[bytes] = writer.out
        scratch.seek(0)
        with self._archive.open(ws.path[1:], "w", force_zip64=True) as member:
            shutil.copyfileobj(scratch, member, 1 << 20)
        scratch.close()
        self.manifest.append(ws)


class _SheetOut:
    """One sheet's rows; the autofilter covers them all, so it is set once they are in."""

    def __init__(self, sheet: Any, columns: int) -> None:
        self._sheet, self._columns, self._rows = sheet, columns, 1

    def append(self, values: Sequence[CellValue]) -> None:
        self._sheet.append([_xlsx_cell(self._sheet, v) for v in values])
        self._rows += 1

    def filter_all(self) -> None:
        last = get_column_letter(max(1, self._columns))
        self._sheet.auto_filter.ref = f"A1:{last}{self._rows}"


def _xlsx_cell(sheet: Any, value: CellValue) -> Any:
    if not isinstance(value, str):
        return value
    text = cell_text(value)
    if text.startswith("="):
        # openpyxl turns a string starting with "=" into a formula; force it to stay text.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


_SHORT = 31
"""Longer than a word or a code (a case id has 32 characters): not worth remembering."""


def _safe(text: str) -> str:
    return defuse(cell_text(text))


_Seen = dict[object, str]
"""Short texts already made safe, and None → "": only str and None keys, so no number or date
can match one (1 == True == 1.0 would, as dict keys)."""


def _csv_cell(value: CellValue, seen: _Seen) -> str:
    """A cell as CSV text, defused; short texts (words, codes, names) repeat on every row,
    so each is made safe once per export and looked up after that."""
    if type(value) is str:
        if len(value) > _SHORT:
            return _safe(value)
        safe = seen.get(value)
        if safe is None:
            safe = seen[value] = _safe(value)
        return safe
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_name(out: Path, main: str, table: Table) -> Path:
    """The Cases table is the file the reviewer named, every other table
    `<name>_<table>.csv` beside it."""
    if table.key == main:
        return out
    name = f"{out.stem}_{table.key}{out.suffix or '.csv'}"
    return inside(out.parent, out.with_name(name))


class CsvFiles:
    """A CSV text per table, each written to what `open_table` gives for it (a file, or memory
    to be zipped). Files are UTF-8 with a BOM: Excel otherwise shows Cyrillic and Kazakh letters
    as mojibake."""

    def __init__(self, open_table: Callable[[Table], IO[str]]) -> None:
        self._open = open_table
        self._seen: _Seen = {None: ""}

    def table(self, table: Table) -> TableOut:
        writer = csv.writer(self._open(table), lineterminator="\r\n")
        # A header is ours, but defused like a cell all the same.
        writer.writerow([defuse(one_line(h)) for h in table.headers()])
        return _CsvOut(writer, self._seen)


def csv_file(path: Path) -> IO[str]:
    """A CSV file readable by the reviewer alone, as every file of an export is."""
    return os.fdopen(private_file(path), "w", encoding="utf-8-sig", newline="")


class _CsvOut:
    def __init__(self, writer: Any, seen: _Seen) -> None:
        self._writer, self._seen = writer, seen

    def append(self, values: Sequence[CellValue]) -> None:
        seen = self._seen
        # Most cells are empty or a word seen before: a lookup, not a call.
        self._writer.writerow([seen[v] if v in seen else _csv_cell(v, seen) for v in values])
