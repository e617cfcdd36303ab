"""`kuager wgeid CASE --out FILE.docx` as a desk officer runs it: the real executable."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import docx
import pytest

from storage.cases import seal_case
from storage.database import Database
from tests.bot.test_reviewer_cli import kuager, public
from tests.storage.cases import addendum, detention, missing_person, store


@pytest.fixture(scope="module")
def alice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    result = kuager("keygen", "--out", str(folder), "--name", "alice")
    assert result.returncode == 0, result.stderr
    return folder


async def two_cases(alice: Path, database_url: str) -> tuple[str, str]:
    db = Database(database_url)
    try:
        missing = await store(db, missing_person("kk"), [public(alice, "alice")])
        detained = await store(db, detention("ru"), [public(alice, "alice")])
    finally:
        await db.close()
    return missing.case_id, detained.case_id


async def wgeid(alice: Path, database_url: str, case_id: str, out: Path, *extra: str) -> Any:
    return await asyncio.to_thread(
        kuager,
        "wgeid",
        case_id,
        "--key",
        str(alice / "alice.key"),
        "--out",
        str(out),
        "--database",
        database_url,
        *extra,
    )


async def test_a_missing_person_case_becomes_a_draft(
    alice: Path, database_url: str, tmp_path: Path
) -> None:
    missing, _ = await two_cases(alice, database_url)
    out = tmp_path / "wgeid.docx"
    result = await wgeid(alice, database_url, missing, out)
    assert result.returncode == 0, result.stderr
    assert f"WGEID draft of case {missing} written" in result.stdout
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert missing in text and "enforced disappearance" in text
    cells = [c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells]
    assert "Ерлан Серікұлы Жақсыбеков" in cells

    again = await wgeid(alice, database_url, missing, out)
    assert again.returncode == 2 and "--force" in again.stderr
    assert (await wgeid(alice, database_url, missing, out, "--force")).returncode == 0


async def test_an_addition_the_same_day_does_not_stand_in_for_its_case(
    alice: Path, database_url: str, tmp_path: Path
) -> None:
    # Given a missing-person case and, the same day, an addition whose id sorts before it
    key = public(alice, "alice")
    db = Database(database_url)
    try:
        day = dt.date(2022, 1, 9)
        missing = await store(db, missing_person("kk"), [key], today=day)
        added, first = addendum(missing.case_id), "0" * 32
        async with db.transaction() as session:
            await seal_case(session, added, [key], today=day, case_id=first, with_receipt=False)
    finally:
        await db.close()
    # When the desk officer drafts the case, the draft is of the case, not its addition
    result = await wgeid(alice, database_url, missing.case_id, tmp_path / "wgeid.docx")
    assert result.returncode == 0, result.stderr
    assert f"WGEID draft of case {missing.case_id} written" in result.stdout


async def test_another_report_or_an_unknown_case_is_one_line_and_status_2(
    alice: Path, database_url: str, tmp_path: Path
) -> None:
    _, detained = await two_cases(alice, database_url)
    out = tmp_path / "wgeid.docx"
    cases = {
        detained: "only from a missing-person report",
        "a" * 32: f"no case {'a' * 32} that this key can open",
        "../../etc/passwd": "is not a case id",
    }
    for case_id, words in cases.items():
        result = await wgeid(alice, database_url, case_id, out)
        assert result.returncode == 2, result.stderr
        assert words in result.stderr and len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert not out.exists()
