"""The review: short labels written for it, and long answers cut visibly with a way to read them."""

from __future__ import annotations

import html

import pytest

from handlers.forms import FORMS, ReviewItem
from handlers.i18n import _, language
from handlers.screens import MAX_MESSAGE, full_answer_screens
from tests.handlers.conftest import HandlerBot
from tests.handlers.test_sending import CLOSE, START

NARRATIVE = next(q for q in FORMS["detention"].questions() if q.id == "narrative")
LONG = ("Их было <трое> & они кричали. 😡 " * 200)[:4000].strip()


def test_a_long_answer_is_split_whole_within_telegrams_limit() -> None:
    item = ReviewItem("narrative", NARRATIVE, LONG)
    with language("ru"):
        screens = full_answer_screens(5, item)
    assert len(screens) == 2
    assert all(len(s.text.encode("utf-16-le")) // 2 <= MAX_MESSAGE for s in screens)
    assert screens[0].text.startswith("5. Что произошло\n")
    body = "".join(html.unescape(s.text) for s in screens).split("\n", 1)[1]
    assert body == LONG


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_the_review_labels_answers_and_shows_a_cut_one_whole(
    bot: HandlerBot, lang: str
) -> None:
    # Given a witness whose account is longer than the review shows
    witness = await bot.started(START, language_code=lang)
    await witness.tap("released")
    await witness.say(LONG)
    for code in CLOSE:
        await witness.tap(code)
    review = "\n".join(witness.texts()[-2:])
    with language(lang):
        label, cut = _("What happened"), _("(shortened: “Show all {number}” below sends it whole)")
        asked = _("Before we start: may we record what you tell us?")
    # Then each answer is under its short label, and the cut one says so and how to see it
    assert f". {label} — " in review
    assert asked not in review
    number = next(line.split(".", 1)[0] for line in review.split("\n") if f". {label} — " in line)
    assert cut.format(number=number) in review
    assert LONG not in html.unescape(review)
    # When they press "Show all", the whole account arrives, and the review comes back below
    await witness.act("v", "narrative")
    shown = [html.unescape(t) for t in witness.texts()]
    head = f"{number}. {label}\n"
    first = next(n for n, text in enumerate(shown) if text.startswith(head))
    assert (shown[first] + shown[first + 1]).removeprefix(head) == LONG
    assert any(d and d.split("|")[1] == "s" for row in witness.screen.button_data for d in row)
