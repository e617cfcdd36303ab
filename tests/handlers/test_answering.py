"""Answering questions: by button, by typing, skipping, going back, and input that does not fit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from standin import ChatMessage
from tests.handlers.conftest import HandlerBot, Witness

START = ("yes", "detention", "self", "today", "almaty", "skipped", "police", "done", "released")


async def at_question(bot: HandlerBot, answers: int) -> Witness:
    """An English witness who has given the first `answers` of START."""
    return await bot.started(START[:answers])


def question(message: ChatMessage) -> str:
    """The question's own words, without the "Question n of about m" header."""
    return message.text.split("\n", 1)[1]


async def test_a_pressed_answer_turns_the_question_into_the_next(bot: HandlerBot) -> None:
    witness = await at_question(bot, 2)
    asked = witness.screen
    assert "What is your connection to what happened?" in asked.text
    await witness.tap("self")
    assert witness.screen.message_id == asked.message_id, "edited in place, not a new message"
    assert "When did it happen?" in witness.screen.text


async def test_a_typed_answer_stays_as_written_and_the_next_question_follows(
    bot: HandlerBot,
) -> None:
    witness = await at_question(bot, len(START))
    assert "In your own words, what happened?" in witness.screen.text
    await witness.say("Их увели <b>ночью</b> & не сказали куда")
    mine, next_question = witness.user.visible_messages()[-2:]
    assert mine.text == "Их увели <b>ночью</b> & не сказали куда"
    assert not mine.from_bot
    assert "Would you like to stay anonymous?" in next_question.text


async def test_a_date_can_be_typed_where_buttons_are_offered(bot: HandlerBot) -> None:
    witness = await at_question(bot, 3)
    assert "When did it happen?" in witness.screen.text
    await witness.say("03.2024")
    assert "Where did it happen?" in witness.screen.text


async def test_skip_moves_on_and_back_returns_with_the_answer_shown(bot: HandlerBot) -> None:
    # Given a witness at the town question, which may be skipped
    witness = await at_question(bot, 5)
    assert "Which town or village" in witness.screen.text
    # When they skip it, the next question comes
    await witness.tap("skipped")
    assert "Who did it?" in witness.screen.text
    # When they go back, the place question returns with their answer
    await witness.act("b")
    assert "Where did it happen?" in witness.screen.text
    assert "Current answer: Almaty (city)" in witness.screen.text
    # Then keeping it moves on; choosing again asks for the town again
    await witness.tap("keep")
    assert "Who did it?" in witness.screen.text
    await witness.act("b")
    await witness.tap("almaty")
    assert "Which town or village" in witness.screen.text
    await witness.say("Самал-2")
    assert "Who did it?" in witness.screen.text


async def test_several_answers_are_ticked_until_done(bot: HandlerBot) -> None:
    witness = await at_question(bot, 6)
    await witness.tap("police")
    await witness.tap("knb")
    assert "Chosen so far: Police, KNB" in witness.screen.text
    assert ["✓ Police", "National Guard"] in witness.screen.buttons
    await witness.tap("done")
    assert "What is the situation now?" in witness.screen.text


async def test_bad_input_gets_a_clear_answer_and_the_question_again(bot: HandlerBot) -> None:
    witness = await at_question(bot, 2)
    asked = question(witness.screen)
    user = witness.user
    sends: list[tuple[Callable[[], Awaitable[ChatMessage]], str]] = [
        (user.send_sticker, "Stickers, GIFs, polls"),
        (user.send_animation, "Stickers, GIFs, polls"),
        (user.send_poll, "Stickers, GIFs, polls"),
        (user.send_dice, "Stickers, GIFs, polls"),
        (lambda: user.send_contact("+77010000000", "Asel"), "Shared contacts are not used"),
        (lambda: user.send_location(43.2, 76.9), "A location is not expected here."),
        (lambda: user.send_photo(b"\xff\xd8jpeg"), "A file is not expected here."),
        (lambda: user.send_text("полиция"), "Please answer with the buttons below."),
        (lambda: user.send_command("/nonsense"), "How this works."),
    ]
    for send, expected in sends:
        await send()
        await witness.settle()
        assert witness.screen.text.startswith(expected), witness.screen.text[:80]
        assert asked in witness.screen.text


async def test_a_huge_text_is_refused_with_the_limit(bot: HandlerBot) -> None:
    witness = await at_question(bot, len(START))
    await witness.say("Я" * 10_000)
    assert "4000" in witness.screen.text.split("\n", 1)[0] or "4,000" in witness.screen.text
    await witness.say("Коротко.")
    assert "Would you like to stay anonymous?" in witness.screen.text


async def test_edited_messages_are_explained(bot: HandlerBot) -> None:
    witness = await at_question(bot, len(START))
    sent = await witness.user.send_text("Первая версия")
    await witness.settle()
    await witness.user.edit_text(sent.message_id, "Вторая версия")
    await witness.settle()
    assert witness.screen.text.startswith("Edited messages are not read.")
