"""`kuager run`: the bot against Telegram (polling or webhook), refusing to start half-configured.

Every answer is stored the moment it arrives, so stopping — SIGTERM from a deploy, Ctrl-C —
loses nothing: PTB's run loop stops fetching, finishes the updates in hand and closes storage.
"""

from __future__ import annotations

import asyncio
import logging
import re

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, Update, User
from telegram.error import InvalidToken, NetworkError, RetryAfter

from bot import logs
from bot.app import POLL_INTERVAL, build_application, open_services
from bot.config import Config, ConfigError
from bot.health import HealthListener
from bot.reaching import Backoff, Unreachable, describe, place, reach
from bot.webhook import secret_checked_in_constant_time
from handlers.context import KuagerApplication
from handlers.services import Services
from storage import schema
from storage.crypto.keys import KeyKind, ReviewerPublicKey
from storage.database import OUTAGES, StorageUnavailable

logger = logging.getLogger(__name__)
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
"""Telegram allows 1-256 of these characters; fewer than 16 is a secret one could guess."""


def readiness_problems(config: Config) -> list[str]:
    """Every setting `run` needs that is missing or wrong, all at once."""
    problems = []
    if not config.telegram.token:
        problems.append("telegram.token is not set (KUAGER_TELEGRAM_TOKEN)")
    try:
        if not config.reviewer_keys():
            problems.append(
                "reviewers.public_keys is empty (KUAGER_REVIEWERS_PUBLIC_KEYS): "
                "make a key with `kuager keygen` and add its line"
            )
    except ConfigError as exc:
        problems.extend(exc.problems)
    try:
        config.draft_key_bytes()
    except ConfigError as exc:
        problems.extend(exc.problems)
    if config.telegram.webhook_url and not WEBHOOK_SECRET.fullmatch(config.telegram.webhook_secret):
        # Without it, anyone who reaches the port can post updates in any witness's name.
        problems.append(
            "telegram.webhook_secret (KUAGER_TELEGRAM_WEBHOOK_SECRET) must be 16-256 characters"
            " of A-Z a-z 0-9 _ - when telegram.webhook_url is set"
        )
    return problems


def check_ready(config: Config) -> None:
    """Everything `run` needs, checked before anything starts; `ConfigError` names every gap."""
    problems = readiness_problems(config)
    if problems:
        raise ConfigError(*problems)


def backoff(config: Config) -> Backoff:
    return Backoff(config.start.attempts, config.start.max_wait_seconds)


async def reach_database(config: Config) -> Services:
    """The services, once the database answers; `kuager run` waits for it with backoff."""
    where = f"the database at {place(config.storage.database_url)}"
    try:
        return await reach(
            "database", where, lambda: open_services(config), backoff(config), DATABASE_OUTAGES
        )
    except SQLAlchemyError as exc:
        # Not an outage (a refused login, a missing database on the server): no retry.
        raise Unreachable(f"cannot use {where}: {describe(exc)}") from None


async def reach_telegram(bot: Bot, config: Config, tries: Backoff) -> User:
    """Who the token belongs to, once Telegram answers (PTB's `Bot.initialize` is getMe).

    A refused token is not tried again, and its message is not shown: PTB's names the token.
    """
    where = f"Telegram at {place(config.telegram.api_base_url)}"
    try:
        await reach("telegram", where, bot.initialize, tries, TELEGRAM_OUTAGES)
    except InvalidToken:
        raise Unreachable(
            "Telegram refused the token (telegram.token), or telegram.api_base_url is wrong"
        ) from None
    return bot.bot


DATABASE_OUTAGES = (*OUTAGES, StorageUnavailable)
TELEGRAM_OUTAGES = (NetworkError, RetryAfter)


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
    # loop that PTB's run_polling / run_webhook then take as the current one: the database's
    # connections belong to the loop they were made on.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        application, listener = loop.run_until_complete(_start(config))
        _serve(config, application)
        if listener is not None:
            loop.run_until_complete(listener.stop())
    finally:
        loop.close()
    logger.info("bot_stopped")
    return 0


async def _start(config: Config) -> tuple[KuagerApplication, HealthListener | None]:
    """Database, then Telegram, then the health listener; whatever opened is closed again if
    a later step fails, so a refused start leaves no connection or session behind."""
    try:
        services = await reach_database(config)
    except schema.SchemaOutOfDate as exc:
        raise ConfigError(str(exc)) from None
    application = build_application(config, services)
    try:
        await reach_telegram(application.bot, config, backoff(config))
        logger.info("telegram_reached")
        listener = None
        if config.health.listen:
            host, port = config.health.address()
            listener = HealthListener(application, services, _mode(config), host, port)
            await listener.start()
    except BaseException:
        await application.bot.shutdown()
        await services.db.close()
        raise
    return application, listener


def _mode(config: Config) -> str:
    return "webhook" if config.telegram.webhook_url else "polling"


def _serve(config: Config, application: KuagerApplication) -> None:
    """PTB's own run loop until a stop signal. Telegram answered moments ago, so its
    bootstrap (deleteWebhook / setWebhook) may retry for ever (-1); a network loss later is
    PTB's polling loop's to ride out, with its own backoff up to 30 s."""
    telegram = config.telegram
    logger.info("bot_starting mode=%s", _mode(config))
    if telegram.webhook_url:
        with secret_checked_in_constant_time():
            application.run_webhook(
                listen=telegram.webhook_listen,
                port=telegram.webhook_port,
                url_path="telegram",
                secret_token=telegram.webhook_secret,
                webhook_url=telegram.webhook_url,
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=-1,
                close_loop=False,
            )
    else:
        application.run_polling(
            allowed_updates=Update.ALL_TYPES,
            poll_interval=POLL_INTERVAL,
            bootstrap_retries=-1,
            close_loop=False,
        )
