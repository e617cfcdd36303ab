"""Posting the chain head to the reviewers' alert chat, where the server cannot rewrite it.

Whoever controls the database can rewrite the unkeyed hash chain whole or cut off its newest
cases; a head (`N:HASH`) kept outside the server catches both (`kuager verify --head`). So the
bot posts it there every day (a job, `bot.app`) and on `/head`, which only the alert chat may
send: anywhere else the command goes on to the handlers as any unknown command would.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from handlers.context import KuagerContext
from handlers.forms import N_
from handlers.i18n import DEFAULT_LANGUAGE, _, language
from handlers.services import Services
from storage import chain
from storage.database import StorageUnavailable

logger = logging.getLogger(__name__)

ALERT_LANGUAGE = DEFAULT_LANGUAGE
"""The alert chat is a group, not a witness: it has no language of its own to negotiate."""

# TRANSLATORS: posted daily to the reviewers' alert chat.
# {day} is a date such as 2026-11-30.
# {head} is a number, a colon and 64 hex characters.
# Keep the command "kuager verify --head" unchanged.
HEAD_POSTED = N_(
    "Checkpoint of received reports, {day}: {head}\n"
    "Keep this message. Later, kuager verify --head {head} checks that no report received "
    "up to this checkpoint was deleted, changed or replaced on the server."
)


async def post_head(bot: Bot, services: Services) -> None:
    """Send the current head (a count and a hash, no content) to the alert chat, if any."""
    chat_id = services.alert_chat_id
    if chat_id is None:
        return
    try:
        async with services.db.reading() as db:
            head = await chain.current_head(db)
    except StorageUnavailable:
        logger.warning("storage_unavailable at=head")
        return
    with language(ALERT_LANGUAGE):
        text = _(HEAD_POSTED).format(day=services.clock().date().isoformat(), head=head)
    try:
        await bot.send_message(chat_id, text)
    except TelegramError:
        logger.warning("head_post_failed")
        return
    logger.info("head_posted links=%d", head.seq or 0)


async def cmd_head(update: Update, context: KuagerContext) -> None:
    """/head in the alert chat posts the head; from any other chat the update goes on."""
    chat = update.effective_chat
    if chat is None or chat.id != context.services.alert_chat_id:
        return
    await post_head(context.bot, context.services)
    raise ApplicationHandlerStop


async def publish_head(context: KuagerContext) -> None:
    """The daily job: reviewers collect a head a day without asking."""
    await post_head(context.bot, context.services)
