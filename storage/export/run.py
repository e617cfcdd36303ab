"""`export_cases`: decrypt every case sealed to a key, then write JSONL, CSV or a workbook.

JSONL is written as cases are decrypted: the sealed document as it is, plus the per-field
statuses and the UN elements it lacks. A spreadsheet needs what only the last case can tell
(whether a link group is shared, how many additions a case has), so its cases are spilled to
an unnamed temporary file beside the output (already deleted on disk, gone when closed) and
written out in a second pass, table by table, rather than held in memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import marshal
import os
import struct
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Protocol
from zipfile import ZIP_DEFLATED, ZipFile

from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.defuse import json_line, private_file
from storage.export.cells import answer_statuses
from storage.export.files import attachments_folder, write_attachments
from storage.export.layout import Layout, Table, raw_layout
from storage.export.opening import ExportTally, Selection, open_cases
from storage.export.rows import CaseFacts, Links, OpenedCase, Plan, in_table, rows
from storage.export.writers import CsvFiles, Scratch, Sheets, TableOut, csv_file, csv_name
from storage.retention import ack_for


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Person:
    """One person of an exported case, for a matcher of possible same persons."""

    case_id: str
    form_id: str
    received_day: dt.date
    number: int
    details: Mapping[str, Any]
    """The person's own answers (name, sex, age...), as stored."""
    answers: Mapping[str, Any]
    """The whole case's answers (date, place...)."""


SamePerson = Callable[[Sequence[Person]], Mapping[str, str]]
"""People of every exported case → case id → possible-same-person group id."""


@dataclass(frozen=True)
class ExportRequest:
    """What a reviewer asked `kuager export` for."""

    out: Path
    format: ExportFormat
    form_id: str | None = None
    since: dt.date | None = None
    case_id: str | None = None
    """This case and the additions its witness sent to it (`--receipt`)."""
    layout: Layout | None = None
    """The tables and their words; `raw_layout()` when None."""
    attachments: bool = True
    """False for `--no-attachments`: no file is decrypted or written."""
    same_person: SamePerson | None = None
    """Fills the possible-same-person column; left empty when None."""
    skip: frozenset[str] = frozenset()
    """Cases to leave out: those this key acked before (`--new`)."""

    @property
    def selection(self) -> Selection:
        return Selection(self.form_id, self.since, self.case_id)


class _Spill:
    """Decrypted cases on their way to a spreadsheet, in a deleted temporary file.

    Each record is the case's clear facts and its parsed document in `marshal`'s format, behind
    its length: it reads back in under half the time JSON takes, and the document holds only
    what JSON gave (dicts, lists, strings, numbers). The file is this process's own, unnamed,
    written and read in one run, so marshal's lack of a stable or defended format is no matter.
    """

    def __init__(self, folder: Path) -> None:
        # Closed by `close()`, which export_cases calls through contextlib.closing.
        self._file: IO[bytes] = tempfile.TemporaryFile("w+b", dir=folder)  # noqa: SIM115
        self.forms: Counter[str] = Counter()

    def close(self) -> None:
        self._file.close()

    def add(self, case: OpenedCase, files: list[str]) -> None:
        day = case.received_day.toordinal()
        record = marshal.dumps((case.case_id, case.form_id, day, files, case.document))
        self._file.write(_LENGTH.pack(len(record)) + record)
        self.forms[case.form_id] += 1

    def cases(self) -> Iterator[tuple[OpenedCase, list[str]]]:
        self._file.seek(0)
        read = self._file.read
        while length := read(_LENGTH.size):
            (size,) = _LENGTH.unpack(length)
            case_id, form_id, day, files, document = marshal.loads(read(size))  # noqa: S302
            yield OpenedCase(case_id, form_id, dt.date.fromordinal(day), document), files


_LENGTH = struct.Struct("<I")


async def export_cases(
    db: Database,
    private_key: ReviewerPrivateKey,
    request: ExportRequest,
    progress: Callable[[int], None] = lambda n: None,
) -> ExportTally:
    """Decrypt every case sealed to `private_key` and write them to `request.out`.

    The output file is opened (readable by the reviewer alone) before anything is decrypted,
    so a folder that is missing or not writable fails at once, not after the last case.
    """
    tally, links = ExportTally(), Links()
    layout = request.layout or raw_layout()
    binary = request.format is ExportFormat.XLSX
    encoding = "utf-8-sig" if request.format is ExportFormat.CSV else "utf-8"
    with (
        os.fdopen(
            private_file(request.out),
            "wb" if binary else "w",
            encoding=None if binary else encoding,
            newline=None if binary else "",
        ) as out,
        contextlib.closing(_Spill(request.out.parent)) as spill,
    ):
        async for case, files in _decrypt_all(db, private_key, request, tally, progress):
            if request.format is ExportFormat.JSONL:
                record = jsonl_record(case, files, layout)
                out.write(json_line(json.dumps(record, ensure_ascii=False)) + "\n")
            else:
                links.count(case, layout)
                spill.add(case, files)
        if request.format is ExportFormat.JSONL:
            return tally
        if request.same_person is not None:
            links.same_person = request.same_person(list(_people(spill, layout, links)))
        _write_tables(request, layout, spill, links, out)
    return tally


def jsonl_record(case: OpenedCase, files: list[str], layout: Layout) -> dict[str, Any]:
    """The sealed document as it is, plus what an analyst's script would otherwise redo.

    The added fields are the export's own: a hand-sealed document that carries one (a received
    day before the events it reports) does not set it; the clear, chained day stands."""
    record: dict[str, Any] = {"received_day": None, **case.document}
    record["received_day"] = case.received_day.isoformat()
    record["attachment_files"] = files
    record["statuses"] = answer_statuses(case.answers)
    un_gaps = layout.form(case.form_id).un_gaps
    if un_gaps is not None:
        record["wgeid_gaps"] = list(un_gaps(case.answers))
    return record


async def _decrypt_all(
    db: Database,
    private_key: ReviewerPrivateKey,
    request: ExportRequest,
    tally: ExportTally,
    progress: Callable[[int], None],
) -> Any:
    folder = attachments_folder(request.out)
    async with db.sessions() as session, session.begin():
        async for case in open_cases(session, private_key, tally, request.selection):
            if case.case_id in request.skip:
                tally.skipped_known += 1
                continue
            files: list[str] = []
            if request.attachments:
                files = await write_attachments(session, case, private_key, folder, tally)
            yield case, files
            tally.exported += 1
            ack = ack_for(case.case_id, case.document, private_key.public.key_id)
            if ack is not None:
                tally.acks.append(ack)
            progress(1)


def _people(spill: _Cases, layout: Layout, links: Links) -> Iterator[Person]:
    for case, files in spill.cases():
        facts = CaseFacts(case, files, layout, links)
        if layout.form(case.form_id).addition or case.form_id not in layout.forms:
            continue
        for number, details in enumerate(facts.people, start=1):
            yield Person(
                case.case_id, case.form_id, case.received_day, number, details, case.answers
            )


def _widths(layout: Layout, table: Table) -> list[int]:
    columns = next(iter(table.columns.values()), table.fallback or ())
    return [c.width for c in columns]


class _Cases(Protocol):
    """Decrypted cases waiting for the tables: spilled to a file, or held by the desk."""

    forms: Counter[str]

    def cases(self) -> Iterator[tuple[OpenedCase, list[str]]]: ...


class _Held:
    """Cases the desk already holds decrypted in memory (no attachments written)."""

    def __init__(self, cases: Sequence[OpenedCase]) -> None:
        self._cases = cases
        self.forms = Counter(case.form_id for case in cases)

    def cases(self) -> Iterator[tuple[OpenedCase, list[str]]]:
        return ((case, []) for case in self._cases)


def _tables(layout: Layout, cases: _Cases) -> list[Table]:
    return [
        t for t in layout.tables if t.always or any(in_table(layout, t, f) for f in cases.forms)
    ]


def _write_tables(
    request: ExportRequest, layout: Layout, spill: _Spill, links: Links, out: IO[Any]
) -> None:
    tables = _tables(layout, spill)
    if request.format is ExportFormat.XLSX:
        folder = request.out.parent

        def scratch() -> IO[bytes]:
            # Closed once its sheet is zipped (writers._Zipper).
            return tempfile.TemporaryFile("w+b", dir=folder)

        _workbook(tables, layout, spill, links, scratch, out)
        return
    main = layout.tables[0].key
    with contextlib.ExitStack() as stack:

        def open_table(table: Table) -> IO[str]:
            if table.key == main:
                return out
            return stack.enter_context(csv_file(csv_name(request.out, main, table)))

        _csv_tables(tables, layout, spill, links, open_table)


def tables_in_memory(
    cases: Sequence[OpenedCase],
    format: ExportFormat,
    layout: Layout,
    same_person: SamePerson | None = None,
    name: str = "cases",
) -> bytes:
    """The tables of cases already decrypted, as an XLSX workbook or a ZIP of CSV files
    (`name.csv`, `name_people.csv`, ...), built in memory: the desk's download, which must leave
    nothing decrypted on the disk but what the reviewer's browser saves."""
    held, links = _Held(cases), Links()
    for case in cases:
        links.count(case, layout)
    if same_person is not None:
        links.same_person = same_person(list(_people(held, layout, links)))
    tables, built = _tables(layout, held), io.BytesIO()
    if format is ExportFormat.XLSX:
        _workbook(tables, layout, held, links, io.BytesIO, built)
        return built.getvalue()
    if format is not ExportFormat.CSV:
        raise ValueError(f"no tables in {format}")
    main, texts = layout.tables[0].key, {t.key: io.StringIO(newline="") for t in tables}
    _csv_tables(tables, layout, held, links, lambda table: texts[table.key])
    out = Path(f"{name}.csv")
    with ZipFile(built, "w", ZIP_DEFLATED) as archive:
        for table in tables:
            text = texts[table.key].getvalue().encode("utf-8-sig")
            archive.writestr(csv_name(out, main, table).name, text)
    return built.getvalue()


def _workbook(
    tables: list[Table],
    layout: Layout,
    cases: _Cases,
    links: Links,
    scratch: Scratch,
    out: IO[bytes],
) -> None:
    sheets = Sheets(scratch)
    _fill(
        tables, layout, cases, links, {t.key: sheets.table(t, _widths(layout, t)) for t in tables}
    )
    sheets.save(out)


def _csv_tables(
    tables: list[Table],
    layout: Layout,
    cases: _Cases,
    links: Links,
    open_table: Callable[[Table], IO[str]],
) -> None:
    files = CsvFiles(open_table)
    _fill(tables, layout, cases, links, {t.key: files.table(t) for t in tables})


def _fill(
    tables: list[Table],
    layout: Layout,
    cases: _Cases,
    links: Links,
    outs: Mapping[str, TableOut],
) -> None:
    plan = Plan(layout, tables)
    for case, files in cases.cases():
        facts = CaseFacts(case, files, layout, links)
        for table, getters in plan.tables_of(case.form_id):
            target = outs[table.key]
            for values in rows(facts, table, getters):
                target.append(values)
