"""What a seizure of the server and its config gives, used the way a thief would use it.

The draft key is in the config; a witness's Telegram id is known or guessed. With both, a
thief opens the witness's drafts row, and carves the database file and its WAL for every
earlier version of it (docs/FORMAT.md §7: nonce || AES-256-GCM, keyed by the draft key and
the id). GCM is counter mode underneath, so a version needs no intact tag to be read: a
nonce and the bytes after it are enough.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import select

from storage.crypto.drafts import DraftKeys, DraftUnreadable
from storage.database import Database
from storage.models import Draft
from tests.e2e.harness import DRAFT_KEY

KEYS = DraftKeys.from_secret(base64.b64decode(DRAFT_KEY))
NONCE = 12
_JSON_START = re.compile(rb'\{"[a-z_]{2,24}":')


@dataclass(frozen=True)
class Opened:
    nonce: bytes
    state: dict[str, Any]


async def opened_rows(database_url: str, user_id: int) -> list[Opened]:
    """Every drafts row the witness's id opens, decrypted (what database + config yields)."""
    db = Database(database_url)
    try:
        async with db.reading() as session:
            bodies = (await session.execute(select(Draft.body))).scalars().all()
    finally:
        await db.close()
    opened = []
    for body in bodies:
        try:
            opened.append(Opened(body[:NONCE], KEYS.decrypt(user_id, body)))
        except DraftUnreadable:
            continue
    return opened


def leaks(rows: list[Opened], secrets: list[str]) -> list[str]:
    """The secrets (answers, case ids, codes) found in the opened rows."""
    text = json.dumps([row.state for row in rows], ensure_ascii=False)
    return [secret for secret in secrets if secret in text]


@dataclass(frozen=True)
class Carved:
    where: str
    offset: int
    nonce: bytes
    plain: bytes
    """The start of what the version decrypts to, as far as it runs on in one piece."""


def carve(files: list[Path], user_id: int, length: int = 4096) -> list[Carved]:
    """Every draft version of this witness readable at any offset of these files."""
    key = hmac.new(KEYS.content_key, str(user_id).encode(), hashlib.sha256).digest()
    found = []
    for path in files:
        raw = path.read_bytes() if path.exists() else b""
        for offset in range(len(raw) - NONCE - 16):
            nonce = raw[offset : offset + NONCE]
            start = raw[offset + NONCE : offset + NONCE + 16]
            if _JSON_START.match(_keystream_xor(key, nonce, start)) is None:
                continue
            body = raw[offset + NONCE : offset + NONCE + length]
            found.append(Carved(path.name, offset, nonce, _keystream_xor(key, nonce, body)))
    return found


def _keystream_xor(key: bytes, nonce: bytes, data: bytes) -> bytes:
    # GCM encrypts from counter block nonce || 2 (block 1 masks the tag).
    counter = nonce + (2).to_bytes(4, "big")
    decryptor = Cipher(algorithms.AES(key), modes.CTR(counter)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def sqlite_files(database_url: str) -> list[Path]:
    path = Path(database_url)
    return [path, path.with_name(path.name + "-wal")]
