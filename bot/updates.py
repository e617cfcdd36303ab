"""Updates of different witnesses in parallel; one witness's updates strictly in order.

A witness's session is read, changed and written per update: two of their updates handled at
once would each start from the same session and one answer would be lost. Different
witnesses share nothing, so they need not wait for each other (a slow file download of one
does not hold up the rest).

An update first waits for its witness's turn and only then takes one of the concurrency
slots: otherwise one person flooding the bot would fill every slot with updates that can
only wait, and everyone else would queue behind them. For the same reason an update whose
reply waits for Telegram's flood limit gives its slot away meanwhile (`step_aside`, called by
`bot.pacing`): waiting is not work. It does not take a slot again once its message may go, so
for that last stretch (a send and a button answer) the bound is exceeded by the few updates
whose turn has just come.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class WorkSlot:
    """One update's share of the concurrency bound, which it may give back early, once."""

    __slots__ = ("_held", "_semaphore")

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore
        self._held = False

    async def __aenter__(self) -> WorkSlot:
        await self._semaphore.acquire()
        self._held = True
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.give_back()

    def give_back(self) -> None:
        if self._held:
            self._held = False
            self._semaphore.release()


_slot: ContextVar[WorkSlot | None] = ContextVar("kuager_work_slot", default=None)


def step_aside() -> None:
    """The update being handled will only wait for a while: let another one work meanwhile."""
    slot = _slot.get()
    if slot is not None:
        slot.give_back()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """PTB's slot count admits every update at once (they are cheap while waiting); our own
    semaphore, taken after the witness's turn comes, bounds the work done at once."""

    ADMITTED = 100_000

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(self.ADMITTED)
        self._working = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _key(update)
        if key is None:
            await self._work(coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await self._work(coroutine)
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                # Forget idle witnesses: the table stays as small as the current traffic.
                del self._waiting[key]
                del self._locks[key]

    async def _work(self, coroutine: Awaitable[Any]) -> None:
        async with WorkSlot(self._working) as slot:
            token = _slot.set(slot)
            try:
                await coroutine
            finally:
                _slot.reset(token)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None
