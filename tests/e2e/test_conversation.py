"""The conversation as a witness lives it: restarts, language, wipe, follow-up, bad input."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import func, select

from handlers.forms.reading import TOWN_PROMPT
from handlers.i18n import _, language
from handlers.submit import MAX_FOLLOWUP_FILES, MAX_FOLLOWUP_NOTES
from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from storage.models import Case, Draft
from tests.e2e.harness import Witness, running_bot

START = ("yes", "detention", "self", "today", "almaty", "skipped", "police", "done", "released")
CLOSE = ("yes", "reviewers", "done", "none", "no")


async def begin(witness: Witness, language: str = "en") -> None:
    await witness.command("/start")
    await witness.tap(language)


async def minimal_detention(witness: Witness, narrative: str, language: str = "en") -> None:
    await begin(witness, language)
    for code in START:
        await witness.tap(code)
    await witness.say(narrative)
    for code in CLOSE:
        await witness.tap(code)


async def exported(
    db: Database, key: ReviewerPrivateKey, tmp_path: Path
) -> list[dict[str, object]]:
    out = tmp_path / "cases.jsonl"
    tally = await export_cases(db, key, ExportRequest(out, ExportFormat.JSONL))
    assert tally.ok
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


async def count(db: Database, model: type) -> int:
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_once_sent_the_answers_leave_the_chat_and_the_receipt_stays(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    """A phone searched after sending shows the receipt, not a list of the answers, even if
    the witness declines the wipe."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await minimal_detention(witness, "Мой собственный текст")
        assert "Police" in witness.screen.text, "the review lists the answers"
        await witness.act("s")
        await witness.act("w", "no")
        shown = witness.texts()
    assert len([t for t in shown if t.startswith("Saved.")]) == 1
    assert not any("Police" in t or "Released" in t for t in shown), shown


async def test_a_receipt_that_could_not_be_shown_is_shown_on_the_next_visit(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    """The case is sealed, then Telegram refuses the receipt message (as after a crash right
    after sealing, the receipt exists only in the draft): it must reach the witness later."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await minimal_detention(witness, "Квитанция потом")
        # Refused twice: turning the review into the receipt, then the receipt as a new message.
        for method in ("editMessageText", "sendMessage"):
            standin.fail_next(method, "Forbidden: bot was blocked by the user", error_code=403)
        await witness.act("s")
        assert not any(t.startswith("Saved.") for t in witness.texts())
        await witness.command("/start")
        receipts = [t for t in witness.texts() if t.startswith("Saved.")]
        assert len(receipts) == 1, "shown once, before anything else"
        await witness.command("/start")
        assert len([t for t in witness.texts() if t.startswith("Saved.")]) == 1, "and only once"


async def test_a_restart_mid_report_loses_no_answer(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        for code in START[:6]:
            await witness.tap(code)
        asked_before = witness.screen.text
        await bot.restart()
        # The witness, not knowing, presses a button of the question still on screen.
        for code in START[6:]:
            await witness.tap(code)
        await witness.say("После перезапуска")
        for code in CLOSE:
            await witness.tap(code)
        await witness.act("s")
    assert "Who did it?" in asked_before
    (case,) = await exported(db, reviewer_key, tmp_path)
    answers = case["answers"]
    assert isinstance(answers, dict)
    assert answers["place"]["region"] == "almaty" and answers["detained_by"] == ["police"]
    assert answers["narrative"] == "После перезапуска"


async def test_start_again_resumes_rather_than_discards(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        for code in START[:4]:
            await witness.tap(code)
        await witness.command("/start")
        assert witness.screen.text.startswith("Welcome back.")
        assert "Where did it happen?" in witness.screen.text


async def test_a_stale_or_forged_button_is_refused_and_the_question_repeated(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        await witness.tap("yes")
        await witness.tap("detention")
        role_question = witness.screen
        old = role_question.button_data[0][0]
        assert old is not None
        await witness.tap("self")
        await witness.tap("today")
        current = witness.screen.text
        # An old button ("It happened to me" two answers later) and crafted data; one answer
        # later it would be the second tap of a double tap, absorbed (test_phone.py).
        await witness.user.press_data(old, role_question.message_id)
        await witness.settle()
        assert witness.screen.text.startswith("That button is from an earlier message.")
        assert current.split("\n", 1)[1] in witness.screen.text
        for forged in ("zz|a|self", "", "1|q|x", "ffffffff|a|police", "x" * 64):
            await witness.user.press_data(forged, witness.screen.message_id)
            await witness.settle()
            assert witness.screen.text.startswith("That button is from an earlier message.")
        assert handler_errors() == []


async def test_bad_input_gets_a_clear_answer_and_the_question_again(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        for code in START[:2]:
            await witness.tap(code)
        question = witness.screen.text.split("\n", 1)[1]
        user = witness.user
        sends: tuple[tuple[Callable[[], Awaitable[object]], str], ...] = (
            (user.send_sticker, "Stickers, GIFs, polls"),
            (user.send_animation, "Stickers, GIFs, polls"),
            (user.send_poll, "Stickers, GIFs, polls"),
            (user.send_dice, "Stickers, GIFs, polls"),
            (lambda: user.send_contact("+77010000000", "Asel"), "Shared contacts are not used"),
            (lambda: user.send_location(43.2, 76.9), "A location is not expected here."),
            (lambda: user.send_photo(b"\xff\xd8jpeg"), "A file is not expected here."),
            (lambda: user.send_text("полиция"), "Please answer with the buttons below."),
            (lambda: user.send_command("/nonsense"), "How this works."),
        )
        for send, expected in sends:
            await send()
            await witness.settle()
            assert witness.screen.text.startswith(expected), witness.screen.text[:80]
            assert question in witness.screen.text
        assert handler_errors() == []


async def test_every_screen_is_html_sent_or_edited(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    """The parse mode is set once, where the Application is built, not passed by handlers."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        # When the consent screen is edited into the menu, and the menu sent again by /help
        await witness.tap("yes")
        edited = witness.screen
        await witness.command("/help")
        sent = witness.screen
        # Then both show the menu's hint in italics, not its tags
        assert sent.message_id != edited.message_id
        for message in (edited, sent):
            assert "<i>" not in message.text
            assert any(e["type"] == "italic" for e in message.raw.get("entities", []))


async def test_a_huge_text_is_refused_with_the_limit(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        for code in START:
            await witness.tap(code)
        await witness.say("Я" * 10_000)
        assert "4000" in witness.screen.text.split("\n", 1)[0] or "4,000" in witness.screen.text
        await witness.say("Коротко.")
        assert "Would you like to stay anonymous?" in witness.screen.text


async def test_edited_messages_are_explained(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        for code in START:
            await witness.tap(code)
        sent = await witness.user.send_text("Первая версия")
        await witness.settle()
        await witness.user.edit_text(sent.message_id, "Вторая версия")
        await witness.settle()
        assert witness.screen.text.startswith("Edited messages are not read.")


async def test_in_a_group_the_bot_leaves_and_stores_nothing(
    standin: BotApiStandin, database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        member = bot.witness().user
        group = standin.group(-100123, "Solidarity")
        await group.add_bot(member)
        await group.send_text(member, "Мой брат задержан")
        await Witness(bot, member).settle()
        assert not group.bot_is_member
        assert group.bot_messages() == []
    assert await count(db, Draft) == 0


async def test_a_flood_gets_one_notice_and_is_not_read(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("en")
        for number in range(200):
            await witness.user.send_text(f"spam {number}")
        await witness.settle()
        notices = [
            t for t in witness.texts() if t.startswith("You are sending messages very fast.")
        ]
        assert len(notices) == 1
        assert len(witness.texts()) <= 121
        assert handler_errors() == []


async def test_what_the_flood_limit_did_not_read_is_wiped_all_the_same(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        assert bot.services is not None
        limiter, minute = bot.services.limiter, [0.0]
        limiter.clock, limiter.per_minute = lambda: minute[0], 5
        witness = bot.witness("en")
        # Given a witness who typed faster than the limit: unread messages and a notice
        for number in range(12):
            await witness.user.send_text(f"spam {number}")
        await witness.settle()
        assert any(t.startswith("You are sending messages very fast.") for t in witness.texts())
        # When, a minute later, they wipe the conversation
        minute[0] = 61.0
        await witness.command("/delete")
        await witness.act("w", "yes")
        # Then nothing is left on the phone, the unread messages and the notice included
        assert witness.user.visible_messages() == []


async def test_switching_language_keeps_the_answers_and_repeats_the_question(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("kk")
        await begin(witness, "kk")
        for code in START[:5]:
            await witness.tap(code)
        with language("kk"):
            town_kk = _(TOWN_PROMPT).split("\n")[0]
        assert town_kk in witness.screen.text
        await witness.command("/language")
        await witness.tap("en")
        assert TOWN_PROMPT.split("\n")[0] in witness.screen.text
        for code in START[5:]:
            await witness.tap(code)
        await witness.say("Switched language")
        for code in CLOSE:
            await witness.tap(code)
        await witness.act("s")
    (case,) = await exported(db, reviewer_key, tmp_path)
    assert case["language"] == "en"
    assert case["answers"]["event_date"]["precision"] == "exact"  # type: ignore[index]


async def test_delete_wipes_what_the_phone_shows_and_the_draft(
    standin: BotApiStandin, database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await begin(witness)
        for code in START[:5]:
            await witness.tap(code)
        await witness.say("Самал-2")  # the witness's own message, and a new question below it
        assert len(witness.user.visible_messages()) == 4
        assert await count(db, Draft) == 1
        await witness.command("/delete")
        await witness.act("w", "yes")
        assert witness.user.visible_messages() == []
        assert await count(db, Draft) == 0
        answer = next(iter(standin.callback_answers.values()))
        assert answer is not None


async def test_wipe_after_sending_keeps_the_case(
    standin: BotApiStandin, database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await minimal_detention(witness, "Для удаления")
        await witness.act("s")
        await witness.act("w", "ask")
        await witness.act("w", "yes")
        assert witness.user.visible_messages() == []
    assert await count(db, Case) == 1
    assert await count(db, Draft) == 0


async def test_followup_adds_a_sealed_addendum_to_the_right_case(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await minimal_detention(witness, "Исходный отчёт")
        await witness.act("s")
        receipt = next(t for t in witness.texts() if t.startswith("Saved."))
        code = receipt.split("Your receipt code:\n", 1)[1].split("\n", 1)[0].strip()
        other = bot.witness()
        await begin(other)
        await other.tap("yes")
        await other.command("/followup", "AAAA-BBBB-CCCC-DDDD")
        assert other.screen.text.startswith("That code was not found.")
        await other.command("/followup", code.lower().replace("-", " "))
        assert other.screen.text.startswith("Found.")
        await other.say("Его перевели в СИЗО")
        await other.user.send_document(b"%PDF-1.4 court ruling", "ruling.pdf", "application/pdf")
        await other.settle()
        await other.act("f", "done")
        assert any(t.startswith("Saved.\nYour addition is sealed") for t in other.texts())
    cases = await exported(db, reviewer_key, tmp_path)
    original = next(c for c in cases if c["form"]["id"] == "detention")  # type: ignore[index]
    addendum = next(c for c in cases if c["form"]["id"] == "addendum")  # type: ignore[index]
    assert addendum["links"] == {"addendum_to": original["case_id"]}
    assert addendum["answers"] == {"notes": ["Его перевели в СИЗО"]}
    assert addendum["attachments"][0]["name"] == "ruling.pdf"  # type: ignore[index]
    files = list((tmp_path / "kuager_attachments" / str(addendum["case_id"])).iterdir())
    assert [f.read_bytes() for f in files] == [b"%PDF-1.4 court ruling"]


async def test_the_command_menu_is_registered_in_each_language(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key):
        for language in ("kk", "ru", "en"):
            commands = standin.commands_for(language)
            assert set(commands) == {"start", "language", "cancel", "delete", "followup", "help"}


async def test_an_addition_takes_at_most_50_messages_and_20_files(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("ru")
        await minimal_detention(witness, "Исходный отчёт", language="ru")
        await witness.act("s")
        receipt = next(t for t in witness.texts() if t.startswith("Сохранено."))
        code = next(line for line in receipt.splitlines() if line.count("-") == 3).strip()
        await witness.command("/followup", code)
        # Given an addition already holding 50 messages and 20 files
        for number in range(MAX_FOLLOWUP_NOTES):
            await witness.say(f"Заметка {number}")
        for number in range(MAX_FOLLOWUP_FILES):
            await witness.user.send_document(
                f"file {number}".encode(), f"{number}.txt", "text/plain"
            )
            await witness.settle()
        # When one more of each arrives, each is refused plainly, in the witness's language
        await witness.say("Заметка сверх предела")
        assert witness.screen.text.startswith(
            "Достигнут предел.\nОдно дополнение вмещает не более 50 сообщений"
        )
        await witness.user.send_document(b"one too many", "extra.txt", "text/plain")
        await witness.settle()
        assert witness.screen.text.startswith(
            "Достигнут предел.\nОдно дополнение вмещает не более 20 файлов"
        )
        # Then what they have is sent when they press Done
        await witness.act("f", "done")
    cases = await exported(db, reviewer_key, tmp_path)
    addendum = next(c for c in cases if c["form"]["id"] == "addendum")  # type: ignore[index]
    assert len(addendum["answers"]["notes"]) == MAX_FOLLOWUP_NOTES  # type: ignore[index]
    assert len(addendum["attachments"]) == MAX_FOLLOWUP_FILES  # type: ignore[arg-type]
