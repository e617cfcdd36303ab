"""The conversation's handlers in one place: read this to see what the bot answers to."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import conversation as c
from handlers import head
from handlers.errors import on_error
from handlers.guards import private_only, rate_limit

FILES = (
    filters.PHOTO
    | filters.Document.ALL
    | filters.VIDEO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO_NOTE
)

NOT_FILES = filters.ANIMATION | filters.Sticker.ALL | filters.POLL | filters.Dice.ALL | filters.GAME


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Note: order matters. Guards run first (lower groups) and can stop an update.
    # /head comes before them: it is the one thing the reviewers' alert chat may ask.
    posts = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    application.add_handler(CommandHandler("head", head.cmd_head, filters=posts), group=-3)
    application.add_handler(TypeHandler(Update, private_only), group=-2)
    application.add_handler(TypeHandler(Update, rate_limit), group=-1)

    application.add_handler(MessageHandler(filters.UpdateType.EDITED, c.on_edited))
    application.add_handler(CommandHandler("start", c.cmd_start))
    application.add_handler(CommandHandler("help", c.cmd_help))
    application.add_handler(CommandHandler("language", c.cmd_language))
    application.add_handler(CommandHandler("cancel", c.cmd_cancel))
    application.add_handler(CommandHandler("delete", c.cmd_delete))
    application.add_handler(CommandHandler("followup", c.cmd_followup))
    application.add_handler(CallbackQueryHandler(c.on_press))
    application.add_handler(MessageHandler(filters.COMMAND, c.on_unknown_command))
    application.add_handler(MessageHandler(filters.TEXT, c.on_text))
    application.add_handler(MessageHandler(filters.LOCATION, c.on_location))
    # A GIF also arrives as a document: catch it before the files.
    application.add_handler(MessageHandler(NOT_FILES, c.on_unsupported))
    application.add_handler(MessageHandler(FILES, c.on_media))
    application.add_handler(MessageHandler(filters.CONTACT, c.on_contact))
    # Stickers, GIFs, polls, dice, games and anything else a witness can send.
    application.add_handler(MessageHandler(filters.ALL, c.on_unsupported))
    application.add_error_handler(on_error)
