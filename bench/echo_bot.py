"""A bare python-telegram-bot echo bot: the baseline Kuager's throughput is measured against.

One Application, one handler, nothing else, pointed at the loopback Bot API stand-in, so a
benchmark shows what the library and the stand-in cost before Kuager adds anything.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.transport import AiohttpRequest
from standin import BotApiStandin


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the text that came in."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def build_echo_application(
    standin: BotApiStandin, *, aiohttp: bool = False
) -> Application[Any, Any, Any, Any, Any, Any]:
    """An echo bot talking to `standin`; start it like any Application.

    `aiohttp` swaps PTB's default HTTP client (httpx) for the one Kuager uses, so the cost of
    the client and the cost of Kuager's own work can be told apart.
    """
    builder = (
        ApplicationBuilder()
        .token(standin.token)
        .base_url(standin.api_base_url)
        .base_file_url(standin.file_base_url)
    )
    if aiohttp:
        builder = builder.request(AiohttpRequest(connection_pool_size=1)).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application
