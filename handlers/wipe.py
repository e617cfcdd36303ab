"""Wiping the conversation from the witness's phone, and everything of it from the server.

Telegram lets a bot delete its own messages and, in a private chat, the other side's, for 48
hours. In a private chat both sides' messages take their ids from one increasing sequence
(the witness's: ids of their other private chats fall in it too), and deleteMessages skips
ids it cannot find in this chat. So the session keeps only the conversation's first id, and
the wipe deletes every id from there up to a message it sends itself at the end of the chat.
Nothing is recorded per message sent, and nothing escapes: not a question sent just before a
restart, not a send whose reply was lost under load, not a guard's notice, not a message
the flood limit never let through to a handler.
"""

from __future__ import annotations

import logging

from telegram import Message

from handlers import texts
from handlers.i18n import _
from handlers.screens import notice
from handlers.turn import Turn, send_screen
from storage.database import StorageUnavailable

logger = logging.getLogger(__name__)


async def wipe(turn: Turn) -> None:
    first, last = await _span(turn)
    failed = await turn.delete(range(first, last + 1))
    try:
        async with turn.services.db.transaction() as db:
            await turn.services.drafts.erase(db, turn.user_id)
    except StorageUnavailable:
        logger.warning("storage_unavailable at=wipe")
    else:
        turn.services.scrub()
    turn.forget()
    logger.info("conversation_wiped ids=%d failed=%d", last - first + 1, failed)
    if failed:
        await turn.send(notice(texts.WIPE_PARTIAL))
    else:
        # A pop-up, not a message: the chat stays empty, and the witness reads what is left.
        turn.toast, turn.alert = _(texts.REMAINS_AFTER_WIPE), True


async def _span(turn: Turn) -> tuple[int, int]:
    """The ids to delete: from the conversation's first to a marker sent now, the newest
    message of the chat (deleted with the rest)."""
    session = turn.session
    query = turn.update.callback_query
    known = [session.first_message, session.last_message]
    if query is not None and isinstance(query.message, Message):
        known.append(query.message.message_id)
    marker = await send_screen(turn.context, turn.chat_id, notice(texts.WIPING))
    if marker is not None:
        known.append(marker.message_id)
    ids = [i for i in known if i is not None]
    if not ids:
        # Nothing was ever recorded and the marker was refused: an empty range.
        return 1, 0
    return min(ids), max(ids)
