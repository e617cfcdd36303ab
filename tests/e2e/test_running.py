"""The bot as deployed: webhook mode, and the housekeeping job that erases what expired."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import socket

import httpx
from sqlalchemy import func, select

from handlers.services import Services
from standin import BotApiStandin
from storage.attachments import seal_attachment
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Attachment, Draft
from tests.e2e.harness import running_bot
from tests.e2e.test_crash import KUAGER, BotProcess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def post(url: str, body: dict[str, object], secret: str) -> int:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": secret}, timeout=10
        )
    return response.status_code


async def test_webhook_mode_answers_updates_telegram_posts(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    port, secret = free_port(), "s3cret-token"
    bot = BotProcess(standin, database_url, reviewer_key)
    bot.env.update(
        KUAGER_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        KUAGER_TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        KUAGER_TELEGRAM_WEBHOOK_PORT=str(port),
        KUAGER_TELEGRAM_WEBHOOK_SECRET=secret,
    )
    bot.process = await asyncio.create_subprocess_exec(
        KUAGER,
        "run",
        env=bot.env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await standin.wait_for_call("setWebhook", timeout=30)
        assert standin.webhook_url == f"http://127.0.0.1:{port}/telegram"
        witness = standin.user(8_300_000_001, "Witness", language_code="en")
        await witness.send_command("/start")
        (update,) = standin.take_updates()
        url = f"http://127.0.0.1:{port}/telegram"
        for _ in range(100):
            try:
                forged = await post(url, update, "wrong")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        assert forged == 403, "an update without Telegram's secret is refused"
        assert await post(url, update, secret) == 200
        await witness.wait_for_reply(timeout=15)
        assert witness.last_bot_message().buttons, "the language picker"
    finally:
        await bot.kill(signal.SIGTERM)


async def test_housekeeping_erases_expired_drafts_and_abandoned_files(
    standin: BotApiStandin, database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("en")
        await witness.command("/start")
        await witness.tap("en")
        services = bot.services
        assert isinstance(services, Services) and bot.app is not None
        async with db.transaction() as session:
            await seal_attachment(
                session, b"abandoned", [reviewer_key.public], today=dt.date(2020, 1, 1)
            )
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=73)
        services.clock = lambda: later
        (job,) = bot.app.job_queue.jobs()  # type: ignore[union-attr]
        await job.run(bot.app)
    async with db.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Draft))).scalar_one() == 0
        assert (
            await session.execute(select(func.count()).select_from(Attachment))
        ).scalar_one() == 0
