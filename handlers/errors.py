"""The one error handler at the Telegram edge: log the kind, tell the witness, no content.

PTB's own example forwards `update.to_dict()` to a developer chat; here that would leak a
witness's words, so only the exception's class name and where it was raised are logged.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from handlers import texts
from handlers.context import KuagerContext
from handlers.i18n import _
from handlers.turn import answer_press

logger = logging.getLogger(__name__)


async def on_error(update: object, context: KuagerContext) -> None:
    error = context.error
    kind = type(error).__name__
    where = ""
    if error is not None and error.__traceback__ is not None:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
    logger.error("handler_error kind=%s at=%s", kind, where)
    if not isinstance(update, Update):
        return
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    await answer_press(update)
    try:
        await context.bot.send_message(chat.id, _(texts.INTERNAL_ERROR))
    except TelegramError:
        logger.info("error_notice_failed")
