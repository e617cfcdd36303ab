"""The desk served on a free loopback port for a test: the real app factory and door.

`kuager desk` itself is tested through its entry point in tests/bot/desk/test_command.py; the
other tests serve `make_app` the same way it does (a TCP site on 127.0.0.1), so the browser
and raw HTTP clients talk to the desk over real sockets.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from bot.desk.app import Desk, make_app
from bot.desk.guard import LOOPBACK, Gate
from bot.desk.vault import DEFAULT_IDLE_SECONDS, Vault
from storage.crypto.keys import ReviewerPrivateKey, ReviewerPublicKey
from storage.database import Database


@dataclass
class RunningDesk:
    desk: Desk
    login_url: str

    @property
    def origin(self) -> str:
        return self.desk.gate.origin


@asynccontextmanager
async def served_desk(
    database_url: str,
    key: ReviewerPrivateKey,
    *,
    lang: str = "en",
    idle_seconds: float = DEFAULT_IDLE_SECONDS,
    seen_before: frozenset[str] | None = None,
    clock: Callable[[], float] = time.monotonic,
    reviewers: Sequence[ReviewerPublicKey] = (),
) -> AsyncIterator[RunningDesk]:
    db = Database(database_url)
    vault = Vault(
        db, idle_seconds=idle_seconds, seen_before=seen_before, clock=clock, reviewers=reviewers
    )
    desk = Desk(Gate(lang), vault)
    runner = web.AppRunner(make_app(desk), access_log=None)
    try:
        await vault.unlock(key)
        await runner.setup()
        site = web.TCPSite(runner, LOOPBACK, 0)
        await site.start()
        address = runner.addresses[0]
        desk.gate.port = int(address[1])
        yield RunningDesk(desk, desk.gate.login_url())
    finally:
        await runner.cleanup()
        await db.close()
