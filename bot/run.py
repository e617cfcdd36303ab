"""`kuager run`: the bot against Telegram (polling or webhook), refusing to start half-configured.

Every answer is stored the moment it arrives, so stopping — SIGTERM from a deploy, Ctrl-C —
loses nothing: PTB's run loop stops fetching, finishes the updates in hand and closes storage.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot import logs
from bot.app import POLL_INTERVAL, build_application, open_services
from bot.config import Config, ConfigError
from storage import schema
from storage.database import StorageUnavailable

logger = logging.getLogger(__name__)


def check_ready(config: Config) -> None:
    """Everything `run` needs, checked before anything starts; `ConfigError` names the gap."""
    if not config.telegram.token:
        raise ConfigError("telegram.token is not set (KUAGER_TELEGRAM_TOKEN)")
    if not config.reviewer_keys():
        raise ConfigError(
            "reviewers.public_keys is empty: make a key with `kuager keygen` and add its line"
        )
    config.draft_key_bytes()


def cmd_run(config: Config) -> int:
    check_ready(config)
    logs.configure(config.logging.level.upper())
    # Storage is opened (and the schema checked) before Telegram is contacted, on the event
    # loop that PTB's run_polling / run_webhook then take as the current one and close at the
    # end: the database's connections belong to the loop they were made on.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        services = loop.run_until_complete(open_services(config))
    except schema.SchemaOutOfDate as exc:
        loop.close()
        raise ConfigError(str(exc)) from None
    except (StorageUnavailable, OSError) as exc:
        loop.close()
        raise ConfigError(f"cannot reach the database: {type(exc).__name__}") from None
    application = build_application(config, services)
    telegram = config.telegram
    logger.info("bot_starting mode=%s", "webhook" if telegram.webhook_url else "polling")
    if telegram.webhook_url:
        application.run_webhook(
            listen=telegram.webhook_listen,
            port=telegram.webhook_port,
            url_path="telegram",
            secret_token=telegram.webhook_secret or None,
            webhook_url=telegram.webhook_url,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=POLL_INTERVAL)
    logger.info("bot_stopped")
    return 0
