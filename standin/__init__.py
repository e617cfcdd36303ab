"""A loopback stand-in for the Telegram Bot API, so the real bot can run with no Telegram at all.

Witnesses may be in places where Telegram is blocked, and this machine reaches no Telegram server
either; yet the bot must be exercised exactly as it will run. The stand-in is a real HTTP server
on 127.0.0.1 that speaks enough of the Bot API for the unmodified python-telegram-bot
`Application` (long polling or `process_update`), keeps each chat as the witness's phone would
show it, and refuses what Telegram refuses with Telegram's own error texts — an unescaped `<` in a
witness's words, a message over 4096 characters, deleting after 48 hours — and, when given
`FloodLimits`, messages past Telegram's rates (429 with retry_after, `standin._flood`).

It serves the end-to-end tests, the offline `kuager demo` (a person plays the witness in a
terminal), benchmarks and fuzzing::

    async with BotApiStandin(token="123456:TEST") as standin:
        app = (ApplicationBuilder().token(standin.token)
               .base_url(standin.api_base_url).base_file_url(standin.file_base_url).build())
        witness = standin.user(first_name="Aigerim", language_code="kk")
        await witness.send_command("/start")
        reply, = await witness.wait_for_reply()

The fast handler tests skip the sockets: `InProcessRequest`, given to the Application as its
HTTP layer, hands each call straight to the stand-in's dispatch (see `standin._inprocess`).
"""

from standin._files import StoredFile
from standin._flood import FloodLimits, FloodRecord, TokenBucket, counts_against_limit
from standin._flood import chat_bucket as chat_bucket
from standin._flood import overall_bucket as overall_bucket
from standin._hold import HeldCall
from standin._html import HtmlParseError, ParsedText, parse_html
from standin._inprocess import InProcessRequest
from standin._model import ApiCall, CallbackAnswer, ChatMessage
from standin._server import BotApiStandin
from standin._signal import StandinTimeout
from standin._simulated import ButtonNotVisible, SimGroup, SimUser

__all__ = [
    "ApiCall",
    "BotApiStandin",
    "ButtonNotVisible",
    "CallbackAnswer",
    "ChatMessage",
    "FloodLimits",
    "FloodRecord",
    "HeldCall",
    "HtmlParseError",
    "InProcessRequest",
    "ParsedText",
    "SimGroup",
    "SimUser",
    "StandinTimeout",
    "StoredFile",
    "TokenBucket",
    "chat_bucket",
    "counts_against_limit",
    "overall_bucket",
    "parse_html",
]
