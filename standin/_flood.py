"""Telegram's flood limits: about 30 messages a second per bot, about one a second per chat.

Past them Telegram answers `429 Too Many Requests: retry after N` with `parameters.retry_after`,
and a bot that calls again before those N seconds are over is still refused. The stand-in does
the same when given `FloodLimits` (off by default, so tests about other things never meet it),
and logs every counted call with the verdict it got, so a test can show a bot waited its turn
without timing anything: a call logged `early` arrived while its retry_after was still running.

What counts (the choice is said once here; the bot's pacer and the benchmark's floor mirror it):
sending and editing messages. Telegram's FAQ speaks of messages sent; its developers add that
"limits for message editing and sending are shared" (tdlib/td#3034). Answering a button press,
"typing…", deleting, reading files and the bot's own settings are not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

_ALSO_COUNTED = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})
_NOT_A_MESSAGE = frozenset({"sendChatAction"})

Verdict = Literal["sent", "refused", "early"]


def counts_against_limit(method: str) -> bool:
    """Whether Telegram counts a call to `method` (canonical spelling) as a message."""
    if method in _NOT_A_MESSAGE:
        return False
    return method.startswith(("send", "edit")) or method in _ALSO_COUNTED


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """How fast Telegram lets a bot send. Buckets: a short burst passes, then the rate holds."""

    overall_per_second: float = 30.0
    """Messages a second for the whole bot; a second's worth may go at once."""
    chat_per_second: float = 1.0
    """Messages a second to one private chat."""
    chat_burst: int = 2
    """Messages to one chat that may go at once ("short bursts" in Telegram's FAQ)."""
    group_per_minute: float = 20.0
    """Messages a minute to one group or channel (a negative chat id)."""

    def chat_rate(self, chat_id: int) -> float:
        """Messages a second this chat may receive."""
        return self.chat_per_second if chat_id > 0 else self.group_per_minute / 60


@dataclass(slots=True)
class TokenBucket:
    """`capacity` calls at once, then `rate` a second; time is passed in, so it is pure."""

    rate: float
    capacity: float
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.capacity  # a bucket starts full

    def wait(self, now: float) -> float:
        """Seconds until a call may pass (0: now), without taking anything."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now


def overall_bucket(limits: FloodLimits) -> TokenBucket:
    """The whole bot's bucket: a second's worth at once."""
    return TokenBucket(limits.overall_per_second, max(1.0, limits.overall_per_second))


def chat_bucket(limits: FloodLimits, chat_id: int) -> TokenBucket:
    """One chat's bucket: a short burst in a private chat, none in a group."""
    capacity = limits.chat_burst if chat_id > 0 else 1
    return TokenBucket(limits.chat_rate(chat_id), capacity)


@dataclass(frozen=True, slots=True)
class FloodRecord:
    """One counted call as the stand-in judged it (`at`: its monotonic clock)."""

    at: float
    method: str
    chat_id: int | None
    """None for a call that names no chat (an inline message): only the overall limit."""
    verdict: Verdict
    retry_after: int = 0
    """Seconds the bot was told to wait (refused and early calls)."""


@dataclass
class FloodControl:
    """The limits applied to one bot: its buckets, the waits it was told, and the log."""

    limits: FloodLimits
    log: list[FloodRecord] = field(default_factory=list)
    _overall: TokenBucket = field(init=False)
    _chats: dict[int, TokenBucket] = field(default_factory=dict)
    _bot_banned_until: float = 0.0
    _chat_banned_until: dict[int | None, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._overall = overall_bucket(self.limits)

    def bucket(self, chat_id: int) -> TokenBucket:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = chat_bucket(self.limits, chat_id)
        return chat

    def admit(self, method: str, chat_id: int | None, now: float) -> int:
        """0 if the call may pass (and it is counted), else the retry_after to answer with."""
        banned_until = max(self._bot_banned_until, self._chat_banned_until.get(chat_id, 0.0))
        if now < banned_until:
            retry_after = max(1, math.ceil(banned_until - now))
            self.log.append(FloodRecord(now, method, chat_id, "early", retry_after))
            return retry_after
        chat = None if chat_id is None else self.bucket(chat_id)
        overall_wait = self._overall.wait(now)
        chat_wait = 0.0 if chat is None else chat.wait(now)
        if overall_wait or chat_wait:
            # Telegram names no scope; a bot that waits as told is right either way.
            retry_after = max(1, math.ceil(max(overall_wait, chat_wait) - 1e-9))
            if overall_wait:
                self._bot_banned_until = now + retry_after
            else:
                self._chat_banned_until[chat_id] = now + retry_after
            self.log.append(FloodRecord(now, method, chat_id, "refused", retry_after))
            return retry_after
        self._overall.take(now)
        if chat is not None:
            chat.take(now)
        self.log.append(FloodRecord(now, method, chat_id, "sent"))
        return 0
