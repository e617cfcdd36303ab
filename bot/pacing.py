"""Keeping the bot's messages within Telegram's limits, witnesses inside a report first.

Telegram lets a bot send about 30 messages a second overall and about one a second to one chat
(20 a minute to a group); past that it answers 429 with `retry_after`, and calling again before
that is over only prolongs the wait. Sending and editing share the limit; answering a button
press, "typing…" and deleting are not messages (the stand-in counts the same: `standin._flood`).

PTB's `AIORateLimiter` (the `rate-limiter` extra) was the first candidate and does not fit:
in v22 it spaces groups but not a private chat's one a second; waiting requests go in no
particular order (aiolimiter), so a witness mid-report waits behind every newcomer; and with its
default `max_retries=0` a 429 reaches the handler and the reply is lost. `PacedRateLimiter`
is a `telegram.ext.BaseRateLimiter` as PTB documents for custom limiters: one queue ordered by
priority (`handlers.priority`) then arrival, each chat spaced, every 429 honoured by holding
*all* sends (Telegram does not say which limit was hit) and then retrying in the same place.

Per-chat order holds by construction: one witness's updates are handled one at a time
(`bot.updates`) and a handler awaits each send, so a chat never has two messages queued here.
While a message waits, its update gives its work slot to another (`bot.updates.step_aside`):
waiting for Telegram is not work, and a full queue of newcomers must not keep a witness in a
report from even reaching it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.updates import step_aside
from handlers import priority
from handlers.priority import Priority

logger = logging.getLogger(__name__)

RETRY_MARGIN = 0.1
"""Seconds added to every retry_after: the wait starts when the answer arrived, a little
after Telegram started counting, so this only errs on the side of waiting."""
_NOT_A_MESSAGE = frozenset({"sendChatAction"})
_ALSO_A_MESSAGE = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})

Result = bool | dict[str, Any] | list[dict[str, Any]]


def is_message(endpoint: str) -> bool:
    """Whether Telegram counts a call to this Bot API method against the flood limits."""
    if endpoint in _NOT_A_MESSAGE:
        return False
    return endpoint.startswith(("send", "edit")) or endpoint in _ALSO_A_MESSAGE


@dataclass(frozen=True)
class FloodLimits:
    """The rates the bot keeps to (Telegram's published ones by default)."""

    overall_per_second: float = 30.0
    chat_per_second: float = 1.0
    group_per_minute: float = 20.0

    def chat_interval(self, chat_id: int) -> float:
        """Seconds between two messages to this chat (negative ids are groups)."""
        return 1 / self.chat_per_second if chat_id > 0 else 60 / self.group_per_minute


@dataclass(order=True)
class Ticket:
    """One message waiting for its turn; lower (priority, arrival) goes first."""

    priority: int
    arrival: int
    chat_id: int = field(compare=False)
    granted: bool = field(default=False, compare=False)


class Pacer:
    """Which waiting message may go now. Pure: time is passed in, nothing is awaited.

    The overall rate is kept by spacing (a wake a little late keeps to the schedule rather
    than losing the time), each chat by spacing too, so the bot stays under Telegram's
    buckets with their burst to spare.
    """

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self._interval = 1 / limits.overall_per_second
        self._next_send = -math.inf
        self._held_until = -math.inf
        self._chat_next: dict[int, float] = {}
        self._waiting: list[Ticket] = []
        self._arrivals = itertools.count()

    def enqueue(self, chat_id: int, priority: int, arrival: int | None = None) -> Ticket:
        """Queue a message; `arrival` keeps a retried message's place."""
        ticket = Ticket(priority, next(self._arrivals) if arrival is None else arrival, chat_id)
        self._waiting.append(ticket)
        return ticket

    def withdraw(self, ticket: Ticket) -> None:
        """Forget a message no longer waiting (its update was cancelled)."""
        if ticket in self._waiting:
            self._waiting.remove(ticket)

    def hold(self, until: float) -> None:
        """Send nothing before `until` (Telegram answered 429)."""
        self._held_until = max(self._held_until, until)

    def grant(self, now: float) -> list[Ticket]:
        """The messages that may go now, best first; each is taken off the queue."""
        granted: list[Ticket] = []
        while self._waiting and now >= max(self._next_send, self._held_until):
            ready = [t for t in self._waiting if self._chat_next.get(t.chat_id, -math.inf) <= now]
            if not ready:
                break
            best = min(ready)
            self._waiting.remove(best)
            best.granted = True
            granted.append(best)
            # A wake a little late keeps the schedule; after a pause, it starts again from now.
            late = now - self._next_send < self._interval
            self._next_send = (self._next_send if late else now) + self._interval
            self._chat_next[best.chat_id] = now + self.limits.chat_interval(best.chat_id)
        if len(self._chat_next) > 1024:
            # Chats whose spacing is over are forgotten: memory holds no list of who wrote.
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        return granted

    def next_wake(self) -> float | None:
        """When a waiting message may next go (None: nothing waits)."""
        if not self._waiting:
            return None
        chat_ready = min(self._chat_next.get(t.chat_id, -math.inf) for t in self._waiting)
        return max(self._next_send, self._held_until, chat_ready)

    def expected_wait(self, priority: int, now: float) -> float:
        """Seconds a message of `priority` queued now would wait, roughly: those before it
        at the overall rate, after any hold."""
        ahead = sum(1 for t in self._waiting if t.priority <= priority)
        return max(0.0, self._held_until - now) + ahead * self._interval


def retry_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for. Read as PTB's own AIORateLimiter reads it: the public
    `retry_after` warns of its change of type until PTB 23."""
    return error._retry_after.total_seconds()  # see the docstring


class PacedRateLimiter(BaseRateLimiter[int]):
    """PTB's hook around every Bot API call: messages wait their turn; 429s are honoured.

    `max_retries` 429s in a row for one call are retried; a retry_after above `longest_wait`
    is not waited out (a real flood ban lasts hours) and reaches the error handler instead.
    """

    def __init__(
        self, limits: FloodLimits, *, max_retries: int = 5, longest_wait: float = 60.0
    ) -> None:
        self._pacer = Pacer(limits)
        self._max_retries = max_retries
        self._longest_wait = longest_wait
        self._turns: dict[int, asyncio.Future[None]] = {}
        self._timer: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to set up: the queue lives in memory."""

    async def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def expected_wait(self, priority: Priority) -> float:
        """`handlers.priority.Backlog`: how long a reply of `priority` would wait now."""
        return self._pacer.expected_wait(priority, asyncio.get_running_loop().time())

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat_id = _chat_of(data) if is_message(endpoint) else None
        arrival: int | None = None
        for attempt in itertools.count():
            if chat_id is not None:
                arrival = await self._wait_turn(chat_id, priority.current(), arrival)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if attempt >= self._max_retries or seconds > self._longest_wait:
                    raise
                logger.info("telegram_flood_wait seconds=%g method=%s", seconds, endpoint)
                loop = asyncio.get_running_loop()
                self._pacer.hold(loop.time() + seconds + RETRY_MARGIN)
                if chat_id is None:
                    await asyncio.sleep(seconds + RETRY_MARGIN)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    async def _wait_turn(self, chat_id: int, priority: int, arrival: int | None) -> int:
        """Wait until this message may go; returns its place, kept should it be retried."""
        ticket = self._pacer.enqueue(chat_id, priority, arrival)
        self._release()
        if ticket.granted:
            return ticket.arrival
        step_aside()
        turn = asyncio.get_running_loop().create_future()
        self._turns[ticket.arrival] = turn
        try:
            await turn
        except asyncio.CancelledError:
            self._pacer.withdraw(ticket)
            raise
        finally:
            self._turns.pop(ticket.arrival, None)
        return ticket.arrival

    def _release(self) -> None:
        """Let every message whose turn came go, and wake again for the next one."""
        loop = asyncio.get_running_loop()
        for ticket in self._pacer.grant(loop.time()):
            turn = self._turns.get(ticket.arrival)
            if turn is not None and not turn.done():
                turn.set_result(None)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        wake = self._pacer.next_wake()
        if wake is not None:
            self._timer = loop.call_at(wake, self._release)


def _chat_of(data: dict[str, Any]) -> int | None:
    """The chat a call writes to; None for what names no numeric chat (an inline message)."""
    try:
        return int(data["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None
