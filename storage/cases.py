"""Sealing and storing a case: the one call the witness conversation makes on submit.

A case is stored whole or not at all: the sealed body, its wrapped keys, its reply channel,
the claim on its attachments and its chain link are written in the caller's single
transaction.

The receipt code is the witness's only tie to the case: it finds the case (through a lookup
hash) and opens the case's reply key (`storage.crypto.reply`). Both come from one scrypt
derivation, slow on purpose, which `issue_receipt` and `read_receipt` run off the event loop
and outside any transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import chain
from storage.crypto.acks import case_locks, new_ack_root, release, release_lock
from storage.crypto.envelope import FORMAT_VERSION, seal
from storage.crypto.keys import ReviewerPublicKey
from storage.crypto.reply import ReceiptSecret, ReplyChannel, new_reply_channel
from storage.models import Attachment, Case, WrappedKey
from storage.models import ReplyChannel as ReplyChannelRow

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives."""
RECEIPT_GROUPS = 4
RECEIPT_GROUP_LEN = 4
"""16 symbols = 80 bits: too many to guess online, and, behind scrypt, from the stored hash."""


class UnknownReceipt(Exception):
    """No case has this receipt code."""


@dataclass(frozen=True)
class AttachmentRef:
    """A sealed attachment as the case refers to it; the hash is of the bytes as received."""

    attachment_id: str
    sha256: str
    size: int
    kind: str
    mime: str = ""
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "attachment_id": self.attachment_id,
            "sha256": self.sha256,
            "size": self.size,
            "kind": self.kind,
            "mime": self.mime,
            "name": self.name,
        }


ADDENDUM_FORM = "addendum"
"""The form id of a follow-up a witness adds to a sent report (`/followup CODE`): notes and
files, linked to the report by `links.addendum_to`; no form definition of its own. Defined here,
with the document's format, since the store and the reviewers' tools fold addenda into their
case as well as the bot writes them."""


@dataclass(frozen=True)
class CaseDocument:
    """What the witness reported, as it is sealed (docs/FORMAT.md, "Case document")."""

    form_id: str
    form_version: int
    language: str
    answers: Mapping[str, Any]
    """Language-neutral: choice codes, ISO dates, numbers, and the witness's own text."""
    submitted_at: dt.datetime
    attachments: Sequence[AttachmentRef] = ()
    links: Mapping[str, str] = field(default_factory=dict)
    """E.g. {"group": <shared id of linked reports>, "addendum_to": <case id>}."""
    flags: Mapping[str, bool] = field(default_factory=dict)
    """Derived markers such as {"un_ready": true, "urgent": false}."""

    def to_json(self, case_id: str) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "case_id": case_id,
            "form": {"id": self.form_id, "version": self.form_version},
            "language": self.language,
            "submitted_at": self.submitted_at.astimezone(dt.UTC).isoformat(),
            "answers": dict(self.answers),
            "attachments": [a.to_json() for a in self.attachments],
            "links": dict(self.links),
            "flags": dict(self.flags),
        }


@dataclass(frozen=True)
class Receipt:
    """What the witness keeps: the code proves the right to add to the case, nothing more."""

    case_id: str
    code: str
    received_day: dt.date


def new_object_id() -> str:
    return secrets.token_hex(16)


_OBJECT_ID = re.compile(r"[0-9a-f]{32}")


def is_object_id(text: str) -> bool:
    """Whether `text` has exactly the shape `new_object_id` makes; a forged row's id may not."""
    return _OBJECT_ID.fullmatch(text) is not None


def new_receipt_code() -> str:
    symbols = "".join(
        secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUPS * RECEIPT_GROUP_LEN)
    )
    return "-".join(
        symbols[i : i + RECEIPT_GROUP_LEN] for i in range(0, len(symbols), RECEIPT_GROUP_LEN)
    )


def normalise_receipt(code: str) -> str:
    """Forgive how people retype codes: case, spaces, dashes, O for 0, I or L for 1."""
    cleaned = code.upper().translate(str.maketrans("OIL", "011", " -_\t\n"))
    if len(cleaned) != RECEIPT_GROUPS * RECEIPT_GROUP_LEN or set(cleaned) - set(RECEIPT_ALPHABET):
        raise UnknownReceipt("not a receipt code")
    return cleaned


def receipt_hash(code: str) -> bytes:
    """The version 1 lookup hash (SHA-256), as stored for cases sent before the reply channel.

    Still looked up, so their codes keep working; no case is stored under it any more, since
    a fast hash is the cheapest way for a thief to search codes (see SECURITY.md)."""
    return hashlib.sha256(b"kuager/v1/receipt\x00" + normalise_receipt(code).encode()).digest()


@dataclass(frozen=True)
class ReceiptKey:
    """A receipt code with what scrypt derives from it: the lookup hash and the reply secret."""

    code: str
    secret: ReceiptSecret

    @property
    def lookup(self) -> bytes:
        return self.secret.lookup

    @property
    def legacy_lookup(self) -> bytes:
        return receipt_hash(self.code)


def derive_receipt(code: str) -> ReceiptKey:
    """The slow step, synchronously: `UnknownReceipt` if `code` cannot be a receipt code."""
    return ReceiptKey(code, ReceiptSecret.derive(normalise_receipt(code)))


async def issue_receipt() -> ReceiptKey:
    """A new receipt code, derived in a worker thread: never inside a transaction."""
    return await asyncio.to_thread(derive_receipt, new_receipt_code())


async def read_receipt(code: str) -> ReceiptKey:
    """A code as a witness typed it, derived in a worker thread; `UnknownReceipt` if malformed."""
    normalise_receipt(code)
    return await asyncio.to_thread(derive_receipt, code)


async def seal_case(
    session: AsyncSession,
    document: CaseDocument,
    recipients: Sequence[ReviewerPublicKey],
    *,
    today: dt.date | None = None,
    case_id: str | None = None,
    receipt: ReceiptKey | None = None,
    with_receipt: bool = True,
) -> Receipt:
    """Seal `document` to every reviewer key and store it, in the caller's transaction.

    `case_id` lets a caller make a retried submit idempotent (the id is the primary key);
    by default a fresh random id is drawn. `receipt` is a code issued beforehand (the bot
    does, outside its transaction); without one a code is derived here. With `with_receipt`
    False (an addendum, whose code nobody is shown) the case gets neither a lookup hash nor a
    reply channel, and the returned code is empty.
    """
    case_id = case_id or new_object_id()
    channel: ReplyChannel | None = None
    reply_key: ReviewerPublicKey | None = None
    if with_receipt:
        receipt = receipt or derive_receipt(new_receipt_code())
        channel, reply_key = new_reply_channel(receipt.secret, case_id)
    doc = document.to_json(case_id)
    if reply_key is not None:
        # The reply channel's public half: reviewers seal replies to it; stored nowhere else.
        doc["reply"] = {"key": reply_key.line}
    # The ack root: only reviewers learn it, the server keeps its locks (storage.crypto.acks).
    ack_root = new_ack_root()
    doc["ack"] = {"root": ack_root.hex()}
    payload = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    sealed = seal(payload.encode("utf-8"), recipients, object_id=case_id, context=document.form_id)
    received = today or dt.datetime.now(dt.UTC).date()
    hashed = receipt.lookup if receipt is not None and with_receipt else None
    locks = case_locks(ack_root, case_id, (s.key_id for s in sealed.stanzas))
    stored_channel = channel.to_bytes() if channel is not None else None
    # Core inserts: a submit is on the witness's critical path, and the ORM's unit of work
    # adds nothing here but time.
    await session.execute(
        insert(Case).values(
            id=case_id,
            form_id=document.form_id,
            received_day=received,
            receipt_hash=hashed,
            body=sealed.body,
            ack_locks=locks,
        )
    )
    await session.execute(
        insert(WrappedKey),
        [
            {"object_id": case_id, "key_id": s.key_id, "kind": s.kind.code, "wrapped": s.wrapped}
            for s in sealed.stanzas
        ],
    )
    if stored_channel is not None:
        await session.execute(
            insert(ReplyChannelRow).values(case_id=case_id, sealed_key=stored_channel)
        )
    for ref in document.attachments:
        secret = release(ack_root, case_id, ref.attachment_id)
        lock = release_lock(case_id, ref.attachment_id, secret)
        await session.execute(
            update(Attachment)
            .where(Attachment.id == ref.attachment_id)
            .values(claimed=True, release_lock=lock)
        )
    # The link covers every field of the rows just written, so none can be changed unseen.
    fields = chain.CaseFields(
        case_id,
        document.form_id,
        received,
        hashed,
        chain.body_hash(sealed.body),
        stored_channel,
        locks,
    )
    await chain.append(session, fields)
    code = receipt.code if receipt is not None and with_receipt else ""
    return Receipt(case_id=case_id, code=code, received_day=received)


async def case_for_receipt(session: AsyncSession, receipt: ReceiptKey) -> str:
    """The case id a receipt code belongs to; `UnknownReceipt` otherwise.

    Cases sent before the reply channel are stored under the version 1 hash: both are tried."""
    wanted = (receipt.lookup, receipt.legacy_lookup)
    found = await session.execute(select(Case.id).where(Case.receipt_hash.in_(wanted)))
    case_id = found.scalar_one_or_none()
    if case_id is None:
        raise UnknownReceipt("no case has this receipt code")
    return case_id


async def reply_channel(session: AsyncSession, case_id: str) -> ReplyChannel | None:
    """The case's stored reply channel; None for a case sent before there was one."""
    found = await session.execute(
        select(ReplyChannelRow.sealed_key).where(ReplyChannelRow.case_id == case_id)
    )
    stored = found.scalar_one_or_none()
    return None if stored is None else ReplyChannel.from_bytes(stored)
