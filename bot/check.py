"""`kuager check`: the whole config, then the database and Telegram, each said fine or not.

For a volunteer setting the bot up, and for the container's entry point before `run`: every
problem at once, each in one line, and what is fine said as plainly, so a green check means
`kuager run` will start.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot

from bot.config import Config
from bot.reaching import Backoff, Unreachable, describe, place, reach
from bot.run import DATABASE_OUTAGES, backoff, reach_telegram, readiness_problems
from bot.transport import AiohttpRequest
from storage import schema
from storage.database import Database, DatabaseMissing, sqlite_file


@dataclass(frozen=True)
class Finding:
    """One line of the check's report."""

    ok: bool
    text: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'PROBLEM':8} {self.text}"


async def findings(config: Config, problems: list[str], *, wait: bool) -> list[Finding]:
    """Everything found, beginning with the config's `problems` as read; with `wait`, the
    database and Telegram are tried as `run` tries them at start (`[start]`), otherwise once."""
    tries = backoff(config) if wait else Backoff(attempts=1, max_wait=0)
    problems = [*problems, *readiness_problems(config)]
    found = [Finding(False, f"config: {problem}") for problem in problems] or [
        Finding(True, "config: every setting `kuager run` needs is there")
    ]
    found.append(await database_finding(config, tries))
    if config.telegram.token:
        found.append(await telegram_finding(config, tries))
    return found


async def database_finding(config: Config, tries: Backoff) -> Finding:
    url = config.storage.database_url
    where = f"the database at {place(url)}"
    try:
        db = Database(url)
    except DatabaseMissing as exc:
        if config.storage.auto_upgrade and _folder_exists(url):
            return Finding(True, f"database: `kuager run` creates {url} (storage.auto_upgrade)")
        return Finding(False, f"database: {exc}")
    try:
        current = await reach(
            "database", where, lambda: schema.current_revision(db), tries, DATABASE_OUTAGES
        )
    except Unreachable as exc:
        return Finding(False, f"database: {exc}")
    except SQLAlchemyError as exc:
        return Finding(False, f"database: cannot use {where}: {describe(exc)}")
    finally:
        await db.close()
    head = schema.head_revision()
    if current == head:
        return Finding(True, f"database: {place(url)} answers; schema at {head}, the newest")
    behind = f"database: {place(url)} answers; schema at {current or 'nothing'}, code needs {head}"
    if config.storage.auto_upgrade:
        return Finding(True, f"{behind}: `kuager run` upgrades it (storage.auto_upgrade)")
    return Finding(False, f"{behind}: run `kuager db upgrade`")


def _folder_exists(url: str) -> bool:
    path = sqlite_file(url)
    return path is not None and path.parent.is_dir()


async def telegram_finding(config: Config, tries: Backoff) -> Finding:
    telegram = config.telegram
    bot = Bot(
        telegram.token,
        base_url=telegram.api_base_url,
        base_file_url=telegram.file_base_url,
        request=AiohttpRequest(connection_pool_size=1),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    try:
        me = await reach_telegram(bot, config, tries)
    except Unreachable as exc:
        return Finding(False, f"telegram: {exc}")
    finally:
        await bot.shutdown()
    return Finding(
        True, f"telegram: {place(telegram.api_base_url)} answers; the token is @{me.username}"
    )
