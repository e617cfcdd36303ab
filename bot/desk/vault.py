"""The reviewer's unlocked key and the cases it opened, held in this process's memory only.

The desk may sit open on a laptop left in a café: after `idle_seconds` without a request the
key and every decrypted case are dropped (the references; Python cannot wipe the memory, but
nothing of ours keeps them), and each page then says to unlock in the terminal, where
`kuager desk` asks for the passphrase again. A background watch drops them on time even when no
request comes; each request checks too, so the lock never waits for the watch's next turn.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework import MakeEvents, append_events, recipients_for
from bot.desk.casebook import DeskCase, build
from storage.attachments import open_attachment
from storage.casefile import same_person_decisions
from storage.casepeople import people_of
from storage.cases import is_object_id
from storage.crypto.envelope import NotARecipient, TamperedCase
from storage.crypto.keys import ReviewerPrivateKey, ReviewerPublicKey
from storage.database import Database
from storage.events import CaseAccess, OpenedEvent, case_access, current_status, read_events
from storage.export import ExportTally, OpenedCase, Selection, open_cases
from storage.sameperson import SamePersonGroup, apply_decisions, possible_same_person

logger = logging.getLogger(__name__)

DEFAULT_IDLE_SECONDS = 15 * 60


class Locked(Exception):
    """The key is not in memory (dropped after idle time): unlock in the terminal."""


class FileUnavailable(Exception):
    """No such file in this case, or its bytes do not open or match their hash."""


@dataclass(frozen=True)
class OpenedFile:
    """An attachment decrypted into memory, with what the case says about it."""

    index: int
    name: str
    kind: str
    data: bytes


class Vault:
    """The key, the decrypted cases, and the idle clock that drops both."""

    def __init__(
        self,
        db: Database,
        *,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        seen_before: frozenset[str] | None = None,
        reviewers: Sequence[ReviewerPublicKey] = (),
    ) -> None:
        self.db = db
        self.reviewers = tuple(reviewers)
        """Every configured reviewer key: events are sealed to them all, as by the CLI."""
        self.idle_seconds = idle_seconds
        self.seen_before = seen_before
        self._clock = clock
        self._key: ReviewerPrivateKey | None = None
        self._opened: dict[str, OpenedCase] = {}
        self._cases: dict[str, DeskCase] = {}
        self._same_person: list[SamePersonGroup] = []
        self._built_on: dt.date | None = None
        """The day `_cases` was built for; None until built (and after a lock)."""
        """Groups of people of different cases who may be one (`storage.sameperson`)."""
        self._access: dict[str, CaseAccess] = {}
        """Per case, what the key derived to read and write its events (dropped on lock)."""
        self._last_used = clock()
        self.tampered: list[str] = []
        self.not_for_this_key = 0
        self.on_lock: list[Callable[[], None]] = []
        """Called once each time the key is dropped (the terminal asks for the passphrase)."""

    @property
    def locked(self) -> bool:
        return self._key is None

    @property
    def key_id(self) -> str:
        return self.key.public.key_id

    @property
    def key(self) -> ReviewerPrivateKey:
        if self._key is None:
            raise Locked
        return self._key

    async def unlock(self, key: ReviewerPrivateKey) -> None:
        """Hold `key` and decrypt every case it opens."""
        self._key = key
        self._opened, self._cases = {}, {}
        self._same_person, self._built_on = [], None
        self._last_used = self._clock()
        await self.refresh()
        logger.info("desk_unlocked cases=%d", len(self._cases))

    def lock(self) -> None:
        """Drop the key and everything it decrypted."""
        if self._key is None:
            return
        self._key = None
        self._opened, self._cases, self._access = {}, {}, {}
        self._same_person, self._built_on = [], None
        self.tampered = []
        logger.info("desk_locked")
        for callback in self.on_lock:
            callback()

    def touch(self) -> None:
        """A request arrived: lock if it came after the idle time, else restart the clock."""
        now = self._clock()
        if now - self._last_used >= self.idle_seconds:
            self.lock()
        self._last_used = now
        if self._key is None:
            raise Locked

    async def watch(self) -> None:
        """Drop the key once idle, even if no request ever comes; runs until cancelled."""
        step = max(min(self.idle_seconds / 4, 10.0), 0.05)
        while True:
            await asyncio.sleep(step)
            if self._key is not None and self._clock() - self._last_used >= self.idle_seconds:
                self.lock()

    async def refresh(self, today: dt.date | None = None) -> None:
        """Decrypt cases received since the newest one held (the bot keeps taking reports).

        Every page asks, so the list is rebuilt only when a case arrived or the day changed
        (urgency counts days), and same-person groups, which compare every person with every
        other, only when a case arrived."""
        key = self.key
        since = max((c.received_day for c in self._opened.values()), default=None)
        tally, found = ExportTally(), []
        async with self.db.sessions() as session, session.begin():
            async for case in open_cases(session, key, tally, Selection(since=since)):
                found.append(case)
        if self._key is not key:
            return  # locked while decrypting: keep nothing
        self.tampered = sorted(set(self.tampered) | set(tally.tampered))
        if since is None:
            self.not_for_this_key = tally.not_for_this_key
        new = [case for case in found if case.case_id not in self._opened]
        self._opened.update((case.case_id, case) for case in new)
        day = today or dt.datetime.now(dt.UTC).date()
        if not new and day == self._built_on:
            return
        made = build(self._opened.values(), day, seen_before=self.seen_before)
        self._cases, self._built_on = {c.case_id: c for c in made}, day
        if not new:
            return
        self._same_person = possible_same_person(
            record
            for case in self._opened.values()
            if case.case_id in self._cases
            for record in people_of(
                case.case_id, case.form_id, case.document, received_day=case.received_day
            )
        )

    async def same_person(self, case_id: str) -> list[SamePersonGroup]:
        """The groups naming someone of this case together with people of other cases, as
        reviewers' decisions leave them (read afresh: another desk or `kuager same` may have
        decided since). A group is a connected set of links, so only decisions stored on its
        own cases can split or confirm it: those are the events read."""
        key = self.key
        touching = [g for g in self._same_person if case_id in g.case_ids]
        if not touching:
            return []
        cases = sorted(frozenset().union(*(g.case_ids for g in touching)))
        async with self.db.snapshot() as session:
            events = [e for c in cases for e in await self._events(session, key, c)]
        decided = apply_decisions(touching, same_person_decisions(events))
        return [g for g in decided if case_id in g.case_ids]

    def reports(self) -> list[OpenedCase]:
        """Every decrypted document, follow-ups included (for the summary's counts)."""
        self.key  # noqa: B018 - raises Locked when the key is gone
        return list(self._opened.values())

    async def history(self, case_id: str) -> list[OpenedEvent]:
        """The case's events as they are in the database now (another desk may have added
        some), oldest first; forged or altered ones marked, not hidden."""
        key = self.key
        async with self.db.snapshot() as session:
            return await self._events(session, key, case_id)

    async def statuses(self) -> dict[str, str]:
        """Each held case's current status, read afresh from its events in one snapshot."""
        key = self.key
        async with self.db.snapshot() as session:
            return {
                case_id: current_status(await self._events(session, key, case_id))
                for case_id in list(self._cases)
            }

    async def _events(
        self, session: AsyncSession, key: ReviewerPrivateKey, case_id: str
    ) -> list[OpenedEvent]:
        access = self._access.get(case_id) or await case_access(session, key, case_id)
        if self._key is key:
            self._access[case_id] = access
        return await read_events(session, key, case_id, access.auth_key)

    async def has_reply_channel(self, case_id: str) -> bool:
        await self.history(case_id)
        access = self._access.get(case_id)
        return access is not None and access.reply_key is not None

    async def record(self, case_id: str, make: MakeEvents, today: dt.date) -> None:
        """Seal and store events exactly as `kuager status/note/reply` do."""
        key = self.key
        recipients = recipients_for(self.reviewers, key)
        await append_events(self.db, key, case_id, make, recipients, today)

    def cases(self) -> list[DeskCase]:
        self.key  # noqa: B018 - raises Locked when the key is gone
        return list(self._cases.values())

    def case(self, case_id: str) -> DeskCase | None:
        self.key  # noqa: B018 - raises Locked when the key is gone
        return self._cases.get(case_id)

    def attachment_ref(self, document_id: str, index: int) -> Mapping[str, Any]:
        """The `index`-th (from 1) attachment of a case or follow-up document this key opened.

        Only an index into what a decrypted document lists: the browser never names a stored
        object or a path, so nothing outside the case's own files can be asked for.
        """
        opened = self._opened.get(document_id) if self._key is not None else None
        if opened is None:
            raise FileUnavailable(document_id)
        refs = opened.document.get("attachments", [])
        if not 1 <= index <= len(refs):
            raise FileUnavailable(f"{document_id}/{index}")
        ref: Mapping[str, Any] = refs[index - 1]
        return ref

    async def file_head(self, document_id: str, index: int) -> bytes:
        """The first bytes of an attachment (its first sealed chunk, authenticated), to tell
        an image from anything else without decrypting a whole video; b"" if it won't open."""
        key = self.key
        attachment_id = self._attachment_id(document_id, index)
        try:
            async with self.db.sessions() as session, session.begin():
                pieces = open_attachment(session, attachment_id, key)
                try:
                    async for piece in pieces:
                        return piece[:64]
                finally:
                    await pieces.aclose()  # type: ignore[attr-defined]  # an async generator
        except (TamperedCase, NotARecipient):
            return b""
        return b""

    def _attachment_id(self, document_id: str, index: int) -> str:
        attachment_id = self.attachment_ref(document_id, index).get("attachment_id")
        if not isinstance(attachment_id, str) or not is_object_id(attachment_id):
            raise FileUnavailable(f"{document_id}/{index}")
        return attachment_id

    async def open_file(self, document_id: str, index: int) -> OpenedFile:
        """Decrypt one attachment into memory and check it against the hash sealed with it."""
        key = self.key
        ref = self.attachment_ref(document_id, index)
        attachment_id = self._attachment_id(document_id, index)
        pieces: list[bytes] = []
        try:
            async with self.db.sessions() as session, session.begin():
                async for piece in open_attachment(session, attachment_id, key):
                    pieces.append(piece)
        except (TamperedCase, NotARecipient) as exc:
            raise FileUnavailable(f"{document_id}/{index}") from exc
        data = b"".join(pieces)
        if hashlib.sha256(data).hexdigest() != ref.get("sha256"):
            raise FileUnavailable(f"{document_id}/{index}")
        return OpenedFile(index, str(ref.get("name", "")), str(ref.get("kind", "")), data)
