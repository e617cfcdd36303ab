"""The one door every request to the desk passes: who may ask, from where, and what comes back.

The desk serves decrypted cases over HTTP on the reviewer's laptop, where other local programs
and every web page the reviewer's browser opens can also send requests to 127.0.0.1. So:
- the Host header must be exactly `127.0.0.1:PORT` (a page on evil.example whose name is
  rebound to 127.0.0.1 sends its own name and is refused);
- the browser proves it is the reviewer's by a session cookie (HttpOnly, SameSite=Strict) that
  only the one-time token printed in the terminal gives out, once;
- every state change is a POST carrying the session's CSRF token, from the desk's own Origin;
- every response forbids caching, sniffing, framing, inline script and anything from another
  origin (Content-Security-Policy), so a witness's text can never become code.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from handlers.i18n import DEFAULT_LANGUAGE, LANGUAGES

COOKIE = "kuager_desk"
CSRF_FIELD = "csrf"
LOOPBACK = "127.0.0.1"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not "no-referrer": under it Chromium sends `Origin: null` with our own forms, and the
    # Origin check would refuse them. No link leaves the desk anyway.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""On every response, errors included: decrypted pages must not land in a disk cache."""
PUBLIC_PATHS = ("/open/", "/static/")
"""Reachable without a session: the token exchange, and the stylesheet the refusal pages use."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Refused(Exception):
    """A request that did not come from the desk's own page (Host, Origin or CSRF wrong)."""


class NoSession(Exception):
    """A request without a valid session cookie."""


@dataclass
class DeskSession:
    """One browser's session: its CSRF token and the language it chose."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    lang: str = DEFAULT_LANGUAGE


class Gate:
    """The login token, the sessions it gave out, and the origin requests must come from."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.login_token: str | None = secrets.token_urlsafe(32)
        self.sessions: dict[str, DeskSession] = {}
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self.port = 0

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def login_url(self) -> str:
        assert self.login_token is not None, "the login link was used already"
        return f"{self.origin}/open/{self.login_token}"

    def exchange(self, token: str) -> str | None:
        """A new session id for the one-time token, or None; the token works once."""
        expected = self.login_token
        if expected is None or not hmac.compare_digest(token.encode(), expected.encode()):
            return None
        self.login_token = None
        session_id = secrets.token_urlsafe(32)
        self.sessions[session_id] = DeskSession(lang=self.lang)
        return session_id

    def session_of(self, request: web.Request) -> DeskSession:
        session_id = request.cookies.get(COOKIE, "")
        for known, session in self.sessions.items():
            if hmac.compare_digest(known.encode(), session_id.encode()):
                return session
        raise NoSession

    def check_host(self, request: web.Request) -> None:
        if request.headers.get("Host") != f"{LOOPBACK}:{self.port}":
            raise Refused("host")

    async def check_change(self, request: web.Request, session: DeskSession) -> None:
        """A POST must come from our Origin and carry this session's CSRF token."""
        if request.headers.get("Origin") != self.origin:
            raise Refused("origin")
        form = await request.post()
        given = form.get(CSRF_FIELD)
        if not isinstance(given, str) or not hmac.compare_digest(
            given.encode(), session.csrf.encode()
        ):
            raise Refused("csrf")


def set_session_cookie(response: web.StreamResponse, session_id: str) -> None:
    # No Max-Age: a session cookie, gone when the browser closes; not Secure, as the desk is
    # plain HTTP on loopback, which browsers treat as a secure context.
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="Strict", path="/")


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare`: runs for every response, the error pages aiohttp makes too."""
    response.headers.update(SECURITY_HEADERS)
