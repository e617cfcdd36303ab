"""The loopback Bot API stand-in, driven by the real python-telegram-bot over HTTP.

If the stand-in accepted what Telegram refuses (or refused what it accepts), every end-to-end
test built on it would lie; these tests pin the behaviour a witness or the bot would notice.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.echo_bot import build_echo_application
from standin import BotApiStandin, ButtonNotVisible

App = Application[Any, Any, Any, Any, Any, Any]
FORTY_EIGHT_HOURS = 48 * 60 * 60


def build_app(standin: BotApiStandin, token: str | None = None) -> App:
    """An Application pointed at the stand-in, as the real bot and the demo build it."""
    return (
        ApplicationBuilder()
        .token(token or standin.token)
        .base_url(standin.api_base_url)
        .base_file_url(standin.file_base_url)
        .build()
    )


@asynccontextmanager
async def polling(app: App) -> AsyncIterator[App]:
    """Run `app` with long polling for the duration of the block, then stop it cleanly."""
    async with app:
        assert app.updater is not None
        await app.start()
        await app.updater.start_polling(poll_interval=0)
        try:
            yield app
        finally:
            try:
                await app.updater.stop()
            finally:
                await app.stop()


async def test_echo_bot_answers_the_witness_with_the_same_text(standin: BotApiStandin) -> None:
    # Given a witness and the bare echo bot polling the stand-in
    witness = standin.user(first_name="Aigerim")
    async with polling(build_echo_application(standin)):
        # When the witness writes
        await witness.send_text("They took him at 9 pm")
        (reply,) = await witness.wait_for_reply()

    # Then both messages are on the witness's screen, the reply from the bot
    assert reply.text == "They took him at 9 pm"
    assert [(m.text, m.from_bot) for m in witness.visible_messages()] == [
        ("They took him at 9 pm", False),
        ("They took him at 9 pm", True),
    ]
    assert [call.method for call in standin.calls][:2] == ["getMe", "deleteWebhook"]


async def test_button_press_reaches_the_handler_and_its_answer_is_recorded(
    standin: BotApiStandin,
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask one yes/no question."""
        keyboard = [[InlineKeyboardButton("Yes", callback_data="consent:yes")],
                    [InlineKeyboardButton("No", callback_data="consent:no")]]  # fmt: skip
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "May reviewers contact you?", reply_markup=InlineKeyboardMarkup(keyboard)
        )

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Acknowledge the press and show the choice in place of the question."""
        query = update.callback_query
        assert query is not None
        await query.answer("Saved")
        await query.edit_message_text(f"You chose: {query.data}")

    app = build_app(standin)
    app.add_handlers([CommandHandler("start", start), CallbackQueryHandler(chosen)])
    witness = standin.user()
    async with polling(app):
        # Given the question with two buttons on screen
        await witness.send_command("/start")
        (question,) = await witness.wait_for_reply()
        assert question.buttons == [["Yes"], ["No"]]
        # When the witness presses "Yes"
        query_id = await witness.press("Yes")
        (edited,) = await witness.wait_for_reply()

    # Then the question is replaced (buttons gone) and the toast text was recorded
    assert edited is question
    assert edited.text == "You chose: consent:yes"
    assert edited.buttons == []
    assert edited.edits == ["May reviewers contact you?"]
    answer = standin.callback_answers[query_id]
    assert (answer.text, answer.data, answer.show_alert) == ("Saved", "consent:yes", False)
    with pytest.raises(ButtonNotVisible, match="Maybe"):
        await witness.press("Maybe")


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_unescaped_html_is_refused_and_nothing_reaches_the_witness(
    standin: BotApiStandin, text: str, description: str
) -> None:
    witness = standin.user()
    async with build_app(standin) as app:
        # PTB capitalises the description (str.capitalize), hence the case-blind match
        refused = f"(?i)Can't parse entities: {re.escape(description)}"
        with pytest.raises(BadRequest, match=refused):
            await app.bot.send_message(witness.id, text, parse_mode="HTML")
    assert witness.visible_messages() == []


async def test_escaped_witness_text_shows_exactly_as_typed(standin: BotApiStandin) -> None:
    witness = standin.user()
    typed = "5 < 6 & <b>not bold</b>"
    async with build_app(standin) as app:
        await app.bot.send_message(witness.id, f"<i>{html.escape(typed)}</i>", parse_mode="HTML")
    shown = witness.last_bot_message()
    assert shown.text == typed
    assert shown.raw["entities"] == [{"type": "italic", "offset": 0, "length": len(typed)}]


async def test_bot_deletes_witness_message_only_within_48_hours(standin: BotApiStandin) -> None:
    witness = standin.user()
    async with build_app(standin) as app:
        # Given two messages the witness sent, one of them two days old
        fresh = await witness.send_text("my address is …")
        old = await witness.send_text("my phone is …")
        standin.age_messages(witness.id, 0)
        old.raw["date"] -= FORTY_EIGHT_HOURS

        # When the bot deletes them, Then only the fresh one disappears from the phone
        assert await app.bot.delete_message(witness.id, fresh.message_id)
        with pytest.raises(BadRequest, match="Message can't be deleted for everyone"):
            await app.bot.delete_message(witness.id, old.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await app.bot.delete_message(witness.id, fresh.message_id)

    assert fresh.deleted
    assert witness.visible_messages() == [old]


async def test_clock_moved_past_48_hours_blocks_deleting(standin: BotApiStandin) -> None:
    witness = standin.user()
    async with build_app(standin) as app:
        sent = await app.bot.send_message(witness.id, "Your case number is 17")
        standin.advance_clock(FORTY_EIGHT_HOURS)
        with pytest.raises(BadRequest, match="can't be deleted"):
            await app.bot.delete_message(witness.id, sent.message_id)


async def test_message_over_4096_characters_is_refused(standin: BotApiStandin) -> None:
    witness = standin.user()
    async with build_app(standin) as app:
        with pytest.raises(BadRequest, match="Message is too long"):
            await app.bot.send_message(witness.id, "я" * 4097)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await app.bot.send_message(witness.id, "<b> </b>", parse_mode="HTML")
        await app.bot.send_message(witness.id, "я" * 4096)
    assert [len(m.text) for m in witness.visible_messages()] == [4096]


async def test_bot_downloads_exactly_the_photo_the_witness_sent(standin: BotApiStandin) -> None:
    received: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def keep_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Download the largest size of the photo."""
        assert update.effective_message is not None
        photo_file = await context.bot.get_file(update.effective_message.photo[-1].file_id)
        received.set_result(bytes(await photo_file.download_as_bytearray()))

    app = build_app(standin)
    app.add_handler(MessageHandler(filters.PHOTO, keep_photo))
    evidence = bytes(range(256)) * 40
    witness = standin.user()
    async with polling(app):
        await witness.send_photo(evidence, caption="the car")
        assert await asyncio.wait_for(received, timeout=5) == evidence


async def test_bot_sent_document_is_stored_for_the_witness(standin: BotApiStandin) -> None:
    witness = standin.user()
    async with build_app(standin) as app:
        sent = await app.bot.send_document(
            witness.id, b"case 17 receipt", filename="receipt.txt", caption="<b>Keep</b> this",
            parse_mode="HTML",
        )  # fmt: skip
    assert sent.document is not None
    assert sent.document.file_name == "receipt.txt"
    assert standin.file_bytes(sent.document.file_id) == b"case 17 receipt"
    assert witness.last_bot_message().text == "Keep this"


async def test_commands_are_kept_per_language(standin: BotApiStandin) -> None:
    async with build_app(standin) as app:
        await app.bot.set_my_commands([BotCommand("start", "Report a case")])
        await app.bot.set_my_commands([BotCommand("start", "Сообщить")], language_code="ru")
        in_russian = await app.bot.get_my_commands(language_code="ru")
        in_kazakh = await app.bot.get_my_commands(language_code="kk")
    assert standin.commands_for("ru") == {"start": "Сообщить"}
    assert standin.commands_for("") == {"start": "Report a case"}
    assert [(c.command, c.description) for c in in_russian] == [("start", "Сообщить")]
    assert in_kazakh == ()


async def test_group_message_arrives_with_the_group_chat(standin: BotApiStandin) -> None:
    seen: list[tuple[str, str | None]] = []

    async def note_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record the chat and answer in it."""
        assert update.effective_chat is not None
        assert update.effective_message is not None
        seen.append((update.effective_chat.type, update.effective_chat.title))
        await update.effective_message.reply_text("This bot works in private chats only.")

    app = build_app(standin)
    app.add_handler(MessageHandler(filters.TEXT, note_chat))
    group = standin.group(-1001234, "Lawyers")
    member = standin.user(first_name="Dana")
    async with polling(app):
        await group.send_text(member, "hello bot")
        (reply,) = await group.wait_for_reply()
    assert seen == [("supergroup", "Lawyers")]
    assert reply.chat_id == -1001234
    assert member.visible_messages() == []


async def test_process_update_without_polling(standin: BotApiStandin) -> None:
    app = build_echo_application(standin)
    witness = standin.user()
    async with app:
        await witness.send_text("one")
        await witness.send_text("two")
        assert await standin.deliver(app) == 2
    assert [m.text for m in witness.bot_messages()] == ["one", "two"]
    assert standin.polls == 0


async def test_refusals_map_to_ptb_exceptions(standin: BotApiStandin) -> None:
    witness = standin.user()
    async with build_app(standin) as app:
        # An identical edit, a stale button answer, a blocked witness, a flood wait
        sent = await app.bot.send_message(witness.id, "Question 1")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await app.bot.edit_message_text("Question 1", witness.id, sent.message_id)
        with pytest.raises(BadRequest, match="Query is too old"):
            await app.bot.answer_callback_query("999")
        standin.fail_next(
            "sendMessage", "Too Many Requests: retry after 3", error_code=429, retry_after=3
        )
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await app.bot.send_message(witness.id, "Question 2")
        await witness.block()
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(witness.id, "Question 2")
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message(424242, "hello")
    assert [m.text for m in witness.visible_messages()] == ["Question 1"]


async def test_unknown_token_and_method_are_refused(standin: BotApiStandin) -> None:
    with pytest.raises(InvalidToken):
        async with build_app(standin, token="999:WRONG"):
            pass
    async with build_app(standin) as app:
        with pytest.raises(EndPointNotFound):
            await app.bot.do_api_request("sendTelepathy")
        # A real method the stand-in does not model succeeds but is noticed
        assert await app.bot.set_my_description("Report detentions safely")
    assert [call.method for call in standin.unexpected_calls] == ["setMyDescription"]


async def test_get_updates_batches_confirms_and_long_polls(standin: BotApiStandin) -> None:
    witness = standin.user()
    for n in range(3):
        await witness.send_text(f"update {n}")
    async with build_app(standin) as app:
        first = await app.bot.get_updates(limit=2)
        rest = await app.bot.get_updates(offset=first[-1].update_id + 1)
        again = await app.bot.get_updates(offset=rest[-1].update_id + 1, timeout=0)

        loop = asyncio.get_running_loop()
        started = loop.time()
        waiting = asyncio.create_task(app.bot.get_updates(timeout=5))
        await asyncio.sleep(0.05)
        await witness.send_text("late")
        late = await waiting
        elapsed = loop.time() - started

        # A second copy of the bot polling ends the first one's poll, as on Telegram
        second_copy = Bot(standin.token, base_url=standin.api_base_url)
        async with second_copy:
            after_late = late[-1].update_id + 1
            first_poll = asyncio.create_task(app.bot.get_updates(after_late, timeout=5))
            await asyncio.sleep(0.05)
            await second_copy.get_updates(after_late, timeout=0)
            with pytest.raises(Conflict, match="terminated by other getUpdates request"):
                await first_poll

    assert [u.message.text for u in first + rest if u.message] == [f"update {n}" for n in range(3)]
    assert again == ()
    assert [u.message.text for u in late if u.message] == ["late"]
    assert elapsed < 1


async def test_every_kind_of_witness_message_reaches_the_bot_intact(
    standin: BotApiStandin,
) -> None:
    async def describe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Name what arrived, as an intake bot must before deciding what to keep."""
        message = update.effective_message
        assert message is not None
        if update.edited_message is not None:
            kind = "edit"
        elif message.forward_origin is not None:
            kind = "forward"
        else:
            kind = str(message.effective_attachment.__class__.__name__)
        await context.bot.send_message(message.chat_id, kind)

    app = build_app(standin)
    app.add_handler(MessageHandler(filters.ALL, describe))
    witness = standin.user()
    async with polling(app):
        first = await witness.send_text("first")
        await witness.wait_for_reply()
        await witness.send_voice(b"OggS")
        await witness.send_video(b"\x00\x00\x00\x18ftypmp42")
        await witness.send_document(b"%PDF-1.7", "statement.pdf", "application/pdf")
        await witness.send_location(43.24, 76.89)
        await witness.send_contact("+77001234567", "Lawyer")
        await witness.send_sticker()
        await witness.send_animation()
        await witness.send_poll()
        await witness.send_dice()
        await witness.forward_text("from the channel")
        await witness.edit_text(first.message_id, "first, corrected")
        replies = await witness.wait_for_reply(count=11)

    assert [r.text for r in replies] == [
        "Voice", "Video", "Document", "Location", "Contact", "Sticker", "Animation", "Poll",
        "Dice", "forward", "edit",
    ]  # fmt: skip
    assert first.text == "first, corrected"
    assert first.edits == ["first"]
