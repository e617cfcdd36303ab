"""The conversation's map: what each stage shows, and how presses move between stages.

LANGUAGE ─► CONSENT ─► MENU ─► FORM (questions … review) ─► submit ─► OFFER ─► SENT
                                ▲                                        │
                                └──────────── linked report ◄────────────┘
/followup CODE ─► FOLLOWUP ─► SENT       /cancel ─► MENU       /delete ─► wiped
"""

from __future__ import annotations

import logging

from handlers import screens, texts
from handlers.forms import Offer, Review, current, get_form, resume, start
from handlers.forms.draft import BadDraft, Draft
from handlers.forms.engine import WrongForm
from handlers.session import Stage
from handlers.turn import Turn
from storage.cases import new_object_id

logger = logging.getLogger(__name__)


def draft_of(turn: Turn) -> Draft | None:
    """The report in progress, re-checked against its form; None if there is none (or it
    no longer fits any form, which is logged and dropped rather than crashing every turn)."""
    data = turn.session.draft
    if data is None:
        return None
    if turn.checked_draft is not None and turn.checked_draft[0] is data:
        return turn.checked_draft[1]
    try:
        draft = Draft.from_json(data)
        checked = resume(get_form(draft.form), draft)
    except (BadDraft, WrongForm, KeyError):
        logger.warning("draft_dropped reason=unreadable")
        turn.session.clear_report()
        turn.session.stage = Stage.MENU
        return None
    turn.checked_draft = (data, checked)
    return checked


def keep_draft(turn: Turn, draft: Draft) -> None:
    """Store a draft the engine produced; it needs no re-check within this update (the
    engine only returns settled drafts: tests/handlers/forms/test_properties.py)."""
    data = draft.to_json()
    turn.session.draft = data
    turn.checked_draft = (data, draft)


def pending_offer(turn: Turn) -> Offer | None:
    if not turn.session.offers:
        return None
    source, target = turn.session.offers[0]
    try:
        return next((o for o in get_form(source).offers if o.form == target), None)
    except KeyError:
        return None


def begin_report(turn: Turn, form_id: str, *, keep_carry: bool = False) -> None:
    """Start a report of this type, with answers carried over from a linked one if any.

    The carried answers stay in the session while more linked reports are pending.
    """
    session = turn.session
    carry = dict(session.carry) if keep_carry else {}
    if session.consented:
        carry["consent"] = "yes"
    keep_draft(turn, start(get_form(form_id), carry))
    session.case_id = new_object_id()
    if not keep_carry:
        session.carry, session.offers, session.group = {}, [], None
    session.stage = Stage.FORM


async def show_current(
    turn: Turn,
    *,
    prefix: str | None = None,
    edit: int | None = None,
    closing: tuple[int, str] | None = None,
) -> bool:
    """Store the session, then show whatever the witness should see now, with fresh buttons.

    `prefix` (an error or notice) goes above it in the same message; `edit` replaces that
    message instead of sending a new one; `closing` (message id, text) first turns an
    answered question into a plain record of the answer. False if nothing could be stored.
    """
    receipt = turn.session.receipt
    if receipt and await turn.send(screens.receipt_screen(receipt)) is not None:
        # Sealed, then the bot stopped before the receipt was shown: show it before anything.
        turn.session.receipt = None
    ticket = turn.session.next_ticket()
    screen_list = screens_for(turn, ticket)
    if not await turn.save():
        return False
    if closing is not None:
        await turn.edit(closing[0], screens.Screen(closing[1]))
    if edit is None:
        await turn.retire_prompt(closed=closing[0] if closing else None)
    if prefix:
        first = screen_list[0]
        screen_list[0] = screens.Screen(f"{prefix}\n\n{first.text}", first.buttons)
    last = len(screen_list) - 1
    for index, screen in enumerate(screen_list):
        prompt = index == last and bool(screen.buttons)
        if index == 0 and edit is not None and await turn.edit(edit, screen, prompt=prompt):
            continue
        await turn.send(screen, prompt=prompt)
    return True


def screens_for(turn: Turn, ticket: int) -> list[screens.Screen]:
    session = turn.session
    if session.stage is Stage.LANGUAGE or session.language is None:
        return [screens.language_screen(ticket)]
    if session.stage is Stage.CONSENT or not session.consented:
        session.stage = Stage.CONSENT
        return [screens.consent_screen(ticket, _terms(turn))]
    if session.stage is Stage.FORM:
        draft = draft_of(turn)
        if draft is not None:
            form = get_form(draft.form)
            step = current(form, draft)
            if isinstance(step, Review):
                return screens.review_screens(step.items, ticket)
            return [screens.ask_screen(form, draft, step, ticket, _terms(turn))]
    if session.stage is Stage.OFFER:
        offer = pending_offer(turn)
        if offer is not None:
            return [screens.offer_screen(offer, ticket)]
    if session.stage is Stage.FOLLOWUP and session.followup_case:
        return [screens.followup_screen(ticket, texts.FOLLOWUP_START)]
    if session.stage is Stage.SENT:
        return [screens.notice(texts.ALL_DONE)]
    session.stage = Stage.MENU
    return [screens.menu_screen(ticket)]


def _terms(turn: Turn) -> screens.Terms:
    ttl = turn.services.drafts.ttl
    return screens.Terms(turn.services.organisation, round(ttl.total_seconds() / 3600))
