"""The real bot, end to end: PTB's Application over HTTP to the stand-in, on a real database.

Nothing of ours is replaced: the same `build_application`, handlers, encrypted drafts,
sealing and storage as `kuager run`; only Telegram is the loopback stand-in.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select

from bot.app import build_application, open_services, set_commands
from bot.config import Config, ReviewersConfig, SecurityConfig, StorageConfig, TelegramConfig
from handlers.context import KuagerApplication
from handlers.services import Services
from standin import BotApiStandin, ChatMessage, SimUser
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Case

DRAFT_KEY = base64.b64encode(bytes(range(32))).decode()


def bot_config(standin: BotApiStandin, database_url: str, reviewer: ReviewerPrivateKey) -> Config:
    return Config(
        telegram=TelegramConfig(
            token=standin.token,
            api_base_url=standin.api_base_url,
            file_base_url=standin.file_base_url,
            max_messages_per_second=0,
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
    standin: BotApiStandin, database_url: str, reviewer: ReviewerPrivateKey
) -> AsyncIterator[RunningBot]:
    bot = RunningBot(standin, bot_config(standin, database_url, reviewer), reviewer)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


class Witness:
    """A simulated witness driving the real bot, waiting after each action until the bot is
    done with it (not merely until its first reply)."""

    def __init__(self, bot: RunningBot, user: SimUser) -> None:
        self.bot, self.user = bot, user

    async def settle(self) -> None:
        app = self.bot.app
        assert app is not None
        for _ in range(400):
            await self.bot.standin.wait_idle(quiet=0.01)
            if app.update_queue.empty() and app.update_processor.current_concurrent_updates == 0:
                await self.bot.standin.wait_idle(quiet=0.01)
                return
        raise AssertionError("the bot never settled")

    async def command(self, command: str, args: str = "") -> None:
        await self.user.send_command(command, args)
        await self.settle()

    async def say(self, text: str) -> None:
        await self.user.send_text(text)
        await self.settle()

    async def tap(self, code: str) -> None:
        """Press the button that answers with this code, on the newest message showing one."""
        await self._press(
            lambda data: (
                data.split("|")[1] in ("a", "l", "c", "m", "o", "w")
                and data.rsplit("|", 1)[-1] == code
            ),
            code,
        )

    async def act(self, action: str, argument: str = "") -> None:
        """Press the newest button of an action (a `handlers.callbacks.Action` value)."""
        await self._press(lambda data: data.split("|")[1:] == [action, argument], action)

    async def _press(self, wanted: Callable[[str], bool], what: str) -> None:
        for message in reversed(self.user.bot_messages()):
            for row in message.button_data:
                for data in row:
                    if data is not None and wanted(data):
                        await self.user.press(data, message)
                        await self.settle()
                        return
        shown = [m.text[:80] for m in self.user.bot_messages()[-2:]]
        raise AssertionError(f"no button for {what!r}; last messages: {shown}")

    @property
    def screen(self) -> ChatMessage:
        return self.user.last_bot_message()

    def texts(self) -> list[str]:
        return [m.text for m in self.user.bot_messages()]


def answer_codes(message: ChatMessage) -> list[str]:
    """Codes of a question's answer buttons (not Back, Send or Change)."""
    return [
        data.split("|", 2)[2]
        for row in message.button_data
        for data in row
        if data is not None and data.split("|")[1] == "a"
    ]


async def hurry(witness: Witness, text: str = "Коротко.", limit: int = 60) -> int:
    """Answer like a hurried witness until the review: skip what can be skipped, say "no" to
    "add more?", otherwise the first button or a short text. Returns the steps taken."""
    for step in range(limit):
        screen = witness.screen
        if any(d and d.split("|")[1] == "s" for row in screen.button_data for d in row):
            return step
        codes = answer_codes(screen)
        if "skipped" in codes:
            await witness.tap("skipped")
        elif "yes" in codes and "no" in codes:
            await witness.tap("no")
        elif "done" in codes and "✓" in " ".join(label for row in screen.buttons for label in row):
            await witness.tap("done")
        elif "today" in codes:
            await witness.tap("today")
        elif codes and codes != ["done"]:
            await witness.tap(codes[0])
        else:
            await witness.say(text)
    raise AssertionError("the review never came")


async def cases(database_url: str) -> int:
    """Cases stored, counted through a connection of its own (the bot may be another process)."""
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            return (await session.execute(select(func.count()).select_from(Case))).scalar_one()
    finally:
        await db.close()
