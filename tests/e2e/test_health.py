"""The health and metrics listener against the real bot, and `kuager check` against the
stand-in: what an operator's monitoring sees, and that it never sees a witness."""

from __future__ import annotations

import asyncio
import re
import signal

import aiohttp
import pytest
from sqlalchemy import select

from bot.health import HealthListener
from standin import BotApiStandin
from storage import schema
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Case
from tests.e2e.harness import RunningBot, running_bot
from tests.e2e.test_crash import KUAGER, BotProcess
from tests.e2e.test_running import free_port

NAME = "Ерлан-CANARY-NAME-5d1"
STORY = "CANARY-STORY-a9e0 забрали у дома"
METRIC_LINE = re.compile(r"^(# (HELP|TYPE) .*|[a-z_]+ [0-9.e+-]+)$")


async def get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}", timeout=aiohttp.ClientTimeout(10)) as r,
    ):
        return r.status, await r.text()


def metric(text: str, name: str) -> float:
    (value,) = [line.split()[1] for line in text.splitlines() if line.split()[0] == name]
    return float(value)


async def listening(bot: RunningBot) -> int:
    assert bot.app is not None and bot.services is not None
    port = free_port()
    listener = HealthListener(bot.app, bot.services, "polling", "127.0.0.1", port)
    await listener.start()
    bot.app.bot_data["test.listener"] = listener
    return port


async def test_metrics_during_a_conversation_count_and_never_name(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        port = await listening(bot)
        try:
            # Given a witness halfway through a report with canaries in it
            witness = bot.witness("en")
            await witness.command("/start")
            for code in ("en", "yes", "detention", "self", "today", "almaty"):
                await witness.tap(code)
            await witness.say(f"{NAME}, Abay street")
            status, during = await get(port, "/metrics")
            assert status == 200
            assert metric(during, "kuager_drafts_open") == 1
            # When the report is finished and sent
            for code in ("police", "done", "released"):
                await witness.tap(code)
            await witness.say(STORY)
            for code in ("yes", "reviewers", "done", "none", "no"):
                await witness.tap(code)
            await witness.act("s")
            assert any(t.startswith("Saved.") for t in witness.texts())
            _, after = await get(port, "/metrics")
            _, health = await get(port, "/healthz")
        finally:
            await bot.app.bot_data["test.listener"].stop()  # type: ignore[union-attr]

    # Then the counts moved ...
    assert metric(after, "kuager_cases_sealed_total") == 1
    assert metric(after, "kuager_updates_handled_total") >= 18
    assert metric(after, "kuager_database_up") == 1
    assert metric(after, "kuager_receiving_updates") == 1
    assert metric(after, "kuager_database_latency_seconds") > 0
    # ... and nothing of the witness or the case is in either answer
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            case_ids = list((await session.execute(select(Case.id))).scalars())
    finally:
        await db.close()
    assert len(case_ids) == 1
    for text in (during, after, health):
        for secret in (NAME, NAME.split("-")[0], STORY.split()[0], str(witness.user.id)):
            assert secret not in text
        for case_id in case_ids:
            assert case_id not in text and case_id[:12] not in text
    for line in during.splitlines() + after.splitlines():
        assert METRIC_LINE.match(line), f"a metric with labels or text: {line!r}"
        # An id leaked as a value is printed as a float (7.000000002e+09), not as its digits.
        if not line.startswith("#"):
            assert float(line.split()[1]) != witness.user.id, line


async def test_healthz_is_503_when_updates_stop_arriving(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        port = await listening(bot)
        listener = bot.app.bot_data["test.listener"]  # type: ignore[union-attr]
        try:
            status, body = await get(port, "/healthz")
            assert (status, body) == (
                200,
                '{"status": "ok", "telegram": "polling", "database": "ok"}',
            )
            assert bot.app is not None and bot.app.updater is not None
            await bot.app.updater.stop()
            status, body = await get(port, "/healthz")
            assert status == 503
            assert '"telegram": "not receiving"' in body and '"database": "ok"' in body
            await bot.app.updater.start_polling(poll_interval=0, timeout=1)
        finally:
            await listener.stop()


async def test_kuager_run_serves_health_and_kuager_health_asks_it(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    port = free_port()
    bot = BotProcess(standin, database_url, reviewer_key)
    bot.env["KUAGER_HEALTH_LISTEN"] = f"127.0.0.1:{port}"
    await bot.start()
    try:
        probe = await asyncio.create_subprocess_exec(
            KUAGER, "health", env=bot.env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await asyncio.wait_for(probe.communicate(), 60)
        assert probe.returncode == 0, out
        assert b'"status": "ok"' in out
    finally:
        await bot.kill(signal.SIGTERM)
    probe = await asyncio.create_subprocess_exec(
        KUAGER, "health", env=bot.env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(probe.communicate(), 60)
    assert probe.returncode == 1 and out.decode().startswith("kuager: no answer from http://")


async def kuager_check(env: dict[str, str]) -> tuple[int, list[str]]:
    process = await asyncio.create_subprocess_exec(
        KUAGER, "check", env=env, stdout=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode().splitlines()


async def test_kuager_check_on_a_good_config_says_what_is_fine(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    env = BotProcess(standin, database_url, reviewer_key).env
    status, lines = await kuager_check(env)
    assert status == 0, lines
    assert [line.split(":")[0].split() for line in lines] == [
        ["ok", "config"],
        ["ok", "database"],
        ["ok", "telegram"],
    ]
    assert lines[1].endswith(f"schema at {schema.head_revision()}, the newest")
    assert lines[2].endswith("answers; the token is @kuager_test_bot")
    assert standin.calls_to("getMe")


async def test_kuager_check_on_a_bad_config_lists_every_problem(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    env = BotProcess(standin, database_url, reviewer_key).env
    env.update(
        KUAGER_TELEGRAM_TOKEN="123456:WRONG",
        KUAGER_SECURITY_DRAFT_KEY="short",
        KUAGER_REVIEWERS_PUBLIC_KEYS="kuager:x25519:AA",
        KUAGER_LOGGING_LEVEL="LOUD",
    )
    status, lines = await kuager_check(env)
    assert status == 2
    problems = [line for line in lines if line.startswith("PROBLEM")]
    assert [p.split()[1] for p in problems] == ["config:"] * 3 + ["telegram:"]
    for problem, setting in zip(
        problems, ("logging.level", "reviewers.public_keys[0]", "security.draft_key"), strict=False
    ):
        assert setting in problem
    assert any(line.startswith("ok       database") for line in lines), "still says what is fine"
    assert problems[-1] == (
        "PROBLEM  telegram: Telegram refused the token (telegram.token), "
        "or telegram.api_base_url is wrong"
    )
    assert "WRONG" not in "\n".join(lines)


@pytest.mark.slow
async def test_kuager_run_waits_for_telegram_at_start(
    database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a Bot API that is not there yet
    port = free_port()
    standin = BotApiStandin(token="123456:TEST", port=port)
    bot = BotProcess(standin, database_url, reviewer_key)
    bot.env.update(KUAGER_START_ATTEMPTS="0", KUAGER_START_MAX_WAIT_SECONDS="1")
    process = await asyncio.create_subprocess_exec(
        KUAGER,
        "run",
        env=bot.env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    bot.process = process
    assert process.stderr is not None
    try:
        # When it has failed twice, one log line each
        retries: list[str] = []
        while len(retries) < 2:
            line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
            assert line, "kuager run exited instead of waiting"
            if "start_retry" in line:
                retries.append(line)
        assert "what=telegram attempt=2 problem='connection refused'" in retries[1]
        # Then once Telegram comes up, it polls
        async with standin:
            await bot.wait_polling()
            await bot.kill(signal.SIGTERM)
    finally:
        if bot.process is not None:
            await bot.kill()
