"""Logging that records events, never content.

Our own modules log event names, form ids and timings. Libraries are another matter:
python-telegram-bot at DEBUG logs every request's parameters (message texts, user ids) and
httpx at INFO logs request URLs, which contain the bot token. Those loggers are therefore
held at WARNING whatever level the operator asks for.
"""

from __future__ import annotations

import logging

CHATTY_LIBRARIES = (
    "telegram",
    "httpx",
    "httpcore",
    "apscheduler",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy",
    "aiohttp",
    # Not content, but a dozen lines of migration chatter before every start.
    "alembic",
)


def configure(level: int | str = logging.INFO) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s", force=True
    )
    quiet_libraries()


def quiet_libraries() -> None:
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
