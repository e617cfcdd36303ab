"""The append-only hash chain over sealed cases: evidence that nothing was deleted or altered.

Each link covers the previous link, its own position, the case id and the SHA-256 of the
sealed body, so deleting, reordering, replacing or editing a case breaks the chain from that
point on. Appends must be strictly serialised: two writers that read the same head would
fork the chain. On SQLite the transaction already holds the write lock (BEGIN IMMEDIATE, see
`storage.database`); on PostgreSQL an advisory transaction lock does the same.

A case's report type (`form_id`) is stored in clear beside its body; the body's header holds
the same form id, authenticated by the body's AES-GCM and covered by the body hash. `verify`
compares the two, so relabelling a case as another report type shows without a key.

The chain cannot show that its newest links were cut off together with their cases; for that
`kuager verify` prints the head, which reviewers note and can compare later (`--head`).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto.envelope import TamperedCase, parse_header
from storage.models import Case, ChainLink

GENESIS = bytes(32)
_DOMAIN = b"kuager/v1/chain\x00"
_PG_LOCK_KEY = 0x6B75616765720001
"""Arbitrary constant naming the chain's advisory lock on PostgreSQL."""


def body_hash(body: bytes) -> bytes:
    return hashlib.sha256(body).digest()


def link_hash(previous: bytes, seq: int, case_id: str, body_digest: bytes) -> bytes:
    return hashlib.sha256(
        _DOMAIN + previous + seq.to_bytes(8, "big") + case_id.encode("ascii") + body_digest
    ).digest()


async def append(session: AsyncSession, case_id: str, body: bytes) -> int:
    """Add the link for a newly sealed case, in the caller's transaction; its position."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    head = (
        await session.execute(
            select(ChainLink.seq, ChainLink.link_hash).order_by(ChainLink.seq.desc()).limit(1)
        )
    ).first()
    seq = 1 if head is None else head.seq + 1
    previous = GENESIS if head is None else head.link_hash
    digest = body_hash(body)
    link = link_hash(previous, seq, case_id, digest)
    await session.execute(
        insert(ChainLink).values(seq=seq, case_id=case_id, body_hash=digest, link_hash=link)
    )
    return seq


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
    head: str
    """Hex of the last link's hash; note it down to detect later truncation."""
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _labelled_as_sealed(body: bytes, case_id: str, form_id: str) -> bool:
    """Whether a case row's clear id and form id are the ones sealed into its body's header."""
    try:
        sealed_id, sealed_form, _ = parse_header(body)
    except TamperedCase:
        return False
    return (sealed_id, sealed_form) == (case_id, form_id)


async def _links_with_bodies(
    session: AsyncSession,
) -> AsyncIterator[tuple[int, str, bytes, bytes, bytes | None, str | None]]:
    query = (
        select(
            ChainLink.seq,
            ChainLink.case_id,
            ChainLink.body_hash,
            ChainLink.link_hash,
            Case.body,
            Case.form_id,
        )
        .outerjoin(Case, Case.id == ChainLink.case_id)
        .order_by(ChainLink.seq)
        .execution_options(yield_per=500)
    )
    result = await session.stream(query)
    async for row in result:
        yield row.seq, row.case_id, row.body_hash, row.link_hash, row.body, row.form_id


async def verify(session: AsyncSession, expected_head: str | None = None) -> ChainReport:
    """Walk the whole chain and return the first break, if any."""
    previous, expected_seq, links, broken = GENESIS, 1, 0, None
    async for seq, case_id, digest, stored_link, body, form_id in _links_with_bodies(session):
        links += 1
        if broken is not None:
            continue
        if seq != expected_seq:
            broken = BrokenLink(expected_seq, None, f"link {expected_seq} is missing")
        elif body is None:
            broken = BrokenLink(seq, case_id, "the case of this link was deleted")
        elif body_hash(body) != digest:
            broken = BrokenLink(seq, case_id, "the sealed case was altered or replaced")
        elif link_hash(previous, seq, case_id, digest) != stored_link:
            broken = BrokenLink(seq, case_id, "the link does not follow from the one before")
        elif form_id is None or not _labelled_as_sealed(body, case_id, form_id):
            broken = BrokenLink(seq, case_id, "the case's report type differs from its sealed one")
        previous, expected_seq = stored_link, seq + 1
    cases = (await session.execute(select(func.count()).select_from(Case))).scalar_one()
    if broken is None and cases != links:
        unchained = await session.execute(
            select(Case.id).where(Case.id.not_in(select(ChainLink.case_id))).limit(1)
        )
        first = unchained.scalar_one_or_none()
        broken = BrokenLink(links + 1, first, "a case is stored outside the chain")
    head = previous.hex()
    if broken is None and expected_head is not None and head != expected_head.lower():
        broken = BrokenLink(links, None, "the head differs from the one noted: cases were cut off")
    return ChainReport(links=links, cases=cases, head=head, broken=broken)
