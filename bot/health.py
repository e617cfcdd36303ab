"""The optional health and metrics listener (`[health] listen`): is the bot alive, how busy.

`/healthz` answers 200 when the bot takes in updates (a long poll Telegram answered lately,
or a webhook server running) and reaches the database, 503 otherwise, with a small JSON body
saying which part fails. `/metrics` is the Prometheus text format.

Every figure is a count, a size or a time: never a user id, an answer, a case id or a form's
content (tests/e2e/test_health.py scrapes it during a conversation full of canaries). It
listens on loopback by default; anyone who reaches it learns how busy the bot is, so expose
it only to the monitoring that needs it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.reaching import describe
from handlers.context import KuagerApplication
from handlers.services import Services
from storage.database import StorageUnavailable
from storage.models import Draft

logger = logging.getLogger(__name__)
POLL_STALE_SECONDS = 60.0
"""A working long poll hears from Telegram at least every poll timeout (10 s); six of those
without an answer means the bot no longer takes in updates."""
DATABASE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Snapshot:
    """What /healthz and /metrics report, read at one moment: figures only."""

    mode: str
    """"polling" or "webhook"."""
    receiving: bool
    """Polling and heard from Telegram lately, or the webhook server is running."""
    database_up: bool
    database_seconds: float | None
    """How long the database took to count the open drafts; None when it did not answer."""
    drafts_open: int | None
    updates_handled: int
    cases_sealed: int
    telegram_errors: int
    telegram_429s: int
    queue_depth: int
    """Updates taken in and not yet finished (waiting in PTB's queue or for a witness's turn)."""

    @property
    def healthy(self) -> bool:
        return self.receiving and self.database_up


def health_body(snapshot: Snapshot) -> tuple[int, dict[str, str]]:
    """The /healthz status code and JSON body."""
    body = {
        "status": "ok" if snapshot.healthy else "failing",
        "telegram": snapshot.mode if snapshot.receiving else "not receiving",
        "database": "ok" if snapshot.database_up else "unreachable",
    }
    code = HTTPStatus.OK if snapshot.healthy else HTTPStatus.SERVICE_UNAVAILABLE
    return int(code), body


class SnapshotCollector(Collector):
    """The snapshot as Prometheus metric families, all without labels."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        counters = (
            ("kuager_updates_handled", "Updates taken in from Telegram", s.updates_handled),
            ("kuager_cases_sealed", "Reports sealed and stored", s.cases_sealed),
            ("kuager_telegram_errors", "Bot API calls that failed (not 429)", s.telegram_errors),
            ("kuager_telegram_rate_limited", "Bot API calls refused with 429", s.telegram_429s),
        )
        for name, documentation, value in counters:
            yield CounterMetricFamily(name, documentation, value=value)
        gauges: tuple[tuple[str, str, float | None], ...] = (
            ("kuager_receiving_updates", "1 while updates arrive", float(s.receiving)),
            ("kuager_database_up", "1 while the database answers", float(s.database_up)),
            ("kuager_database_latency_seconds", "Time to count open drafts", s.database_seconds),
            ("kuager_drafts_open", "Unfinished reports stored", s.drafts_open),
            ("kuager_queue_depth", "Updates taken in and not yet finished", s.queue_depth),
        )
        for name, documentation, number in gauges:
            if number is not None:
                yield GaugeMetricFamily(name, documentation, value=number)


def exposition(snapshot: Snapshot) -> bytes:
    """The /metrics body (Prometheus text format 0.0.4)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return generate_latest(registry)


async def take_snapshot(application: KuagerApplication, services: Services, mode: str) -> Snapshot:
    """Read the figures now: one small query tells whether and how fast the database answers."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), services.db.reading() as session:
            drafts: int | None = (
                await session.execute(select(func.count()).select_from(Draft))
            ).scalar_one()
        seconds: float | None = time.perf_counter() - started
    except (StorageUnavailable, TimeoutError):
        drafts, seconds = None, None
    activity = services.activity
    updater = application.updater
    running = updater is not None and updater.running
    if mode == "polling":
        heard = activity.telegram_answered_at
        running = running and heard is not None and time.monotonic() - heard < POLL_STALE_SECONDS
    return Snapshot(
        mode=mode,
        receiving=running,
        database_up=seconds is not None,
        database_seconds=seconds,
        drafts_open=drafts,
        updates_handled=activity.updates_handled,
        cases_sealed=activity.cases_sealed,
        telegram_errors=activity.telegram_errors,
        telegram_429s=activity.telegram_429s,
        queue_depth=application.update_queue.qsize()
        + application.update_processor.current_concurrent_updates,
    )


class HealthListener:
    """The aiohttp server behind `[health] listen`, on the bot's own event loop."""

    def __init__(
        self, application: KuagerApplication, services: Services, mode: str, host: str, port: int
    ) -> None:
        self.application = application
        self.services = services
        self.mode = mode
        self.host, self.port = host, port
        server = web.Application()
        server.router.add_get("/healthz", self._healthz)
        server.router.add_get("/metrics", self._metrics)
        # No access log: it would record who scrapes and when, which nobody here needs.
        self.runner = web.AppRunner(server, access_log=None)

    async def start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, self.host, self.port).start()
        logger.info("health_listening port=%d", self.port)

    async def stop(self) -> None:
        await self.runner.cleanup()

    async def _snapshot(self) -> Snapshot:
        return await take_snapshot(self.application, self.services, self.mode)

    async def _healthz(self, request: web.Request) -> web.Response:
        code, body = health_body(await self._snapshot())
        return web.Response(status=code, text=json.dumps(body), content_type="application/json")

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=exposition(await self._snapshot()),
            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
        )


def probe(host: str, port: int, timeout: float = 5.0) -> tuple[bool, str]:
    """Ask a running listener's /healthz (`kuager health`, the image's HEALTHCHECK): healthy or
    not, and its answer in one line. Blocking: it runs alone, not beside the bot."""
    if host in ("0.0.0.0", "::"):  # noqa: S104 - listening everywhere; ask over loopback
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"  # noqa: S104
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return True, response.read().decode()
    except urllib.error.HTTPError as exc:
        return False, exc.read().decode()
    except OSError as exc:
        return False, f"kuager: no answer from {url}: {describe(exc)}"
