"""Shared fixtures: a real database (SQLite file by default, PostgreSQL when asked) and keys.

`KUAGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test` runs the whole suite
against PostgreSQL; each test starts from an empty schema migrated by our own Alembic code.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import schema
from storage.crypto.keys import KdfParams, KeyKind, ReviewerPrivateKey
from storage.database import Database

TEST_DATABASE_ENV = "KUAGER_TEST_DATABASE_URL"
FAST_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)
"""Argon2id made cheap for tests; the parameters are stored in each key file anyway."""


def on_postgres() -> bool:
    return os.environ.get(TEST_DATABASE_ENV, "").startswith("postgres")


async def reset_postgres(url: str) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await db.close()


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """An empty, fully migrated database for one test."""
    url = os.environ.get(TEST_DATABASE_ENV) or str(tmp_path / "kuager.db")
    if on_postgres():
        await reset_postgres(url)
    db = Database(url, create=True)
    try:
        await schema.upgrade(db)
    finally:
        await db.close()
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.close()


@pytest.fixture(scope="session")
def reviewer_key() -> ReviewerPrivateKey:
    return ReviewerPrivateKey.generate(KeyKind.X25519)


@pytest.fixture(scope="session")
def pq_reviewer_key() -> ReviewerPrivateKey:
    return ReviewerPrivateKey.generate(KeyKind.MLKEM768_X25519)


@pytest.fixture(scope="session")
def other_key() -> ReviewerPrivateKey:
    """A reviewer key cases are NOT sealed to."""
    return ReviewerPrivateKey.generate(KeyKind.X25519)
