"""What each stage shows, and the report a session holds.

The stages and every move between them are one table, `handlers.session.TRANSITIONS`,
drawn in that module's docstring. `screens_for` decides what to show from the session
alone and changes nothing; `show_current` stores the session, then shows it.
"""

from __future__ import annotations

import logging

from handlers import screens, texts
from handlers.forms import Offer, Review, current, get_form, resume, start
from handlers.forms.draft import BadDraft, Draft
from handlers.forms.engine import WrongForm
from handlers.session import Move, Session, Stage
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
        turn.session.move(Move.LEAVE)
        return None
    turn.checked_draft = (data, checked)
    return checked


def keep_draft(turn: Turn, draft: Draft) -> None:
    """Store a draft the engine produced; it needs no re-check within this update (the
    engine only returns settled drafts: tests/handlers/forms/test_properties.py)."""
    data = draft.to_json()
    turn.session.draft = data
    turn.checked_draft = (data, draft)


def pending_offer(session: Session) -> Offer | None:
    if not session.offers:
        return None
    source, target = session.offers[0]
    try:
        return next((o for o in get_form(source).offers if o.form == target), None)
    except KeyError:
        return None


def begin_report(turn: Turn, form_id: str) -> None:
    """Start a report of this type, with answers carried over from a linked one if any.

    Started from a suggestion, the carried answers stay in the session while more linked
    reports are pending; from the menu there are none.
    """
    session = turn.session
    carry = {**session.carry, "consent": "yes"}
    session.move(Move.START)
    keep_draft(turn, start(get_form(form_id), carry))
    session.case_id = new_object_id()


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
    screen_list = screens_for(turn.session, _settle(turn), ticket)
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


def _settle(turn: Turn) -> Draft | None:
    """The report to show, once what no longer fits a form is dropped (logged, by a move).

    Only a release that changed or removed a form leaves such a session behind.
    """
    session = turn.session
    if session.stage is Stage.FORM:
        return draft_of(turn)
    while session.stage is Stage.OFFER and pending_offer(session) is None:
        logger.warning("offer_dropped reason=unknown_form")
        session.offers = session.offers[1:]
        if not session.offers:
            session.move(Move.DECLINE)
    return None


def screens_for(session: Session, draft: Draft | None, ticket: int) -> list[screens.Screen]:
    """What the witness sees at the session's stage: decided, not changed, here."""
    match session.stage:
        case Stage.LANGUAGE:
            return [screens.language_screen(ticket)]
        case Stage.CONSENT:
            return [screens.consent_screen(ticket)]
        case Stage.MENU:
            return [screens.menu_screen(ticket)]
        case Stage.FORM:
            assert draft is not None  # FORM holds a draft: begin_report, Session.from_json
            form = get_form(draft.form)
            step = current(form, draft)
            if isinstance(step, Review):
                return screens.review_screens(step.items, ticket)
            return [screens.ask_screen(form, draft, step, ticket)]
        case Stage.OFFER:
            offer = pending_offer(session)
            assert offer is not None  # settled by _settle
            return [screens.offer_screen(offer, ticket)]
        case Stage.FOLLOWUP:
            return [screens.followup_screen(ticket, texts.FOLLOWUP_START)]
        case Stage.SENT:
            return [screens.notice(texts.ALL_DONE)]
