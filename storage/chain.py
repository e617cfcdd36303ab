"""The append-only hash chain over sealed cases and their events: evidence that nothing was
deleted or altered.

Each link covers the previous link, its own position and every stored field of its object.
A case's link (version 5: id, form id, received day, receipt hash, its reply channel record,
its ack locks and the SHA-256 of the sealed body; versions 3, 2 and 1, written before, cover
less) and an
event's link (version 4: event id, case id, day and the SHA-256 of the sealed event) are one
sequence, so deleting, reordering, replacing or editing a case or an event breaks the chain
from that point on. Appends must be strictly serialised: two writers that read the same head
would fork the chain. On SQLite the transaction already holds the write lock (BEGIN
IMMEDIATE, see `storage.database`); on PostgreSQL an advisory transaction lock does the same.

A link keeps the hash of the body it covers, so a link can be recomputed without the body:
what a later purge of case bodies needs, while the events and reply channel stay.

A case's report type (`form_id`) is stored in clear beside its body; the body's header holds
the same form id, authenticated by the body's AES-GCM and covered by the body hash. `verify`
compares the two, so relabelling a case as another report type shows without a key.

The chain is unkeyed: whoever can write the database can rewrite it whole, and cut off its
newest links together with their cases. What catches both is a head noted off the server
(`N:HASH`, printed by `kuager verify` and posted by the bot to the reviewers' alert chat):
`verify` with that head passes only while link N, with that very hash, is still in the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto.acks import InvalidAckLocks, ack_holds, parse_keyed
from storage.crypto.envelope import TamperedCase, parse_header
from storage.crypto.events import EVENT_CONTEXT
from storage.database import Database
from storage.models import Case, ChainLink, Event, Purge, ReplyChannel

GENESIS = bytes(32)
LINK_VERSION = 5
"""The version `append` writes for a case; versions 1-3, written before, still verify."""
EVENT_LINK_VERSION = 4
"""The version `append_event` writes: a link over an event, not a case."""
_DOMAINS = {
    1: b"kuager/v1/chain\x00",
    2: b"kuager/v2/chain\x00",
    3: b"kuager/v3/chain\x00",
    4: b"kuager/v4/chain\x00",
    5: b"kuager/v5/chain\x00",
}
_PG_LOCK_KEY = 0x6B75616765720001
"""Arbitrary constant naming the chain's advisory lock on PostgreSQL."""
_HEAD = re.compile(r"(?:(\d{1,18}):)?([0-9a-f]{64})")


class InvalidHead(ValueError):
    """A noted head is not `N:HASH` (or the bare HASH printed by older versions)."""


@dataclass(frozen=True)
class Head:
    """A position in the chain and the hash of its link: what reviewers note, as `N:HASH`."""

    seq: int | None
    """The link's position (the number of cases up to it); None for a bare hash noted before
    heads carried their position (the hash covers the position anyway)."""
    link: bytes

    def __str__(self) -> str:
        return self.link.hex() if self.seq is None else f"{self.seq}:{self.link.hex()}"

    @classmethod
    def parse(cls, noted: str) -> Head:
        found = _HEAD.fullmatch(noted.strip().lower())
        if found is None:
            raise InvalidHead("a head looks like 12:<64 hex characters>")
        position, link = found.groups()
        return cls(None if position is None else int(position), bytes.fromhex(link))

    def names(self, seq: int, link: bytes) -> bool:
        return link == self.link and self.seq in (None, seq)


@dataclass(frozen=True)
class CaseFields:
    """The stored fields of one case row, as a version 3 link covers them."""

    id: str
    form_id: str
    received_day: dt.date
    receipt_hash: bytes | None
    body_digest: bytes
    """SHA-256 of the sealed body; the link row keeps it too."""
    reply_channel: bytes | None = None
    """The case's stored reply channel record (`ReplyChannel.sealed_key`), if it has one."""
    ack_locks: bytes | None = None
    """The case's ack locks (storage.crypto.acks), covered from version 5."""


@dataclass(frozen=True)
class EventFields:
    """The stored fields of one event row, as a version 4 link covers them."""

    id: str
    case_id: str
    day: dt.date
    body_digest: bytes


def body_hash(body: bytes) -> bytes:
    return hashlib.sha256(body).digest()


def _field(value: bytes) -> bytes:
    return len(value).to_bytes(2, "big") + value


def link_hash(version: int, previous: bytes, seq: int, covered: CaseFields | EventFields) -> bytes:
    """The link at position `seq` (docs/FORMAT.md, "Hash chain")."""
    start = _DOMAINS[version] + previous + seq.to_bytes(8, "big")
    if isinstance(covered, EventFields):
        fields = (
            _field(covered.id.encode("ascii"))
            + _field(covered.case_id.encode("ascii"))
            + _field(covered.day.isoformat().encode("ascii"))
        )
        return hashlib.sha256(start + fields + covered.body_digest).digest()
    if version == 1:
        return hashlib.sha256(start + covered.id.encode("ascii") + covered.body_digest).digest()
    fields = (
        _field(covered.id.encode("ascii"))
        + _field(covered.form_id.encode("utf-8"))
        + _field(covered.received_day.isoformat().encode("ascii"))
        + _field(covered.receipt_hash or b"")
    )
    if version in (3, 5):
        fields += _field(covered.reply_channel or b"")
    if version == 5:
        fields += _field(covered.ack_locks or b"")
    return hashlib.sha256(start + fields + covered.body_digest).digest()


async def append(session: AsyncSession, case: CaseFields) -> int:
    """Add the link for a newly stored case row, in the caller's transaction; its position."""
    return await _append(session, LINK_VERSION, case)


async def append_event(session: AsyncSession, event: EventFields) -> int:
    """Add the link for a newly stored event row, in the caller's transaction; its position."""
    return await _append(session, EVENT_LINK_VERSION, event)


async def _append(session: AsyncSession, version: int, covered: CaseFields | EventFields) -> int:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    head = await current_head(session)
    seq = (head.seq or 0) + 1
    link = link_hash(version, head.link, seq, covered)
    await session.execute(
        insert(ChainLink).values(
            seq=seq,
            case_id=covered.id,
            version=version,
            body_hash=covered.body_digest,
            link_hash=link,
        )
    )
    return seq


async def case_link_holds(session: AsyncSession, case_id: str) -> bool:
    """Whether the case's own link still covers its row as stored (body included): what a
    purge checks first, so locks rewritten in the row cannot justify one. A forger who
    rewrites the chain from there on is caught only by a head noted off the server."""
    link = (
        await session.execute(select(ChainLink).where(ChainLink.case_id == case_id))
    ).scalar_one_or_none()
    case = await session.get(Case, case_id)
    if link is None or case is None or link.version == EVENT_LINK_VERSION:
        return False
    before = (
        await session.execute(select(ChainLink.link_hash).where(ChainLink.seq == link.seq - 1))
    ).scalar_one_or_none()
    previous = GENESIS if link.seq == 1 else before
    channel = await session.get(ReplyChannel, case_id)
    fields = CaseFields(
        case.id,
        case.form_id,
        case.received_day,
        case.receipt_hash,
        body_hash(case.body),
        channel.sealed_key if channel is not None else None,
        case.ack_locks,
    )
    return (
        previous is not None
        and fields.body_digest == link.body_hash
        and link_hash(link.version, previous, link.seq, fields) == link.link_hash
    )


async def current_head(session: AsyncSession) -> Head:
    """The newest link, as stored (not verified): `0:` and 32 zero bytes for an empty chain."""
    newest = (
        await session.execute(
            select(ChainLink.seq, ChainLink.link_hash).order_by(ChainLink.seq.desc()).limit(1)
        )
    ).first()
    return Head(0, GENESIS) if newest is None else Head(newest.seq, newest.link_hash)


@dataclass(frozen=True)
class BrokenLink:
    """Where the chain first stops proving anything, and why (for a person to read)."""

    seq: int
    case_id: str | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    links: int
    """Links walked."""
    cases: int
    """Case rows in the database."""
    events: int
    """Event rows in the database."""
    purged: int
    """Cases whose body was purged with a valid tombstone (reviewers hold them)."""
    head: Head
    """The last link; note it (printed `N:HASH`) to detect later truncation or rewriting."""
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _labelled_as_sealed(body: bytes, object_id: str, context: str) -> bool:
    """Whether a row's clear id and form id (or "event") are the ones sealed into its header."""
    try:
        sealed_id, sealed_context, _ = parse_header(body)
    except TamperedCase:
        return False
    return (sealed_id, sealed_context) == (object_id, context)


class _StoredLink(NamedTuple):
    seq: int
    object_id: str
    version: int
    body_hash: bytes
    link_hash: bytes
    covered: CaseFields | EventFields | None
    """The case or event row as stored now (its body hashed afresh); None if it was deleted."""
    labelled_as_sealed: bool
    """The row's clear id and form id are those sealed into its body's header."""
    purged: bool = False
    """The case's body was purged, and its tombstone's acks open enough of its locks."""


def purge_holds(
    case_id: str, ack_locks: bytes | None, tombstone_acks: bytes | None, min_reviewers: int
) -> bool:
    """Whether a tombstone's acks open at least `min_reviewers` distinct locks of the case."""
    if ack_locks is None or tombstone_acks is None:
        return False
    try:
        locks, acks = parse_keyed(ack_locks), parse_keyed(tombstone_acks)
    except InvalidAckLocks:
        return False
    held = [k for k, secret in acks.items() if ack_holds(locks, case_id, k, secret)]
    return len(held) >= max(min_reviewers, 1)


async def _stored_links(
    session: AsyncSession, min_reviewers: int = 1
) -> AsyncIterator[_StoredLink]:
    query = (
        select(
            ChainLink.seq,
            ChainLink.case_id,
            ChainLink.version,
            ChainLink.body_hash,
            ChainLink.link_hash,
            Case.form_id,
            Case.received_day,
            Case.receipt_hash,
            Case.body,
            ReplyChannel.sealed_key,
            Case.ack_locks,
            Purge.acks.label("purge_acks"),
            Event.case_id.label("event_case"),
            Event.day.label("event_day"),
            Event.body.label("event_body"),
        )
        .outerjoin(Case, Case.id == ChainLink.case_id)
        .outerjoin(ReplyChannel, ReplyChannel.case_id == ChainLink.case_id)
        .outerjoin(Purge, Purge.case_id == ChainLink.case_id)
        .outerjoin(Event, Event.id == ChainLink.case_id)
        .order_by(ChainLink.seq)
        .execution_options(yield_per=500)
    )
    result = await session.stream(query)
    async for row in result:
        covered: CaseFields | EventFields | None = None
        labelled = False
        if row.version == EVENT_LINK_VERSION and row.event_body is not None:
            covered = EventFields(
                row.case_id, row.event_case, row.event_day, body_hash(row.event_body)
            )
            labelled = _labelled_as_sealed(row.event_body, row.case_id, EVENT_CONTEXT)
        elif row.version != EVENT_LINK_VERSION and row.body is not None:
            purged = not row.body and purge_holds(
                row.case_id, row.ack_locks, row.purge_acks, min_reviewers
            )
            if row.body or purged:
                # A purged body is gone; the link's own hash of it stands in, and the link
                # still covers every other field, the ack locks among them.
                digest = row.body_hash if purged else body_hash(row.body)
                covered = CaseFields(
                    row.case_id,
                    row.form_id,
                    row.received_day,
                    row.receipt_hash,
                    digest,
                    row.sealed_key,
                    row.ack_locks,
                )
                labelled = purged or _labelled_as_sealed(row.body, row.case_id, row.form_id)
            yield _StoredLink(
                row.seq,
                row.case_id,
                row.version,
                row.body_hash,
                row.link_hash,
                covered,
                labelled,
                purged,
            )
            continue
        yield _StoredLink(
            row.seq, row.case_id, row.version, row.body_hash, row.link_hash, covered, labelled
        )


def _check(link: _StoredLink, expected_seq: int, previous: bytes) -> str | None:
    """Why this link does not hold, or None."""
    if link.seq != expected_seq:
        return f"link {expected_seq} is missing"
    if link.version not in _DOMAINS:
        return f"link version {link.version} is unknown"
    what = "event" if link.version == EVENT_LINK_VERSION else "case"
    if link.covered is None:
        return f"the {what} of this link was deleted"
    if link.covered.body_digest != link.body_hash:
        return f"the sealed {what} was altered or replaced"
    if link_hash(link.version, previous, link.seq, link.covered) != link.link_hash:
        return f"the {what} row or the link was altered, or the link does not follow the one before"
    if not link.labelled_as_sealed:
        if what == "event":
            return "the event's sealed header names another object"
        return "the case's report type differs from its sealed one"
    return None


async def verify(
    session: AsyncSession, expected_head: Head | None = None, min_reviewers: int = 1
) -> ChainReport:
    """Walk the whole chain in `session` and return the first break, if any.

    Every statement must see the same data: give it a `Database.snapshot()` session (or call
    `verify_database`), or a case committed meanwhile looks like one slipped in unchained.
    A case purged with acks from fewer than `min_reviewers` keys counts as deleted.
    """
    previous, expected_seq, links, broken, purged = GENESIS, 1, 0, None, 0
    noted_seen = expected_head is not None and expected_head.names(0, GENESIS)
    async for row in _stored_links(session, min_reviewers):
        links += 1
        if broken is not None:
            continue
        reason = _check(row, expected_seq, previous)
        if reason is not None:
            missing = row.seq != expected_seq
            broken = BrokenLink(expected_seq, None if missing else row.object_id, reason)
            continue
        purged += row.purged
        previous, expected_seq = row.link_hash, row.seq + 1
        if expected_head is not None and expected_head.names(row.seq, row.link_hash):
            noted_seen = True
    cases = (await session.execute(select(func.count()).select_from(Case))).scalar_one()
    events = (await session.execute(select(func.count()).select_from(Event))).scalar_one()
    if broken is None and cases + events != links:
        broken = await _unchained(session, links)
    if broken is None and expected_head is not None and not noted_seen:
        broken = _missing_head(expected_head, links)
    report_head = Head(links, previous)
    return ChainReport(
        links=links, cases=cases, events=events, purged=purged, head=report_head, broken=broken
    )


async def _unchained(session: AsyncSession, links: int) -> BrokenLink:
    """The first case or event row that no link covers (a forged one slipped in, say)."""
    chained = select(ChainLink.case_id)
    case = await session.execute(select(Case.id).where(Case.id.not_in(chained)).limit(1))
    first = case.scalar_one_or_none()
    if first is not None:
        return BrokenLink(links + 1, first, "a case is stored outside the chain")
    event = await session.execute(select(Event.id).where(Event.id.not_in(chained)).limit(1))
    return BrokenLink(links + 1, event.scalar_one_or_none(), "an event is stored outside the chain")


def _missing_head(noted: Head, links: int) -> BrokenLink:
    if noted.seq is not None and noted.seq > links:
        return BrokenLink(
            noted.seq, None, "the chain is shorter than the head noted: cases were cut off"
        )
    return BrokenLink(
        noted.seq or links,
        None,
        "the link of the head noted is not in the chain: cases were cut off or replaced",
    )


async def verify_database(
    db: Database, expected_head: Head | None = None, min_reviewers: int = 1
) -> ChainReport:
    """Verify in one read-only snapshot, which never blocks the bot's writers."""
    async with db.snapshot() as session:
        return await verify(session, expected_head, min_reviewers)
