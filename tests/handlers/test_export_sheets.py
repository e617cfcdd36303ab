"""The export as an analyst opens it: typed cells, their words, People, Cases and WGEID sheets.

Real cases sealed to a real key, exported through the real layout, read back with openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from handlers.export_layout import export_layout
from handlers.forms import wgeid_gaps
from handlers.i18n import _, language
from storage.cases import CaseDocument
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from storage.export.cells import SPECIAL
from storage.sameperson import export_column
from tests.storage.cases import addendum, detention, forged_file, store

TODAY = dt.date(2022, 1, 20)


def missing_person(**answers: Any) -> CaseDocument:
    """A relative's report of a missing person, UN-ready unless `answers` take something away."""
    given: dict[str, Any] = {
        "consent": "yes",
        "reporter_role": "relative",
        "relationship": "sibling",
        "full_name": "Ержан Б.",
        "last_seen_when": {"date": "2022-01", "precision": "month"},
        "last_seen_where": {"region": "almaty", "town": None, "lat": None, "lon": None},
        "circumstances": "detained",
        "narrative": "Ушёл на площадь и не вернулся.",
        "believed_responsible": ["police"],
        "steps_taken": ["asked_police", "morgues"],
        "anonymous": "no",
        "reporter_name": "Айгуль Б.",
        "share_scope": ["reviewers", "un_bodies"],
        "follow_up": {"method": "this_chat", "detail": None},
        "more_details": "yes",
        "sex": "male",
        "age": "dont_know",
        "citizenship": "skipped",
    }
    given.update(answers)
    return CaseDocument(
        form_id="missing_person",
        form_version=1,
        language="ru",
        answers={k: v for k, v in given.items() if v is not None},
        submitted_at=dt.datetime(2022, 1, 20, 9, 0, tzinfo=dt.UTC),
        flags={"un_ready": False, "urgent": True},
    )


def with_links(document: CaseDocument, **links: str) -> CaseDocument:
    return CaseDocument(**{**document.__dict__, "links": links})


def sheet_rows(sheet: Worksheet) -> list[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def cells_by_header(sheet: Worksheet) -> list[dict[str, Any]]:
    """Each data row as header → the cell itself (to check its type)."""
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def csv_names(folder: Path) -> set[str]:
    return {path.name for path in folder.glob("*.csv")}


async def export(
    db: Database, key: ReviewerPrivateKey, out: Path, lang: str = "en", **options: Any
) -> None:
    form = ExportFormat(out.suffix[1:])
    request = ExportRequest(out, form, layout=export_layout(lang), **options)
    tally = await export_cases(db, key, request)
    assert tally.ok


async def test_dates_numbers_and_words_are_typed_cells_with_their_status_beside_them(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a missing person last seen "in January 2022", age "don't know", citizenship skipped
    await store(db, missing_person(), [reviewer_key.public], today=TODAY)
    await store(db, detention("kk"), [reviewer_key.public], today=TODAY)
    # When the reviewer exports a workbook
    await export(db, reviewer_key, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    (case,) = cells_by_header(book["Missing person"])
    # Then the date is a date (the month's first day) and its precision sits beside it
    assert case["Last seen: when"].is_date
    assert case["Last seen: when"].value.date() == dt.date(2022, 1, 1)
    assert case["Last seen: when: precision"].value == "Month only"
    # And an unknown age is an empty cell whose status says "Not known", not "Skipped"
    assert case["Age"].value is None and case["Age: status"].value == "Not known"
    assert case["Citizenship"].value is None and case["Citizenship: status"].value == "Skipped"
    # And choices are an analyst's words, and a number is a number
    assert case["Reporter"].value == "Relative"
    assert case["Steps taken"].value == "Asked the police; Checked morgues"
    (detained,) = cells_by_header(book["Detention or arrest"])
    assert detained["Received on"].is_date and detained["People listed"].value == 2
    ages = [row["Age"] for row in cells_by_header(book["People"])]
    typed = {(c.data_type, c.value) for c in ages}
    assert typed == {("n", 34), ("n", 19), ("n", None)}, "ages are numbers, an unknown one empty"


async def test_every_sheet_has_a_bold_frozen_filtered_header_and_widths(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await store(db, detention("ru"), [reviewer_key.public])
    await store(db, missing_person(), [reviewer_key.public])
    await export(db, reviewer_key, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames == ["Cases", "People", "WGEID", "Detention or arrest", "Missing person"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        last = sheet.cell(1, sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
        assert sheet.column_dimensions["A"].width == 34, sheet.title


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_headers_sheets_and_words_are_in_the_reviewers_language(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path, lang: str
) -> None:
    await store(db, detention("en"), [reviewer_key.public])
    await export(db, reviewer_key, tmp_path / "c.xlsx", lang)
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    with language(lang):
        cases, people, title = _("Cases"), _("People"), _("Detention or arrest")
        expected = [_("Case"), _("Report type"), _("Received on"), _("Date")]
        eyewitness, relative, police = _("Eyewitness"), _("Relative"), _("Police")
        reporter, exact, detained_by = _("Reporter"), _("Exact"), _("Detained by")
        date, precision = _("Date"), _("{field}: precision").format(field=_("Date"))
    assert "Cases" not in (cases, people) and eyewitness != "Eyewitness"
    assert precision != "Date: precision"
    assert book.sheetnames == [cases, people, title]
    assert [c.value for c in book[cases][1]][:4] == expected
    (row,) = sheet_rows(book[title])
    assert row[reporter] == relative
    assert police in row[detained_by]
    assert row[date].date() == dt.date(2022, 1, 6) and row[precision] == exact
    (case,) = sheet_rows(book[cases])
    assert case[expected[1]] == title


async def test_people_has_a_row_per_person_and_cases_counts_them(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    two = await store(db, detention("kk"), [reviewer_key.public])
    one = await store(db, missing_person(), [reviewer_key.public])
    await store(db, addendum(one.case_id), [reviewer_key.public])
    await export(db, reviewer_key, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    people = sheet_rows(book["People"])
    assert sorted((p["Case"], p["Person no."], p["Name"]) for p in people) == sorted(
        [(two.case_id, 1, "А. Б."), (two.case_id, 2, "C. D."), (one.case_id, 1, "Ержан Б.")]
    )
    people.sort(key=lambda p: (p["Case"] != two.case_id, p["Person no."]))
    assert people[0]["Report type"] == "Detention or arrest"
    assert people[0]["Detention status"] == "Whereabouts unknown"
    assert people[0]["Perpetrators"] == "Plainclothes officers; Police"
    assert people[2]["Place: region"] == "Almaty (city)"
    cases = {c["Case"]: c for c in sheet_rows(book["Cases"])}
    assert set(cases) == {two.case_id, one.case_id}, "an addition is not a case of its own"
    assert (cases[two.case_id]["People listed"], cases[two.case_id]["Additions"]) == (2, 0)
    assert (cases[one.case_id]["People listed"], cases[one.case_id]["Additions"]) == (1, 1)
    (added,) = sheet_rows(book["Additions"])
    assert (
        added["Addition to"] == one.case_id and added["Notes"] == "Ол табылды.\nДенсаулығы жақсы."
    )


async def test_wgeid_sheet_says_which_un_elements_are_missing_and_which_case_is_urgent(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    ready = await store(db, missing_person(), [reviewer_key.public])
    anonymous = missing_person(anonymous="yes", reporter_name=None, steps_taken=["none_possible"])
    gaps = await store(db, anonymous, [reviewer_key.public])
    await store(db, detention(), [reviewer_key.public])
    await export(db, reviewer_key, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    rows = {r["Case"]: r for r in sheet_rows(book["WGEID"])}
    assert set(rows) == {ready.case_id, gaps.case_id}, "missing-person cases only"
    assert rows[ready.case_id]["Missing UN elements"] is None
    assert rows[gaps.case_id]["Missing UN elements"] == "Steps taken; Submitter's identity"
    assert rows[gaps.case_id]["Urgent"] == "Yes"
    for element in ("Full name", "Last seen: when", "Last seen: where: region", "Steps taken"):
        assert element in rows[ready.case_id], element
    assert rows[ready.case_id]["Believed responsible"] == "Police"
    (own,) = [r for r in sheet_rows(book["Missing person"]) if r["Case"] == gaps.case_id]
    assert own["Missing UN elements"] == "Steps taken; Submitter's identity"


async def test_a_link_group_shows_only_when_two_exported_cases_share_it(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    shared, alone = "a" * 32, "b" * 32
    first = await store(db, with_links(detention(), group=shared), [reviewer_key.public])
    second = await store(db, with_links(missing_person(), group=shared), [reviewer_key.public])
    lonely = await store(db, with_links(detention("kk"), group=alone), [reviewer_key.public])
    await export(db, reviewer_key, tmp_path / "c.csv")
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as handle:
        groups = {r["Case"]: r["Linked reports"] for r in csv.DictReader(handle)}
    assert groups == {first.case_id: shared, second.case_id: shared, lonely.case_id: ""}


async def test_csv_has_a_file_per_table_with_the_sheets_columns(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await store(db, detention(), [reviewer_key.public])
    await store(db, missing_person(), [reviewer_key.public])
    await export(db, reviewer_key, tmp_path / "c.csv")
    await export(db, reviewer_key, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    files = {"c.csv": "Cases", "c_people.csv": "People", "c_wgeid.csv": "WGEID"}
    files |= {"c_detention.csv": "Detention or arrest", "c_missing_person.csv": "Missing person"}
    assert csv_names(tmp_path) == set(files)
    for name, title in files.items():
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [c.value for c in book[title][1]], name


async def test_jsonl_keeps_skipped_apart_from_dont_know(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await store(db, missing_person(), [reviewer_key.public])
    victims = [{"name": "prefer_not", "age": "dont_know"}]
    await store(db, detention(extra={"victims": victims}), [reviewer_key.public])
    await export(db, reviewer_key, tmp_path / "c.jsonl")
    records = map(json.loads, (tmp_path / "c.jsonl").read_text("utf-8").splitlines())
    missing, detained = sorted(records, key=lambda r: r["form"]["id"] != "missing_person")
    assert missing["statuses"] == {"age": "dont_know", "citizenship": "skipped"}
    assert missing["wgeid_gaps"] == []
    assert detained["statuses"] == {"victims.1.name": "prefer_not", "victims.1.age": "dont_know"}


async def test_three_spellings_of_one_missing_man_share_a_possible_same_person_id(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given one missing man registered in Kazakh, Russian and Latin spellings by three people,
    # and another man whose first name differs
    spellings = ("Махамбет Әбжан", "Махамбет Абжан", "Makhambet Abzhan")
    same = [
        await store(db, missing_person(full_name=name, age="34"), [reviewer_key.public])
        for name in spellings
    ]
    other = await store(
        db, missing_person(full_name="Мархабат Әбжан", age="34"), [reviewer_key.public]
    )
    # When the reviewer exports with the same-person matcher the CLI uses
    await export(db, reviewer_key, tmp_path / "c.xlsx", same_person=export_column)
    cases = {c["Case"]: c for c in sheet_rows(openpyxl.load_workbook(tmp_path / "c.xlsx")["Cases"])}
    # Then the three share one group id, and the other man has none
    groups = {cases[s.case_id]["Possible same person"] for s in same}
    assert len(groups) == 1 and None not in groups and "" not in groups, groups
    assert cases[other.case_id]["Possible same person"] in (None, "")


async def test_a_place_shared_as_coordinates_gets_its_region(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a relative who shared the location where he was last seen (Taldykorgan), no region
    where = {"region": None, "town": None, "lat": 45.017, "lon": 78.382}
    case = await store(db, missing_person(last_seen_where=where), [reviewer_key.public])
    # When the reviewer exports
    await export(db, reviewer_key, tmp_path / "c.xlsx")
    (person,) = sheet_rows(openpyxl.load_workbook(tmp_path / "c.xlsx")["People"])
    # Then the region is the one the point lies in, in the analyst's words
    assert person["Case"] == case.case_id
    assert person["Place: region"] == "Jetisu Region"


async def test_one_case_comes_with_the_additions_its_witness_sent_in_every_format(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a report with two additions, and another report with one
    public = [reviewer_key.public]
    case = await store(db, detention("kk"), public)
    other = await store(db, missing_person(), public)
    added = [await store(db, addendum(case.case_id), public, today=TODAY) for _ in range(2)]
    await store(db, addendum(other.case_id), public, today=TODAY)
    wanted = [case.case_id, *sorted(a.case_id for a in added)]
    # When the reviewer exports that one case (as `--receipt` does), in every format
    for form in ExportFormat:
        await export(db, reviewer_key, tmp_path / f"one.{form}", case_id=case.case_id)
    # Then each holds the case and its two additions, and no other case or addition
    records = map(json.loads, (tmp_path / "one.jsonl").read_text("utf-8").splitlines())
    assert [r["case_id"] for r in records] == wanted
    with (tmp_path / "one.csv").open(encoding="utf-8-sig", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["Case"], row["Additions"]) == (case.case_id, "2")
    with (tmp_path / "one_additions.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [(r["Case"], r["Addition to"]) for r in csv.DictReader(handle)] == [
            (a, case.case_id) for a in wanted[1:]
        ]
    book = openpyxl.load_workbook(tmp_path / "one.xlsx")
    (row,) = sheet_rows(book["Cases"])
    assert (row["Case"], row["Additions"]) == (case.case_id, 2)
    assert [r["Case"] for r in sheet_rows(book["Additions"])] == wanted[1:]


FORMAT_MD = Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md"


def jsonl_section() -> str:
    """docs/FORMAT.md §11, which tells an analyst's script what a JSONL line holds."""
    text = FORMAT_MD.read_text("utf-8")
    return text[text.index("## 11. The JSONL export") : text.index("## Versioning")]


def first_column(section: str, header: str) -> list[str]:
    """The codes in the first column of the Markdown table whose first header is `header`."""
    lines = [line.strip() for line in section.splitlines()]
    start = lines.index(next(line for line in lines if line.startswith(f"| {header} |")))
    rows = itertools.takewhile(lambda line: line.startswith("|"), lines[start + 2 :])
    return [row.split("|")[1].strip().strip("`") for row in rows]


async def test_format_md_shows_the_fields_a_jsonl_line_adds_as_an_export_writes_them(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given the case of FORMAT.md's example: age "don't know", citizenship skipped, a photo,
    # an anonymous witness who took no steps
    anonymous = missing_person(anonymous="yes", reporter_name=None, steps_taken=["none_possible"])
    photo = await forged_file(db, reviewer_key.public)
    document = CaseDocument(**{**anonymous.__dict__, "attachments": (photo,)})
    case = await store(db, document, [reviewer_key.public], today=TODAY)
    # When it is exported as JSONL
    await export(db, reviewer_key, tmp_path / "c.jsonl")
    (record,) = map(json.loads, (tmp_path / "c.jsonl").read_text("utf-8").splitlines())
    # Then the example shows the added fields as they are written, where they are written
    section = jsonl_section()
    example = json.loads(section.split("```json\n")[1].split("```")[0])
    added = json.dumps({key: record[key] for key in example}).replace(case.case_id, "<case id>")
    assert json.loads(added) == example
    keys = list(record)
    assert keys[0] == "received_day" and keys[-3:] == list(example)[1:]
    # And its tables list every status and every UN element there is, in the export's order
    assert first_column(section, "status") == ["skipped", "dont_know", "prefer_not"]
    assert set(first_column(section, "status")) == SPECIAL
    assert first_column(section, "element") == list(wgeid_gaps({}))
