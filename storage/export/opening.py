"""Reading sealed cases out of the database on a reviewer's machine, and counting them.

Whoever can write to the database can also seal a case of their own to the reviewers' public
keys, so nothing in a case is trusted: case ids must have the shape the bot makes, and a
document must have the shape docs/FORMAT.md gives it, or the case is named as tampered.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cases import ADDENDUM_FORM, is_object_id
from storage.crypto.envelope import KeyStanza, NotARecipient, Sealed, TamperedCase, open_sealed
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export.rows import OpenedCase
from storage.models import Case, WrappedKey
from storage.retention import CaseAck

_SECTIONS: dict[str, type] = {
    "form": dict,
    "answers": dict,
    "links": dict,
    "flags": dict,
    "attachments": list,
}


@dataclass(frozen=True)
class Selection:
    """Which cases an export walks: all, or narrowed by type, day, or one case."""

    form_id: str | None = None
    since: dt.date | None = None
    case_id: str | None = None
    """One case (found by its receipt code), with the witness's additions to it."""
    additions: bool = True
    """With `case_id`: also every addition whose sealed `links.addendum_to` names the case,
    as the witness holding the receipt sent them; False for the one case alone."""

    @property
    def _with_additions(self) -> bool:
        return self.case_id is not None and self.additions

    def conditions(self) -> list[ColumnElement[bool]]:
        found = []
        if self.form_id is not None:
            found.append(Case.form_id == self.form_id)
        if self.since is not None:
            found.append(Case.received_day >= self.since)
        if self._with_additions:
            # The link is sealed: every addition is a candidate until it is opened. The form
            # id is the context its body is sealed under (docs/FORMAT.md §3): a row relabelled
            # to or from it fails to open.
            found.append(or_(Case.id == self.case_id, Case.form_id == ADDENDUM_FORM))
        elif self.case_id is not None:
            found.append(Case.id == self.case_id)
        return found

    def names(self, case_id: str) -> bool:
        """Whether a row is one the selection names before it is opened: a row that is only
        a candidate addition is not counted as purged or as another key's if it stays shut."""
        return not self._with_additions or case_id == self.case_id

    def keeps(self, case: OpenedCase) -> bool:
        """Whether an opened case is one the selection wants (an addition: linked to it)."""
        if not self._with_additions or case.case_id == self.case_id:
            return True
        return case.form_id == ADDENDUM_FORM and case.link("addendum_to") == self.case_id


@dataclass
class ExportTally:
    """What happened to every case, for the closing summary and the exit status."""

    exported: int = 0
    not_for_this_key: int = 0
    tampered: list[str] = field(default_factory=list)
    attachments: int = 0
    already: int = 0
    """Attachments found already decrypted, byte for byte, by an earlier export."""
    attachment_problems: list[str] = field(default_factory=list)
    """Attachments missing, altered or not matching their hash."""
    unwritable: list[str] = field(default_factory=list)
    """Attachments this disk would not take (or that would land outside the export)."""
    purged: int = 0
    """Cases whose body was purged: the reviewers' earlier exports hold them."""
    skipped_known: int = 0
    """Cases this key had acked before, left out by `--new`."""
    acks: list[CaseAck] = field(default_factory=list)
    """One per case exported (sent since acks exist): the proof this key holds it."""

    @property
    def ok(self) -> bool:
        return not (self.tampered or self.attachment_problems or self.unwritable)


async def open_cases(
    session: AsyncSession,
    private_key: ReviewerPrivateKey,
    tally: ExportTally,
    selection: Selection = Selection(),
) -> AsyncIterator[OpenedCase]:
    """Every case of `selection` this key can open, oldest day first; others are counted in
    `tally`."""
    key_id = private_key.public.key_id
    query = (
        select(Case.id, Case.form_id, Case.received_day, Case.body, WrappedKey.wrapped)
        .outerjoin(WrappedKey, and_(WrappedKey.object_id == Case.id, WrappedKey.key_id == key_id))
        .where(*selection.conditions())
        .order_by(Case.received_day, Case.id)
        .execution_options(yield_per=1000)
    )
    rows = await session.stream(query)
    # A thousand rows per step: each step crosses from asyncio into SQLAlchemy's greenlet and
    # back, which row by row cost as much as parsing the case.
    async for batch in rows.partitions():
        for case_id, form, day, body, wrapped in batch:
            case = _open(case_id, form, day, body, wrapped, private_key, tally, selection)
            if case is not None and selection.keeps(case):
                yield case


def _open(
    case_id: str,
    form: str,
    day: dt.date,
    body: bytes,
    wrapped: bytes | None,
    private_key: ReviewerPrivateKey,
    tally: ExportTally,
    selection: Selection,
) -> OpenedCase | None:
    """One row decrypted and checked, or None with the reason counted in `tally`."""
    if not body:
        # Purged (storage.retention): nothing is left to open.
        if selection.names(case_id):
            tally.purged += 1
        return None
    if wrapped is None:
        if selection.names(case_id):
            tally.not_for_this_key += 1
        return None
    if not is_object_id(case_id):
        # The bot never makes such an id, and it would become a folder on the reviewer's disk.
        tally.tampered.append(case_id)
        return None
    stanza = KeyStanza(private_key.public.key_id, private_key.kind, wrapped)
    try:
        plain = open_sealed(Sealed(body, (stanza,)), private_key, object_id=case_id, context=form)
        document = json.loads(plain)
        if not _well_formed(document, case_id):
            raise TamperedCase("document is not one the bot writes for this case")
    except (TamperedCase, NotARecipient, ValueError):
        # Named even when it was only a candidate addition: whether it adds to the selected
        # case is sealed inside, and a forged case is shown, never hidden.
        tally.tampered.append(case_id)
        return None
    return OpenedCase(case_id, form, day, document)


def _well_formed(document: Any, case_id: str) -> bool:
    """The shape docs/FORMAT.md gives a case document; a hand-sealed one may have another."""
    if not isinstance(document, dict) or document.get("case_id") != case_id:
        return False
    if any(not isinstance(document.get(key, kind()), kind) for key, kind in _SECTIONS.items()):
        return False
    return all(isinstance(ref, dict) for ref in document.get("attachments", []))


async def count_cases(db: Database, selection: Selection = Selection()) -> int:
    """How many cases an export will walk (for the progress bar's total): with a case's
    additions, every addition is walked, so this counts more than are exported."""
    query = select(func.count()).select_from(Case).where(*selection.conditions())
    async with db.sessions() as session:
        found: int = (await session.execute(query)).scalar_one()
        return found
