"""Who goes first when Telegram's limit makes the bot's replies wait.

Telegram lets a bot send about 30 messages a second (`bot.pacing` keeps under it). On a day
thousands write at once, as relatives did in January 2022, replies queue. A witness already
inside a report is served before a newcomer: a half-told account left waiting may never be
finished, while a newcomer has not yet begun to tell anything. A newcomer facing a long wait is
told once, plainly and in their language, that their turn will come (`texts.BUSY`).

The priority rides with the update being handled (a context variable), so handlers need not
pass it to every send; `bot.pacing` reads it when a message waits for its turn.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import IntEnum
from typing import Protocol


class Priority(IntEnum):
    """Lower goes first."""

    NOTICE = 0
    """A newcomer told the bot is busy: worthless unless it comes at once."""
    WITNESS = 1
    """A witness inside a report, and anything sent outside a witness's turn."""
    NEWCOMER = 2
    """Someone who has not yet started a report: /start, language, consent, the menu."""


_current: ContextVar[Priority] = ContextVar("kuager_reply_priority", default=Priority.WITNESS)


def current() -> Priority:
    """The priority of what the update being handled sends now."""
    return _current.get()


@contextmanager
def replying_as(priority: Priority) -> Iterator[None]:
    """Send at `priority` within the block (and restore the one before after it)."""
    token = _current.set(priority)
    try:
        yield
    finally:
        _current.reset(token)


class Backlog(Protocol):
    """How long replies wait for Telegram's limit now (`bot.pacing.PacedRateLimiter`)."""

    def expected_wait(self, priority: Priority) -> float:
        """Seconds a message of `priority` sent now would wait for its turn."""
        ...


class BusyNotices:
    """Whom the bot told it is busy, so each newcomer is told once, not at every step.

    Keyed by the draft owner hash (not the Telegram id), forgotten after `lifetime`, and
    bounded: beyond `capacity` the oldest go first.
    """

    def __init__(
        self, lifetime: dt.timedelta = dt.timedelta(minutes=30), capacity: int = 100_000
    ) -> None:
        self.lifetime = lifetime
        self.capacity = capacity
        self._told: OrderedDict[bytes, dt.datetime] = OrderedDict()

    def first_time(self, owner: bytes, now: dt.datetime) -> bool:
        """True (and remembered) unless this witness was told within `lifetime`."""
        told = self._told.get(owner)
        if told is not None and now - told < self.lifetime:
            return False
        self._told.pop(owner, None)
        self._told[owner] = now
        while len(self._told) > self.capacity:
            self._told.popitem(last=False)
        return True
