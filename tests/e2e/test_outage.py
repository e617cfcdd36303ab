"""PostgreSQL going away under the bot: the witness is told, nothing half-stored, nothing lost.

The bot reaches the database through a loopback TCP proxy the test can cut and restore, so
the server itself (shared by the whole suite) keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from handlers import texts
from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from tests.conftest import on_postgres
from tests.e2e.harness import cases, running_bot

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="the outage scenario is PostgreSQL's (KUAGER_TEST_DATABASE_URL)"
)


class CuttableProxy:
    """Forwards loopback connections to PostgreSQL until cut; refuses them while cut."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.pipes: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        self.server = None
        for writer in list(self.pipes):
            writer.transport.abort()
        self.pipes.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.pipes.update({writer, up_writer})
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()
        self.pipes.discard(writer)


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[CuttableProxy]:
    url = make_url(database_url)
    server = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await server.start()
    yield server
    if server.server is not None:
        await server.cut()


async def test_an_outage_mid_report_and_at_submit_loses_nothing(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    proxy: CuttableProxy,
) -> None:
    through_proxy = make_url(database_url).set(port=proxy.port).render_as_string(False)
    async with running_bot(standin, through_proxy, reviewer_key) as bot:
        witness = bot.witness("en")
        await witness.command("/start")
        for code in ("en", "yes", "detention", "self", "today", "almaty", "skipped"):
            await witness.tap(code)

        await proxy.cut()
        await witness.tap("police")
        told = witness.screen.text.split("\n")[0]
        # The draft is in memory, so it is the save that fails, not the load.
        assert told in (texts.UNAVAILABLE.split("\n")[0], texts.NOT_SAVED.split("\n")[0]), told
        await proxy.start()
        await witness.tap("police")
        await witness.tap("done")
        await witness.tap("released")
        await witness.say("During an outage")
        for code in ("yes", "reviewers", "done", "none", "no"):
            await witness.tap(code)

        await proxy.cut()
        await witness.act("s")
        first_line = witness.screen.text.split("\n")[0]
        assert first_line in (texts.UNAVAILABLE.split("\n")[0], texts.NOT_SENT.split("\n")[0])
        assert await cases(database_url) == 0, "no partial case"
        await proxy.start()
        await witness.act("s")
        assert any(t.startswith("Saved.") for t in witness.texts())
    assert await cases(database_url) == 1
