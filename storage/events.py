"""What happens to a case after it was sent: statuses, notes and replies, appended as events.

An event is a row of its own (`events`: random id, case id, day, sealed body) with its own
chain link, so it outlives a purged case body, and `verify` shows an event removed or
altered. Everything else — the kind, the status, the text, which reviewer — is sealed
(`storage.crypto.events`): to every reviewer key, and a status or a reply also to the case's
reply key, which only the receipt code's holder can open.

Reviewers write and read events on their laptops (`kuager status`, `note`, `reply`, `show`);
the bot only reads the ones sealed to the reply key, with the key `/followup CODE` unwrapped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import chain
from storage.cases import ReceiptKey, is_object_id, new_object_id, reply_channel
from storage.crypto.envelope import KeyStanza, NotARecipient, Sealed, TamperedCase, open_sealed
from storage.crypto.events import event_auth_key, open_event, seal_event
from storage.crypto.keys import InvalidPublicKey, KeyKind, ReviewerPrivateKey, ReviewerPublicKey
from storage.crypto.reply import ReplyKeyUnreadable, open_reply_key
from storage.models import Case, ChainLink, Event, WrappedKey

EVENT_FORMAT = 1
STATUSES = (
    "new",
    "in_review",
    "needs_info",
    "forwarded_lawyer",
    "forwarded_un",
    "forwarded_other",
    "person_found",
    "released",
    "closed",
)
"""Every status a case can have, in the order a case usually moves; `new` until one is set."""
MAX_TEXT = 3000
"""A reply or note: the witness's Telegram message has room for it with its heading."""


class EventKind(StrEnum):
    STATUS = "status"
    NOTE = "note"
    """For reviewers only: the witness's key never opens one."""
    REPLY = "reply"
    SAME_PERSON = "same_person"
    """A reviewer's word on a same-person grouping (storage.sameperson): these cases concern
    one person. For reviewers only, like a note."""
    NOT_SAME_PERSON = "not_same_person"
    """A reviewer's word that these cases do not concern one person: never group them."""


SAME_PERSON_KINDS = frozenset({EventKind.SAME_PERSON, EventKind.NOT_SAME_PERSON})
FOR_WITNESS = frozenset({EventKind.STATUS, EventKind.REPLY})


class UnknownCase(Exception):
    """No case with this id is stored."""


class PurgedCase(UnknownCase):
    """The case's report was purged from the server (storage.retention): reviewers' exports
    hold it; its events remain, but nothing can be appended without its reply key."""


class InvalidEvent(ValueError):
    """A status not in `STATUSES`, or a text that is empty or too long."""


@dataclass(frozen=True)
class EventDocument:
    """What an event says, as it is sealed (docs/FORMAT.md §9)."""

    case_id: str
    kind: EventKind
    author: str
    """The key id of the reviewer who wrote it (claimed, not proven among reviewers)."""
    day: dt.date
    status: str | None = None
    text: str | None = None
    others: tuple[str, ...] = ()
    """For a same-person decision: the other cases it names besides `case_id`."""

    def to_json(self, event_id: str) -> dict[str, Any]:
        extra = {"others": list(self.others)} if self.kind in SAME_PERSON_KINDS else {}
        return {
            **extra,
            "format": EVENT_FORMAT,
            "event_id": event_id,
            "case_id": self.case_id,
            "kind": self.kind.value,
            "status": self.status,
            "text": self.text,
            "author": self.author,
            "day": self.day.isoformat(),
        }

    @classmethod
    def from_json(cls, plain: bytes, event_id: str, case_id: str) -> EventDocument:
        """The document of a stored event; `TamperedCase` unless it is one of this case's."""
        try:
            doc = json.loads(plain)
            if doc["format"] != EVENT_FORMAT or (doc["event_id"], doc["case_id"]) != (
                event_id,
                case_id,
            ):
                raise TamperedCase("the event belongs to another case")
            event = cls(
                case_id,
                EventKind(doc["kind"]),
                str(doc["author"]),
                dt.date.fromisoformat(doc["day"]),
                doc.get("status"),
                doc.get("text"),
                tuple(str(o) for o in doc.get("others", [])),
            )
        except (ValueError, KeyError, TypeError):
            raise TamperedCase("the event is not one the reviewers write") from None
        if event.kind is EventKind.STATUS and event.status not in STATUSES:
            raise TamperedCase("an unknown status")
        if event.kind in SAME_PERSON_KINDS:
            if not event.others or not all(is_object_id(o) for o in event.others):
                raise TamperedCase("a same-person decision without the cases it names")
        elif event.kind is not EventKind.STATUS and not isinstance(event.text, str):
            raise TamperedCase("a note or reply without text")
        return event


def status_event(case_id: str, status: str, author: str, day: dt.date) -> EventDocument:
    if status not in STATUSES:
        raise InvalidEvent(f"unknown status {status!r}; one of: {', '.join(STATUSES)}")
    return EventDocument(case_id, EventKind.STATUS, author, day, status=status)


def same_person_event(
    case_id: str, others: Sequence[str], same: bool, author: str, day: dt.date
) -> EventDocument:
    """A reviewer's decision that `case_id` and `others` concern one person (or do not)."""
    named = tuple(sorted(set(others) - {case_id}))
    if not named or not all(is_object_id(o) for o in named):
        raise InvalidEvent("name at least one other case, by its id")
    kind = EventKind.SAME_PERSON if same else EventKind.NOT_SAME_PERSON
    return EventDocument(case_id, kind, author, day, others=named)


def text_event(
    case_id: str, kind: EventKind, text: str, author: str, day: dt.date
) -> EventDocument:
    text = text.strip()
    if not text:
        raise InvalidEvent("the text is empty")
    if len(text) > MAX_TEXT:
        raise InvalidEvent(f"the text is longer than {MAX_TEXT} characters")
    return EventDocument(case_id, kind, author, day, text=text)


@dataclass(frozen=True)
class CaseAccess:
    """What a reviewer's key yields for writing and reading a case's events."""

    case_id: str
    document: dict[str, Any]
    """The case's sealed document, opened."""
    auth_key: bytes
    reply_key: ReviewerPublicKey | None
    """The public half of the case's reply channel; None for a case sent before it existed."""


async def _stanzas(session: AsyncSession, object_id: str, key_id: str) -> list[KeyStanza]:
    rows = await session.execute(
        select(WrappedKey.kind, WrappedKey.wrapped).where(
            and_(WrappedKey.object_id == object_id, WrappedKey.key_id == key_id)
        )
    )
    return [KeyStanza(key_id, KeyKind.from_code(kind), wrapped) for kind, wrapped in rows]


async def case_access(session: AsyncSession, key: ReviewerPrivateKey, case_id: str) -> CaseAccess:
    """Open the case to learn its reply key and its events' key: `UnknownCase`, or
    `NotARecipient` / `TamperedCase` from the envelope."""
    row = (await session.execute(select(Case.form_id, Case.body).where(Case.id == case_id))).first()
    if row is None:
        raise UnknownCase(f"no case {case_id}")
    if not row.body:
        raise PurgedCase(f"case {case_id} was purged")
    stanzas = await _stanzas(session, case_id, key.public.key_id)
    sealed = Sealed(row.body, tuple(stanzas))
    plain = open_sealed(sealed, key, object_id=case_id, context=row.form_id)
    try:
        document = json.loads(plain)
        line = document.get("reply", {}).get("key")
        reply_key = ReviewerPublicKey.from_line(line) if line is not None else None
    except (ValueError, AttributeError, InvalidPublicKey):
        raise TamperedCase("the case document is not one the bot writes") from None
    return CaseAccess(case_id, document, event_auth_key(stanzas, key, case_id), reply_key)


async def append_event(
    session: AsyncSession,
    access: CaseAccess,
    event: EventDocument,
    reviewers: Sequence[ReviewerPublicKey],
    *,
    today: dt.date,
) -> str:
    """Seal `event` and store it with its chain link, in the caller's transaction; its id."""
    event_id = new_object_id()
    payload = json.dumps(event.to_json(event_id), ensure_ascii=False, separators=(",", ":"))
    sealed = seal_event(
        payload.encode("utf-8"),
        reviewers,
        event_id=event_id,
        auth_key=access.auth_key,
        reply_key=access.reply_key,
        for_witness=event.kind in FOR_WITNESS,
    )
    await session.execute(
        insert(Event).values(id=event_id, case_id=access.case_id, day=today, body=sealed.body)
    )
    await session.execute(
        insert(WrappedKey),
        [
            {"object_id": event_id, "key_id": s.key_id, "kind": s.kind.code, "wrapped": s.wrapped}
            for s in sealed.stanzas
        ],
    )
    fields = chain.EventFields(event_id, access.case_id, today, chain.body_hash(sealed.body))
    await chain.append_event(session, fields)
    return event_id


@dataclass(frozen=True)
class OpenedEvent:
    """An event as a reader sees it: `document` None when it did not open (tampered)."""

    event_id: str
    day: dt.date
    document: EventDocument | None
    authentic: bool
    """For a reviewer: its tag proves a recipient of the case wrote it. False for a forgery
    sealed with public keys alone, and always False on the witness's side (no tag key)."""
    seq: int | None = None
    """Its chain position: orders events across cases (same-person decisions)."""


async def _event_rows(session: AsyncSession, case_id: str, key_id: str) -> list[Any]:
    """The case's events oldest first (by chain position; unchained ones last) with this
    key's stanza, if any."""
    query = (
        select(Event.id, Event.day, Event.body, WrappedKey.kind, WrappedKey.wrapped, ChainLink.seq)
        .outerjoin(WrappedKey, and_(WrappedKey.object_id == Event.id, WrappedKey.key_id == key_id))
        .outerjoin(ChainLink, ChainLink.case_id == Event.id)
        .where(Event.case_id == case_id)
        .order_by(Event.day, ChainLink.seq.is_(None), ChainLink.seq, Event.id)
    )
    return list((await session.execute(query)).all())


async def read_events(
    session: AsyncSession, key: ReviewerPrivateKey, case_id: str, auth_key: bytes | None
) -> list[OpenedEvent]:
    """Every event of the case this key can open, oldest first.

    A reviewer passes the case's `auth_key` and gets every event, forged or tampered ones
    marked; the witness's side passes None and gets only events its key opens."""
    key_id = key.public.key_id
    opened: list[OpenedEvent] = []
    for row in await _event_rows(session, case_id, key_id):
        if row.wrapped is None:
            if auth_key is not None:
                opened.append(OpenedEvent(row.id, row.day, None, False, row.seq))
            continue
        stanza = KeyStanza(key_id, KeyKind.from_code(row.kind), row.wrapped)
        try:
            payload, authentic = open_event(
                Sealed(row.body, (stanza,)), key, event_id=row.id, auth_key=auth_key
            )
            document = EventDocument.from_json(payload, row.id, case_id)
        except (TamperedCase, NotARecipient):
            if auth_key is not None:
                opened.append(OpenedEvent(row.id, row.day, None, False, row.seq))
            continue
        opened.append(OpenedEvent(row.id, row.day, document, authentic, row.seq))
    return opened


def current_status(events: Sequence[OpenedEvent], *, trusted_only: bool = True) -> str:
    """The newest status set, `new` if none: on a reviewer's side only authentic events count."""
    status = "new"
    for event in events:
        doc = event.document
        trusted = event.authentic or not trusted_only
        if doc is not None and doc.kind is EventKind.STATUS and trusted:
            status = doc.status or status
    return status


async def witness_events(
    session: AsyncSession, receipt: ReceiptKey, case_id: str
) -> list[EventDocument] | None:
    """The statuses and replies the receipt code's holder may read, oldest first.

    The reply key is unwrapped here and dropped on return: nothing of it is kept. None for a
    case without a reply channel (sent before there was one) or one whose key does not open.
    """
    channel = await reply_channel(session, case_id)
    if channel is None:
        return None
    try:
        key = open_reply_key(channel, receipt.secret, case_id)
    except ReplyKeyUnreadable:
        return None
    events = await read_events(session, key, case_id, None)
    return [e.document for e in events if e.document is not None and e.document.kind in FOR_WITNESS]
