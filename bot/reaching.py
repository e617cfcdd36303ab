"""Reaching Telegram and the database at start: tried again with backoff, one log line per
failed try, and in the end one sentence an operator can act on.

A container often starts before its network or its database is up, so a first refusal is
no reason to exit; a wrong token or a missing database file is, and is not tried again.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)
T = TypeVar("T")


KNOWN_CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (socket.gaierror, "host name not found"),
    (ConnectionRefusedError, "connection refused"),
    (TimeoutError, "no answer (timed out)"),
)
"""Looked for anywhere in the chain first: a wrapper's own text is vaguer than its cause."""
REFUSALS = {
    # asyncpg's errors by name: bot/ does not import the PostgreSQL driver.
    "InvalidPasswordError": "the password was refused",
    "InvalidAuthorizationSpecificationError": "the user name was refused",
    "InvalidCatalogNameError": "no database of that name on the server",
    "ConnectionDoesNotExistError": "the connection was closed",
    "CannotConnectNowError": "the server is starting or shutting down",
}
"""PostgreSQL's refusals, in words."""


class Unreachable(Exception):
    """Telegram or the database did not answer at start, however often it was tried."""


@dataclass(frozen=True)
class Backoff:
    """How often and how patiently to try: 1, 2, 4 … seconds between tries, at most `max_wait`."""

    attempts: int
    """Tries in all; 0 tries for ever."""
    max_wait: float

    def waits(self) -> Iterator[float]:
        """The wait after each failed try but the last."""
        doubling = (min(2.0**n, self.max_wait) for n in itertools.count())
        if self.attempts == 0:
            return doubling
        return itertools.islice(doubling, max(self.attempts - 1, 0))


def describe(exc: BaseException) -> str:
    """An outage in a few words, from the innermost cause a driver or library wrapped it in.

    Never the exception's own text: a driver may put a password or a token in it.
    """
    causes = list(_causes(exc))
    for kind, words in KNOWN_CAUSES:
        if any(isinstance(cause, kind) for cause in causes):
            return words
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
    names = [type(cause).__name__ for cause in causes]
    for name in reversed(names):
        if name in REFUSALS:
            return REFUSALS[name]
    return names[-1]


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what it wraps: `__cause__`, `__context__`, and DBAPI/aiohttp's own."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        inner = getattr(current, "orig", None) or getattr(current, "os_error", None)
        current = (
            inner if isinstance(inner, BaseException) else current.__cause__ or current.__context__
        )


def place(url: str) -> str:
    """Host and port of a URL, or an SQLite path as it is: never a password or a token."""
    parts = urlsplit(url)
    if not parts.scheme or parts.hostname is None:
        return parts.path if parts.scheme else url
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


async def reach(
    what: str,
    target: str,
    attempt: Callable[[], Awaitable[T]],
    backoff: Backoff,
    transient: tuple[type[BaseException], ...],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """`attempt()`'s result, tried again after each `transient` error as `backoff` allows.

    Each failed try is one log line naming `what` ("database", "telegram"); after the last,
    `Unreachable` says why `target` ("the database at db:5432") could not be reached.
    """
    waits = backoff.waits()
    for number in itertools.count(1):
        try:
            return await attempt()
        except transient as exc:
            problem = describe(exc)
            wait = next(waits, None)
            if wait is None:
                tries = f"{number} tries" if number > 1 else "1 try"
                raise Unreachable(f"cannot reach {target}: {problem} (after {tries})") from None
            logger.warning(
                "start_retry what=%s attempt=%d problem=%r next_in=%.0fs",
                what,
                number,
                problem,
                wait,
            )
            await sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover - count() never ends
