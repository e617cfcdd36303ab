"""Giving the form engine one answer, storing it, and showing what comes next."""

from __future__ import annotations

import html

from handlers import texts
from handlers.flow import show_current
from handlers.forms import (
    DONE,
    KEEP,
    Answer,
    Ask,
    Button,
    Input,
    Invalid,
    Media,
    Special,
    Stopped,
    answer,
    get_form,
    recorded,
)
from handlers.i18n import _
from handlers.screens import Screen, format_value
from handlers.session import Move
from handlers.turn import Turn


async def apply_input(turn: Turn, given: Input, *, pressed: int | None = None) -> None:
    """Give the engine one answer; store it; show the next step (or why it was refused)."""
    draft, before = turn.session.draft, turn.session.step
    if draft is None or before is None:
        await show_current(turn, prefix=_(texts.USE_BUTTONS) if pressed else None)
        return
    outcome = answer(get_form(draft.form), draft, given, turn.today)
    if isinstance(outcome, Invalid):
        warning = "⚠️ " + _(outcome.message).format(**outcome.params)
        await show_current(turn, prefix=warning, edit=pressed)
        return
    if isinstance(outcome, Stopped):
        turn.session.move(Move.STOP)
        await turn.save()
        await turn.clear_shown()
        await turn.retire_prompt()
        await turn.send(Screen(f"{_(outcome.message)}\n\n{_(texts.REMAINS_AFTER_STOP)}"))
        return
    turn.session.keep(outcome)
    if pressed is None:
        # One more file of several: a line under it, not the whole question and its warning.
        await show_current(
            turn, brief=isinstance(given, Media) and outcome.draft.pending is not None
        )
        return
    # The pressed question turns into the next one: a form is one message that changes, so
    # the chat (and a searched phone) keeps no transcript of the answers, and a press costs
    # one edit rather than an edit and a new message. A brief toast confirms the answer.
    if outcome.draft.pending is None and isinstance(before, Ask):
        # Not a tick of a multiple choice, which shows its ✓ itself.
        turn.toast = _answer_toast(before, given, recorded(outcome.draft, before.path))
    await show_current(turn, edit=pressed)


TOAST_MAX = 200
"""Telegram's limit for the text of a button's answer."""


def _answer_toast(before: Ask, given: Input, value: Answer) -> str | None:
    """ "✓ Yesterday": what the press recorded, shown over the chat and gone. A button that
    only closes a question (Done, Skip after a region, Keep the current answer) names the
    answer it closed with, and a Skip that recorded nothing says so: never "✓ Done" or
    "✓ Skip"."""
    if not isinstance(given, Button):
        return None
    if value == Special.SKIPPED.value:
        return _(texts.TOAST_SKIPPED)
    if given.code in (DONE, KEEP, Special.SKIPPED.value):
        shown = html.unescape(format_value(before.question, value))
        return _cut_toast(f"✓ {shown}")
    label = next((o.label for o in before.buttons if o.code == given.code), None)
    return _cut_toast(f"✓ {_(label)}") if label else None


def _cut_toast(text: str) -> str:
    return text if len(text) <= TOAST_MAX else text[: TOAST_MAX - 1] + "…"
