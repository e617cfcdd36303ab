"""Opening the database: SQLite (aiosqlite, WAL) or PostgreSQL (asyncpg) from one URL.

Only a migration creates a database (`kuager db upgrade`, or `kuager run` with
`auto_upgrade`): everything else opens an SQLite file read-write without the right to create
it, so a mistyped `--database` is refused in one line instead of leaving an empty file behind.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

BUSY_TIMEOUT_MS = 30000
CHECKPOINT_WAIT_MS = 200
"""How long a checkpoint waits for a busy writer before it gives up until the next try."""
CHECKPOINT_SPACING_S = 1.0
"""Least time between two background checkpoints: under load, the sends of one second share
one checkpoint instead of queueing one each behind the writers they block."""

logger = logging.getLogger(__name__)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL: a committed case survives a power cut, not only a process crash.
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    # Erased drafts and attachments are overwritten, not left in free pages of the file.
    "PRAGMA secure_delete=ON",
    # secure_delete does not reach the WAL, which holds earlier versions of pages (drafts as
    # they were) until it is written over: each time the WAL starts again it is cut to
    # nothing instead of left at its largest, and `Database.checkpoint` empties it.
    "PRAGMA journal_size_limit=0",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


class UnsupportedDatabase(ValueError):
    """The URL names neither an SQLite file nor a PostgreSQL server."""


class DatabaseMissing(Exception):
    """The SQLite file (or its folder) does not exist, and this command may not create it."""


POSTGRES_SCHEMES = ("postgresql", "postgres")
"""`postgres://` is what Heroku-style hosts hand out; SQLAlchemy knows only `postgresql`."""


def async_url(url: str) -> str:
    """Accept plain paths and sync URLs from the config and pick the async driver."""
    if "://" not in url:
        return f"sqlite+aiosqlite:///{Path(url).expanduser()}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnsupportedDatabase("not a database URL or SQLite path") from None
    backend = parsed.drivername.partition("+")[0]
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in POSTGRES_SCHEMES:
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise UnsupportedDatabase(
        f"unsupported database {backend!r}: use an SQLite path or postgresql://"
    )


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite path or URL names; None for PostgreSQL and in-memory SQLite."""
    if "://" not in url:
        return Path(url).expanduser()
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _sqlite_uri(path: Path, *, create: bool) -> URL:
    """The file as an SQLite URI: every character of its name kept (quoted for SQLite; built
    with `URL.create`, which SQLAlchemy does not unquote), and `mode=rw` unless creating, so
    SQLite itself refuses to make the file even if it vanished after `Database` looked."""
    return URL.create(
        "sqlite+aiosqlite",
        database=f"file:{quote(str(path.absolute()))}",
        query={"mode": "rwc" if create else "rw", "uri": "true"},
    )


class StorageUnavailable(Exception):
    """The database cannot be reached or refused to work (down, full, locked too long)."""


OUTAGES = (OperationalError, InterfaceError, SQLAlchemyTimeoutError, OSError, TimeoutError)
"""Errors that mean "the database is not there right now", as opposed to a bug."""


_AFTER_COMMIT = "kuager.after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run `callback` once `session`'s transaction (from `Database.transaction`) has committed.

    For in-memory state that must never run ahead of the database: a rolled-back or failed
    transaction drops its callbacks unrun.
    """
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


class Database:
    """The engine and session factory, with transactions that serialise writers correctly.

    On SQLite every transaction starts with BEGIN IMMEDIATE: a deferred transaction that
    reads the chain head and then writes would silently lose a concurrent append.
    """

    def __init__(self, url: str, *, create: bool = False, **engine_options: Any) -> None:
        """`create`: a migration's right to make the SQLite file; without it a missing file
        raises `DatabaseMissing`. A missing folder is refused either way."""
        self.url = async_url(url)
        engine_url: str | URL = self.url
        path = sqlite_file(url)
        if path is not None:
            if not path.parent.is_dir():
                raise DatabaseMissing(f"folder {path.parent} of database {path} does not exist")
            if not create and not path.is_file():
                raise DatabaseMissing(
                    f"database file {path} does not exist; `kuager db upgrade` creates it"
                )
            engine_url = _sqlite_uri(path, create=create)
        if self.url.startswith("postgresql"):
            # A server restart leaves dead connections in the pool; check before use.
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: AsyncEngine = create_async_engine(engine_url, **engine_options)
        self.dialect = self.engine.dialect.name
        self.read_engine = self.engine
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine, "BEGIN IMMEDIATE")
            # Reads (a witness's draft on every update, exports) need no write lock: a second
            # engine begins them DEFERRED, so they never queue behind writers.
            self.read_engine = create_async_engine(engine_url, **engine_options)
            _configure_sqlite(self.read_engine, "BEGIN")
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._checkpointing: asyncio.Task[None] | None = None
        self._checkpoint_owed = False

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed whole on success, rolled back whole on any error.

        An outage surfaces as `StorageUnavailable`, so callers can tell a witness plainly
        that nothing was saved, instead of failing with a driver's error.
        """
        try:
            async with self.sessions() as session:
                async with session.begin():
                    yield session
                for callback in session.info.pop(_AFTER_COMMIT, ()):
                    callback()
        except OUTAGES as exc:
            raise StorageUnavailable(type(exc).__name__) from exc

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work (one consistent snapshot); outages as in `transaction`."""
        try:
            async with self.read_sessions() as session, session.begin():
                yield session
        except OUTAGES as exc:
            raise StorageUnavailable(type(exc).__name__) from exc

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncSession]:
        """One consistent, read-only view across many statements that blocks no writer.

        For `kuager verify`, which may run beside the bot: SQLite's deferred transaction in
        WAL mode reads one snapshot and takes no write lock; PostgreSQL's default READ
        COMMITTED would show each statement newer commits, hence REPEATABLE READ READ ONLY.
        """
        try:
            async with self.read_sessions() as session, session.begin():
                if self.dialect == "postgresql":
                    # Must be the transaction's first use of its connection to take effect.
                    await session.connection(
                        execution_options={
                            "isolation_level": "REPEATABLE READ",
                            "postgresql_readonly": True,
                        }
                    )
                yield session
        except OUTAGES as exc:
            raise StorageUnavailable(type(exc).__name__) from exc

    async def checkpoint(self) -> bool:
        """Copy SQLite's WAL into the database file and truncate it to nothing, so the earlier
        versions of rows it holds (a draft before each answer) are gone from it. True if done.

        Best-effort: a checkpoint cannot finish while a reader still holds an older snapshot
        or a writer is busy, and it does not wait long for them (a witness's turn may be
        waiting); housekeeping calls it again. Nothing to do on PostgreSQL (`vacuum`)."""
        if self.dialect != "sqlite":
            return True
        try:
            async with self.engine.connect() as connection:
                raw: Any = (await connection.get_raw_connection()).driver_connection
                await raw.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
                try:
                    cursor = await raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    busy, *_frames = await cursor.fetchone()  # (busy, frames, frames copied)
                finally:
                    await raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except OUTAGES:
            return False
        return bool(busy == 0)

    def checkpoint_soon(self) -> None:
        """Ask for a `checkpoint` without waiting for it: a witness's turn must not wait for
        the writers a checkpoint waits for, nor make theirs wait (it blocks them while it
        copies). One task runs them; requests made meanwhile share the next one."""
        if self.dialect != "sqlite":
            return
        self._checkpoint_owed = True
        if self._checkpointing is None or self._checkpointing.done():
            self._checkpointing = asyncio.get_running_loop().create_task(self._checkpoints())

    async def _checkpoints(self) -> None:
        while self._checkpoint_owed:
            self._checkpoint_owed = False
            if not await self.checkpoint():
                # Housekeeping tries again; a later request starts a new task.
                logger.info("checkpoint_deferred")
                return
            if self._checkpoint_owed:
                await asyncio.sleep(CHECKPOINT_SPACING_S)

    async def checkpoints_done(self) -> None:
        """Wait for the background checkpoints asked for so far (tests, shutdown)."""
        while self._checkpointing is not None and not self._checkpointing.done():
            await asyncio.shield(self._checkpointing)

    async def vacuum(self, table: str) -> None:
        """Let PostgreSQL reclaim the dead versions of a table's rows (old drafts) so their
        space is written over sooner. The bytes stay in the table file until then: VACUUM
        marks space free, it does not clear it (SECURITY.md). Nothing to do on SQLite, whose
        secure_delete overwrites at once."""
        if self.dialect != "postgresql":
            return
        try:
            async with self.engine.connect() as connection:
                # VACUUM cannot run inside a transaction block.
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql(f'VACUUM "{table}"')
        except OUTAGES as exc:
            raise StorageUnavailable(type(exc).__name__) from exc

    async def close(self) -> None:
        # No checkpoint left running on a disposed engine (SQLite checkpoints on the last
        # close anyway).
        await self.checkpoints_done()
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def _configure_sqlite(engine: AsyncEngine, begin: str) -> None:
    """Pragmas on every connection, and our own BEGIN (pysqlite's would be DEFERRED)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)
