"""Building the Telegram Application from the config: services, handlers, jobs, commands.

Whoever runs the Application opens the services first (`open_services`, the one place the
schema is checked) and passes them in; `post_shutdown` closes them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest

from bot import logs
from bot.config import Config
from bot.pacing import FloodLimits, PacedRateLimiter
from bot.transport import AiohttpRequest
from bot.updates import PerChatUpdateProcessor
from handlers import texts
from handlers.context import SERVICES_KEY, KuagerApplication, KuagerContext
from handlers.head import publish_head
from handlers.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, language
from handlers.registry import register
from handlers.services import RateLimiter, Retention, Services
from storage import schema
from storage.attachments import erase_unclaimed
from storage.crypto.drafts import DraftKeys
from storage.database import Database, StorageUnavailable
from storage.drafts import DraftStore
from storage.models import AttachmentChunk, Case, Draft
from storage.retention import purge_due

logger = logging.getLogger(__name__)
HOUSEKEEPING_EVERY = dt.timedelta(minutes=10)
HEAD_POSTED_AT = dt.time(3, 0, tzinfo=dt.UTC)
"""08:00 in Kazakhstan: the chain head reaches the alert chat at the start of the day."""
HEAD_JOB = "publish_head"
COUNTING_GROUP = -100
"""Before every handler group of `handlers.registry` (its guards start at -3)."""
CONCURRENT_UPDATES = 32
"""Witnesses served at once; more wait their turn (one witness's updates are serialised)."""
POLL_INTERVAL = 0.05
"""Seconds between long polls. Polling again at once, a busy bot fetched about one update per
getUpdates call, each a full HTTP round trip and parse; a short pause lets updates arrive in
batches (BENCHMARKS.md). A witness waits at most this much longer for a reply."""


async def open_services(config: Config) -> Services:
    """Open the database and derive what handlers need; refuses an out-of-date schema."""
    # auto_upgrade is the operator's consent to create the database on a first run.
    db = Database(config.storage.database_url, create=config.storage.auto_upgrade)
    try:
        if config.storage.auto_upgrade:
            await schema.upgrade(db)
        await schema.require_current(db)
    except BaseException:
        await db.close()
        raise
    return Services(
        db=db,
        drafts=DraftStore(
            DraftKeys.from_secret(config.draft_key_bytes()),
            dt.timedelta(hours=config.security.draft_ttl_hours),
        ),
        reviewer_keys=config.reviewer_keys(),
        limiter=RateLimiter(config.security.rate_limit_per_minute),
        alert_chat_id=config.reviewers.alert_chat_id,
        organisation=config.reviewers.organisation,
        max_file_bytes=config.telegram.max_file_mb * 1024 * 1024,
        retention=Retention(config.retention.keep_days, config.retention.min_reviewers),
    )


def build_application(
    config: Config, services: Services, *, request: BaseRequest | None = None
) -> KuagerApplication:
    """The bot as `kuager run` runs it; `request` replaces the HTTP client (the fast handler
    tests pass the stand-in's in-process one), otherwise Kuager's aiohttp client is used."""
    # Whatever the operator's log level, libraries that log message content stay quiet.
    logs.quiet_libraries()
    builder: Any = (
        ApplicationBuilder()
        .token(config.telegram.token)
        .base_url(config.telegram.api_base_url)
        .base_file_url(config.telegram.file_base_url)
        .context_types(ContextTypes(context=KuagerContext))
        # Every screen is HTML (handlers.screens escapes what the witness typed).
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        # One pooled connection per update in flight; aiohttp rather than httpx (transport.py).
        .request(
            request
            or AiohttpRequest(
                connection_pool_size=CONCURRENT_UPDATES,
                pool_timeout=10.0,
                activity=services.activity,
            )
        )
        .get_updates_request(
            request or AiohttpRequest(connection_pool_size=1, activity=services.activity)
        )
        .post_init(set_commands)
        .post_shutdown(_post_shutdown)
    )
    if config.telegram.max_messages_per_second > 0:
        limiter = PacedRateLimiter(
            FloodLimits(overall_per_second=config.telegram.max_messages_per_second)
        )
        builder = builder.rate_limiter(limiter)
        # Handlers ask it how long a newcomer's reply would wait (handlers.priority).
        services.backlog = limiter
    application: KuagerApplication = builder.build()
    application.bot_data[SERVICES_KEY] = services
    # Counted before any guard can stop an update: every update taken in is one handled.
    application.add_handler(TypeHandler(Update, count_update), group=COUNTING_GROUP)
    register(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(housekeeping, interval=HOUSEKEEPING_EVERY, first=60)
        if config.reviewers.alert_chat_id is not None:
            application.job_queue.run_daily(publish_head, time=HEAD_POSTED_AT, name=HEAD_JOB)
    return application


async def count_update(update: Update, context: KuagerContext) -> None:
    """Tally the update for /metrics; nothing of it is kept."""
    context.services.activity.updates_handled += 1


async def _post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    services = application.bot_data.get(SERVICES_KEY)
    if isinstance(services, Services):
        await services.db.close()


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu in each language; PTB does not send it by itself."""
    for lang in (*LANGUAGES, None):
        with language(lang or DEFAULT_LANGUAGE):
            commands = [BotCommand(name, _(description)) for name, description in texts.COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)


async def housekeeping(context: KuagerContext) -> None:
    """Erase expired drafts and the files of abandoned ones, purge the cases reviewers hold
    (storage.retention); leave no earlier versions where the database can drop them (SQLite's
    WAL; PostgreSQL's dead rows)."""
    services = context.services
    now = services.clock()
    try:
        async with services.db.transaction() as db:
            drafts = await services.drafts.erase_expired(db, now)
            cutoff = (now - services.drafts.ttl - dt.timedelta(days=1)).date()
            files = await erase_unclaimed(db, older_than=cutoff)
            retention = services.retention
            purged = await purge_due(db, now.date(), retention.keep_days, retention.min_reviewers)
        await services.db.vacuum(Draft.__tablename__)
        if purged.cases:
            await services.db.vacuum(Case.__tablename__)
            await services.db.vacuum(AttachmentChunk.__tablename__)
    except StorageUnavailable:
        logger.warning("storage_unavailable at=housekeeping")
        return
    # Also a retry of the checkpoints a send or a wipe could not finish.
    if not await services.db.checkpoint():
        logger.info("checkpoint_deferred at=housekeeping")
    if drafts or files or purged.cases:
        logger.info(
            "housekeeping drafts_erased=%d files_erased=%d cases_purged=%d purged_files=%d",
            drafts,
            files,
            purged.cases,
            purged.files,
        )
