"""The desk's aiohttp application: the door middleware, templates, and the route table.

`make_app(desk)` is what `kuager desk` serves and what tests serve on a free loopback port;
the routes below are the whole surface a browser can reach. Handlers live in `pages` and stay
thin: they read the request, ask the vault or the casebook, and render a template.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.desk import words as w
from bot.desk.guard import (
    PUBLIC_PATHS,
    DeskSession,
    Gate,
    Handler,
    NoSession,
    Refused,
    add_security_headers,
)
from bot.desk.vault import Locked, Vault
from handlers.forms import REVIEW_LABELS
from handlers.i18n import LANGUAGES, _, language

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
"""Each language named in itself, as the bot's language buttons do: never translated."""


def templates() -> Environment:
    """Jinja2 with autoescape on for every template: a witness's text is always text."""
    env = Environment(
        loader=PackageLoader("bot.desk", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        _=_,
        w=w,
        REVIEW_LABELS=REVIEW_LABELS,
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )
    return env


@dataclass
class Desk:
    """Everything the pages need: the door, the key and its cases, the templates."""

    gate: Gate
    vault: Vault
    env: Environment = field(default_factory=templates)


DESK = web.AppKey("desk", Desk)
SESSION_KEY = web.RequestKey("session", DeskSession)


def session_of(request: web.Request) -> DeskSession | None:
    return request.get(SESSION_KEY)


def lang_of(request: web.Request) -> str:
    session = session_of(request)
    return session.lang if session else request.app[DESK].gate.lang


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    """A page in the session's language (the desk's default before a session exists)."""
    desk = request.app[DESK]
    session, lang = session_of(request), lang_of(request)
    with language(lang):
        body = desk.env.get_template(template).render(
            lang=lang, session=session, back=request.path_qs, **values
        )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def message(request: web.Request, title: str, text: str, status: int) -> web.Response:
    return render(request, "message.html", status=status, title=title, text=text)


@web.middleware
async def door(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Host, session, Origin and CSRF, then the idle lock — in that order, for every request."""
    desk = request.app[DESK]
    try:
        desk.gate.check_host(request)
        if request.path.startswith(PUBLIC_PATHS) and request.method in ("GET", "HEAD"):
            return await handler(request)
        session = desk.gate.session_of(request)
        request[SESSION_KEY] = session
        if request.method == "POST":
            await desk.gate.check_change(request, session)
        elif request.method not in ("GET", "HEAD"):
            raise Refused(request.method)
        desk.vault.touch()
        return await handler(request)
    except Refused:
        with language(lang_of(request)):
            return message(request, _(w.REFUSED_TITLE), _(w.REFUSED_TEXT), 403)
    except NoSession:
        with language(lang_of(request)):
            return message(request, _(w.NO_SESSION_TITLE), _(w.NO_SESSION_TEXT), 403)
    except Locked:
        minutes = max(1, math.ceil(desk.vault.idle_seconds / 60))
        with language(lang_of(request)):
            return message(request, _(w.LOCKED_TITLE), w.locked_text(minutes), 423)


def make_app(desk: Desk) -> web.Application:
    """The desk's web application; serve it on 127.0.0.1 and set `desk.gate.port`."""
    from bot.desk import casework_forms, documents, pages

    app = web.Application(middlewares=[door], client_max_size=64 * 1024)
    app[DESK] = desk
    app.on_response_prepare.append(add_security_headers)
    app.cleanup_ctx.append(_watch_idle)
    for module in (pages, casework_forms, documents):
        app.add_routes(module.routes)
    return app


async def _watch_idle(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(app[DESK].vault.watch())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
