"""The stand-in's flood limits: refused as Telegram refuses, and logged so tests need no clock.

A bot's pacing is only proven against limits that bite like Telegram's: the 429 body exactly
as Telegram sends it, a burst to one chat cut short, an early retry refused again.
"""

from __future__ import annotations

import json

import aiohttp
import pytest

from standin import BotApiStandin, FloodLimits, counts_against_limit
from standin._flood import FloodControl


async def post(standin: BotApiStandin, method: str, **params: object) -> tuple[int, object]:
    url = f"{standin.api_base_url}{standin.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as response:
        return response.status, json.loads(await response.read())


async def test_a_burst_to_one_chat_is_refused_with_telegrams_429_and_an_early_retry_again() -> None:
    limits = FloodLimits(overall_per_second=30, chat_per_second=1, chat_burst=2)
    async with BotApiStandin(flood_limits=limits) as standin:
        witness = standin.user()
        # Given two messages to one chat at once (the burst Telegram lets through)
        assert (await post(standin, "sendMessage", chat_id=witness.id, text="1"))[0] == 200
        assert (await post(standin, "sendMessage", chat_id=witness.id, text="2"))[0] == 200
        # When a third follows at once, and again without waiting
        refused = await post(standin, "sendMessage", chat_id=witness.id, text="3")
        again = await post(standin, "editMessageText", chat_id=witness.id, message_id=1, text="x")
        # Then Telegram's own answer, word for word; the early retry is refused and logged
        assert refused == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            },
        )
        assert again[0] == 429
        assert [r.verdict for r in standin.flood_log] == ["sent", "sent", "refused", "early"]
        # And what is not a message is not counted: "typing…", a delete
        typing = await post(standin, "sendChatAction", chat_id=witness.id, action="typing")
        deleted = await post(standin, "deleteMessage", chat_id=witness.id, message_id=1)
        assert (typing[0], deleted[0]) == (200, 200)
        assert len(standin.flood_log) == 4
        assert [m.text for m in witness.bot_messages()] == ["2"]


async def test_without_limits_nothing_is_refused_or_logged(standin: BotApiStandin) -> None:
    witness = standin.user()
    for n in range(10):
        assert (await post(standin, "sendMessage", chat_id=witness.id, text=str(n)))[0] == 200
    assert standin.flood_log == []


@pytest.mark.parametrize(
    ("method", "counted"),
    [
        ("sendMessage", True),
        ("sendPhoto", True),
        ("editMessageText", True),
        ("editMessageReplyMarkup", True),
        ("copyMessage", True),
        ("sendChatAction", False),
        ("answerCallbackQuery", False),
        ("deleteMessage", False),
        ("getUpdates", False),
    ],
)
def test_what_counts_as_a_message(method: str, counted: bool) -> None:
    assert counts_against_limit(method) is counted


def test_the_overall_limit_bans_every_chat_until_retry_after_is_over() -> None:
    control = FloodControl(FloodLimits(overall_per_second=2, chat_per_second=1, chat_burst=2))
    # Given the bot's whole second's worth sent to two chats at t=0
    assert control.admit("sendMessage", 1, 0.0) == 0
    assert control.admit("sendMessage", 2, 0.0) == 0
    # When a third chat is written to at once: refused for 1 s, and every chat with it
    assert control.admit("sendMessage", 3, 0.1) == 1
    assert control.admit("sendMessage", 4, 0.9) == 1
    # Then after the wait the bot may send again
    assert control.admit("sendMessage", 3, 1.2) == 0
    assert [r.verdict for r in control.log] == ["sent", "sent", "refused", "early", "sent"]


def test_a_chat_ban_holds_that_chat_only_and_groups_get_twenty_a_minute() -> None:
    control = FloodControl(FloodLimits(overall_per_second=30, chat_per_second=1, chat_burst=1))
    assert control.admit("sendMessage", 1, 0.0) == 0
    assert control.admit("sendMessage", 1, 0.2) == 1
    assert control.admit("sendMessage", 2, 0.3) == 0  # another chat is not held up
    assert control.admit("sendMessage", 1, 1.3) == 0
    assert control.admit("sendMessage", -100, 2.0) == 0
    assert control.admit("sendMessage", -100, 4.5) == 1  # one per 3 s in a group
    assert control.admit("sendMessage", -100, 5.6) == 0
