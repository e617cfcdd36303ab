"""Talking HTTP to the Bot API through aiohttp instead of PTB's default httpx.

Every update costs Kuager about two Bot API calls, and under load the HTTP client was the
largest single cost of the bot's CPU: httpx and httpcore are pure Python, where aiohttp parses
HTTP in C (BENCHMARKS.md has the figures). `telegram.request.BaseRequest` is PTB's documented
place to swap the client; this follows the shape of ptbcontrib's `AiohttpRequest` (the PTB
team's own, not published on PyPI), with the timeouts mapped so a long poll is never cut short.
"""

from __future__ import annotations

import json
import time

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from handlers.services import Activity

_UNSET = BaseRequest.DEFAULT_NONE


class AiohttpRequest(BaseRequest):
    """A Bot API client over one aiohttp session with a bounded connection pool.

    Timeouts keep PTB's meaning: `connect` covers waiting for a pooled connection plus opening
    one, `read` each wait for response bytes (PTB adds the long-poll time itself). aiohttp has
    no write timeout, so a stalled upload is not cut short; Kuager uploads nothing to Telegram.
    """

    __slots__ = ("_activity", "_connect", "_pool", "_pool_size", "_read", "_session")

    def __init__(
        self,
        *,
        connection_pool_size: int,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        activity: Activity | None = None,
    ) -> None:
        """`activity`, when given, tallies each call's outcome for /metrics and /healthz."""
        self._activity = activity
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                timeout=aiohttp.ClientTimeout(total=None),
                # No cookies: the Bot API sets none, and a jar would be state kept for nothing.
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = _UNSET,
        write_timeout: float | object | None = _UNSET,
        connect_timeout: float | object | None = _UNSET,
        pool_timeout: float | object | None = _UNSET,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read if read_timeout is _UNSET else read_timeout
        connect = self._connect if connect_timeout is _UNSET else connect_timeout
        pool = self._pool if pool_timeout is _UNSET else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_sum(pool, connect),
            sock_connect=_seconds(connect),
            sock_read=_seconds(read),
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
            ) as response:
                body = await response.read()
        except TimeoutError as exc:
            self._tally(None)
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            self._tally(None)
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        self._tally(response.status)
        return response.status, body

    def _tally(self, status: int | None) -> None:
        if self._activity is not None:
            self._activity.telegram_call(status, time.monotonic())


def _body(request_data: RequestData | None) -> aiohttp.FormData | aiohttp.BytesPayload | None:
    """Parameters as Telegram accepts them: a JSON object, or multipart when files go up.

    JSON rather than url-encoding because urllib's quoting is pure Python and was a few per
    cent of the bot's CPU; json.dumps is C.
    """
    if request_data is None:
        return None
    if not request_data.contains_files:
        return aiohttp.BytesPayload(
            json.dumps(request_data.parameters).encode(), content_type="application/json"
        )
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, content_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _sum(first: object, second: object) -> float | None:
    a, b = _seconds(first), _seconds(second)
    return None if a is None or b is None else a + b
