"""Every button fits a phone, in every language: a cut label is a guess the witness must make.

A phone shows about 24 characters on a button alone on its row and about 18 when two share a
row; a ticked option of a multi choice carries its "✓ " in those characters. Every screen with
buttons is built here, in kk, ru and en, each question in each of its steps (first press,
ticked, the town or contact detail, the approximate date, reopened from the review with
"Keep"), and every label is measured where the layout puts it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from handlers import texts
from handlers.forms import FORMS, REGIONS, Answer, Ask, Kind, Option, Question, base_choices
from handlers.forms.engine import _KEEP  # the reopened question's own button: measured too
from handlers.forms.reading import options
from handlers.i18n import LANGUAGES, language
from handlers.screens import (
    Screen,
    Terms,
    _layout,
    ask_screen,
    consent_screen,
    discard_confirm_screen,
    followup_screen,
    language_screen,
    menu_screen,
    offer_screen,
    review_screens,
    wipe_confirm_screen,
    wipe_offer_screen,
)

ALONE = 24
"""Characters a phone shows on a button alone on its row."""
SHARED = 18
"""Characters a phone shows on a button that shares its row."""
TICKET = 0xFFFFFF


def _steps(question: Question) -> Iterator[tuple[str, tuple[Option, ...], Answer]]:
    """(step name, buttons, partial answer) for each step of a question that shows buttons."""
    choices = REGIONS if question.kind is Kind.PLACE else base_choices(question)
    yield "first", options(question, choices, None), None
    if question.kind is Kind.MULTI:
        yield "ticked", options(question, choices, None), [c.code for c in choices]
    if question.kind in (Kind.PLACE, Kind.CONTACT):
        yield "detail", options(question, choices, {}), {}
    if question.kind is Kind.DATE:
        yield (
            "approximate",
            options(question, choices, {"approximate": True}),
            {"approximate": True},
        )


def _question_screens() -> Iterator[tuple[str, Screen]]:
    for form in FORMS.values():
        for question in form.questions():
            for step, buttons, partial in _steps(question):
                for reopened in (False, True):
                    ask = Ask(
                        path=question.id,
                        question=question,
                        text=question.text,
                        hint=question.hint,
                        buttons=(*buttons, _KEEP) if reopened else buttons,
                        accepts=frozenset(),
                        partial=partial,
                        answered=1,  # shows Back
                        number=2,
                    )
                    where = f"{form.id}.{question.id} ({step}{', reopened' if reopened else ''})"
                    yield where, ask_screen(ask, TICKET)


def _fixed_screens() -> Iterator[tuple[str, Screen]]:
    yield "language", language_screen(TICKET)
    yield "consent", consent_screen(TICKET, Terms())
    yield "menu", menu_screen(TICKET)
    for form in FORMS.values():
        for offer in form.offers:
            yield f"offer {offer.form}", offer_screen(offer, TICKET)
    yield "review", review_screens((), TICKET)[-1]
    yield "wipe offer", wipe_offer_screen(TICKET)
    yield "wipe confirm", wipe_confirm_screen(TICKET)
    yield "don't send confirm", discard_confirm_screen(TICKET)
    yield "follow-up", followup_screen(TICKET, texts.FOLLOWUP_START)


def _too_long(where: str, screen: Screen) -> Iterator[str]:
    for row in screen.buttons:
        cap = ALONE if len(row) == 1 else SHARED
        for label, _data in row:
            if len(label) > cap:
                yield f"{where}: {label!r} is {len(label)} > {cap} ({len(row)} on its row)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_button_label_fits_a_phone_where_it_is_placed(lang: str) -> None:
    with language(lang):
        screens = [*_question_screens(), *_fixed_screens()]
        found = [problem for where, screen in screens for problem in _too_long(where, screen)]
    assert not found, "\n".join(found)


def test_a_label_too_long_to_share_a_row_goes_alone() -> None:
    buttons = [("Yes", "a"), ("x" * (SHARED + 1), "b"), ("No", "c"), ("y" * SHARED, "d")]
    assert _layout(buttons) == [
        (("Yes", "a"),),
        (("x" * (SHARED + 1), "b"),),
        (("No", "c"), ("y" * SHARED, "d")),
    ]


def test_ticking_an_option_never_moves_a_button() -> None:
    """A label that fits beside another only without its tick is laid out as if ticked."""
    buttons = [("z" * (SHARED - 1), "a"), ("Done", "b")]
    assert _layout(buttons, room=2) == [(("z" * (SHARED - 1), "a"),), (("Done", "b"),)]
    assert _layout([("Police", "a"), ("Army", "b"), ("Done", "c")], room=2) == [
        (("Police", "a"), ("Army", "b"), ("Done", "c"))
    ]
