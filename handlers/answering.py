"""Giving the form engine one answer, storing it, and showing what comes next."""

from __future__ import annotations

from handlers import texts
from handlers.flow import show_current
from handlers.forms import Ask, Button, Input, Invalid, Step, Stopped, answer, get_form
from handlers.i18n import _
from handlers.screens import Screen
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
        await turn.retire_prompt()
        await turn.send(Screen(_(outcome.message)))
        return
    turn.session.keep(outcome)
    if pressed is None:
        await show_current(turn)
        return
    # The pressed question turns into the next one: a form is one message that changes, so
    # the chat (and a searched phone) keeps no transcript of the answers, and a press costs
    # one edit rather than an edit and a new message. A brief toast confirms the answer.
    if outcome.draft.pending is None:  # not a tick of a multiple choice, which shows its ✓ itself
        turn.toast = _answer_toast(before, given)
    await show_current(turn, edit=pressed)


def _answer_toast(before: Step, given: Input) -> str | None:
    """ "✓ Yesterday": the label of the pressed option, shown over the chat and gone."""
    if not isinstance(before, Ask) or not isinstance(given, Button):
        return None
    label = next((o.label for o in before.buttons if o.code == given.code), None)
    return f"✓ {_(label)}" if label else None
