"""What the conversation needs from outside Telegram: storage, keys, limits and a clock.

Built once by `bot.app` and handed to every handler through the typed context
(`context.services`), so handlers never read configuration or globals themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from handlers.priority import Backlog, BusyNotices
from handlers.session import Sequel
from storage.crypto.keys import ReviewerPublicKey
from storage.database import Database
from storage.drafts import DraftStore

logger = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RateLimiter:
    """A per-witness sliding window: at most `per_minute` updates in any 60 seconds.

    Keyed by the draft owner hash, not the Telegram id, so not even memory holds ids.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[bytes, list[float]] = {}
        self._warned: dict[bytes, float] = {}

    def allow(self, key: bytes) -> bool:
        now = self.clock()
        recent = [t for t in self._seen.get(key, []) if now - t < 60]
        allowed = len(recent) < self.per_minute
        if allowed:
            recent.append(now)
        self._seen[key] = recent
        if len(self._seen) > 100_000:
            self._forget_idle(now)
        return allowed

    def should_warn(self, key: bytes) -> bool:
        """Only the first refused update of a flood gets the polite notice."""
        now = self.clock()
        if now - self._warned.get(key, -1e9) < 60:
            return False
        self._warned[key] = now
        return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, times in self._seen.items() if not times or now - times[-1] >= 60]:
            self._seen.pop(key, None)
            self._warned.pop(key, None)


class Sequels:
    """What follows each witness's sent report (`handlers.session.Sequel`), in memory only.

    Keyed by the draft owner hash, as the rate limiter is. Bounded twice: a sequel is
    forgotten `lifetime` after it was last kept (a linked report suggested and never
    answered), and beyond `capacity` witnesses the longest idle goes first. A restart forgets
    all of them: the witness finds the menu and may still start the linked report by hand.
    """

    def __init__(
        self, lifetime: dt.timedelta = dt.timedelta(hours=1), capacity: int = 10_000
    ) -> None:
        self.lifetime = lifetime
        self.capacity = capacity
        self._held: OrderedDict[bytes, tuple[Sequel, dt.datetime]] = OrderedDict()

    def keep(self, owner: bytes, sequel: Sequel | None, now: dt.datetime) -> None:
        """Hold the witness's sequel as just stored beside their row; None forgets it."""
        self._held.pop(owner, None)
        if sequel is None:
            return
        self._held[owner] = (sequel, now + self.lifetime)
        while len(self._held) > self.capacity:
            self._held.popitem(last=False)

    def get(self, owner: bytes, now: dt.datetime) -> Sequel | None:
        held = self._held.get(owner)
        if held is None:
            return None
        sequel, expires = held
        if expires <= now:
            del self._held[owner]
            return None
        return sequel

    def __len__(self) -> int:
        return len(self._held)


@dataclass(frozen=True)
class Unsaved:
    """The message ids a turn changed after the session was stored (the current prompt, the
    report's messages on the phone, the review's), kept in memory and stored with the next
    save. Lost on a restart, they leave old buttons on (their ticket refuses them) or a
    message of a sent report on the phone until /delete, which works on a range of ids and
    needs none of them (`handlers.wipe`)."""

    prompt: int | None = None
    shown: tuple[int, ...] = ()
    review: tuple[int, ...] = ()


@dataclass
class Activity:
    """How busy the bot is, for /metrics (`bot.health`): counts only, never who or what.

    No field may ever hold a user id, an answer or a case id; tests/e2e/test_health.py reads
    /metrics during a real conversation to hold that.
    """

    updates_handled: int = 0
    cases_sealed: int = 0
    telegram_errors: int = 0
    """Bot API calls that failed: no answer, or an error answer other than 429."""
    telegram_429s: int = 0
    """Bot API calls Telegram refused as too many (429, retry_after)."""
    telegram_answered_at: float | None = None
    """`time.monotonic()` of Telegram's last answer: how /healthz tells a poll still works."""

    def telegram_call(self, status: int | None, now: float) -> None:
        """One Bot API call's outcome: its HTTP status, or None when it got no answer."""
        if status is not None:
            self.telegram_answered_at = now
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            self.telegram_429s += 1
        elif status is None or status >= HTTPStatus.BAD_REQUEST:
            self.telegram_errors += 1


@dataclass(frozen=True)
class Retention:
    """`[retention]` as housekeeping applies it."""

    keep_days: int = 90
    min_reviewers: int = 1


@dataclass
class Services:
    db: Database
    drafts: DraftStore
    reviewer_keys: tuple[ReviewerPublicKey, ...]
    limiter: RateLimiter
    alert_chat_id: int | None = None
    organisation: str = ""
    """Who reads reports, named in the consent; empty: a neutral description."""
    max_file_bytes: int = 20 * 1024 * 1024
    """The public Bot API serves files up to 20 MB; a self-hosted one lifts it."""
    retention: Retention = field(default_factory=Retention)
    """When housekeeping purges a case body that reviewers hold (storage.retention)."""
    clock: Callable[[], dt.datetime] = utc_now
    unsaved: dict[bytes, Unsaved] = field(default_factory=dict)
    """Per witness (owner hash): what changed after their session was last stored."""
    sequels: Sequels = field(default_factory=Sequels)
    """Per witness (owner hash): what follows a sent report, never stored."""
    activity: Activity = field(default_factory=Activity)
    witness_timezone: dt.tzinfo = dt.timezone(dt.timedelta(hours=5))
    """Kazakhstan has kept one time zone, UTC+5, since March 2024: "today" for dates."""
    backlog: Backlog | None = None
    """How long replies wait for Telegram's limit (`bot.pacing`); None: they never wait."""
    busy_after: float = 30.0
    """Seconds of expected wait past which a newcomer is told the bot is busy. Each notice is
    a message too, sent before everyone's replies: told at 15 s, 903 of 1,000 witnesses in a
    burst were, and the replies' p95 rose from 1.2x to 1.75x the floor (BENCHMARKS.md)."""
    busy_told: BusyNotices = field(default_factory=BusyNotices)
    """Per witness (owner hash): told the bot is busy, so not told again at once."""

    def scrub(self) -> None:
        """Once a report was sent or a draft erased: its earlier versions out of SQLite's WAL.

        In the background and best-effort (a reader's old snapshot holds the checkpoint
        back); housekeeping checkpoints again every few minutes."""
        self.db.checkpoint_soon()
