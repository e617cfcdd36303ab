"""Wiping the conversation from the witness's phone, and everything of it from the server.

Telegram lets a bot delete its own messages and, in a private chat, the other side's, for 48
hours. Every message id of the conversation is tracked (encrypted, in the session) for this.
"""

from __future__ import annotations

import logging

from telegram import Message
from telegram.error import BadRequest, TelegramError

from handlers import texts
from handlers.i18n import _
from handlers.screens import notice
from handlers.turn import Turn
from storage.database import StorageUnavailable

logger = logging.getLogger(__name__)
BATCH = 100
"""deleteMessages takes at most 100 ids at once."""


async def wipe(turn: Turn) -> None:
    ids = set(turn.session.messages)
    query = turn.update.callback_query
    if query is not None and isinstance(query.message, Message):
        ids.add(query.message.message_id)
    failed = 0
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        failed += await _delete(turn, ordered[start : start + BATCH])
    try:
        async with turn.services.db.transaction() as db:
            await turn.services.drafts.erase(db, turn.user_id)
    except StorageUnavailable:
        logger.warning("storage_unavailable at=wipe")
    else:
        await turn.services.scrub(at="wipe")
    turn.forget()
    logger.info("conversation_wiped messages=%d failed=%d", len(ordered), failed)
    if failed:
        await turn.send(notice(texts.WIPE_PARTIAL))
    else:
        turn.toast = _(texts.WIPE_DONE)


async def _delete(turn: Turn, batch: list[int]) -> int:
    """Delete a batch; if Telegram refuses it whole, one by one. Returns how many failed."""
    bot = turn.context.bot
    try:
        await bot.delete_messages(turn.chat_id, batch)
        return 0
    except BadRequest:
        pass
    failed = 0
    for message_id in batch:
        try:
            await bot.delete_message(turn.chat_id, message_id)
        except TelegramError:
            failed += 1
    return failed
