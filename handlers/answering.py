"""Giving the form engine one answer, storing it, and showing what comes next."""

from __future__ import annotations

from handlers import texts
from handlers.flow import draft_of, keep_draft, show_current
from handlers.forms import Ask, Button, Input, Invalid, Stopped, answer, current, get_form
from handlers.i18n import _
from handlers.screens import Screen
from handlers.session import Stage
from handlers.turn import Turn


async def apply_input(turn: Turn, given: Input, *, pressed: int | None = None) -> None:
    """Give the engine one answer; store it; show the next step (or why it was refused)."""
    draft = draft_of(turn)
    if draft is None:
        await show_current(turn, prefix=_(texts.USE_BUTTONS) if pressed else None)
        return
    form = get_form(draft.form)
    before = current(form, draft)
    outcome = answer(form, draft, given, turn.today)
    if isinstance(outcome, Invalid):
        await show_current(turn, prefix="⚠️ " + _(outcome.message).format(**outcome.params))
        return
    if isinstance(outcome, Stopped):
        turn.session.clear_report()
        turn.session.consented = False
        turn.session.stage = Stage.CONSENT
        await turn.save()
        await turn.retire_prompt()
        await turn.send(Screen(_(outcome.message)))
        return
    keep_draft(turn, outcome)
    after = current(form, outcome)
    same_question = isinstance(before, Ask) and isinstance(after, Ask) and after.path == before.path
    if pressed is not None and same_question:
        await show_current(turn, edit=pressed)
        return
    record = _answer_record(before, given)
    await show_current(turn, closing=(pressed, record) if pressed and record else None)


def _answer_record(before: object, given: Input) -> str | None:
    """What an answered question's message turns into: the question and "→ answer"."""
    if not isinstance(before, Ask) or not isinstance(given, Button):
        return None
    label = next((o.label for o in before.buttons if o.code == given.code), None)
    question = _(before.text).split("\n", 1)[0]
    return f"{question}\n→ <b>{_(label)}</b>" if label else None
