"""A Bot API call held on its way in, so a test can stop the bot at an exact point of a turn.

The bot waits for the answer as it would for a slow Telegram; the test kills it meanwhile,
then lets the call go: `perform=True` is a request Telegram carried out whose answer the bot
never read (the message is on the phone, its id unknown to the bot), `perform=False` one that
never arrived.
"""

from __future__ import annotations

import asyncio


class HeldCall:
    """The next call to one method, stopped until `release`."""

    def __init__(self, method: str) -> None:
        self.method = method
        self._reached = asyncio.Event()
        self._released = asyncio.Event()
        self.perform = True

    async def reached(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109  # bounded wait
        """Return once the bot made the call (it is waiting for the answer now)."""
        await asyncio.wait_for(self._reached.wait(), timeout)

    def release(self, *, perform: bool) -> None:
        """Let the call go: carried out, or refused as if it never reached Telegram."""
        self.perform = perform
        self._released.set()

    async def hold(self) -> bool:
        """Called by the stand-in for the held call: wait for `release`; whether to perform."""
        self._reached.set()
        await self._released.wait()
        return self.perform
