"""Writing tables out: an XLSX workbook (openpyxl's write-only mode) or CSV files.

Both defuse every cell and header that would start a formula — a witness's text is untrusted
input, and `=HYPERLINK(...)` in a reviewer's Excel is an attack on the reviewer — and escape
characters that act on a terminal or hide text. A workbook is streamed sheet by sheet to
temporary files (write-only mode), so 100,000 cases do not sit in memory; its header is bold
and frozen, its columns have widths, and every sheet has an autofilter.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from storage.defuse import cell_text, defuse, inside, one_line, private_file, sheet_title
from storage.export.cells import CellValue
from storage.export.layout import Table

_BOLD = Font(bold=True)
_MAX_WIDTH = 60


class TableOut(Protocol):
    """Where one table's rows go."""

    def append(self, values: Sequence[CellValue]) -> None: ...


class Sheets:
    """An XLSX workbook in write-only mode, one sheet per table, written as rows come."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self._titles: set[str] = set()
        self._sheets: dict[str, _SheetOut] = {}

    def table(self, table: Table, widths: Sequence[int]) -> TableOut:
        sheet = self.book.create_sheet(title=sheet_title(table.title, self._titles))
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = min(width, _MAX_WIDTH)
        sheet.freeze_panes = "A2"
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
        self.book.save(out)


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


_SHORT = 64


def _safe(text: str) -> str:
    return defuse(cell_text(text))


def _csv_cell(value: CellValue, seen: dict[str, str]) -> str:
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


class CsvFiles:
    """A CSV file per table: the Cases table is the file the reviewer named, every other
    table `<name>_<table>.csv` beside it. UTF-8 with a BOM: Excel otherwise shows Cyrillic
    and Kazakh letters as mojibake."""

    def __init__(self, out: Path, main: str, main_handle: IO[str]) -> None:
        self._out, self._main, self._main_handle = out, main, main_handle
        self._stack = contextlib.ExitStack()
        self._seen: dict[str, str] = {}

    def path(self, table: Table) -> Path:
        if table.key == self._main:
            return self._out
        name = f"{self._out.stem}_{table.key}{self._out.suffix or '.csv'}"
        return inside(self._out.parent, self._out.with_name(name))

    def table(self, table: Table) -> TableOut:
        if table.key == self._main:
            handle = self._main_handle
        else:
            handle = self._stack.enter_context(
                os.fdopen(private_file(self.path(table)), "w", encoding="utf-8-sig", newline="")
            )
        writer = csv.writer(handle, lineterminator="\r\n")
        # A header is ours, but defused like a cell all the same.
        writer.writerow([defuse(one_line(h)) for h in table.headers()])
        return _CsvOut(writer, self._seen)

    def close(self) -> None:
        self._stack.close()


class _CsvOut:
    def __init__(self, writer: Any, seen: dict[str, str]) -> None:
        self._writer, self._seen = writer, seen

    def append(self, values: Sequence[CellValue]) -> None:
        seen = self._seen
        self._writer.writerow([_csv_cell(v, seen) for v in values])
