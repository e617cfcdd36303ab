"""SQLite's WAL is emptied in the background after a send or a wipe, without the witness's
turn waiting for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import Database
from tests.conftest import on_postgres

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite's WAL")


def wal_size(database_url: str) -> int:
    wal = Path(database_url + "-wal")
    return wal.stat().st_size if wal.exists() else 0


async def write_some(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS scratch (x TEXT)"))
        await session.execute(text("INSERT INTO scratch VALUES ('earlier version')"))


async def test_a_requested_checkpoint_runs_after_the_turn_and_empties_the_wal(
    database_url: str,
) -> None:
    db = Database(database_url)
    try:
        # Given rows written since the last checkpoint
        await write_some(db)
        assert wal_size(database_url) > 0
        # When a checkpoint is asked for, nothing is waited for yet
        for _ in range(20):
            db.checkpoint_soon()
        assert wal_size(database_url) > 0
        # Then the background checkpoint empties the WAL
        await db.checkpoints_done()
        assert wal_size(database_url) == 0
    finally:
        await db.close()
