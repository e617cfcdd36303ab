"""What a searched phone shows, played through the real bot: after Send only the receipt of
the report, no answerable question beside a /delete confirmation, no second copy of a question
or a review, a line saying what is still on the phone and how to remove it, and the passing
words of toasts and acknowledgements said once, in kk, ru and en."""

from __future__ import annotations

import pytest

from handlers import texts
from handlers.forms import REGIONS, SPECIAL_LABELS, Special
from handlers.forms.common import ATTACHMENTS, VICTIMS
from standin import BotApiStandin, ChatMessage
from storage.crypto.keys import ReviewerPrivateKey
from tests.e2e.harness import Witness, answer_codes, hurry, running_bot
from tests.e2e.test_conversation import CLOSE, START
from tests.e2e.test_words import LANGUAGES, to_review, tr

NARRATIVE = "Нас задержали у акимата. " * 20
"""Longer than the review shows: the review cuts it and offers "Show all"."""
NAME = "Асқар Бекұлы Тілеубердиев, студент, " * 5
"""A long name (cut on the review), so ten people split the review over several messages."""


def bot_texts(witness: Witness) -> list[str]:
    return [m.text for m in witness.user.bot_messages()]


def reviews(witness: Witness, lang: str = "en") -> list[ChatMessage]:
    header = tr(lang, texts.REVIEW_HEADER)
    return [m for m in witness.user.bot_messages() if m.text.startswith(header)]


def answerable(witness: Witness) -> list[ChatMessage]:
    """Bot messages on the phone whose buttons answer a question."""
    return [m for m in witness.user.bot_messages() if answer_codes(m)]


async def at_details(witness: Witness, lang: str = "en") -> None:
    """A witness who answered the main facts and chose to add details (the people first)."""
    await witness.start(lang, START)
    await witness.say(NARRATIVE)
    for code in (*CLOSE[:-1], "yes"):
        await witness.tap(code)


async def person(witness: Witness, name: str, *, another: bool | None) -> None:
    """Name, sex, age, citizenship, occupation; then "add another person?" (not asked after
    the tenth: None)."""
    await witness.say(name)
    await witness.tap(answer_codes(witness.screen)[0])
    await witness.say("35")
    await witness.tap("kazakhstan")
    await witness.tap("protester")
    if another is not None:
        await witness.tap("yes" if another else "no")


async def test_after_send_only_the_receipt_remains_of_the_report(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a report whose review is split over several messages
        witness = bot.witness("en")
        await at_details(witness)
        for number in range(10):
            await person(witness, f"{number} {NAME}", another=True if number < 9 else None)
        await hurry(witness)
        parts = reviews(witness)
        assert len(parts) == 1 and witness.screen.text != parts[0].text, "split: header + more"
        review_parts = [
            m for m in witness.user.bot_messages() if m.message_id >= parts[0].message_id
        ]
        assert len(review_parts) >= 2

        # When an answer is changed from the review, the review turns into the question
        await witness.act("e", "status_now")
        assert reviews(witness) == []
        assert all(
            m.message_id not in {p.message_id for p in review_parts[:-1]}
            for m in witness.user.bot_messages()
        )
        await witness.tap("admin_arrest")
        assert len(reviews(witness)) == 1, "one review, the new one"

        # And Back from the review, then forward again, leaves one copy of everything
        await witness.act("b")
        assert reviews(witness) == []
        await witness.tap(answer_codes(witness.screen)[0])
        await hurry(witness)
        assert len(reviews(witness)) == 1

        # And "Show all" sends the answer whole, with the review again below, not twice
        await witness.act("v", "narrative")
        assert len(reviews(witness)) == 1
        assert any(NARRATIVE.strip() in t for t in bot_texts(witness))

        # Then after Send only the receipt and the wipe offer are on the phone
        await witness.act("s")
        shown = bot_texts(witness)
        assert [t.split("\n", 1)[0] for t in shown] == ["Saved.", "One more thing."], shown
        await witness.act("w", "no")
        shown = bot_texts(witness)
        assert shown[0].startswith("Saved.") and len(shown) == 2, shown
        assert not any("Асқар" in t or "акимат" in t or "Administrative" in t for t in shown)


async def test_back_turns_the_question_into_the_one_before_leaving_no_copy(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("en")
        await witness.start("en", START[:4])
        before = [m.message_id for m in witness.user.visible_messages()]
        question = witness.screen.text
        await witness.act("b")
        assert [m.message_id for m in witness.user.visible_messages()] == before, (
            "the same messages: the question changed in place"
        )
        assert witness.screen.text.startswith("Changing answer")
        await witness.tap("keep")
        assert witness.screen.text == question
        assert [m.message_id for m in witness.user.visible_messages()] == before


async def test_delete_takes_the_question_away_and_not_now_brings_it_back(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("en")
        await witness.start("en", START[:4])
        question = witness.screen.text
        await witness.command("/delete")
        assert witness.screen.text.startswith("Please confirm.")
        assert answerable(witness) == [], "no question with working buttons beside it"
        await witness.act("w", "no")
        assert witness.screen.text == question
        assert [m.text for m in witness.user.bot_messages()].count(question) == 1
        await witness.tap(START[4])
        assert witness.screen.text != question, "its buttons work again"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_stop_send_and_delete_say_what_is_still_on_the_phone(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a witness mid-report, When they stop, Then they are told what is left
        witness = bot.witness(lang)
        await witness.start(lang, START[:4])
        await witness.command("/cancel")
        assert tr(lang, texts.REMAINS_AFTER_STOP) in witness.screen.text

        # When a report is sent, Then the wipe offer says what is left, the code included
        sender = bot.witness(lang)
        await to_review(sender, lang)
        await sender.act("s")
        assert tr(lang, texts.REMAINS_AFTER_SEND) in sender.screen.text
        # (And one who withdraws consent from the review: the report stops, and the same line.)
        refuser = bot.witness(lang)
        await to_review(refuser, lang)
        await refuser.act("e", "consent")
        await refuser.tap("no")
        stop = refuser.screen.text
        assert stop.endswith(f"\n\n{tr(lang, texts.REMAINS_AFTER_STOP)}")
        assert [m.text for m in refuser.user.bot_messages()] == [stop], "the report's messages go"

        # When they wipe, Then a pop-up says it, and the chat stays empty
        await sender.act("w", "ask")
        await sender.act("w", "yes")
        assert sender.user.visible_messages() == []
        answer = list(standin.callback_answers.values())[-1]
        assert (answer.text, answer.show_alert) == (tr(lang, texts.REMAINS_AFTER_WIPE), True)
        # And a second tap of "Delete everything" leaves it empty too
        assert answer.data is not None
        await sender.user.press_data(answer.data, 1)
        await sender.settle()
        assert sender.user.visible_messages() == []


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_toasts_say_what_was_recorded_and_a_double_tap_says_nothing(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await witness.start(lang, ("yes", "detention", "self"))

        def toasts() -> list[str | None]:
            return [a.text for a in standin.callback_answers.values()]

        # A date: its button's words
        await witness.tap("yesterday")
        assert toasts()[-1] == f"✓ {tr(lang, 'Yesterday')}"
        # Skip after a region: the region was recorded, and the toast names it
        almaty = next(c.label for c in REGIONS if c.code == "almaty")
        await witness.tap("almaty")
        await witness.tap("skipped")
        assert toasts()[-1] == f"✓ {tr(lang, almaty)}"
        # Done after ticking two: the two, not "Done"
        await witness.tap("police")
        await witness.tap("knb")
        multi = witness.screen
        done = next(d for row in multi.button_data for d in row if d and d.endswith("|a|done"))
        await witness.tap("done")
        both = f"✓ {tr(lang, 'Police')}, {tr(lang, 'KNB')}"
        assert toasts()[-1] == both
        # The second tap of a double tap on Done: nothing said, nothing shown again
        on_phone = [(m.message_id, m.text) for m in witness.user.visible_messages()]
        await witness.user.press_data(done, multi.message_id)
        await witness.settle()
        assert toasts()[-1] is None
        assert [(m.message_id, m.text) for m in witness.user.visible_messages()] == on_phone
        # Skip where nothing is recorded: says so
        await witness.tap("released")
        await witness.say("Коротко.")
        for code in (*CLOSE[:-1], "yes"):
            await witness.tap(code)
        await witness.tap("skipped")  # the first person's name
        assert toasts()[-1] == tr(lang, texts.TOAST_SKIPPED)
        forbidden = {f"✓ {tr(lang, 'Done')}", f"✓ {tr(lang, SPECIAL_LABELS[Special.SKIPPED])}"}
        assert not forbidden & set(toasts())
        assert tr(lang, texts.STALE_BUTTON) not in toasts()


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_people_files_and_followups_are_acknowledged_without_repeating_the_question(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await at_details(witness, lang)
        # "Add another person?" does not name a second person before one is added
        person_2 = tr(lang, texts.PERSON).format(label=tr(lang, VICTIMS.label), number=2)
        await witness.say("А. Б.")
        await witness.tap(answer_codes(witness.screen)[0])
        await witness.say("35")
        await witness.tap("kazakhstan")
        await witness.tap("protester")
        assert tr(lang, VICTIMS.more_text) in witness.screen.text
        assert person_2 not in witness.screen.text
        await witness.tap("yes")
        assert person_2 in witness.screen.text, "named once added"
        await witness.say("В. Г.")
        for code in (answer_codes(witness.screen)[0],):
            await witness.tap(code)
        await witness.say("40")
        await witness.tap("kazakhstan")
        await witness.tap("protester")
        await witness.tap("no")
        # The files question and its warning are shown once, each file gets a line
        question = tr(lang, ATTACHMENTS.text).split("\n", 1)[0]
        for _step in range(30):
            if question in witness.screen.text:
                break
            codes = answer_codes(witness.screen)
            if codes:
                await witness.tap("skipped" if "skipped" in codes else codes[0])
            else:
                await witness.say("Коротко.")
        for number in range(3):
            await witness.user.send_photo(b"\xff\xd8photo" + bytes([number]))
            await witness.settle()
        warning = tr(lang, texts.PHOTO_WARNING)
        assert sum(question in t for t in bot_texts(witness)) == 1
        assert sum(warning in t for t in bot_texts(witness)) == 1
        assert witness.screen.text == (
            f"{tr(lang, texts.FILES_SO_FAR).format(count=3)}\n{tr(lang, texts.FILES_MORE)}"
        )
        await witness.tap("done")
        await hurry(witness)
        await witness.act("s")
        receipt = next(t for t in bot_texts(witness) if "/followup " in t)
        code = receipt.split("/followup ", 1)[1].split()[0].strip()

        # A follow-up: the prompt once, then "Received." for each note, file or voice
        await witness.command("/followup", code)
        start = tr(lang, texts.FOLLOWUP_START)
        await witness.say("Ещё одно.")
        await witness.user.send_voice(b"OggS voice", duration=102)
        await witness.settle()
        assert witness.screen.text.startswith(tr(lang, texts.VOICE_WARNING).split("\n")[0])
        await witness.user.send_voice(b"OggS voice", duration=102)
        await witness.settle()
        got = tr(lang, texts.FOLLOWUP_GOT)
        assert sum(t == start for t in bot_texts(witness)) == 1
        assert witness.screen.text == got
        await witness.act("f", "done")
        assert tr(lang, texts.FOLLOWUP_SAVED) in bot_texts(witness)
        assert start not in bot_texts(witness) and got not in bot_texts(witness)
