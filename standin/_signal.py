"""Waiting for the bot without polling loops: every waiter re-checks its own condition on a wake."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Signal:
    """Wakes everyone waiting whenever something happened (a message sent, an update queued).

    One event per generation: `fire` sets the current event and starts a new one, so a waiter
    never misses a wake that happened between its check and its wait.
    """

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Tell every waiter to re-check its condition."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, condition: Callable[[], bool], within: float) -> bool:
        """Wait until `condition()` holds; False if `within` seconds pass first."""
        if condition():
            return True
        try:
            async with asyncio.timeout(within):
                while not condition():
                    await self._event.wait()
        except TimeoutError:
            return condition()
        return True

    async def expect(
        self, condition: Callable[[], bool], within: float, failure: Callable[[], str]
    ) -> None:
        """Wait until `condition()` holds, or raise `StandinTimeout` explained by `failure()`."""
        if not await self.wait_until(condition, within):
            raise StandinTimeout(failure())


class StandinTimeout(AssertionError):
    """The bot did not do what a test was waiting for in time.

    An AssertionError, so pytest reports it as a failed expectation with the message below.
    """
