"""/delete as a searched phone needs it: nothing of the conversation left, whatever happened.

The wipe deletes every id from the conversation's first message up to a message it sends
itself, so it needs no record of each message sent: a restart between a send and the next
save, a send whose reply was lost, a notice sent by a guard — all fall inside the range.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Draft
from tests.e2e.harness import Witness, running_bot
from tests.e2e.test_crash import STEPS, Phone, bot_process, reply_to, send_button, tap

START = ("yes", "detention", "self", "today", "almaty")


async def drafts(db: Database) -> int:
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(Draft))).scalar_one()


async def halfway(witness: Witness) -> None:
    """A witness five answers and one typed message into a detention report."""
    await witness.command("/start")
    await witness.tap("en")
    for code in START:
        await witness.tap(code)
    await witness.tap("skipped")
    await witness.tap("police")


async def wipe(witness: Witness) -> None:
    await witness.command("/delete")
    await witness.act("w", "yes")


async def test_fifty_witnesses_wiping_at_once_each_leave_an_empty_phone(
    standin: BotApiStandin, database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witnesses = [bot.witness() for _ in range(50)]
        await asyncio.gather(*(halfway(w) for w in witnesses))
        first, second = witnesses[:25], witnesses[25:]
        shown = {w.user.id: len(w.user.visible_messages()) for w in second}

        await asyncio.gather(*(wipe(w) for w in first))

        assert [w.user.visible_messages() for w in first] == [[]] * 25
        assert {w.user.id: len(w.user.visible_messages()) for w in second} == shown
        await asyncio.gather(*(wipe(w) for w in second))
        assert [w.user.visible_messages() for w in second] == [[]] * 25
    assert await drafts(db) == 0


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after_typed_answer", "at_review"])
async def test_a_restart_between_a_send_and_the_next_save_leaves_nothing_after_delete(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, point: str
) -> None:
    """SIGKILL right after the bot showed a new message: its id was never stored."""
    witness = Phone(standin, 8_300_000_001)
    async with bot_process(standin, database_url, reviewer_key) as bot:
        await reply_to(witness, witness.send_command("/start"))
        await tap(witness, "en")
        for code in STEPS:
            await tap(witness, code)
        await reply_to(witness, witness.send_text("Их увезли в РОВД"))  # a new question follows
        if point == "at_review":
            for step in ("yes", "reviewers", "done", "none", "no"):
                await tap(witness, step)
            assert send_button(witness) is not None, "the review is on the phone"
        await bot.kill()
        await bot.start()
        await reply_to(witness, witness.send_command("/delete"))
        (yes,) = [
            d
            for m in witness.bot_messages()
            for r in m.button_data
            for d in r
            if d and d.endswith("|w|yes")
        ]
        await witness.press(yes)
        await standin.wait_idle(quiet=0.3)
    assert witness.visible_messages() == []
