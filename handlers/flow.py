"""What each stage shows, and the report a session holds.

The stages and every move between them are one table, `handlers.session.TRANSITIONS`,
drawn in that module's docstring. `screens_for` decides what to show from the session
alone and changes nothing; `show_current` stores the session, then shows it.
"""

from __future__ import annotations

import logging

from handlers import screens, texts
from handlers.forms import Offer, Review, get_form, start
from handlers.session import Move, Session, Stage
from handlers.turn import Turn
from storage.cases import new_object_id

logger = logging.getLogger(__name__)


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
    session.keep(start(get_form(form_id), carry))
    session.case_id = new_object_id()


async def show_current(
    turn: Turn,
    *,
    prefix: str | None = None,
    edit: int | None = None,
    closing: tuple[int, str] | None = None,
    brief: bool = False,
) -> bool:
    """Store the session, then show whatever the witness should see now, with fresh buttons.

    `prefix` (an error or notice) goes above it in the same message; `edit` replaces that
    message instead of sending a new one; `closing` (message id, text) first turns an
    answered question into a plain record of the answer; `brief`: one more file or note was
    received, so a short line with the buttons, not the whole question again. A review
    already on the phone is deleted first (never two, never an old one beside a question);
    once no report is open, what is left of one is deleted. False if nothing was stored.
    """
    receipt = turn.session.receipt
    if receipt and await turn.send(screens.receipt_screen(receipt)) is not None:
        # Sealed, then the bot stopped before the receipt was shown: show it before anything.
        turn.session.receipt = None
    ticket = turn.session.next_ticket()
    _settle_offers(turn.session)
    screen_list = screens_for(turn.session, ticket, terms_of(turn), brief=brief)
    if not await turn.save():
        return False
    if turn.session.stage in (Stage.FORM, Stage.FOLLOWUP):
        await turn.drop_review(keep=edit)
    else:
        # Given up (Don't send, /cancel), or sent just before a restart cut the clean-up short.
        await turn.clear_shown(keep=edit)
    if closing is not None:
        await turn.edit(closing[0], screens.Screen(closing[1]))
    if edit is None:
        await turn.retire_prompt(closed=closing[0] if closing else None)
    if prefix:
        first = screen_list[0]
        screen_list[0] = screens.Screen(f"{prefix}\n\n{first.text}", first.buttons)
    last = len(screen_list) - 1
    on_phone: list[int] = []
    for index, screen in enumerate(screen_list):
        prompt = index == last and bool(screen.buttons)
        if index == 0 and edit is not None and await turn.edit(edit, screen, prompt=prompt):
            on_phone.append(edit)
            continue
        message = await turn.send(screen, prompt=prompt)
        if message is not None:
            on_phone.append(message.message_id)
    if turn.session.stage is Stage.FORM and isinstance(turn.session.step, Review):
        turn.session.review = on_phone
    return True


def _settle_offers(session: Session) -> None:
    """Drop suggestions of a report type a release removed (logged, by the table's move)."""
    while session.stage is Stage.OFFER and pending_offer(session) is None:
        logger.warning("offer_dropped reason=unknown_form")
        session.offers = session.offers[1:]
        if not session.offers:
            session.move(Move.DECLINE)


def screens_for(
    session: Session, ticket: int, terms: screens.Terms, *, brief: bool = False
) -> list[screens.Screen]:
    """What the witness sees at the session's stage: decided, not changed, here. `brief`:
    a file or note just received is acknowledged in a line, the buttons under it."""
    match session.stage:
        case Stage.LANGUAGE:
            return [screens.language_screen(ticket)]
        case Stage.CONSENT:
            return [screens.consent_screen(ticket, terms)]
        case Stage.MENU:
            return [screens.menu_screen(ticket)]
        case Stage.FORM:
            step = session.step
            assert step is not None  # FORM holds a draft: begin_report, Session.from_json
            if isinstance(step, Review):
                return screens.review_screens(step.items, ticket)
            if brief:
                return [screens.file_received_screen(step, ticket)]
            return [screens.ask_screen(step, ticket, terms)]
        case Stage.OFFER:
            offer = pending_offer(session)
            assert offer is not None  # _settle_offers dropped any that no form has
            return [screens.offer_screen(offer, ticket)]
        case Stage.FOLLOWUP:
            return [
                screens.followup_screen(
                    ticket, texts.FOLLOWUP_GOT if brief else texts.FOLLOWUP_START
                )
            ]
        case Stage.SENT:
            return [screens.notice(texts.ALL_DONE)]


def terms_of(turn: Turn) -> screens.Terms:
    """What the consent promises, from the config: who reads, how long drafts stay readable."""
    ttl = turn.services.drafts.ttl
    return screens.Terms(turn.services.organisation, round(ttl.total_seconds() / 3600))
