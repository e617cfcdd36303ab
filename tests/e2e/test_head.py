"""The chain head reaches the reviewers' alert chat, daily and on /head, and nowhere else."""

from __future__ import annotations

import datetime as dt

from bot.app import HEAD_JOB, HEAD_POSTED_AT
from bot.config import ReviewersConfig
from handlers.head import HEAD_POSTED
from handlers.i18n import _, language
from standin import BotApiStandin, SimGroup, SimUser
from storage import chain
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from tests.e2e.harness import RunningBot, hurry, running_bot

ALERT_CHAT = -100777
CANARY = "CANARY-Жәнібек-4242"
TODAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


async def _with_alert_chat(
    bot: RunningBot, reviewer: ReviewerPrivateKey
) -> tuple[SimGroup, SimUser]:
    """Restart `bot` with the reviewers' group as its alert chat."""
    await bot.stop()
    reviewers = bot.standin.group(ALERT_CHAT, "Reviewers")
    coordinator = bot.standin.user(42, "Coordinator")
    await reviewers.add_bot(coordinator)
    bot.with_config(
        reviewers=ReviewersConfig(public_keys=(reviewer.public.line,), alert_chat_id=ALERT_CHAT)
    )
    await bot.start()
    return reviewers, coordinator


async def _send_a_case(bot: RunningBot) -> None:
    witness = bot.witness()
    await witness.command("/start")
    for code in ("en", "yes", "ill_treatment"):
        await witness.tap(code)
    await hurry(witness, text=CANARY)
    await witness.act("s")


async def _stored_head(database_url: str) -> chain.Head:
    db = Database(database_url)
    try:
        return (await chain.verify_database(db)).head
    finally:
        await db.close()


def _head_message(head: chain.Head) -> str:
    """In the alert chat's language: the catalog's Russian, not the English msgid."""
    with language("ru"):
        return _(HEAD_POSTED).format(day="2026-11-30", head=head)


async def test_the_alert_chat_gets_the_head_daily_and_on_request(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        assert bot.app is not None and bot.app.job_queue is not None
        assert not bot.app.job_queue.get_jobs_by_name(HEAD_JOB), "no alert chat, no head job"
        reviewers, coordinator = await _with_alert_chat(bot, reviewer_key)
        assert bot.app is not None and bot.app.job_queue is not None and bot.services
        await _send_a_case(bot)
        bot.services.clock = lambda: TODAY
        head = await _stored_head(database_url)
        assert head.seq == 1
        # When a reviewer asks in the alert chat
        await reviewers.send_command(coordinator, "/head")
        await bot.witness().settle()
        # Then the head is posted there: count and hash and the day, nothing of the case
        posted = [m.text for m in reviewers.bot_messages()]
        assert posted[-1] == _head_message(head)
        assert _head_message(head) != HEAD_POSTED.format(day="2026-11-30", head=head)
        assert CANARY not in "".join(posted)
        # And the daily job posts it too, at a fixed time of day
        (job,) = bot.app.job_queue.get_jobs_by_name(HEAD_JOB)
        assert job.next_t is not None
        assert job.next_t.astimezone(dt.UTC).timetz() == HEAD_POSTED_AT
        await _send_a_case(bot)
        await job.run(bot.app)
        await bot.witness().settle()
        grown = await _stored_head(database_url)
        assert grown.seq == 2
        assert reviewers.bot_messages()[-1].text == _head_message(grown)


async def test_head_elsewhere_is_an_unknown_command(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        reviewers, _coordinator = await _with_alert_chat(bot, reviewer_key)
        witness = bot.witness()
        await witness.command("/start")
        await witness.tap("en")
        # When a witness sends /head in a private chat, and then a command the bot lacks
        await witness.command("/head")
        after_head = witness.screen.text
        await witness.command("/nosuchcommand")
        # Then both get the same answer, and the alert chat hears nothing
        assert witness.screen.text == after_head
        assert "verify" not in after_head
        assert reviewers.bot_messages() == []
