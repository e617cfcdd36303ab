"""A burst of witnesses against Telegram's flood limits, scaled down to take seconds.

The stand-in refuses what Telegram would (`FloodLimits`) and logs every counted call with its
verdict; the bot paces itself (`bot.pacing`). Every assertion is on counts and order in that
log, the chats and the database, never on how long anything took. `python -m bench.burst`
runs the same walk at Telegram's real 30 a second with 100 and 1,000 witnesses.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from handlers import texts
from handlers.forms import Draft
from handlers.i18n import LANGUAGES, _, language
from handlers.session import Session
from standin import BotApiStandin, FloodLimits, SimUser, counts_against_limit
from storage.crypto.drafts import DraftKeys
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.drafts import DraftStore
from tests.e2e.harness import RunningBot, running_bot
from tests.e2e.traffic import ChatWatch, Pilot

FIRST_QUESTIONS = ("detention", "self", "today")
"""The report type, then the first two questions of the report (so the draft holds answers)."""


async def first_questions(pilot: Pilot, lang: str, answers: tuple[str, ...]) -> None:
    """/start, language, consent, then `answers` pressed one by one."""
    await pilot.command("/start")
    for code in (lang, "yes", *answers):
        await pilot.tap(code)


def accepted(standin: BotApiStandin, chat_id: int) -> list[str]:
    """First lines of the messages Telegram accepted for this chat, in the order it did."""
    refused = {id(call) for call, _why in standin.failed_calls}
    return [
        str(call.params.get("text", "")).split("\n", 1)[0]
        for call in standin.calls
        if counts_against_limit(call.method)
        and id(call) not in refused
        and int(call.params.get("chat_id", 0)) == chat_id
    ]


async def drafts_in_database(bot: RunningBot, users: list[SimUser]) -> list[Draft | None]:
    """Each witness's report in progress as stored (a fresh store: no cache in memory)."""
    config = bot.config
    store = DraftStore(
        DraftKeys.from_secret(config.draft_key_bytes()),
        dt.timedelta(hours=config.security.draft_ttl_hours),
    )
    db = Database(config.storage.database_url)
    try:
        now = dt.datetime.now(dt.UTC)
        found = [await store.load(db, user.id, now) for user in users]
    finally:
        await db.close()
    return [None if raw is None else Session.from_json(dict(raw)).draft for raw in found]


def pilots(standin: BotApiStandin, watch: ChatWatch, first_id: int, count: int) -> list[Pilot]:
    return [
        Pilot(standin, watch, standin.user(first_id + n, "Witness", language_code=None))
        for n in range(count)
    ]


@dataclass
class Limited:
    """The stand-in enforcing the limits, the bot pacing itself, and the witnesses' watch."""

    standin: BotApiStandin
    bot: RunningBot
    watch: ChatWatch


@asynccontextmanager
async def at_the_limit(
    database_url: str, reviewer: ReviewerPrivateKey, telegram_rate: int, bot_rate: int
) -> AsyncIterator[Limited]:
    """The bot paced at `bot_rate` messages a second against Telegram allowing
    `telegram_rate` (and one a second per chat, a burst of two)."""
    limits = FloodLimits(overall_per_second=telegram_rate, chat_per_second=1, chat_burst=2)
    async with (
        BotApiStandin(flood_limits=limits) as standin,
        running_bot(standin, database_url, reviewer, messages_per_second=bot_rate) as bot,
        ChatWatch(standin) as watch,
    ):
        yield Limited(standin, bot, watch)


def verdicts(standin: BotApiStandin) -> dict[str, int]:
    counted = {"sent": 0, "refused": 0, "early": 0}
    for record in standin.flood_log:
        counted[record.verdict] += 1
    return counted


async def test_a_burst_at_the_limit_loses_nothing_keeps_each_chats_order_and_meets_no_429(
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    async with at_the_limit(database_url, reviewer_key, 20, 20) as limited:
        standin, bot, watch = limited.standin, limited.bot, limited.watch
        # Given fifty witnesses writing at once, fifteen times what Telegram lets through
        crowd = pilots(standin, watch, 8_100_000_000, 50)
        langs = [LANGUAGES[n % len(LANGUAGES)] for n in range(len(crowd))]
        # When each goes through /start and the first questions
        walks = zip(crowd, langs, strict=True)
        await asyncio.gather(*(first_questions(p, lang, FIRST_QUESTIONS) for p, lang in walks))
        await standin.wait_idle()
        drafts = await drafts_in_database(bot, [p.user for p in crowd])

    # Then Telegram never had to refuse a message: the bot kept to the limit by itself
    assert verdicts(standin) == {"sent": 50 * 6, "refused": 0, "early": 0}
    # And every witness's answers are in their stored draft
    assert all(d is not None and d.form == "detention" for d in drafts), drafts
    answered = [d.answers for d in drafts if d is not None]
    assert [a.get("reporter_role") for a in answered] == ["self"] * 50
    assert all("event_date" in a for a in answered)
    # And each chat saw its six screens once each, in the same order as every other chat in
    # its language
    for lang in LANGUAGES:
        chats = [p.user.id for n, p in enumerate(crowd) if langs[n] == lang]
        seen = {tuple(accepted(standin, chat)) for chat in chats}
        assert len(seen) == 1, seen
        (screens,) = seen
        assert len(screens) == len(set(screens)) == 6, screens
    assert handler_errors() == []


async def test_a_bot_that_misjudges_the_limit_waits_out_every_retry_after_and_loses_nothing(
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    # Given Telegram allowing 5 messages a second while the bot believes in 15
    async with at_the_limit(database_url, reviewer_key, 5, 15) as limited:
        standin, bot, watch = limited.standin, limited.bot, limited.watch
        # When fifteen witnesses start at once and choose a report
        crowd = pilots(standin, watch, 8_200_000_000, 15)
        await asyncio.gather(*(first_questions(p, "ru", ("detention",)) for p in crowd))
        await standin.wait_idle()
        drafts = await drafts_in_database(bot, [p.user for p in crowd])

    counted = verdicts(standin)
    # Then Telegram did refuse (the test means something), and no call came back early
    assert counted["refused"] > 0
    assert counted["early"] == 0, [r for r in standin.flood_log if r.verdict == "early"]
    # And each refused message was sent again: every screen arrived, every draft is stored
    assert counted["sent"] == 15 * 4
    assert all(d is not None and d.form == "detention" for d in drafts)
    assert handler_errors() == []


async def test_witnesses_inside_a_report_go_before_a_wave_of_newcomers(
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    async with at_the_limit(database_url, reviewer_key, 20, 20) as limited:
        standin, bot, watch = limited.standin, limited.bot, limited.watch
        assert bot.services is not None
        bot.services.busy_after = 1e9  # no notices: only the order is looked at here
        # Given ten witnesses inside a report, at its second question
        veterans = pilots(standin, watch, 8_300_000_000, 10)
        await asyncio.gather(*(first_questions(p, "kk", ("detention",)) for p in veterans))
        # When sixty newcomers write /start at once, and once the bot is replying to them the
        # ten answer their question
        newcomers = pilots(standin, watch, 8_400_000_000, 60)
        arriving = [asyncio.create_task(p.command("/start")) for p in newcomers]
        newcomer_chats = {p.user.id for p in newcomers}
        await watch.until(
            newcomers[0].user.id,
            lambda: any(r.chat_id in newcomer_chats for r in standin.flood_log),
            "a reply to a newcomer",
        )
        before = len(standin.flood_log)
        await asyncio.gather(*(p.tap("self") for p in veterans))
        await asyncio.gather(*arriving)

    # Then the veterans' replies overtook the newcomers still waiting
    veteran_chats = {p.user.id for p in veterans}
    after = [r for r in standin.flood_log[before:] if r.verdict == "sent"]
    last_veteran = max(n for n, r in enumerate(after) if r.chat_id in veteran_chats)
    overtaken = sum(1 for r in after[last_veteran:] if r.chat_id in newcomer_chats)
    newcomers_first = sum(1 for r in after[:last_veteran] if r.chat_id in newcomer_chats)
    assert newcomers_first <= 10 < overtaken, (newcomers_first, overtaken)
    assert handler_errors() == []


async def test_a_newcomer_facing_a_long_wait_is_told_once_in_their_language(
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    langs = LANGUAGES * 3
    async with at_the_limit(database_url, reviewer_key, 3, 3) as limited:
        standin, bot, watch = limited.standin, limited.bot, limited.watch
        assert bot.services is not None
        bot.services.busy_after = 0.5
        # Given nine newcomers writing at once to a bot that may send three messages a second
        crowd = [
            Pilot(standin, watch, standin.user(8_500_000_000 + n, "W", language_code=lang))
            for n, lang in enumerate(langs)
        ]
        # When each sends /start and then chooses a language
        await asyncio.gather(*(p.command("/start") for p in crowd))
        await asyncio.gather(*(p.tap(lang) for p, lang in zip(crowd, langs, strict=True)))

    # Then those who had to wait were told so, in their language, once, and their turn came
    # after it; not everyone was told
    told = 0
    for pilot, lang in zip(crowd, langs, strict=True):
        with language(lang):
            busy = _(texts.BUSY)
        told += pilot.texts().count(busy)
        assert pilot.texts().count(busy) <= 1
        in_order = accepted(standin, pilot.user.id)
        assert busy.split("\n", 1)[0] not in in_order[-1:], in_order
    assert 3 <= told < len(crowd)  # the first reply to queue found nobody ahead of it
    assert handler_errors() == []
