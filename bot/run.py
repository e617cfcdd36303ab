"""`kuager run`: the bot against Telegram (polling or webhook), refusing to start half-configured.

Every answer is stored the moment it arrives, so stopping — SIGTERM from a deploy, Ctrl-C —
loses nothing: PTB's run loop stops fetching, finishes the updates in hand and closes storage.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update

from bot import logs
from bot.app import POLL_INTERVAL, build_application, open_services
from bot.config import Config, ConfigError
from bot.webhook import secret_checked_in_constant_time
from storage import schema
from storage.crypto.keys import KeyKind, ReviewerPublicKey
from storage.database import StorageUnavailable

logger = logging.getLogger(__name__)
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
"""Telegram allows 1-256 of these characters; fewer than 16 is a secret one could guess."""


def check_ready(config: Config) -> None:
    """Everything `run` needs, checked before anything starts; `ConfigError` names the gap."""
    if not config.telegram.token:
        raise ConfigError("telegram.token is not set (KUAGER_TELEGRAM_TOKEN)")
    if not config.reviewer_keys():
        raise ConfigError(
            "reviewers.public_keys is empty: make a key with `kuager keygen` and add its line"
        )
    config.draft_key_bytes()
    if config.telegram.webhook_url and not WEBHOOK_SECRET.fullmatch(config.telegram.webhook_secret):
        # Without it, anyone who reaches the port can post updates in any witness's name.
        raise ConfigError(
            "telegram.webhook_secret (KUAGER_TELEGRAM_WEBHOOK_SECRET) must be 16-256 characters"
            " of A-Z a-z 0-9 _ - when telegram.webhook_url is set"
        )


def warn_if_quantum_exposed(keys: tuple[ReviewerPublicKey, ...]) -> None:
    """A post-quantum key protects nothing while a plain X25519 key opens the same cases."""
    plain = sum(key.kind is KeyKind.X25519 for key in keys)
    if plain and plain < len(keys):
        logger.warning("reviewer_keys_mixed post_quantum=%d x25519=%d", len(keys) - plain, plain)


def cmd_run(config: Config) -> int:
    check_ready(config)
    logs.configure(config.logging.level.upper())
    warn_if_quantum_exposed(config.reviewer_keys())
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
        with secret_checked_in_constant_time():
            application.run_webhook(
                listen=telegram.webhook_listen,
                port=telegram.webhook_port,
                url_path="telegram",
                secret_token=telegram.webhook_secret,
                webhook_url=telegram.webhook_url,
                allowed_updates=Update.ALL_TYPES,
            )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=POLL_INTERVAL)
    logger.info("bot_stopped")
    return 0
