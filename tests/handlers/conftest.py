"""The fast handler tier: the real Application fed updates in-process, as PTB's own tests do.

The Application is `bot.app.build_application`'s, with every handler, guard, encrypted draft
and sealed case of `kuager run`; what differs from the end-to-end tests is only the road:
updates go in through `Application.process_update`, and the Bot's HTTP layer is the stand-in's
`InProcessRequest`, so no socket opens and no server starts. A test reads what the witness
sees from the stand-in's chats, never the handlers' insides, so it survives a reshape of them.

The database is always SQLite here, a copy of one file migrated once per run: the storage and
end-to-end tests are the ones that run on PostgreSQL when `KUAGER_TEST_DATABASE_URL` asks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.app import build_application, open_services
from handlers.context import KuagerApplication
from handlers.services import Services
from standin import BotApiStandin, InProcessRequest, SimUser
from storage import schema
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from tests.e2e.harness import bot_config
from tests.witness import WitnessActions


@dataclass
class HandlerBot:
    """The real bot on an in-process stand-in: make witnesses, read what they were shown."""

    standin: BotApiStandin
    app: KuagerApplication
    services: Services
    caplog: pytest.LogCaptureFixture
    next_user: int = field(default=7_000_000_001)

    async def deliver(self) -> None:
        """Hand every queued update to the Application, one at a time, until none is left.

        `process_update` returns once the handlers are done, and they start no work of their
        own in the background: after this, everything the bot will do about them is on screen.
        """
        while await self.standin.deliver(self.app):
            pass

    def witness(self, language_code: str = "ru") -> Witness:
        """A new person in a private chat with the bot."""
        self.next_user += 1
        user = self.standin.user(self.next_user, "Witness", language_code=language_code)
        return Witness(self, user)

    async def started(self, taps: Sequence[str] = (), language_code: str = "en") -> Witness:
        """A witness who sent /start, chose their phone's language, then pressed `taps`."""
        witness = self.witness(language_code)
        await witness.start(language_code, taps)
        return witness

    def crashes(self) -> list[str]:
        """What the error handler logged: a handler raised where it should not have."""
        # The test's own phase: at the fixture's teardown, `caplog.records` would be teardown's.
        records = self.caplog.get_records("call")
        return [r.getMessage() for r in records if r.levelno >= logging.ERROR]


class Witness(WitnessActions):
    """A witness whose every action is handled before the next one."""

    def __init__(self, bot: HandlerBot, user: SimUser) -> None:
        super().__init__(user)
        self.bot = bot

    async def settle(self) -> None:
        await self.bot.deliver()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated by our Alembic code; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("schema") / "kuager.db"

    async def migrate() -> None:
        db = Database(str(path), create=True)
        try:
            await schema.upgrade(db)
        finally:
            await db.close()

    asyncio.run(migrate())
    return path


@pytest.fixture
def database_url(tmp_path: Path, migrated_database: Path) -> str:
    """An empty, fully migrated SQLite database for one test (a copy: no migration to run)."""
    path = tmp_path / "kuager.db"
    shutil.copyfile(migrated_database, path)
    return str(path)


@pytest.fixture
async def bot(
    database_url: str, reviewer_key: ReviewerPrivateKey, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[HandlerBot]:
    """The bot as `kuager run` builds it, its Bot API the stand-in in this process."""
    standin = BotApiStandin(token="123456:TEST")
    config = bot_config(standin, database_url, reviewer_key)
    config = dataclasses.replace(
        config,
        telegram=dataclasses.replace(
            config.telegram,
            api_base_url=InProcessRequest.API_BASE_URL,
            file_base_url=InProcessRequest.FILE_BASE_URL,
        ),
    )
    services = await open_services(config)
    app = build_application(config, services, request=InProcessRequest(standin))
    handler_bot = HandlerBot(standin, app, services, caplog)
    try:
        async with app:
            yield handler_bot
    finally:
        await services.db.close()
    assert handler_bot.crashes() == [], "a handler raised: the error handler caught it"
