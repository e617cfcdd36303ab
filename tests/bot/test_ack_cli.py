"""Acks as a reviewer makes them: `kuager export` writes and records them, `kuager ack` brings
an export of a copy back to the live database, `export --new` leaves out what was fetched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.models import Ack, Release
from storage.retention import ack_file_path
from tests.bot.test_casework_cli import with_key
from tests.bot.test_reviewer_cli import keys, kuager, public
from tests.conftest import on_postgres
from tests.storage.cases import detention, forged_file, store

__all__ = ["keys"]


async def acked(db: Database) -> set[tuple[str, str]]:
    async with db.reading() as session:
        return {(a.case_id, a.key_id) for a in (await session.execute(select(Ack))).scalars()}


@pytest.mark.skipif(on_postgres(), reason="a copy of a PostgreSQL database is pg_dump's job")
async def test_an_export_of_a_copy_is_acked_on_the_live_database_with_its_ack_file(
    keys: Path, db: Database, database_url: str, tmp_path: Path
) -> None:
    # Given a live database with a case and its file, and a copy of it on a laptop
    ref = await forged_file(db, public(keys, "alice"))
    case = await store(db, detention("kk", attachments=[ref]), [public(keys, "alice")])
    await db.checkpoint()
    copy = tmp_path / "copy.db"
    shutil.copy(database_url, copy)
    # When alice exports the copy
    out = tmp_path / "cases.csv"
    exported = kuager("export", *with_key(keys, str(copy)), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    # Then the ack file beside the export holds ids and proofs, and nothing the witness said
    ack_file = ack_file_path(out)
    written = json.loads(ack_file.read_text())
    alice = public(keys, "alice").key_id
    assert written["key"] == alice
    assert [a["case"] for a in written["acks"]] == [case.case_id]
    assert list(written["acks"][0]["files"]) == [ref.attachment_id]
    assert "Алматы" not in ack_file.read_text() and ack_file.stat().st_mode & 0o777 == 0o600
    # And the live database knows nothing yet
    assert await acked(db) == set()
    # When she records the ack file on the live database
    recorded = kuager("ack", str(ack_file), "--database", database_url)
    assert recorded.returncode == 0, recorded.stderr
    assert "1 cases acked" in recorded.stdout
    # Then the live database counts her fetch, and the file's release
    assert await acked(db) == {(case.case_id, alice)}
    async with db.reading() as session:
        assert (await session.execute(select(Release.attachment_id))).scalars().all() == [
            ref.attachment_id
        ]
    # And recording it again changes nothing
    again = kuager("ack", str(ack_file), "--database", database_url)
    assert again.returncode == 0 and "1 acked before" in again.stdout


async def test_export_new_leaves_out_what_this_key_fetched_before(
    keys: Path, db: Database, database_url: str, tmp_path: Path
) -> None:
    both = [public(keys, "alice"), public(keys, "bob")]
    first = await store(db, detention("ru"), both)
    args = with_key(keys, database_url)
    # Given alice exported once (on the live database: acked there at once)
    out = tmp_path / "one.jsonl"
    assert kuager("export", *args, "--format", "jsonl", "--out", str(out)).returncode == 0
    assert await acked(db) == {(first.case_id, public(keys, "alice").key_id)}
    # When a new case arrives and she exports --new
    second = await store(db, detention("en"), both)
    out_new = tmp_path / "two.jsonl"
    fresh = kuager("export", *args, "--new", "--format", "jsonl", "--out", str(out_new))
    assert fresh.returncode == 0, fresh.stderr
    # Then only the new case is in it
    lines = [json.loads(line) for line in out_new.read_text().splitlines()]
    assert [line["case_id"] for line in lines] == [second.case_id]
    assert "skipped 1 cases this key exported before" in fresh.stdout
    # And bob, who fetched nothing yet, gets both with --new
    out_bob = tmp_path / "bob.jsonl"
    bob = kuager(
        "export",
        *with_key(keys, database_url, "bob"),
        "--new",
        "--format",
        "jsonl",
        "--out",
        str(out_bob),
    )
    assert bob.returncode == 0, bob.stderr
    assert len(out_bob.read_text().splitlines()) == 2


async def test_a_forged_or_damaged_ack_file_is_refused_in_one_line(
    keys: Path, db: Database, database_url: str, tmp_path: Path
) -> None:
    case = await store(db, detention("ru"), [public(keys, "alice")])
    forged = tmp_path / "forged.acks.json"
    forged.write_text(
        json.dumps(
            {
                "format": "kuager-acks/1",
                "key": public(keys, "alice").key_id,
                "acks": [{"case": case.case_id, "secret": "00" * 32, "files": {}}],
            }
        )
    )
    refused = kuager("ack", str(forged), "--database", database_url)
    assert refused.returncode == 1 and "REFUSED" in refused.stderr
    assert await acked(db) == set()
    broken = tmp_path / "broken.acks.json"
    broken.write_text("{not json")
    result = kuager("ack", str(broken), "--database", database_url)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
