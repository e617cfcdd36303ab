"""A case's life on the server ends: acks from reviewers who hold it, then a purge.

`kuager export` makes an ack for every case it decrypts (`ack_for`) from the ack root sealed
inside the case, writes them to a content-free ack file beside the export (`AckFile`), and
records them on the database it read (`record_acks`); an export from a copy is recorded on
the live database afterwards with `kuager ack --database LIVE FILE`. Housekeeping
(`purge_due`) then empties the sealed body and erases the attachments of every case acked by
at least `min_reviewers` distinct keys and at least `keep_days` old, and writes a tombstone
with the acks that justified it. Chain link, events, reply channel and receipt hash stay, so
`verify` reports the case as purged and `/followup CODE` still shows status and replies.

Every ack is checked against the case's locks here, on the server, without a key
(`storage.crypto.acks`): one that does not open its lock is refused when recorded and ignored
when purging, so a forged ack never removes a case no reviewer holds.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.attachments import erase_attachments
from storage.cases import is_object_id
from storage.chain import case_link_holds
from storage.crypto.acks import (
    InvalidAckLocks,
    ack_holds,
    ack_secret,
    pack_keyed,
    parse_keyed,
    release,
    release_holds,
)
from storage.defuse import private_file
from storage.models import Ack, Attachment, Case, Purge, Release

ACK_FILE_FORMAT = "kuager-acks/1"
logger = logging.getLogger(__name__)


class InvalidAckFile(ValueError):
    """A file given to `kuager ack` is not one `kuager export` wrote."""


_NO_RELEASES: Mapping[str, bytes] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CaseAck:
    """One reviewer key's proof that it holds one case, and leave to erase the case's files.

    An export holds one per case until it writes them: slots, and one shared empty mapping for
    the many cases without files, keep 100,000 of them to a few megabytes."""

    case_id: str
    key_id: str
    secret: bytes
    releases: Mapping[str, bytes] = field(default_factory=lambda: _NO_RELEASES)
    """attachment id → release."""


def ack_for(case_id: str, document: Mapping[str, Any], key_id: str) -> CaseAck | None:
    """The ack a reviewer who opened `document` makes; None for a case sent before acks."""
    sealed = document.get("ack")
    root_hex = sealed.get("root") if isinstance(sealed, dict) else None
    try:
        root = bytes.fromhex(root_hex) if isinstance(root_hex, str) else b""
    except ValueError:
        root = b""
    if len(root) != 32:
        return None
    releases = {}
    for ref in document.get("attachments", []):
        attachment_id = ref.get("attachment_id") if isinstance(ref, dict) else None
        if isinstance(attachment_id, str) and is_object_id(attachment_id):
            releases[attachment_id] = release(root, case_id, attachment_id)
    return CaseAck(case_id, key_id, ack_secret(root, case_id, key_id), releases or _NO_RELEASES)


@dataclass(frozen=True)
class AckFile:
    """What an export writes beside itself: case ids and proofs, nothing a witness said.

    JSON: {"format": "kuager-acks/1", "key": KEY_ID, "acks": [{"case": ID, "secret": HEX,
    "files": {ATTACHMENT_ID: HEX}}]} (docs/FORMAT.md §10)."""

    key_id: str
    acks: Sequence[CaseAck]

    def write(self, path: Path) -> None:
        document = {
            "format": ACK_FILE_FORMAT,
            "key": self.key_id,
            "acks": [
                {
                    "case": a.case_id,
                    "secret": a.secret.hex(),
                    "files": {k: v.hex() for k, v in a.releases.items()},
                }
                for a in self.acks
            ],
        }
        with open(private_file(path), "w", encoding="utf-8") as out:
            json.dump(document, out, indent=1)
            out.write("\n")

    @classmethod
    def read(cls, path: Path) -> AckFile:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document["format"] != ACK_FILE_FORMAT or not isinstance(document["key"], str):
                raise InvalidAckFile(f"{path.name} is not an ack file of kuager export")
            key_id = document["key"]
            acks = [
                CaseAck(
                    str(item["case"]),
                    key_id,
                    bytes.fromhex(item["secret"]),
                    {str(k): bytes.fromhex(v) for k, v in item.get("files", {}).items()},
                )
                for item in document["acks"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidAckFile(f"{path.name} is not an ack file of kuager export") from None
        return cls(key_id, acks)


def ack_file_path(export: Path) -> Path:
    """Where an export's ack file goes: beside it, `<name>.acks.json`."""
    return export.with_name(export.name + ".acks.json")


@dataclass
class AckTally:
    recorded: int = 0
    already: int = 0
    refused: list[str] = field(default_factory=list)
    """Case ids whose ack did not open the case's lock (or no such case): not recorded."""


async def record_acks(session: AsyncSession, acks: Iterable[CaseAck]) -> AckTally:
    """Store every ack that opens its case's lock, in the caller's transaction."""
    tally = AckTally()
    for ack in acks:
        locks = await _locks(session, ack.case_id)
        if locks is None or not ack_holds(locks, ack.case_id, ack.key_id, ack.secret):
            tally.refused.append(ack.case_id)
            continue
        known = await session.get(Ack, (ack.case_id, ack.key_id))
        if known is not None:
            tally.already += 1
        else:
            session.add(Ack(case_id=ack.case_id, key_id=ack.key_id, secret=ack.secret))
            tally.recorded += 1
        for attachment_id, secret in ack.releases.items():
            if await session.get(Release, attachment_id) is None:
                row = Release(attachment_id=attachment_id, case_id=ack.case_id, secret=secret)
                session.add(row)
        await session.flush()
    return tally


async def _locks(session: AsyncSession, case_id: str) -> dict[str, bytes] | None:
    stored = (
        await session.execute(select(Case.ack_locks).where(Case.id == case_id))
    ).scalar_one_or_none()
    if stored is None:
        return None
    try:
        return parse_keyed(stored)
    except InvalidAckLocks:
        return None


async def acked_by(session: AsyncSession, key_id: str) -> frozenset[str]:
    """The cases this key acked (and those purged with its ack): what `export --new` skips."""
    acked = (await session.execute(select(Ack.case_id).where(Ack.key_id == key_id))).scalars()
    purged = set()
    for case_id, acks in await session.execute(select(Purge.case_id, Purge.acks)):
        if key_id in parse_keyed(acks):
            purged.add(case_id)
    return frozenset(acked) | purged


@dataclass
class PurgeTally:
    cases: int = 0
    files: int = 0


async def purge_due(
    session: AsyncSession, today: dt.date, keep_days: int, min_reviewers: int
) -> PurgeTally:
    """Purge every case old enough and held by enough reviewers, in the caller's transaction."""
    tally = PurgeTally()
    cutoff = today - dt.timedelta(days=keep_days)
    # A first sift only: every ack is checked against its lock in `_purge`.
    held = (
        select(Ack.case_id)
        .group_by(Ack.case_id)
        .having(func.count(Ack.key_id) >= max(min_reviewers, 1))
    )
    due = await session.execute(
        select(Case.id, Case.ack_locks).where(
            Case.received_day <= cutoff,
            Case.ack_locks.is_not(None),
            Case.id.in_(held),
            Case.body != b"",
        )
    )
    for case_id, locks in due.all():
        files = await _purge(session, case_id, locks, min_reviewers, today)
        if files is not None:
            tally.cases += 1
            tally.files += files
    return tally


async def _purge(
    session: AsyncSession, case_id: str, locks: bytes | None, min_reviewers: int, today: dt.date
) -> int | None:
    """Purge one case if its acks hold (checked again: rows may have been written by anyone)."""
    acks = await session.execute(select(Ack.key_id, Ack.secret).where(Ack.case_id == case_id))
    try:
        parsed = parse_keyed(locks or b"")
    except InvalidAckLocks:
        return None
    valid = {k: s for k, s in acks.all() if ack_holds(parsed, case_id, k, s)}
    if len(valid) < max(min_reviewers, 1):
        return None
    if not await case_link_holds(session, case_id):
        logger.warning("purge_refused reason=chain_link")
        return None
    files = await _released_files(session, case_id)
    await erase_attachments(session, files)
    await session.execute(update(Case).where(Case.id == case_id).values(body=b""))
    session.add(Purge(case_id=case_id, day=today, acks=pack_keyed(valid), files=len(files)))
    await session.execute(delete(Ack).where(Ack.case_id == case_id))
    await session.execute(delete(Release).where(Release.case_id == case_id))
    await session.flush()
    return len(files)


async def _released_files(session: AsyncSession, case_id: str) -> list[str]:
    rows = await session.execute(
        select(Release.attachment_id, Release.secret, Attachment.release_lock)
        .join(Attachment, Attachment.id == Release.attachment_id)
        .where(Release.case_id == case_id)
    )
    return [a for a, secret, lock in rows.all() if release_holds(lock, case_id, a, secret)]


async def is_purged(session: AsyncSession, case_id: str) -> bool:
    """Whether the case's body was purged (its tombstone is there)."""
    found = await session.execute(select(Purge.case_id).where(Purge.case_id == case_id))
    return found.scalar_one_or_none() is not None
