"""Sending a finished report (or an addition to one): seal, store, receipt — all or nothing.

The case is sealed and stored in the same transaction that moves the witness's session past
the report, so a crash or an outage leaves either the case stored once and the draft gone,
or no case and the draft intact: never twice, never half. The receipt code is kept in the
(encrypted) session until it has been shown, and dropped after.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

from telegram.error import TelegramError

from handlers import texts
from handlers.flow import show_current
from handlers.forms import (
    ADDENDUM_FORM,
    CARRIED,
    TOO_LONG,
    AttachmentRef,
    Draft,
    Form,
    flags,
    get_form,
    offers,
)
from handlers.head import ALERT_LANGUAGE
from handlers.i18n import _, current_language, language
from handlers.screens import (
    answer_screens,
    followup_screen,
    notice,
    receipt_screen,
    wipe_offer_screen,
)
from handlers.session import Move, Session, Stage
from handlers.turn import Turn
from storage import cases
from storage.cases import (
    CaseDocument,
    UnknownReceipt,
    case_for_receipt,
    issue_receipt,
    new_object_id,
    read_receipt,
    seal_case,
)
from storage.database import StorageUnavailable
from storage.events import witness_events
from storage.retention import is_purged

logger = logging.getLogger(__name__)

MAX_NOTE = 4000
MAX_FOLLOWUP_NOTES = 50
"""Messages in one addition. A follow-up is held in memory until sent (`Sequel`): 50 notes of
at most 4000 characters bound that to 200 kB a witness; more is a new addition."""
MAX_FOLLOWUP_FILES = 20
"""Files in one addition, as the forms' files question takes (`Question.max_files`): a case
whose attachments a reviewer can still export and check in one sitting."""


def attachments_in(value: Any) -> Iterator[AttachmentRef]:
    """Every file reference among the answers, wherever the form put it."""
    if isinstance(value, dict):
        if "attachment_id" in value and "sha256" in value:
            yield AttachmentRef.from_json(value)
            return
        for item in value.values():
            yield from attachments_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from attachments_in(item)


def sealed_refs(refs: Iterable[AttachmentRef]) -> tuple[cases.AttachmentRef, ...]:
    """The same references as the case store records them (storage never imports handlers)."""
    return tuple(
        cases.AttachmentRef(r.attachment_id, r.sha256, r.size, r.kind, r.mime, r.name) for r in refs
    )


def case_document(turn: Turn, form: Form, draft: Draft, group: str | None) -> CaseDocument:
    return CaseDocument(
        form_id=form.id,
        form_version=form.version,
        language=turn.session.language or current_language(),
        answers=dict(draft.answers),
        submitted_at=turn.now,
        attachments=sealed_refs(attachments_in(draft.answers)),
        links={"group": group} if group else {},
        flags=flags(form, draft, turn.today),
    )


async def submit_report(turn: Turn, draft: Draft) -> None:
    form = get_form(draft.form)
    session = turn.session
    # New suggestions first, then any still pending from the report this one came from.
    pending = [[form.id, offer.form] for offer in offers(form, draft)] + session.offers
    suggested = [
        pair for i, pair in enumerate(pending) if pair[1] not in {p[1] for p in pending[:i]}
    ]
    group = session.group or (new_object_id() if suggested else None)
    document = case_document(turn, form, draft, group)
    after = copy.deepcopy(session)
    after.move(Move.SUGGEST if suggested else Move.SEND)
    if suggested:
        carried = {k: draft.answers[k] for k in CARRIED if k in draft.answers}
        for offer in offers(form, draft):
            carried.update(
                {new: draft.answers[old] for old, new in offer.renames if old in draft.answers}
            )
        after.group, after.offers, after.carry = group, suggested, {**session.carry, **carried}
    if await _seal_and_move(turn, document, after, case_id=turn.session.case_id, receipt=True):
        await _after_sent(turn, alert_form=form.id)
        # Now that the row no longer holds the receipt either.
        turn.services.scrub()


async def _seal_and_move(
    turn: Turn, document: CaseDocument, after: Session, case_id: str | None, *, receipt: bool
) -> bool:
    """Seal the case and store `after` in one transaction; `receipt`: keep its code in the
    row until shown (a report's; an addition's code is never shown, so never stored)."""
    started = time.perf_counter()
    services = turn.services
    # The code's scrypt derivation runs before the transaction: it must not hold the lock.
    code = await issue_receipt() if receipt else None
    try:
        async with services.db.transaction() as db:
            sealed = await seal_case(
                db,
                document,
                services.reviewer_keys,
                today=turn.today,
                case_id=case_id,
                receipt=code,
                with_receipt=receipt,
            )
            after.receipt = sealed.code if receipt else None
            await services.drafts.save(db, turn.user_id, after.to_json(), turn.now)
    except StorageUnavailable:
        logger.warning("storage_unavailable at=submit form=%s", document.form_id)
        await turn.send(notice(texts.NOT_SENT))
        return False
    turn.session = after
    turn.kept()
    services.activity.cases_sealed += 1
    elapsed = (time.perf_counter() - started) * 1000
    logger.info("case_sealed form=%s ms=%.0f", document.form_id, elapsed)
    if services.alert_chat_id is not None:
        await _alert(turn, sealed.case_id, document.form_id)
    return True


async def _after_sent(turn: Turn, alert_form: str) -> None:
    """Show the receipt, forget it, then suggest a linked report or offer the wipe.

    Only the receipt stays of the report: the review turns into it, and every other message
    the bot showed of the report (its questions, the review's other parts, answers shown whole)
    is deleted, even if the witness declines the wipe."""
    session = turn.session
    receipt, review = session.receipt, session.prompt
    if receipt and review is not None and await turn.edit(review, receipt_screen(receipt)):
        session.prompt = session.receipt = None
        await turn.clear_shown(keep=review)
    else:
        await turn.clear_shown()
        await turn.retire_prompt()
        if receipt and await turn.send(receipt_screen(receipt)) is not None:
            session.receipt = None
    if session.stage is Stage.OFFER:
        await show_current(turn)
        return
    await offer_wipe(turn)


async def offer_wipe(turn: Turn) -> None:
    """Once nothing more is to be sent: suggest wiping the chat (the receipt was shown)."""
    ticket = turn.session.next_ticket()
    if await turn.save(quiet=True):
        await turn.send(wipe_offer_screen(ticket), prompt=True)


async def _alert(turn: Turn, case_id: str, form_id: str) -> None:
    """Tell the group's alert chat that a case arrived: its id and type, nothing more."""
    chat_id = turn.services.alert_chat_id
    assert chat_id is not None
    with language(ALERT_LANGUAGE):
        text = _(texts.NEW_CASE_ALERT).format(case_id=case_id, form=form_id)
    try:
        await turn.context.bot.send_message(chat_id, text)
    except TelegramError:
        logger.warning("alert_failed")


async def open_followup(turn: Turn, code: str) -> None:
    if not turn.session.can(Move.FOLLOW_UP):
        # Language and consent first: the follow-up is a report like any other.
        await show_current(turn)
        return
    try:
        receipt = await read_receipt(code)
        async with turn.services.db.transaction() as db:
            case_id = await case_for_receipt(db, receipt)
            heard = await witness_events(db, receipt, case_id)
            purged = await is_purged(db, case_id)
    except UnknownReceipt:
        logger.info("followup_unknown_code")
        await show_current(turn, prefix=_(texts.FOLLOWUP_UNKNOWN))
        return
    except StorageUnavailable:
        await turn.send(notice(texts.UNAVAILABLE))
        return
    turn.session.move(Move.FOLLOW_UP)
    turn.session.followup_case = case_id
    if heard is not None:
        # Held here only while it is sent; the messages join the chat /delete wipes.
        for screen in answer_screens(heard, purged=purged):
            await turn.send(screen)
    await show_current(turn)


async def add_followup_note(turn: Turn, text: str) -> None:
    if len(text) > MAX_NOTE:
        message = _(TOO_LONG).format(max=MAX_NOTE)
        await show_current(turn, prefix=message)
        return
    if len(turn.session.followup_notes) >= MAX_FOLLOWUP_NOTES:
        full = _(texts.FOLLOWUP_NOTES_FULL).format(max=MAX_FOLLOWUP_NOTES)
        await show_current(turn, prefix=full)
        return
    turn.session.followup_notes.append(text)
    await show_current(turn, brief=True)


async def submit_followup(turn: Turn) -> None:
    session = turn.session
    if session.stage is not Stage.FOLLOWUP or session.followup_case is None:
        await show_current(turn)
        return
    if not session.followup_notes and not session.followup_files:
        ticket = session.next_ticket()
        if await turn.save():
            await turn.send(followup_screen(ticket, texts.FOLLOWUP_EMPTY), prompt=True)
        return
    document = CaseDocument(
        form_id=ADDENDUM_FORM,
        form_version=1,
        language=session.language or current_language(),
        answers={"notes": list(session.followup_notes)},
        submitted_at=turn.now,
        attachments=sealed_refs(session.followup_files),
        links={"addendum_to": session.followup_case},
    )
    after = copy.deepcopy(session)
    after.move(Move.ADD)
    if await _seal_and_move(turn, document, after, case_id=None, receipt=False):
        await turn.clear_shown()
        await turn.retire_prompt()
        await turn.send(notice(texts.FOLLOWUP_SAVED))
        await offer_wipe(turn)
        turn.services.scrub()
