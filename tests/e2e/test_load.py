"""Many witnesses at once: reports sent together, and one person flooding the bot meanwhile.

Each simulated witness waits only for its own replies (`tests.e2e.traffic`), so they are
served concurrently, as on the day a detention makes many people write at once. Timings are
printed for the record, never asserted.

The bot, the stand-in and the witnesses share one process, and so one core: the default run
sends 150 reports (about 40 s); `KUAGER_TEST_LOAD_WITNESSES=1000` sends the full thousand
(4-5 minutes on two cores).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from handlers import texts
from handlers.forms import FORMS
from handlers.i18n import LANGUAGES, _, language, negotiate
from standin import BotApiStandin, SimUser
from storage import chain
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from tests.e2e.harness import RunningBot, Witness, running_bot
from tests.e2e.traffic import ChatWatch, Pilot, percentile

LOAD_ENV = "KUAGER_TEST_LOAD_WITNESSES"
WITNESSES = int(os.environ.get(LOAD_ENV, "150"))
FLOOD = 1000
BYSTANDERS = 50


def first_line(msgid: str, lang: str) -> str:
    """The first line of a bot text as a witness reading `lang` sees it."""
    with language(lang):
        return _(msgid).split("\n", 1)[0]


async def unthrottled(bot: RunningBot) -> None:
    """The limit is per witness; a crowd of distinct witnesses should never meet it."""
    bot.with_config(security=replace(bot.config.security, rate_limit_per_minute=10_000))
    await bot.restart()


async def report(pilot: Pilot, lang: str, form: str) -> None:
    """One witness's whole report: /start, language, consent, a type, hurried answers, Send."""
    await pilot.command("/start")
    await pilot.tap(lang)
    await pilot.tap("yes")
    await pilot.tap(form)
    await pilot.hurry(text=f"Свидетель {pilot.user.id}: <b>коротко</b> & ясно")
    await pilot.act("s")


def summary(what: str, latencies: list[float]) -> str:
    return (
        f"{what}: {len(latencies)} replies, p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )


@pytest.mark.slow
@pytest.mark.timeout(max(300, WITNESSES))
async def test_witnesses_reporting_at_once_each_get_a_receipt_and_every_case_is_kept(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
    handler_errors: Callable[[], list[str]],
) -> None:
    forms = list(FORMS)
    async with running_bot(standin, database_url, reviewer_key) as bot:
        await unthrottled(bot)
        assert bot.services is not None
        async with ChatWatch(standin) as watch:
            # Given witnesses in their own chats, in every language and report type
            pilots = [
                Pilot(
                    standin, watch, standin.user(8_000_000_000 + n, "Witness", language_code=None)
                )
                for n in range(WITNESSES)
            ]
            # When they all report at the same time
            started = time.perf_counter()
            await asyncio.gather(
                *(
                    report(pilot, LANGUAGES[n % len(LANGUAGES)], forms[n % len(forms)])
                    for n, pilot in enumerate(pilots)
                )
            )
            elapsed = time.perf_counter() - started
        incidents = handler_errors()
    steps = [latency for pilot in pilots for latency in pilot.latencies]
    print(
        f"\n{WITNESSES} concurrent reports in {elapsed:.1f}s = {WITNESSES / elapsed:.1f}/s "
        f"({len(steps) / elapsed:.0f} steps/s); " + summary("per step", steps)
    )

    # Then each witness saw their receipt, and nothing went wrong inside the bot
    assert incidents == []
    for n, pilot in enumerate(pilots):
        receipt = first_line(texts.RECEIPT, LANGUAGES[n % len(LANGUAGES)])
        assert any(t.startswith(receipt) for t in pilot.texts()), pilot.texts()[-2:]
    # And every case is stored once, opens with the reviewer's key, and is in the chain
    out = tmp_path / "cases.jsonl"
    tally = await export_cases(db, reviewer_key, ExportRequest(out, ExportFormat.JSONL))
    assert tally.ok, tally
    assert tally.exported == WITNESSES
    cases = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len({case["case_id"] for case in cases}) == WITNESSES
    assert {case["form"]["id"] for case in cases} == set(forms)
    async with db.sessions() as session:
        verified = await chain.verify(session)
    assert verified.ok, verified.broken
    assert verified.links == verified.cases == WITNESSES


async def first_questions(pilot: Pilot, lang: str) -> None:
    """A bystander's first steps: /start, language, consent, a report type, four answers."""
    await pilot.command("/start")
    await pilot.tap(lang)
    await pilot.tap("yes")
    await pilot.tap("detention")
    for _answer in range(4):
        assert await pilot.answer("Коротко.")


async def flood(flooder: SimUser, messages: int) -> None:
    """A script sending `messages` texts within a couple of seconds."""
    for number in range(messages):
        await flooder.send_text(f"спам {number}")
        if number % 20 == 19:
            await asyncio.sleep(0.02)


async def test_a_flood_is_cut_short_with_one_notice_while_others_keep_getting_replies(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    handler_errors: Callable[[], list[str]],
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot, ChatWatch(standin) as watch:
        assert bot.services is not None
        limit = bot.config.security.rate_limit_per_minute

        def bystanders(first_id: int) -> list[Pilot]:
            return [
                Pilot(standin, watch, standin.user(first_id + n, "Witness", language_code="kk"))
                for n in range(BYSTANDERS)
            ]

        # Given fifty witnesses answering while nobody floods (the baseline)
        calm = bystanders(8_500_000_000)
        await asyncio.gather(*(first_questions(p, LANGUAGES[n % 3]) for n, p in enumerate(calm)))
        # When one person sends a thousand messages while fifty others answer
        flooder = standin.user(8_600_000_000, "Spammer", language_code="ru")
        busy = bystanders(8_700_000_000)
        sending = asyncio.create_task(flood(flooder, FLOOD))
        await asyncio.gather(*(first_questions(p, LANGUAGES[n % 3]) for n, p in enumerate(busy)))
        await sending
        await Witness(bot, flooder).settle()
        calm_latencies = [t for p in calm for t in p.latencies]
        busy_latencies = [t for p in busy for t in p.latencies]
        print(
            f"\n{summary('no flood', calm_latencies)}\n"
            f"{summary(f'during a {FLOOD}-message flood', busy_latencies)}"
        )

        # Then the flooder was told once to slow down, and the rest of the flood was not read
        notice = first_line(texts.TOO_FAST, negotiate("ru"))
        flood_replies = [m.text for m in flooder.bot_messages()]
        assert sum(t.startswith(notice) for t in flood_replies) == 1
        assert len(flood_replies) <= limit + 1
        # And every other witness got every reply (each wait above ends in one), with no error
        assert len(busy_latencies) == len(calm_latencies) == BYSTANDERS * 8
        assert handler_errors() == []
