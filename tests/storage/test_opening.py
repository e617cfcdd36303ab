"""Only a migration creates a database: a file that vanished is not silently made again."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import Database, DatabaseMissing, StorageUnavailable
from tests.conftest import on_postgres

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite files only")


async def test_a_database_file_removed_after_opening_is_not_made_again(
    database_url: str,
) -> None:
    # Given a database opened while its file was there
    db = Database(database_url)
    os.remove(database_url)
    try:
        # When it is used after the file is gone
        with pytest.raises(StorageUnavailable):
            async with db.reading() as session:
                await session.execute(text("SELECT 1"))
    finally:
        await db.close()
    # Then SQLite refused to open it (mode=rw) instead of creating an empty one
    assert not await asyncio.to_thread(os.path.exists, database_url)


def test_a_missing_file_is_refused_before_anything_opens(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="kuager db upgrade"):
        Database(str(tmp_path / "typo.db"))
    assert list(tmp_path.iterdir()) == []
