"""The real bot, end to end: PTB's Application over HTTP to the stand-in, on a real database.

Nothing of ours is replaced: the same `build_application`, handlers, encrypted drafts,
sealing and storage as `kuager run`; only Telegram is the loopback stand-in.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select

from bot.app import build_application, open_services, set_commands
from bot.config import Config, ReviewersConfig, SecurityConfig, StorageConfig, TelegramConfig
from handlers.context import KuagerApplication
from handlers.services import Services
from standin import BotApiStandin, SimUser
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Case

# answer_codes and hurry are re-exported: e2e tests take the whole witness kit from here.
from tests.witness import WitnessActions
from tests.witness import answer_codes as answer_codes
from tests.witness import hurry as hurry

DRAFT_KEY = base64.b64encode(bytes(range(32))).decode()


def bot_config(
    standin: BotApiStandin,
    database_url: str,
    reviewer: ReviewerPrivateKey,
    messages_per_second: int = 0,
) -> Config:
    """The bot's config for a test; `messages_per_second` 0 leaves Telegram's pacing off."""
    return Config(
        telegram=TelegramConfig(
            token=standin.token,
            api_base_url=standin.api_base_url,
            file_base_url=standin.file_base_url,
            max_messages_per_second=messages_per_second,
        ),
        storage=StorageConfig(database_url=database_url),
        reviewers=ReviewersConfig(public_keys=(reviewer.public.line,)),
        security=SecurityConfig(draft_key=DRAFT_KEY, rate_limit_per_minute=120),
    )


@dataclass
class RunningBot:
    standin: BotApiStandin
    config: Config
    reviewer: ReviewerPrivateKey
    app: KuagerApplication | None = None
    services: Services | None = None
    next_user: int = field(default=7_000_000_001)

    async def start(self) -> None:
        self.services = await open_services(self.config)
        self.app = build_application(self.config, self.services)
        await self.app.initialize()
        await set_commands(self.app)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=1)

    async def stop(self) -> None:
        if self.app is not None:
            assert self.app.updater is not None
            await self.app.updater.stop()
            await self.app.stop()
            await self.app.shutdown()
        if self.services is not None:
            await self.services.db.close()
        self.app, self.services = None, None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def witness(self, language_code: str = "ru") -> Witness:
        self.next_user += 1
        return Witness(
            self, self.standin.user(self.next_user, "Witness", language_code=language_code)
        )

    def with_config(self, **sections: object) -> None:
        self.config = replace(self.config, **sections)  # type: ignore[arg-type]


@asynccontextmanager
async def running_bot(
    standin: BotApiStandin,
    database_url: str,
    reviewer: ReviewerPrivateKey,
    *,
    messages_per_second: int = 0,
) -> AsyncIterator[RunningBot]:
    config = bot_config(standin, database_url, reviewer, messages_per_second)
    bot = RunningBot(standin, config, reviewer)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


class Witness(WitnessActions):
    """A simulated witness driving the real bot over HTTP, waiting after each action until the
    bot is done with it (not merely until its first reply)."""

    def __init__(self, bot: RunningBot, user: SimUser) -> None:
        super().__init__(user)
        self.bot = bot

    async def settle(self) -> None:
        app = self.bot.app
        assert app is not None
        for _ in range(400):
            await self.bot.standin.wait_idle(quiet=0.01)
            if app.update_queue.empty() and app.update_processor.current_concurrent_updates == 0:
                await self.bot.standin.wait_idle(quiet=0.01)
                assert self.bot.services is not None
                await self.bot.services.db.checkpoints_done()
                return
        raise AssertionError("the bot never settled")


async def cases(database_url: str) -> int:
    """Cases stored, counted through a connection of its own (the bot may be another process)."""
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            return (await session.execute(select(func.count()).select_from(Case))).scalar_one()
    finally:
        await db.close()
