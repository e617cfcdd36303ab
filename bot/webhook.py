"""The webhook's door: Telegram's secret header, checked in constant time before an update enters.

With a webhook, the secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` is all that
stands between anyone who reaches the port and a forged update in any witness's name.
python-telegram-bot 22's handler (`telegram/ext/_utils/webhookhandler.py`) compares it with
`!=`, which stops at the first differing character: by timing refusals an attacker can learn
the secret one character at a time.

PTB has no public parameter for the request handler: `Updater.start_webhook` builds its
Tornado application itself, and that application names `TelegramHandler` directly. So for as
long as `run_webhook` runs, `secret_checked_in_constant_time()` puts our subclass under that
name: PTB's routes, its update parsing and its whole run loop (signals, `post_init`, setWebhook
with retries, a graceful stop) stay as they are, only the check changes. The road PTB documents
for custom servers — `updater(None)` and a web server of our own — would have us rewrite that
run loop instead. PTB is pinned below 23, and tests/e2e/test_running.py fails if an upgrade
moves the names this relies on.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus

import tornado.web
from telegram.ext._utils import webhookhandler

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret


class SecretCheckingHandler(webhookhandler.TelegramHandler):
    """PTB's webhook handler, with the secret compared in constant time and one answer to refusals.

    Every refusal is the same bare 403, so a prober does not learn whether the header was
    missing, wrong, or the body not JSON. Without a secret it refuses everything: `kuager run`
    never starts a webhook without one, and this door does not trust that alone.
    """

    def _validate_post(self) -> None:
        headers = self.request.headers
        expected = self.secret_token
        sent = headers.get(SECRET_HEADER, "")
        # Both sides as bytes: compare_digest rejects str holding non-ASCII characters, and a
        # header may carry any byte (Tornado decodes headers as Latin-1).
        if (
            headers.get("Content-Type") != "application/json"
            or not expected
            or not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))
        ):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)


@contextmanager
def secret_checked_in_constant_time() -> Iterator[None]:
    """While inside, every webhook application PTB builds serves updates through our handler."""
    original = webhookhandler.TelegramHandler
    # mypy forbids assigning to a class name; putting our subclass there is the point.
    webhookhandler.TelegramHandler = SecretCheckingHandler  # type: ignore[misc]
    try:
        yield
    finally:
        webhookhandler.TelegramHandler = original  # type: ignore[misc]
