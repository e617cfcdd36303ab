"""The witness's updates: commands, button presses, typed answers, files and locations.

Each handler is thin: it turns the update into a stage change or an engine input, and
`flow.show_current` stores the session and shows what comes next.
"""

from __future__ import annotations

import logging

from telegram import Message

from handlers import texts
from handlers.answering import apply_input
from handlers.callbacks import Action, ForgedPress, Press, decode
from handlers.flow import begin_report, pending_offer, show_current
from handlers.forms import (
    FORMS,
    Accept,
    Ask,
    Button,
    Invalid,
    Location,
    Review,
    Text,
    back,
    edit,
    get_form,
)
from handlers.i18n import LANGUAGES, _, set_language
from handlers.media import receive_media
from handlers.screens import (
    Screen,
    discard_confirm_screen,
    full_answer_screens,
    language_screen,
    wipe_confirm_screen,
)
from handlers.session import Move, Stage
from handlers.submit import (
    add_followup_note,
    offer_wipe,
    open_followup,
    submit_followup,
    submit_report,
)
from handlers.turn import Turn, answer_press, witness_turn
from handlers.wipe import wipe

logger = logging.getLogger(__name__)


@witness_turn
async def cmd_start(turn: Turn) -> None:
    """Begin, or pick up where the witness stopped: a draft is never thrown away by /start."""
    session = turn.session
    if session.stage is Stage.FORM:
        await show_current(turn, prefix=_(texts.RESUMED))
        return
    if session.stage in (Stage.SENT, Stage.OFFER, Stage.FOLLOWUP):
        session.move(Move.LEAVE)
    await show_current(turn)


@witness_turn
async def cmd_help(turn: Turn) -> None:
    await show_current(turn, prefix=_(texts.HELP))


@witness_turn
async def cmd_language(turn: Turn) -> None:
    """Offer the languages; the current question comes back in the new one, answers kept."""
    ticket = turn.session.next_ticket()
    if await turn.save():
        await turn.retire_prompt()
        await turn.send(language_screen(ticket), prompt=True)


@witness_turn
async def cmd_cancel(turn: Turn) -> None:
    session = turn.session
    had_report = session.stage in (Stage.FORM, Stage.FOLLOWUP)
    if session.can(Move.LEAVE):
        session.move(Move.LEAVE)
    notice = stopped() if had_report else _(texts.NOTHING_TO_CANCEL)
    await show_current(turn, prefix=notice)


def stopped() -> str:
    """ "Stopped", and what the witness must still remove from the phone themselves."""
    return f"{_(texts.CANCELLED)}\n{_(texts.REMAINS_AFTER_STOP)}"


@witness_turn
async def cmd_delete(turn: Turn) -> None:
    ticket = turn.session.next_ticket()
    if await turn.save():
        # The question goes: its buttons must not work beside the confirmation. "Not now"
        # turns the confirmation back into it.
        await turn.drop_prompt()
        await turn.send(wipe_confirm_screen(ticket), prompt=True)


@witness_turn
async def cmd_followup(turn: Turn) -> None:
    message = turn.update.effective_message
    text = message.text if message and message.text else ""
    code = text.partition(" ")[2].strip()
    if not code:
        await show_current(turn, prefix=_(texts.FOLLOWUP_ASK_CODE))
        return
    await open_followup(turn, code)


@witness_turn
async def on_press(turn: Turn) -> None:
    """A button: refused unless it belongs to the buttons on show now."""
    query = turn.update.callback_query
    assert query is not None  # registered for callback queries only
    try:
        press = decode(query.data)
    except ForgedPress:
        press = None
    if press is None or press.ticket != turn.session.ticket:
        await _stale_press(turn, press)
        return
    message = query.message if isinstance(query.message, Message) else None
    try:
        await _PRESSES[press.action](turn, press, message.message_id if message else None)
    finally:
        # Answered last, so a handler can leave a short notice (a toast) instead of a message.
        await answer_press(turn.update, turn.toast, alert=turn.alert)


async def _stale_press(turn: Turn, press: Press | None) -> None:
    """A button not among those on show now: a second tap of the buttons just replaced is
    absorbed without a word; a press with nothing stored (after /delete, say) only gets a
    passing notice, so the emptied chat stays empty; any other is refused, the current
    screen shown again."""
    session = turn.session
    if press is not None and press.ticket == session.ticket - 1:
        logger.info("double_press")
        await answer_press(turn.update)
        return
    logger.info("stale_press")
    if session.stage is Stage.LANGUAGE and session.first_message is None:
        await answer_press(turn.update, _(texts.START_FIRST))
        return
    await answer_press(turn.update, _(texts.STALE_BUTTON))
    await show_current(turn, prefix=_(texts.STALE_BUTTON))


async def _press_language(turn: Turn, press: Press, message_id: int | None) -> None:
    session = turn.session
    if press.argument not in LANGUAGES:
        await show_current(turn, prefix=_(texts.STALE_BUTTON))
        return
    session.language = press.argument
    set_language(press.argument)
    if session.can(Move.CHOOSE_LANGUAGE):
        session.move(Move.CHOOSE_LANGUAGE)
    await show_current(turn, edit=message_id)


async def _press_consent(turn: Turn, press: Press, message_id: int | None) -> None:
    session = turn.session
    if not session.can(Move.AGREE):
        await show_current(turn, prefix=_(texts.STALE_BUTTON))
        return
    if press.argument != "yes":
        await turn.save()
        if message_id is not None:
            await turn.edit(message_id, Screen(_(texts.CONSENT_DECLINED)))
        return
    session.move(Move.AGREE)
    await show_current(turn, edit=message_id)


async def _press_menu(turn: Turn, press: Press, message_id: int | None) -> None:
    if press.argument not in FORMS or turn.session.stage is not Stage.MENU:
        await show_current(turn, prefix=_(texts.STALE_BUTTON))
        return
    begin_report(turn, press.argument)
    logger.info("report_started form=%s", press.argument)
    # The menu becomes the first question (as answers do: answering.py); the type chosen
    # shows only in a passing toast, never in the chat.
    turn.toast = f"✓ {_(FORMS[press.argument].title)}"
    await show_current(turn, edit=message_id)


async def _press_answer(turn: Turn, press: Press, message_id: int | None) -> None:
    await apply_input(turn, Button(press.argument), pressed=message_id)


async def _press_back(turn: Turn, press: Press, message_id: int | None) -> None:
    draft = turn.session.draft
    if draft is None:
        await show_current(turn)
        return
    outcome = back(get_form(draft.form), draft)
    if isinstance(outcome, Invalid):
        await show_current(turn, prefix=_(outcome.message).format(**outcome.params))
        return
    turn.session.keep(outcome)
    # The question pressed turns into the one before: no second copy of either stays.
    await show_current(turn, edit=message_id)


async def _press_edit(turn: Turn, press: Press, message_id: int | None) -> None:
    draft = turn.session.draft
    if draft is None:
        await show_current(turn)
        return
    outcome = edit(get_form(draft.form), draft, press.argument)
    if isinstance(outcome, Invalid):
        await show_current(turn, prefix=_(outcome.message).format(**outcome.params))
        return
    turn.session.keep(outcome)
    # The review turns into the question (its other parts deleted): the old answers go.
    await show_current(turn, edit=message_id)


async def _press_show(turn: Turn, press: Press, message_id: int | None) -> None:
    """One answer of the review, whole; then the review again below it, with its buttons."""
    step = turn.session.step
    if isinstance(step, Review):
        for number, item in enumerate(step.items, start=1):
            if item.path == press.argument:
                for screen in full_answer_screens(number, item):
                    await turn.send(screen)
                break
    await show_current(turn)


async def _press_send(turn: Turn, press: Press, message_id: int | None) -> None:
    draft = turn.session.draft
    if draft is None or not isinstance(turn.session.step, Review):
        await show_current(turn)
        return
    await submit_report(turn, draft)


async def _press_cancel(turn: Turn, press: Press, message_id: int | None) -> None:
    """ "Don't send" on the review: ask first; only "yes" throws the report away."""
    if turn.session.stage is not Stage.FORM or not isinstance(turn.session.step, Review):
        await show_current(turn, prefix=_(texts.STALE_BUTTON))
        return
    if press.argument == "yes":
        turn.session.move(Move.LEAVE)
        await show_current(turn, prefix=stopped(), edit=message_id)
        return
    if press.argument == "no":
        await show_current(turn, edit=message_id)
        return
    ticket = turn.session.next_ticket()
    if await turn.save():
        await turn.retire_prompt()
        await turn.send(discard_confirm_screen(ticket), prompt=True)


async def _press_offer(turn: Turn, press: Press, message_id: int | None) -> None:
    session = turn.session
    offer = pending_offer(session) if session.stage is Stage.OFFER else None
    if offer is None:
        await show_current(turn)
        return
    session.offers = session.offers[1:]
    if press.argument == offer.form:
        begin_report(turn, offer.form)
        await show_current(turn)
        return
    if message_id is not None:
        await turn.edit(message_id, Screen(_(texts.KEPT)))
    if session.offers:
        await show_current(turn)
        return
    session.move(Move.DECLINE)
    await offer_wipe(turn)


async def _press_wipe(turn: Turn, press: Press, message_id: int | None) -> None:
    if press.argument == "yes":
        await wipe(turn)
        return
    if press.argument == "ask":
        ticket = turn.session.next_ticket()
        if await turn.save():
            await turn.edit(message_id or 0, wipe_confirm_screen(ticket), prompt=True)
        return
    await show_current(turn, edit=message_id)


async def _press_followup(turn: Turn, press: Press, message_id: int | None) -> None:
    await submit_followup(turn)


_PRESSES = {
    Action.LANGUAGE: _press_language,
    Action.CONSENT: _press_consent,
    Action.MENU: _press_menu,
    Action.ANSWER: _press_answer,
    Action.BACK: _press_back,
    Action.EDIT: _press_edit,
    Action.SEND: _press_send,
    Action.CANCEL: _press_cancel,
    Action.OFFER: _press_offer,
    Action.WIPE: _press_wipe,
    Action.FOLLOWUP: _press_followup,
    Action.SHOW: _press_show,
}


@witness_turn
async def on_text(turn: Turn) -> None:
    message = turn.update.effective_message
    text = message.text if message and message.text is not None else ""
    if turn.session.stage is Stage.FOLLOWUP:
        await add_followup_note(turn, text)
        return
    if turn.session.takes_text():
        await apply_input(turn, Text(text))
        return
    await show_current(turn, prefix=_(texts.USE_BUTTONS))


@witness_turn
async def on_location(turn: Turn) -> None:
    message = turn.update.effective_message
    step = turn.session.step
    if message and message.location and isinstance(step, Ask) and Accept.LOCATION in step.accepts:
        location = message.location
        await apply_input(turn, Location(location.latitude, location.longitude))
        return
    await show_current(turn, prefix=_(texts.NOT_NOW_LOCATION))


@witness_turn
async def on_media(turn: Turn) -> None:
    await receive_media(turn, turn.session.step)


@witness_turn
async def on_contact(turn: Turn) -> None:
    await show_current(turn, prefix=_(texts.CONTACT_NOT_USED))


@witness_turn
async def on_unsupported(turn: Turn) -> None:
    await show_current(turn, prefix=_(texts.UNSUPPORTED))


@witness_turn
async def on_edited(turn: Turn) -> None:
    await show_current(turn, prefix=_(texts.EDITED_IGNORED))


@witness_turn
async def on_unknown_command(turn: Turn) -> None:
    await show_current(turn, prefix=_(texts.HELP))
