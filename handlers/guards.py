"""Checks every update passes before any conversation handler sees it.

Order matters (registered in `handlers.registry`): first private chats only, then the flood
limit. A stopped update ends there (ApplicationHandlerStop), so nothing else stores anything.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from handlers import texts
from handlers.context import KuagerContext
from handlers.i18n import _, negotiate, set_language
from handlers.turn import answer_press

logger = logging.getLogger(__name__)


async def private_only(update: Update, context: KuagerContext) -> None:
    """In a group or channel the bot leaves at once and keeps nothing of what it saw."""
    chat = update.effective_chat
    if chat is None:
        raise ApplicationHandlerStop
    if chat.type == ChatType.PRIVATE:
        return
    if chat.id == context.services.alert_chat_id:
        # The reviewers' alert chat: the bot only posts there and reads nothing.
        raise ApplicationHandlerStop
    member = update.my_chat_member
    leaving = member is not None and member.new_chat_member.status in (
        ChatMemberStatus.LEFT,
        ChatMemberStatus.BANNED,
    )
    if not leaving:
        try:
            await context.bot.leave_chat(chat.id)
        except TelegramError:
            logger.info("leave_failed chat_type=%s", chat.type)
        logger.info("left_chat chat_type=%s", chat.type)
    raise ApplicationHandlerStop


async def rate_limit(update: Update, context: KuagerContext) -> None:
    """One witness sending faster than the limit gets one polite notice; the rest is not read."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    if update.my_chat_member is not None:
        # Blocking or unblocking the bot: nothing to answer, nothing to store.
        raise ApplicationHandlerStop
    services = context.services
    key = services.drafts.keys.owner(user.id)
    if services.limiter.allow(key):
        return
    await answer_press(update)
    # Not read, but on the phone all the same: /delete still finds it, and the notice, since
    # it deletes the conversation's whole range of ids up to a marker it sends (handlers.wipe).
    if services.limiter.should_warn(key):
        logger.info("flood_throttled")
        set_language(negotiate(user.language_code))
        chat = update.effective_chat
        if chat is not None:
            try:
                await context.bot.send_message(chat.id, _(texts.TOO_FAST))
            except TelegramError:
                logger.info("flood_notice_failed")
    raise ApplicationHandlerStop
