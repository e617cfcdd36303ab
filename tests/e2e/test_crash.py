"""`kuager run` as a real process, killed mid-report and mid-submit, then started again.

SIGKILL gives the bot no chance to flush anything: whatever survives is what was stored when
each answer arrived. A submit either completed once or not at all — never twice, never half.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from standin import BotApiStandin, ChatMessage, SimUser
from storage import chain
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from tests.e2e.harness import DRAFT_KEY, cases

KUAGER = shutil.which("kuager", path=str(Path(sys.executable).parent)) or "kuager"
STEPS = ("yes", "detention", "self", "today", "almaty", "skipped", "police", "done", "released")


class BotProcess:
    """`kuager run` in a child process, configured through KUAGER_* variables."""

    def __init__(self, standin: BotApiStandin, database_url: str, key: ReviewerPrivateKey) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KUAGER_")}
        self.env.update(
            KUAGER_TELEGRAM_TOKEN=standin.token,
            KUAGER_TELEGRAM_API_BASE_URL=standin.api_base_url,
            KUAGER_TELEGRAM_FILE_BASE_URL=standin.file_base_url,
            KUAGER_TELEGRAM_MAX_MESSAGES_PER_SECOND="0",
            KUAGER_STORAGE_DATABASE_URL=database_url,
            KUAGER_REVIEWERS_PUBLIC_KEYS=key.public.line,
            KUAGER_SECURITY_DRAFT_KEY=DRAFT_KEY,
        )
        self.standin = standin
        self.process: asyncio.subprocess.Process | None = None

    command = (KUAGER, "run")

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.command,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await self.wait_polling()

    async def wait_polling(self) -> None:
        polls = self.standin.polls
        for _ in range(600):
            if self.standin.polls > polls:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the bot never started polling")

    async def kill(self, sig: int = signal.SIGKILL) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = await asyncio.wait_for(self.process.wait(), 30)
        self.process = None
        return code


class Phone(SimUser):
    """A simulated witness that knows its stand-in, to tell when the bot has gone quiet."""

    def __init__(self, standin: BotApiStandin, user_id: int) -> None:
        simulated = standin.user(user_id, "Witness", language_code="ru")
        super().__init__(simulated._world, simulated.user)
        self.standin = standin


@asynccontextmanager
async def bot_process(
    standin: BotApiStandin, database_url: str, key: ReviewerPrivateKey
) -> AsyncIterator[BotProcess]:
    bot = BotProcess(standin, database_url, key)
    await bot.start()
    try:
        yield bot
    finally:
        if bot.process is not None:
            await bot.kill()


async def reply_to(user: Phone, action: Awaitable[object]) -> None:
    """Do an action and wait for the bot's whole answer to it (sends or edits)."""
    await action
    await user.wait_for_reply(timeout=15)
    # A reply can be an edit of the answered question and then the next question; the bot
    # runs in another process, so a quiet spell is the only sign it has finished.
    await user.standin.wait_idle(quiet=0.15)


async def tap(user: Phone, code: str) -> None:
    for message in reversed(user.bot_messages()):
        for row in message.button_data:
            for data in row:
                if data and data.split("|")[1] in "alcmo" and data.rsplit("|", 1)[-1] == code:
                    await reply_to(user, user.press(data, message))
                    return
    raise AssertionError(f"no button {code!r}: {[m.text[:50] for m in user.bot_messages()[-2:]]}")


def send_button(user: SimUser) -> tuple[str, ChatMessage] | None:
    for message in reversed(user.bot_messages()):
        for row in message.button_data:
            for data in row:
                if data and data.split("|")[1:] == ["s", ""]:
                    return data, message
    return None


async def press_send(user: SimUser) -> None:
    button = send_button(user)
    if button is None:
        raise AssertionError("no Send button")
    await user.press(*button)


async def chain_ok(database_url: str) -> bool:
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            return (await chain.verify(session)).ok
    finally:
        await db.close()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
async def test_killed_mid_report_the_witness_continues_with_every_answer(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, sig: int
) -> None:
    witness = Phone(standin, 8_100_000_001)
    async with bot_process(standin, database_url, reviewer_key) as bot:
        await reply_to(witness, witness.send_command("/start"))
        await tap(witness, "en")
        for code in STEPS[:6]:
            await tap(witness, code)
        status = await bot.kill(sig)
        if sig == signal.SIGTERM:
            assert status == 0, "a deploy's SIGTERM is a clean stop"
        await bot.start()
        # The witness presses the buttons still on their screen, as if nothing happened.
        for step in STEPS[6:]:
            await tap(witness, step)
        await reply_to(witness, witness.send_text("После сбоя"))
        for step in ("yes", "reviewers", "done", "none", "no"):
            await tap(witness, step)
        review = witness.last_bot_message().text
        assert "Almaty (city)" in review and "Police" in review and "После сбоя" in review
        await press_send(witness)
        await witness.wait_for_reply(timeout=15)
        await standin.wait_idle(quiet=0.3)
    assert await cases(database_url) == 1
    assert await chain_ok(database_url)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.08, 0.2])
async def test_killed_mid_submit_the_case_is_stored_once_or_not_at_all(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, delay: float
) -> None:
    witness = Phone(standin, 8_200_000_001)
    async with bot_process(standin, database_url, reviewer_key) as bot:
        await reply_to(witness, witness.send_command("/start"))
        await tap(witness, "en")
        for code in STEPS:
            await tap(witness, code)
        await reply_to(witness, witness.send_text("Отправка прервана"))
        for step in ("yes", "reviewers", "done", "none", "no"):
            await tap(witness, step)
        await press_send(witness)
        await asyncio.sleep(delay)
        await bot.kill()
        stored_before_restart = await cases(database_url)
        assert stored_before_restart in (0, 1)
        await bot.start()
        # The witness, unsure, presses Send again (or anything); the bot must make it right.
        await reply_to(witness, witness.send_command("/start"))
        # Unless the restarted bot got the unconfirmed press again and sent the case itself.
        if stored_before_restart == 0 and send_button(witness) is not None:
            await press_send(witness)
            await witness.wait_for_reply(timeout=15)
        await standin.wait_idle(quiet=0.3)
        shown = [m.text for m in witness.bot_messages()]
        assert any(t.startswith("Saved.") for t in shown), "the witness gets their receipt"
    assert await cases(database_url) == 1
    assert await chain_ok(database_url)
