"""Screens as plain values: escaping, layout, limits and neutral first lines, in every language."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from handlers.callbacks import MAX_BYTES, Action, ForgedPress, decode, encode
from handlers.forms import (
    FORMS,
    Ask,
    Button,
    Draft,
    Form,
    Next,
    Review,
    Text,
    answer,
    current,
    start,
)
from handlers.forms.model import Kind, Question
from handlers.i18n import LANGUAGES, _, language
from handlers.screens import ask_screen, format_partial_date, format_value, review_screens

TODAY = dt.date(2024, 5, 10)


def test_witness_text_is_escaped_for_html() -> None:
    question = Question("narrative", Kind.TEXT, "In your own words?")
    assert (
        format_value(question, "<b>bold</b> & <script>")
        == "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_follow_the_locale(lang: str) -> None:
    with language(lang):
        exact = format_partial_date({"date": "2022-01-06", "precision": "exact"})
        month = format_partial_date({"date": "2022-01", "precision": "month"})
        rough = format_partial_date({"date": "2022-01-06", "precision": "approximate"})
    assert "2022" in exact and "6" in exact
    assert rough.startswith("≈ ")
    assert month != "2022-01"
    if lang == "ru":
        assert "января" in exact and "январь" in month.lower()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", list(FORMS))
def test_every_question_screen_is_neutral_first_and_fits_telegram(lang: str, form_id: str) -> None:
    form = FORMS[form_id]
    draft = start(form, {"consent": "yes"}).draft
    with language(lang):
        templates = [_("Question {number} of {total}"), _("Question {number}, a few more after it")]
        header = re.compile(
            "|".join(
                re.escape(t).replace(r"\{number\}", r"\d+").replace(r"\{total\}", r"\d+")
                for t in templates
            )
        )
        for _step in range(60):
            step = current(form, draft)
            if not isinstance(step, Ask):
                break
            screen = ask_screen(step, ticket=0xFFFFFF)
            assert header.fullmatch(screen.text.split("\n", 1)[0]), screen.text[:80]
            assert len(screen.text) < 4096
            for row in screen.buttons:
                assert len(row) <= 3
                for _label, data in row:
                    assert len(data.encode()) <= MAX_BYTES
            draft = _cheapest(form, draft, step)
        end = current(form, draft)
        assert isinstance(end, Review), end
        review = review_screens(end.items, ticket=1)
    assert all(len(s.text) < 4096 for s in review)
    assert review[-1].buttons


def _cheapest(form: Form, draft: Draft, step: Ask) -> Draft:
    codes = [o.code for o in step.buttons]
    if "skipped" in codes:
        given: Button | Text = Button("skipped")
    elif "no" in codes and "yes" in codes:
        given = Button("no")
    elif "done" in codes and step.partial:
        given = Button("done")
    elif "today" in codes:
        given = Button("today")
    elif step.question.kind in (Kind.TEXT, Kind.NUMBER):
        given = Text("5" if step.question.kind is Kind.NUMBER else "Короткий ответ <i>&</i>")
    else:
        given = Button(codes[0])
    result = answer(form, draft, given, TODAY)
    assert isinstance(result, Next), result
    return result.draft


def test_a_long_review_is_split_and_cut_but_keeps_buttons_on_the_last() -> None:
    form = FORMS["detention"]
    draft = start(form, {"consent": "yes"}).draft
    long_text = "Очень длинный рассказ. " * 400
    while isinstance(step := current(form, draft), Ask):
        if step.question.kind is Kind.TEXT:
            result = answer(form, draft, Text(long_text[: step.question.max_length]), TODAY)
            assert isinstance(result, Next), result
            draft = result.draft
        else:
            draft = _cheapest(form, draft, step)
    assert isinstance(step, Review), step
    with language("ru"):
        screens = review_screens(step.items, ticket=7)
    assert all(len(s.text) <= 4000 for s in screens)
    assert "…" in screens[0].text
    assert screens[-1].buttons and not any(s.buttons for s in screens[:-1])


def test_callback_data_round_trips_and_rejects_forgeries() -> None:
    data = encode(0x1F, Action.ANSWER, "victims.2.sex:female")
    press = decode(data)
    assert (press.ticket, press.action, press.argument) == (
        0x1F,
        Action.ANSWER,
        "victims.2.sex:female",
    )
    for forged in ("", None, "x|a|b", "1|?|b", "1", "1|a", "1|a|" + "x" * 70):
        with pytest.raises(ForgedPress):
            decode(forged)
    with pytest.raises(ValueError, match="too long"):
        encode(1, Action.ANSWER, "x" * 80)
