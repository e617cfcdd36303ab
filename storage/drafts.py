"""Unfinished reports, encrypted at rest and written the moment each answer arrives.

A draft is the one thing the server must be able to read (to ask the next question), so it
is encrypted under the server's draft key rather than sealed to reviewers. Two choices limit
what a thief who takes the database *and* the config can learn:

- rows are keyed by an HMAC of the Telegram user id, never the id itself;
- each draft's key is derived from the draft key *and* the user id, so opening a draft
  needs the witness's id, which is stored nowhere: the thief must guess ids one by one.

Drafts expire (72 h by default), are erased on submit, /cancel and /delete, and the SQLite
file overwrites erased rows (secure_delete) instead of leaving them in free pages.

Every answer is written through to the database at once; the rows of recently active
witnesses are also kept in memory, still encrypted, so the next answer needs no read. Without
that, every update paid for two transactions (BENCHMARKS.md). A row enters the memory only
once its transaction has committed, so memory never holds what the database does not.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Insert, Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database, after_commit
from storage.models import Draft

_NONCE = 12


class DraftUnreadable(Exception):
    """A stored draft does not decrypt (altered, or the draft key changed)."""


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class DraftKeys:
    """Keys derived from `[security] draft_key`; the draft key itself is used for nothing else."""

    owner_key: bytes
    content_key: bytes

    @classmethod
    def from_secret(cls, draft_key: bytes) -> DraftKeys:
        return cls(
            owner_key=_hkdf(draft_key, b"kuager/v1/draft-owner"),
            content_key=_hkdf(draft_key, b"kuager/v1/draft-content"),
        )

    def owner(self, user_id: int) -> bytes:
        """The row key for a witness: recognisable on return, not reversible to the id."""
        return hmac.new(self.owner_key, str(user_id).encode(), hashlib.sha256).digest()

    def _aead(self, user_id: int) -> AESGCM:
        return AESGCM(hmac.new(self.content_key, str(user_id).encode(), hashlib.sha256).digest())

    def encrypt(self, user_id: int, state: dict[str, Any]) -> bytes:
        nonce = os.urandom(_NONCE)
        plain = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()
        return nonce + self._aead(user_id).encrypt(nonce, plain, self.owner(user_id))

    def decrypt(self, user_id: int, blob: bytes) -> dict[str, Any]:
        try:
            plain = self._aead(user_id).decrypt(blob[:_NONCE], blob[_NONCE:], self.owner(user_id))
            state = json.loads(plain)
        except (InvalidTag, ValueError):
            raise DraftUnreadable("the stored draft does not decrypt") from None
        if not isinstance(state, dict):
            raise DraftUnreadable("the stored draft is not a draft")
        return state


_Row = tuple[bytes, dt.datetime]
"""A stored draft as the database holds it: encrypted body, expiry."""


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

    async def save(
        self, session: AsyncSession, user_id: int, state: dict[str, Any], now: dt.datetime
    ) -> None:
        owner = self.keys.owner(user_id)
        body = self.keys.encrypt(user_id, state)
        # Rounded up to the hour: the exact time of a witness's last answer is not kept.
        expires_at = _round_up_hour(now + self.ttl)
        # Forgotten now, remembered again only if the write commits: a failed or doubtful
        # commit leaves the next update reading the database.
        self._recent.drop(owner)
        after_commit(session, lambda: self._recent.put(owner, (body, expires_at)))
        dialect = session.get_bind().dialect.name
        await session.execute(
            _upsert(dialect), {"owner": owner, "body": body, "expires_at": expires_at}
        )

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
            await session.execute(delete(Draft).where(Draft.owner.in_(expired)))
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
