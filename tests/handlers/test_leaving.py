"""Stopping, wiping, and what the bot refuses: stale buttons, groups, floods."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.database import Database
from storage.models import Case, Draft
from tests.handlers.conftest import HandlerBot, Witness

START = ("yes", "detention", "self", "today", "almaty")
STALE = "That button is from an earlier message."


async def count(db: Database, model: type[Case] | type[Draft]) -> int:
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def mid_report(bot: HandlerBot, answers: int = len(START)) -> Witness:
    return await bot.started(START[:answers])


async def test_cancel_discards_the_report_and_says_so(bot: HandlerBot) -> None:
    witness = await mid_report(bot)
    await witness.command("/cancel")
    assert witness.screen.text.startswith("Stopped.\nNothing from this report was kept.")
    await witness.command("/start")
    assert witness.screen.text.startswith("Ready."), "the menu, not the old question"
    await witness.command("/cancel")
    assert witness.screen.text.startswith("There is nothing to stop.")


async def test_delete_wipes_what_the_phone_shows_and_the_draft(
    bot: HandlerBot, db: Database
) -> None:
    # Given a witness mid-report, with their own typed answer on screen
    witness = await mid_report(bot)
    await witness.say("Самал-2")
    assert len(witness.user.visible_messages()) == 4
    assert await count(db, Draft) == 1
    # When they ask to delete, they are asked to confirm first
    await witness.command("/delete")
    assert witness.screen.text.startswith("Please confirm.")
    await witness.act("w", "yes")
    # Then nothing is left on the phone or in the drafts
    assert witness.user.visible_messages() == []
    assert await count(db, Draft) == 0


async def test_wipe_after_sending_keeps_the_case(bot: HandlerBot, db: Database) -> None:
    witness = await mid_report(bot)
    for code in ("skipped", "police", "done", "released"):
        await witness.tap(code)
    await witness.say("Для удаления")
    for code in ("yes", "reviewers", "done", "none", "no"):
        await witness.tap(code)
    await witness.act("s")
    await witness.act("w", "ask")
    await witness.act("w", "yes")
    assert witness.user.visible_messages() == []
    assert await count(db, Case) == 1
    assert await count(db, Draft) == 0


async def test_a_stale_or_forged_button_is_refused_and_the_question_repeated(
    bot: HandlerBot,
) -> None:
    # Given a witness who answered the role question and moved on twice
    witness = await mid_report(bot, answers=2)
    role_question = witness.screen
    old = role_question.button_data[0][0]
    assert old is not None
    await witness.tap("self")
    await witness.tap("today")
    current = witness.screen.text
    # When they press an old button again, or send crafted data
    await witness.user.press_data(old, role_question.message_id)
    await witness.settle()
    # Then it is refused, and the current question comes again, unchanged
    assert witness.screen.text.startswith(STALE)
    assert current.split("\n", 1)[1] in witness.screen.text
    assert list(bot.standin.callback_answers.values())[-1].text == STALE
    for forged in ("zz|a|self", "", "1|q|x", "ffffffff|a|police", "x" * 64):
        await witness.user.press_data(forged, witness.screen.message_id)
        await witness.settle()
        assert witness.screen.text.startswith(STALE)
        assert current.split("\n", 1)[1] in witness.screen.text


async def test_a_double_tap_is_absorbed_without_a_word(bot: HandlerBot) -> None:
    # Given a witness who tapped an answer, the question turning into the next one
    witness = await mid_report(bot, answers=2)
    role_question = witness.screen
    first_tap = next(d for row in role_question.button_data for d in row if d and "|a|self" in d)
    await witness.tap("self")
    shown = [(m.message_id, m.text) for m in witness.user.visible_messages()]
    # When the second tap of a double tap arrives, carrying the replaced buttons
    await witness.user.press_data(first_tap, role_question.message_id)
    await witness.settle()
    # Then nothing changes on the phone and the press is answered without a notice
    assert [(m.message_id, m.text) for m in witness.user.visible_messages()] == shown
    assert list(bot.standin.callback_answers.values())[-1].text is None


async def test_in_a_group_the_bot_leaves_and_stores_nothing(bot: HandlerBot, db: Database) -> None:
    member = bot.witness().user
    group = bot.standin.group(-100123, "Solidarity")
    await group.add_bot(member)
    await group.send_text(member, "Мой брат задержан")
    await bot.deliver()
    assert not group.bot_is_member
    assert group.bot_messages() == []
    assert await count(db, Draft) == 0


async def test_a_flood_gets_one_notice_and_is_not_read(bot: HandlerBot) -> None:
    witness = bot.witness("en")
    for number in range(200):
        await witness.user.send_text(f"spam {number}")
    await witness.settle()
    notices = [t for t in witness.texts() if t.startswith("You are sending messages very fast.")]
    assert len(notices) == 1
    assert len(witness.texts()) <= 121
