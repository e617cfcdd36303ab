"""Progress that does not jump: a count shown to the witness is the count they will be asked."""

from __future__ import annotations

import random

import pytest

from handlers.forms import (
    FORMS,
    Accept,
    Ask,
    Button,
    Draft,
    Form,
    Input,
    Kind,
    Media,
    Next,
    Review,
    Text,
    answer,
    back,
    current,
    edit,
    start,
)
from handlers.forms.engine import gates

from .witness import REF, TODAY

TYPED = {Kind.NUMBER: "35", Kind.DATE: "10.05.2024"}


def some_input(step: Ask, rng: random.Random) -> Input:
    """A plausible input for the step: a button, or typed text where the step takes it."""
    codes = [option.code for option in step.buttons]
    if Accept.MEDIA in step.accepts and rng.random() < 0.3:
        return Media(REF)
    if Accept.TEXT in step.accepts and (not codes or rng.random() < 0.5):
        return Text(
            TYPED.get(step.question.kind, "Ерлан Серікұлы") if not step.partial else "Алматы"
        )
    return Button(rng.choice(codes))


def walk(form: Form, seed: int) -> list[Ask | Review]:
    """A witness who answers at random (consenting) until the review; every step shown."""
    rng = random.Random(seed)
    draft = start(form).draft
    shown: list[Ask | Review] = []
    while isinstance(step := current(form, draft), Ask):
        shown.append(step)
        given = Button("yes") if step.question.stop_unless else some_input(step, rng)
        result = answer(form, draft, given, TODAY)
        for _retry in range(20):
            if isinstance(result, Next):
                break
            result = answer(form, draft, some_input(step, rng), TODAY)
        assert isinstance(result, Next), (step.path, result)
        draft = result.draft
        assert len(shown) < 400, "the walk never ended"
    shown.append(step)
    return shown


@pytest.mark.parametrize("form_id", list(FORMS))
@pytest.mark.parametrize("seed", range(40))
def test_a_count_once_shown_is_the_count_the_witness_is_asked(form_id: str, seed: int) -> None:
    steps = walk(FORMS[form_id], seed)
    review = steps[-1]
    assert isinstance(review, Review)
    # "Add another person?" is a question about the report, not an answer on the review: it
    # shares its number with the question that follows it.
    asks = [s for s in steps if isinstance(s, Ask) and not s.path.endswith(".more")]
    paths = list(dict.fromkeys(s.path for s in asks))
    promised: int | None = None
    for ask in asks:
        # Its number is its place among the questions asked (a multi choice stays one question)
        assert ask.number == paths.index(ask.path) + 1
        if ask.remaining is not None:
            total = ask.number + ask.remaining
            assert promised in (None, total), f"{ask.path}: {promised} became {total}"
            promised = total
        elif promised is not None:
            pytest.fail(f"{ask.path}: a count was shown, then 'a few more'")
    assert len(review.items) == len(paths)
    if promised is not None:
        assert promised == len(review.items)


def test_no_count_is_shown_while_the_details_may_still_be_added() -> None:
    form = FORMS["detention"]
    assert {"more_details", "status_now"} <= gates(form)
    first = current(form, start(form).draft)
    assert isinstance(first, Ask) and first.number == 1 and first.remaining is None
    # Past the last branch, the count is exact: the review lists that many answers
    steps = [s for s in walk(form, seed=3) if isinstance(s, Ask)]
    counted = [s for s in steps if s.remaining is not None]
    review = current(form, reviewed(form, seed=3))
    assert isinstance(review, Review)
    assert all(
        s.number + s.remaining == len(review.items) for s in counted if s.remaining is not None
    )


def reviewed(form: Form, seed: int) -> Draft:
    rng = random.Random(seed)
    draft = start(form).draft
    while isinstance(step := current(form, draft), Ask):
        given = Button("yes") if step.question.stop_unless else some_input(step, rng)
        result = answer(form, draft, given, TODAY)
        while not isinstance(result, Next):
            result = answer(form, draft, some_input(step, rng), TODAY)
        draft = result.draft
    return draft


@pytest.mark.parametrize("form_id", list(FORMS))
def test_an_answer_reopened_from_the_review_is_numbered_as_on_the_review(form_id: str) -> None:
    form = FORMS[form_id]
    draft = reviewed(form, seed=7)
    review = current(form, draft)
    assert isinstance(review, Review)
    for number, item in enumerate(review.items, 1):
        reopened = edit(form, draft, item.path)
        assert isinstance(reopened, Next)
        if isinstance(reopened.step, Ask) and reopened.step.path == item.path:
            assert reopened.step.number == number, item.path
            assert reopened.step.previous is not None


def test_back_shows_the_number_the_question_had() -> None:
    form = FORMS["detention"]
    draft = start(form).draft
    numbers: dict[str, int] = {}
    for given in (Button("yes"), Button("self"), Button("today")):
        step = current(form, draft)
        assert isinstance(step, Ask)
        numbers[step.path] = step.number
        result = answer(form, draft, given, TODAY)
        assert isinstance(result, Next)
        draft = result.draft
    again = back(form, draft)
    assert isinstance(again, Next) and isinstance(again.step, Ask)
    assert again.step.number == numbers[again.step.path] == 3
