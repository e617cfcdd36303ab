"""The bot as deployed: webhook mode, the warnings at start, and the housekeeping job."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import socket
import types

import httpx
import pytest
from sqlalchemy import func, select
from telegram import Bot
from telegram.ext import Updater
from telegram.ext._utils import webhookhandler

from bot import webhook
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


SECRET = "s3cret-token-long-enough"


async def kuager_run(
    env: dict[str, str], stderr: int = asyncio.subprocess.DEVNULL
) -> asyncio.subprocess.Process:
    """`kuager run` in a child process; its log on a pipe when `stderr` asks for one."""
    return await asyncio.create_subprocess_exec(
        KUAGER,
        "run",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )


async def answer(url: str, body: dict[str, object], secret: str | bytes | None) -> httpx.Response:
    headers: dict[str, str | bytes] = (
        {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    )
    async with httpx.AsyncClient() as client:
        # httpx sends bytes header values as they are (the non-ASCII secret case); its stub
        # types a mapping as all-str or all-bytes.
        return await client.post(url, json=body, headers=headers, timeout=10)  # type: ignore[arg-type]


async def post(url: str, body: dict[str, object], secret: str | bytes | None) -> int:
    return (await answer(url, body, secret)).status_code


async def test_webhook_mode_answers_updates_telegram_posts(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    port, secret = free_port(), SECRET
    bot = BotProcess(standin, database_url, reviewer_key)
    bot.env.update(
        KUAGER_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        KUAGER_TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        KUAGER_TELEGRAM_WEBHOOK_PORT=str(port),
        KUAGER_TELEGRAM_WEBHOOK_SECRET=secret,
    )
    bot.process = await kuager_run(bot.env)
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
        # Missing, same length but wrong, a prefix, bytes no str holds: one bare 403 for all.
        # PTB's own handler (`!=`) gives reasons that tell a prober which check failed, so
        # this fails if `kuager run` stops serving through bot/webhook.py.
        for wrong in (None, "", secret.upper(), secret[:-1], "é".encode() * 12):
            refused = await answer(url, update, wrong)
            assert (refused.status_code, refused.reason_phrase) == (403, "Forbidden"), wrong
        assert await post(url, update, secret) == 200
        await witness.wait_for_reply(timeout=15)
        assert witness.last_bot_message().buttons, "the language picker"
    finally:
        await bot.kill(signal.SIGTERM)


@pytest.mark.parametrize("secret", ["", "too-short", "has spaces but is long enough"])
async def test_a_webhook_without_a_good_secret_refuses_to_start(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, secret: str
) -> None:
    bot = BotProcess(standin, database_url, reviewer_key)
    bot.env.update(
        KUAGER_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/telegram",
        KUAGER_TELEGRAM_WEBHOOK_SECRET=secret,
    )
    process = await kuager_run(bot.env, stderr=asyncio.subprocess.PIPE)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:  # it started after all: do not leave it running
            process.kill()
            await process.wait()
    assert process.returncode == 2
    (line,) = stderr.decode().splitlines()
    assert line.startswith("kuager: config: telegram.webhook_secret"), line
    assert standin.calls_to("setWebhook") == [], "nothing listened, nothing was registered"


async def test_the_webhook_secret_is_decided_by_compare_digest(
    standin: BotApiStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our handler under PTB's real `Updater.start_webhook`: compare_digest's answer alone counts.

    Fails if the check goes back to `!=` (a wrong secret would still be refused below), or if
    PTB stops building its webhook application through the name bot/webhook.py replaces.
    """
    compared: list[tuple[bytes, bytes]] = []
    verdict = True

    def compare_digest(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return verdict

    monkeypatch.setattr(webhook, "hmac", types.SimpleNamespace(compare_digest=compare_digest))
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    updater = Updater(Bot(standin.token, base_url=standin.api_base_url), asyncio.Queue())
    await updater.initialize()
    try:
        with webhook.secret_checked_in_constant_time():
            await updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="telegram", secret_token=SECRET
            )
        # Given compare_digest says "equal", a wrong secret gets in ...
        assert await post(url, {"update_id": 1}, "wrong") == 200
        assert compared == [(b"wrong", SECRET.encode())]
        assert updater.update_queue.qsize() == 1
        # ... and given it says "different", the right one does not.
        verdict = False
        assert await post(url, {"update_id": 2}, SECRET) == 403
    finally:
        if updater.running:
            await updater.stop()
        await updater.shutdown()
    assert webhookhandler.TelegramHandler is not webhook.SecretCheckingHandler


async def test_mixing_post_quantum_and_plain_keys_is_warned_at_start(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    pq_reviewer_key: ReviewerPrivateKey,
) -> None:
    bot = BotProcess(standin, database_url, reviewer_key)
    lines = (pq_reviewer_key.public.line, reviewer_key.public.line)
    bot.env["KUAGER_REVIEWERS_PUBLIC_KEYS"] = ",".join(lines)
    bot.process = await kuager_run(bot.env, stderr=asyncio.subprocess.PIPE)
    process = bot.process
    try:
        await bot.wait_polling()
    finally:
        await bot.kill(signal.SIGTERM)
    assert process.stderr is not None
    log = (await process.stderr.read()).decode()
    (warning,) = [line for line in log.splitlines() if "reviewer_keys_mixed" in line]
    assert "WARNING" in warning and warning.endswith("post_quantum=1 x25519=1")
    for line in lines:
        assert line.rsplit(":", 1)[1][:16] not in log, "no key material in the log"


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
