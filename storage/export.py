"""Decrypting cases on a reviewer's machine and writing them out for people to read.

A reviewer opens the export in a spreadsheet, so: one row per case and one column per field;
CSV in UTF-8 with a BOM (Excel otherwise shows Cyrillic and Kazakh letters as mojibake); and
every cell and column header that would start a formula is defused, because a witness's text
is untrusted input and `=HYPERLINK(...)` in a reviewer's Excel is an attack on the reviewer.

Whoever can write to the database can also seal a case of their own to the reviewers' public
keys, so nothing in a case is trusted on the reviewer's laptop either: case ids must have the
shape the bot makes, every name that becomes a file goes through `storage.defuse`, and the
export writes only inside the folder the reviewer chose, readable by the reviewer alone.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.attachments import open_attachment
from storage.cases import is_object_id
from storage.crypto.envelope import KeyStanza, NotARecipient, Sealed, TamperedCase, open_sealed
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.defuse import (
    OutsideExport,
    cell_text,
    defuse,
    inside,
    json_line,
    one_line,
    private_file,
    private_folder,
    safe_file_name,
    sheet_title,
)
from storage.models import Case, WrappedKey
from storage.retention import CaseAck, ack_for

META_COLUMNS = (
    "case_id",
    "form",
    "form_version",
    "received_day",
    "submitted_at",
    "language",
)
_SECTIONS: dict[str, type] = {
    "form": dict,
    "answers": dict,
    "links": dict,
    "flags": dict,
    "attachments": list,
}


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class OpenedCase:
    """A decrypted case: its clear metadata and the sealed document."""

    case_id: str
    form_id: str
    received_day: dt.date
    document: dict[str, Any]


@dataclass
class ExportTally:
    """What happened to every case, for the closing summary and the exit status."""

    exported: int = 0
    not_for_this_key: int = 0
    tampered: list[str] = field(default_factory=list)
    attachments: int = 0
    attachment_problems: list[str] = field(default_factory=list)
    """Attachments missing, altered or not matching their hash."""
    unwritable: list[str] = field(default_factory=list)
    """Attachments this disk would not take (or that would land outside the export)."""
    purged: int = 0
    """Cases whose body was purged: the reviewers' earlier exports hold them."""
    skipped_known: int = 0
    """Cases this key had acked before, left out by `--new`."""
    acks: list[CaseAck] = field(default_factory=list)
    """One per case exported (sent since acks exist): the proof this key holds it."""

    @property
    def ok(self) -> bool:
        return not (self.tampered or self.attachment_problems or self.unwritable)


async def open_cases(
    session: AsyncSession,
    private_key: ReviewerPrivateKey,
    tally: ExportTally,
    *,
    form_id: str | None = None,
    since: dt.date | None = None,
    only_case: str | None = None,
) -> AsyncIterator[OpenedCase]:
    """Every case this key can open, oldest day first; others are counted in `tally`.

    `only_case` narrows it to the case with that id (`kuager wgeid CASE`)."""
    key_id = private_key.public.key_id
    query = (
        select(Case.id, Case.form_id, Case.received_day, Case.body, WrappedKey.wrapped)
        .outerjoin(WrappedKey, and_(WrappedKey.object_id == Case.id, WrappedKey.key_id == key_id))
        .order_by(Case.received_day, Case.id)
        .execution_options(yield_per=1000)
    )
    if form_id is not None:
        query = query.where(Case.form_id == form_id)
    if since is not None:
        query = query.where(Case.received_day >= since)
    if only_case is not None:
        query = query.where(Case.id == only_case)
    rows = await session.stream(query)
    async for case_id, form, day, body, wrapped in rows:
        if not body:
            # Purged (storage.retention): nothing is left to open.
            tally.purged += 1
            continue
        if wrapped is None:
            tally.not_for_this_key += 1
            continue
        if not is_object_id(case_id):
            # The bot never makes such an id, and it would become a folder on the reviewer's disk.
            tally.tampered.append(case_id)
            continue
        stanza = KeyStanza(key_id, private_key.kind, wrapped)
        try:
            plain = open_sealed(
                Sealed(body, (stanza,)), private_key, object_id=case_id, context=form
            )
            document = json.loads(plain)
            if not _well_formed(document, case_id):
                raise TamperedCase("document is not one the bot writes for this case")
        except (TamperedCase, NotARecipient, ValueError):
            tally.tampered.append(case_id)
            continue
        yield OpenedCase(case_id, form, day, document)


def _well_formed(document: Any, case_id: str) -> bool:
    """The shape docs/FORMAT.md gives a case document; a hand-sealed one may have another."""
    if not isinstance(document, dict) or document.get("case_id") != case_id:
        return False
    if any(not isinstance(document.get(key, kind()), kind) for key, kind in _SECTIONS.items()):
        return False
    return all(isinstance(ref, dict) for ref in document.get("attachments", []))


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested answers as spreadsheet columns: `victims.1.name`, lists of codes joined by `; `."""
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        if all(not isinstance(v, Mapping | list) for v in value):
            return {prefix: "; ".join(_scalar(v) for v in value)}
        out = {}
        for index, item in enumerate(value, start=1):
            out.update(flatten(item, f"{prefix}.{index}"))
        return out
    return {prefix: _scalar(value)}


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


Labeller = Callable[[str, str, str], str]
"""(form id, column, value) → the value as the reviewer should read it (e.g. in --lang)."""


def case_row(
    case: OpenedCase, files: Iterable[str] = (), labeller: Labeller | None = None
) -> dict[str, str]:
    doc = case.document
    row = {
        "case_id": case.case_id,
        "form": case.form_id,
        "form_version": _scalar(doc.get("form", {}).get("version")),
        "received_day": case.received_day.isoformat(),
        "submitted_at": _scalar(doc.get("submitted_at")),
        "language": _scalar(doc.get("language")),
    }
    for key, value in flatten(doc.get("links", {}), "links").items():
        row[key] = value
    for key, value in flatten(doc.get("flags", {}), "flags").items():
        row[key] = value
    for key, value in flatten(doc.get("answers", {})).items():
        row[key] = labeller(case.form_id, key, value) if labeller else value
    row["attachments"] = "; ".join(files)
    return row


async def write_attachments(
    session: AsyncSession,
    case: OpenedCase,
    private_key: ReviewerPrivateKey,
    folder: Path,
    tally: ExportTally,
) -> list[str]:
    """Decrypt a case's attachments into `folder/<case id>/`, checking each SHA-256.

    One attachment that cannot be written (a name this disk refuses, a full disk, a path that
    would leave `folder`) is named in `tally.unwritable` and skipped; the export goes on.
    """
    written: list[str] = []
    for index, ref in enumerate(case.document.get("attachments", []), start=1):
        name = safe_file_name(index, str(ref.get("name", "")), str(ref.get("kind", "")))
        attachment_id = ref.get("attachment_id")
        try:
            if not isinstance(attachment_id, str) or not is_object_id(attachment_id):
                raise TamperedCase("not an attachment id")
            target = inside(folder, folder / case.case_id / name)
            private_folder(folder)
            private_folder(target.parent)
            sha256 = await _decrypt_into(session, attachment_id, private_key, target)
        except (TamperedCase, NotARecipient):
            tally.attachment_problems.append(
                f"{case.case_id}: attachment {index} is missing or altered"
            )
            continue
        except (OSError, OutsideExport) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            tally.unwritable.append(
                f"{case.case_id}: attachment {index} ({name}) cannot be written: {reason}"
            )
            continue
        if sha256 != ref.get("sha256"):
            tally.attachment_problems.append(
                f"{case.case_id}: attachment {index} does not match its hash"
            )
            continue
        tally.attachments += 1
        written.append(str(target.relative_to(folder.parent)))
    return written


async def _decrypt_into(
    session: AsyncSession, attachment_id: str, private_key: ReviewerPrivateKey, target: Path
) -> str:
    """Decrypt one attachment into `target` and return its SHA-256; a failed one leaves nothing."""
    digest = hashlib.sha256()
    with os.fdopen(private_file(target), "wb") as out:
        try:
            async for piece in open_attachment(session, attachment_id, private_key):
                digest.update(piece)
                out.write(piece)
        except BaseException:
            # Blocking, like the writes above: an export is the only task on its event loop.
            target.unlink(missing_ok=True)  # noqa: ASYNC240
            raise
    return digest.hexdigest()


class RowSink:
    """Collects rows per form, then writes CSV or XLSX with columns in first-seen order.

    A spreadsheet's columns must be known before its first row, but holding 100,000 rows in
    memory would not do on a reviewer's laptop: rows are spilled to an unnamed temporary file
    beside the output (already deleted on disk, gone when closed) and read back once.
    """

    def __init__(self, folder: Path) -> None:
        # Closed by `close()`, which export_cases calls through contextlib.closing.
        self._spill: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", dir=folder)  # noqa: SIM115
        self.columns: dict[str, dict[str, None]] = {}

    def close(self) -> None:
        self._spill.close()

    def add(self, form_id: str, row: dict[str, str]) -> None:
        self._spill.write(json.dumps([form_id, row], ensure_ascii=False) + "\n")
        columns = self.columns.setdefault(form_id, dict.fromkeys(META_COLUMNS))
        for key in row:
            columns.setdefault(key, None)

    def _rows(self) -> Iterator[tuple[str, dict[str, str]]]:
        self._spill.seek(0)
        for line in self._spill:
            form_id, row = json.loads(line)
            yield form_id, row

    def _form_columns(self, form_id: str) -> list[str]:
        return [*[c for c in self.columns[form_id] if c != "attachments"], "attachments"]

    def write_csv(self, out: IO[str]) -> None:
        merged: dict[str, None] = {}
        for form_id in self.columns:
            merged.update(dict.fromkeys(self._form_columns(form_id)[:-1]))
        columns = [*(merged or dict.fromkeys(META_COLUMNS)), "attachments"]
        writer = csv.writer(out, lineterminator="\r\n")
        # A column header comes from the case too (an answer's key): defused like a cell.
        writer.writerow([defuse(one_line(c)) for c in columns])
        for _form_id, row in self._rows():
            writer.writerow([defuse(cell_text(row.get(c, ""))) for c in columns])

    def write_xlsx(self, out: IO[bytes]) -> None:
        book = Workbook(write_only=True)
        sheets = {}
        titles: set[str] = set()
        for form_id in self.columns:
            sheet = sheets[form_id] = book.create_sheet(title=sheet_title(form_id, titles))
            sheet.append([_text_cell(sheet, one_line(c)) for c in self._form_columns(form_id)])
        for form_id, row in self._rows():
            sheet = sheets[form_id]
            columns = self._form_columns(form_id)
            sheet.append([_text_cell(sheet, cell_text(row.get(c, ""))) for c in columns])
        if not sheets:
            book.create_sheet(title="cases").append(list(META_COLUMNS))
        book.save(out)


def _text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    # openpyxl turns a string starting with "=" into a formula; force it to stay text.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class ExportRequest:
    """What a reviewer asked `kuager export` for."""

    out: Path
    format: ExportFormat
    form_id: str | None = None
    since: dt.date | None = None
    labeller: Labeller | None = None
    attachments: bool = True
    """False for `--no-attachments`: no file is decrypted or written."""
    skip: frozenset[str] = frozenset()
    """Cases to leave out: those this key acked before (`--new`)."""


def attachments_folder(out: Path) -> Path:
    return out.with_name(out.stem + "_attachments")


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
    tally = ExportTally()
    binary = request.format is ExportFormat.XLSX
    encoding = "utf-8-sig" if request.format is ExportFormat.CSV else "utf-8"
    with (
        os.fdopen(
            private_file(request.out),
            "wb" if binary else "w",
            encoding=None if binary else encoding,
            newline=None if binary else "",
        ) as out,
        contextlib.closing(RowSink(request.out.parent)) as sink,
    ):
        await _decrypt_all(db, private_key, request, sink, tally, progress, out)
        if request.format is ExportFormat.CSV:
            sink.write_csv(out)
        elif request.format is ExportFormat.XLSX:
            sink.write_xlsx(out)
    return tally


async def _decrypt_all(
    db: Database,
    private_key: ReviewerPrivateKey,
    request: ExportRequest,
    sink: RowSink,
    tally: ExportTally,
    progress: Callable[[int], None],
    out: IO[Any],
) -> None:
    folder = attachments_folder(request.out)
    async with db.sessions() as session, session.begin():
        async for case in open_cases(
            session, private_key, tally, form_id=request.form_id, since=request.since
        ):
            if case.case_id in request.skip:
                tally.skipped_known += 1
                continue
            files: list[str] = []
            if request.attachments:
                files = await write_attachments(session, case, private_key, folder, tally)
            if request.format is ExportFormat.JSONL:
                record = {"received_day": case.received_day.isoformat(), **case.document}
                record["attachment_files"] = files
                out.write(json_line(json.dumps(record, ensure_ascii=False)) + "\n")
            else:
                sink.add(case.form_id, case_row(case, files, request.labeller))
            tally.exported += 1
            ack = ack_for(case.case_id, case.document, private_key.public.key_id)
            if ack is not None:
                tally.acks.append(ack)
            progress(1)


async def count_cases(
    db: Database, form_id: str | None = None, since: dt.date | None = None
) -> int:
    """How many cases an export will walk (for the progress bar's total)."""
    query = select(func.count()).select_from(Case)
    if form_id is not None:
        query = query.where(Case.form_id == form_id)
    if since is not None:
        query = query.where(Case.received_day >= since)
    async with db.sessions() as session:
        return (await session.execute(query)).scalar_one()
