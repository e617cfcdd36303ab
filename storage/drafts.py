"""Unfinished reports, encrypted at rest and written the moment each answer arrives.

This is the store; the encryption it calls is `storage.crypto.drafts` (`DraftKeys`), which
says who can open a draft row: the draft key *and* the witness's Telegram id, which is stored
nowhere. Drafts expire (72 h by default), are erased on submit, /cancel and /delete, and the
SQLite file overwrites erased rows (secure_delete) instead of leaving them in free pages.

Every answer is written through to the database at once; the rows of recently active
witnesses are also kept in memory, still encrypted, so the next answer needs no read. Without
that, every update paid for two transactions (BENCHMARKS.md). A row enters the memory only
once its transaction has committed, so memory never holds what the database does not.

Witnesses' saves that arrive while another is being written share the next transaction
(group commit, `DraftStore.store`): each caller still returns only once its own row is
committed, but a busy bot pays one transaction for many answers instead of one each.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto.drafts import DraftKeys
from storage.database import Database, after_commit
from storage.models import Draft

_Row = tuple[bytes, dt.datetime]
"""A stored draft as the database holds it: encrypted body, expiry."""


@dataclass
class _Write:
    owner: bytes
    row: _Row
    done: asyncio.Future[None]


class _GroupCommit:
    """Writes queued while a transaction is in flight go together in the next one.

    No timer: an idle bot writes at once; under load a batch forms by itself from the saves
    that arrive during the previous commit.
    """

    def __init__(self, db: Database, recent: _RecentRows) -> None:
        self._db = db
        self._recent = recent
        self._queue: list[_Write] = []
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, owner: bytes, row: _Row) -> None:
        done = asyncio.get_running_loop().create_future()
        self._queue.append(_Write(owner, row, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        try:
            await asyncio.shield(done)  # a cancelled caller must not fail the others' batch
        except asyncio.CancelledError:
            # Nobody will read the outcome: keep asyncio from logging it as never retrieved.
            done.add_done_callback(lambda f: f.cancelled() or f.exception())
            raise

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                await self._commit(batch)
            except Exception as exc:  # each waiter gets the failure, and the loop goes on
                # One exception for all: its innermost frame, which the error handler logs,
                # stays where it was raised.
                for write in batch:
                    if not write.done.done():
                        write.done.set_exception(exc)
            except BaseException:  # cancelled (shutdown): nobody may wait forever
                for write in (*batch, *self._queue):
                    write.done.cancel()
                self._queue = []
                raise
            else:
                for write in batch:
                    if not write.done.done():
                        write.done.set_result(None)

    async def _commit(self, batch: list[_Write]) -> None:
        latest = {write.owner: write.row for write in batch}  # one row per witness
        for owner in latest:
            self._recent.drop(owner)
        async with self._db.transaction() as session:
            after_commit(session, lambda: _remember(self._recent, latest))
            await session.execute(
                _upsert(self._db.dialect),
                [
                    {"owner": owner, "body": body, "expires_at": expires_at}
                    for owner, (body, expires_at) in latest.items()
                ],
            )


def _remember(recent: _RecentRows, rows: dict[bytes, _Row]) -> None:
    for owner, row in rows.items():
        recent.put(owner, row)


class _RecentRows:
    """The last `capacity` witnesses' rows (encrypted), least recently used dropped first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._rows: OrderedDict[bytes, _Row] = OrderedDict()

    def get(self, owner: bytes) -> _Row | None:
        row = self._rows.get(owner)
        if row is not None:
            self._rows.move_to_end(owner)
        return row

    def put(self, owner: bytes, row: _Row) -> None:
        self._rows[owner] = row
        self._rows.move_to_end(owner)
        if len(self._rows) > self.capacity:
            self._rows.popitem(last=False)

    def drop(self, owner: bytes) -> None:
        self._rows.pop(owner, None)

    def __len__(self) -> int:
        return len(self._rows)


class DraftStore:
    """Encrypted drafts, one per witness, in the caller's transaction.

    Writes must go through `Database.transaction` (whose commit fills the memory); a draft
    read from the database is remembered too. One process owns the drafts: a second bot
    process writing the same database would not see the first one's memory.
    """

    def __init__(self, keys: DraftKeys, ttl: dt.timedelta, *, remembered: int = 4096) -> None:
        self.keys = keys
        self.ttl = ttl
        self._recent = _RecentRows(remembered)
        self._writers: weakref.WeakKeyDictionary[Database, _GroupCommit] = (
            weakref.WeakKeyDictionary()
        )

    async def load(self, db: Database, user_id: int, now: dt.datetime) -> dict[str, Any] | None:
        """The witness's draft, from memory when it is there, else in a read transaction."""
        owner = self.keys.owner(user_id)
        row = self._recent.get(owner)
        if row is None:
            async with db.reading() as session:
                stored = await session.get(Draft, owner)
                if stored is None:
                    return None
                row = (stored.body, _aware(stored.expires_at))
            self._recent.put(owner, row)
        body, expires_at = row
        if expires_at <= now:
            return None
        return self.keys.decrypt(user_id, body)

    async def store(
        self, db: Database, user_id: int, state: dict[str, Any], now: dt.datetime
    ) -> None:
        """Save the draft and return once it is committed; StorageUnavailable if it was not.

        The transaction may carry other witnesses' drafts too (group commit)."""
        writer = self._writers.get(db)
        if writer is None:
            writer = self._writers[db] = _GroupCommit(db, self._recent)
        await writer.write(self.keys.owner(user_id), self._row(user_id, state, now))

    async def save(
        self, session: AsyncSession, user_id: int, state: dict[str, Any], now: dt.datetime
    ) -> None:
        """Save the draft in the caller's transaction (with a sealed case, say)."""
        owner = self.keys.owner(user_id)
        row = self._row(user_id, state, now)
        # Forgotten now, remembered again only if the write commits: a failed or doubtful
        # commit leaves the next update reading the database.
        self._recent.drop(owner)
        after_commit(session, lambda: self._recent.put(owner, row))
        dialect = session.get_bind().dialect.name
        await session.execute(
            _upsert(dialect), {"owner": owner, "body": row[0], "expires_at": row[1]}
        )

    def _row(self, user_id: int, state: dict[str, Any], now: dt.datetime) -> _Row:
        # Rounded up to the hour: the exact time of a witness's last answer is not kept.
        return self.keys.encrypt(user_id, state), _round_up_hour(now + self.ttl)

    async def erase(self, session: AsyncSession, user_id: int) -> None:
        owner = self.keys.owner(user_id)
        self._recent.drop(owner)
        await session.execute(delete(Draft).where(Draft.owner == owner))

    async def erase_expired(self, session: AsyncSession, now: dt.datetime) -> int:
        expired = (
            (await session.execute(select(Draft.owner).where(Draft.expires_at <= now)))
            .scalars()
            .all()
        )
        for owner in expired:
            self._recent.drop(owner)
        if expired:
            # Expiry checked again: a draft refreshed meanwhile (PostgreSQL reads committed
            # rows) is not expired any more.
            await session.execute(
                delete(Draft).where(Draft.owner.in_(expired), Draft.expires_at <= now)
            )
        return len(expired)


@functools.cache
def _upsert(dialect: str) -> Insert:
    """Insert or replace a draft row; built once per dialect, values bound at execution."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = Draft.__table__
    assert isinstance(table, Table)
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.owner],
        set_={"body": statement.excluded.body, "expires_at": statement.excluded.expires_at},
    )


def _round_up_hour(moment: dt.datetime) -> dt.datetime:
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + dt.timedelta(hours=1)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
