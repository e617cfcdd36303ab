"""The stand-in's HTTP face: `/bot<token>/<method>` and `/file/bot<token>/<path>` on 127.0.0.1.

The real python-telegram-bot talks to it unchanged (`base_url` / `base_file_url`), so the code
under test is the code that will run against Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import telegram
from aiohttp import web
from telegram import Update
from telegram.ext import Application

from standin._files import StoredFile
from standin._flood import FloodControl, FloodLimits, FloodRecord, counts_against_limit
from standin._hold import HeldCall
from standin._methods_bot import BOT_METHODS
from standin._methods_messages import MESSAGE_METHODS
from standin._model import ApiCall, CallbackAnswer
from standin._params import ApiError, Params, Upload, decode_form_value
from standin._signal import StandinTimeout
from standin._simulated import SimGroup, SimUser
from standin._world import World

logger = logging.getLogger(__name__)

# Bots may upload files up to 50 MB; a little more leaves room for the multipart envelope.
_UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024 + 64 * 1024

_METHODS = {**BOT_METHODS, **MESSAGE_METHODS}
# Telegram method names are case-insensitive. Real methods the stand-in does not model succeed
# with `true` and land in `unexpected_calls`; names Telegram does not have get 404.
_CANONICAL = {
    name.lower(): name
    for name in itertools.chain(
        (n for n in dir(telegram.Bot) if n[:1].islower() and n != n.lower()), _METHODS
    )
}
_UNAUTHORIZED = ApiError(401, "Unauthorized")
_NOT_FOUND = ApiError(404, "Not Found")


def _json_response(status: int, body: object) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode(),
        content_type="application/json",
    )


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string and body (form, multipart or JSON) as one dict of typed values."""
    params: dict[str, Any] = {k: decode_form_value(k, v) for k, v in request.query.items()}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON body") from None
        if isinstance(body, dict):
            params.update(body)
        return params
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            params[name] = Upload(value.file.read(), value.filename, value.content_type)
        else:
            text = value.decode() if isinstance(value, bytes | bytearray) else value
            params[name] = decode_form_value(name, text)
    return params


class BotApiStandin:
    """A loopback Telegram Bot API for tests, the offline demo and benchmarks.

    Start it, point an Application at `api_base_url` / `file_base_url`, then act as people
    (`user()`, `group()`) and read what their screens show.
    """

    def __init__(
        self,
        token: str = "123456:TEST",  # noqa: S107  # a made-up token, the stand-in's default
        *,
        bot_username: str = "kuager_test_bot",
        bot_name: str = "Kuager",
        host: str = "127.0.0.1",
        port: int = 0,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        """`flood_limits`: refuse messages past Telegram's rates with 429, as Telegram does
        (`standin._flood`); None (the default) lets any number through."""
        self._world = World(token, bot_username, bot_name)
        self._flood = None if flood_limits is None else FloodControl(flood_limits)
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._next_user_id = itertools.count(1_000_001)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on `host:port` (port 0: any free port)."""
        app = web.Application(client_max_size=_UPLOAD_LIMIT_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a poll whose bot hung up ends with it, as on Telegram.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """End waiting long polls at once and close the server."""
        self._world.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiStandin:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def api_base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`; PTB appends the token."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def file_base_url(self) -> str:
        """For `ApplicationBuilder().base_file_url(...)`."""
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def token(self) -> str:
        return self._world.token

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own `User` object (what getMe returns, minus capabilities)."""
        return self._world.bot_user

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        status, body = await self.answer_call(
            request.match_info["token"], request.match_info["method"], lambda: _read_params(request)
        )
        return _json_response(status, body)

    async def answer_call(
        self, token: str, method_name: str, read_params: Callable[[], Awaitable[dict[str, Any]]]
    ) -> tuple[int, dict[str, Any]]:
        """One Bot API call, by whatever route it came: the HTTP status and the JSON body.

        The HTTP face and the in-process request (`InProcessRequest`) both answer through
        here, so a handler test sees the same refusals, injected failures and call log as an
        end-to-end test.
        """
        world = self._world
        if token != world.token:
            return 401, _UNAUTHORIZED.to_dict()
        method = _CANONICAL.get(method_name.lower())
        if method is None:
            return 404, _NOT_FOUND.to_dict()
        counted = method != "getUpdates"  # a long poll waiting is not the bot being busy
        if counted:
            world.in_flight += 1
        call = ApiCall(method, {})
        try:
            call = ApiCall(method, await read_params())
            status, body = 200, {"ok": True, "result": await self._call(call)}
        except web.HTTPRequestEntityTooLarge:
            status, body = 413, ApiError(413, "Request Entity Too Large").to_dict()
        except ApiError as exc:
            world.failures.append((call, exc.description))
            status, body = exc.error_code, exc.to_dict()
        except Exception:
            # A stand-in bug, not a Telegram refusal: answer 500 so the test fails loudly.
            logger.exception("standin_method_crashed method=%s", method)
            world.failures.append((call, "stand-in crashed"))
            status, body = 500, ApiError(500, "Internal Server Error").to_dict()
        finally:
            if counted:
                world.in_flight -= 1
            world.activity.fire()
        return status, body

    async def _call(self, call: ApiCall) -> Any:
        world = self._world
        if call.method != "getUpdates":  # polls are counted, not logged: benchmarks make many
            world.calls.append(call)
        held = world.held.get(call.method.lower())
        if held and not await held.pop(0).hold():
            raise ApiError(502, "Bad Gateway")  # never reached Telegram
        injected = world.take_injected(call.method)
        if injected is not None:
            raise injected
        if self._flood is not None and counts_against_limit(call.method):
            chat = world.find_chat(call.params.get("chat_id"))
            now = time.monotonic()
            retry_after = self._flood.admit(call.method, chat.id if chat else None, now)
            if retry_after:
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        handler = _METHODS.get(call.method)
        if handler is None:
            world.unexpected_calls.append(call)
            return True
        return await handler(world, Params(call.params))

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self.file_for(request.match_info["token"], request.match_info["path"])
        if isinstance(stored, ApiError):
            return _json_response(stored.error_code, stored.to_dict())
        mime_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=mime_type)

    def file_for(self, token: str, path: str) -> StoredFile | ApiError:
        """The file a download URL names, or the refusal its download gets."""
        if token != self._world.token:
            return _UNAUTHORIZED
        stored = self._world.files.at_path(path)
        return _NOT_FOUND if stored is None else stored

    # -- people ----------------------------------------------------------------------------

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Witness",
        language_code: str | None = "ru",
        *,
        last_name: str | None = None,
        username: str | None = None,
    ) -> SimUser:
        """A person with a private chat with the bot (as if they had opened it)."""
        user: dict[str, Any] = {
            "id": user_id if user_id is not None else next(self._next_user_id),
            "is_bot": False,
            "first_name": first_name,
        }
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({k: v for k, v in optional.items() if v is not None})
        return SimUser(self._world, user)

    def group(self, chat_id: int, title: str, *, bot_is_admin: bool = False) -> SimGroup:
        """A group the bot is a member of (a supergroup when the id starts with -100)."""
        group = SimGroup(self._world, chat_id, title)
        group.bot_is_admin = bot_is_admin
        return group

    async def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any raw update (channel posts, chat_member, …); returns it with its update_id."""
        return self._world.updates.push(update)

    def take_updates(self) -> list[dict[str, Any]]:
        """Take every queued update, for bots fed by `Application.process_update`."""
        return self._world.updates.take_all()

    async def deliver(self, application: Application[Any, Any, Any, Any, Any, Any]) -> int:
        """Feed every queued update to `application.process_update`; returns how many."""
        updates = self.take_updates()
        for raw in updates:
            await application.process_update(Update.de_json(raw, application.bot))
        return len(updates)

    # -- what the bot did ------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API call except getUpdates, in order, with decoded parameters."""
        return self._world.calls

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The parameters of each call to `method` (e.g. "sendMessage")."""
        return [call.params for call in self._world.calls if call.method == method]

    @property
    def flood_log(self) -> list[FloodRecord]:
        """Every call counted against the flood limits, in order, with its verdict: `sent`,
        `refused` (over a limit: 429), or `early` (its retry_after was still running).
        Empty when the stand-in enforces no limits."""
        return [] if self._flood is None else self._flood.log

    @property
    def unexpected_calls(self) -> list[ApiCall]:
        """Calls to real Bot API methods the stand-in does not model (answered `true`)."""
        return self._world.unexpected_calls

    @property
    def failed_calls(self) -> list[tuple[ApiCall, str]]:
        """Calls refused with an error, with the description the bot got."""
        return self._world.failures

    @property
    def polls(self) -> int:
        """How many getUpdates requests the bot made."""
        return self._world.updates.polls

    @property
    def callback_answers(self) -> dict[str, CallbackAnswer]:
        """answerCallbackQuery results by callback query id (as returned by `press`)."""
        return self._world.callback_answers

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """setMyCommands lists by (scope key, language_code); scope key "default", "chat:42"…"""
        return self._world.commands

    def commands_for(self, language_code: str = "", scope: str = "default") -> dict[str, str]:
        """The command menu a person with this language sees: {command: description}."""
        listed = self._world.commands.get((scope, language_code), [])
        return {c["command"]: c["description"] for c in listed}

    @property
    def left_chats(self) -> list[int]:
        """Chats the bot left with leaveChat, in order."""
        return self._world.left_chats

    @property
    def webhook_url(self) -> str:
        return str(self._world.webhook["url"])

    def file_bytes(self, file_id: str) -> bytes:
        """The content of a file the bot sent or received."""
        stored = self._world.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109  # every wait is bounded, so no test hangs
    ) -> ApiCall:
        """The first call to `method` (whose params satisfy `where`), waiting for it if needed."""

        def found() -> ApiCall | None:
            return next(
                (
                    c
                    for c in self._world.calls
                    if c.method == method and (not where or where(c.params))
                ),
                None,
            )

        await self._world.activity.expect(
            lambda: found() is not None,
            timeout,
            lambda: f"no {method} call within {timeout}s; calls: {[c.method for c in self.calls]}",
        )
        call = found()
        assert call is not None  # just checked by expect()
        return call

    async def wait_idle(
        self,
        quiet: float = 0.05,
        timeout: float = 10.0,  # noqa: ASYNC109  # every wait is bounded, so no test hangs
    ) -> None:
        """Wait until every update was fetched and confirmed, no call is in flight, and the bot
        made no call for `quiet` seconds. A heuristic: the stand-in cannot see the bot think."""
        world = self._world
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout

        def settled() -> bool:
            return len(world.updates) == 0 and world.in_flight == 0

        def busy_message() -> str:
            return f"the bot was still busy after {timeout}s"

        while (remaining := deadline - loop.time()) > 0:
            await world.activity.expect(settled, remaining, busy_message)
            calls_before = len(world.calls)

            def disturbed(before: int = calls_before) -> bool:
                return len(world.calls) != before or not settled()

            quiet_left = min(quiet, max(deadline - loop.time(), 0))
            if not await world.activity.wait_until(disturbed, quiet_left) and settled():
                return
        raise StandinTimeout(busy_message())

    # -- bending reality -------------------------------------------------------------------

    def advance_clock(self, seconds: float) -> None:
        """Move the stand-in's clock forward: new messages are dated later, old ones age."""
        self._world.clock_offset += seconds

    def age_messages(self, chat_id: int, seconds: float) -> None:
        """Make every message in one chat `seconds` older."""
        self._world.age_messages(chat_id, seconds)

    def hold_next(self, method: str) -> HeldCall:
        """Hold the next call to `method` until the test releases it: to stop the bot at an
        exact point of a turn (`standin._hold`)."""
        held = HeldCall(method)
        self._world.held.setdefault(method.lower(), []).append(held)
        return held

    def fail_next(
        self,
        method: str,
        description: str,
        *,
        error_code: int = 400,
        retry_after: int | None = None,
    ) -> None:
        """Make the next call to `method` fail, e.g. a flood wait:
        `fail_next("sendMessage", "Too Many Requests: retry after 3", error_code=429,
        retry_after=3)`. Calls stack: two fail_next make two failures."""
        error = ApiError(error_code, description, retry_after)
        self._world.injected.setdefault(method.lower(), []).append(error)
