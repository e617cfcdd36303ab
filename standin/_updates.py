"""The bot's update queue with getUpdates' long-polling rules.

Updates stay queued until the bot confirms them by asking for a higher `offset`, exactly as on
Telegram: a poll whose HTTP connection died (the bot was stopped mid-poll) loses nothing. A new
getUpdates ends the one still waiting with 409 Conflict, which is how Telegram tells two running
copies of a bot apart — and how a test notices it started polling twice.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from standin._params import ApiError
from standin._signal import Signal

# Without allowed_updates Telegram sends every type except these three.
_OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def update_type(update: dict[str, Any]) -> str:
    """The kind of an update: its one key besides update_id."""
    for key in update:
        if key != "update_id":
            return key
    return "unknown"


class UpdateQueue:
    """Updates waiting for the bot, handed out in batches by getUpdates."""

    def __init__(self) -> None:
        self._pending: deque[dict[str, Any]] = deque()
        self._next_id = 1
        self._allowed: frozenset[str] | None = None
        self._poll_number = 0
        self._closed = False
        self.arrived = Signal()
        self.polls = 0
        """How many getUpdates calls the bot made (they are not recorded as calls)."""

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue `update` under the next update_id (any id it carried is replaced)."""
        update = {
            "update_id": self._next_id,
            **{k: v for k, v in update.items() if k != "update_id"},
        }
        self._next_id += 1
        self._pending.append(update)
        self.arrived.fire()
        return update

    def take_all(self) -> list[dict[str, Any]]:
        """Hand every queued update out and confirm it, for bots fed by `process_update`."""
        updates = list(self._pending)
        self._pending.clear()
        return updates

    def drop_all(self) -> None:
        """Forget queued updates (deleteWebhook / setWebhook with drop_pending_updates)."""
        self._pending.clear()

    def close(self) -> None:
        """End every waiting poll at once, so the server can stop without waiting them out."""
        self._closed = True
        self.arrived.fire()

    async def get(
        self, offset: int, limit: int, wait_seconds: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """One getUpdates call: confirm below `offset`, then return up to `limit` updates,
        waiting up to `wait_seconds` for the first to arrive."""
        self.polls += 1
        self._poll_number += 1
        this_poll = self._poll_number
        self.arrived.fire()  # a poll still waiting must now give way to this one
        if allowed is not None:
            self._allowed = frozenset(allowed) or None
        self.confirm(offset)
        batch = self._batch(limit)
        if batch or wait_seconds <= 0 or self._closed:
            return batch
        await self.arrived.wait_until(
            lambda: self._closed or this_poll != self._poll_number or self._deliverable(),
            wait_seconds,
        )
        if this_poll != self._poll_number:
            raise ApiError(409, _CONFLICT)
        return self._batch(limit)

    def confirm(self, offset: int) -> int:
        """Forget the updates `offset` confirms (below it; or all but the last -offset)."""
        before = len(self._pending)
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
        else:
            while self._pending and self._pending[0]["update_id"] < offset:
                self._pending.popleft()
        return before - len(self._pending)

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = update_type(update)
        return kind in self._allowed if self._allowed else kind not in _OPT_IN_TYPES

    def _deliverable(self) -> bool:
        return any(self._wanted(u) for u in self._pending)

    def _batch(self, limit: int) -> list[dict[str, Any]]:
        # Unwanted updates are dropped for good, as Telegram never delivers them later either.
        while self._pending and not self._wanted(self._pending[0]):
            self._pending.popleft()
        batch: list[dict[str, Any]] = []
        for update in self._pending:
            if len(batch) >= limit:
                break
            if self._wanted(update):
                batch.append(update)
        return batch
