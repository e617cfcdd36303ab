"""Kuager's Bot API client (aiohttp) against the stand-in: what arrives, what fails, and how."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import NetworkError, TimedOut

from bot.transport import AiohttpRequest
from standin import BotApiStandin


@asynccontextmanager
async def client(
    standin: BotApiStandin, base_url: str | None = None, read_timeout: float = 5.0
) -> AsyncIterator[Bot]:
    bot = Bot(
        standin.token,
        base_url=base_url or standin.api_base_url,
        base_file_url=standin.file_base_url,
        request=AiohttpRequest(connection_pool_size=2, read_timeout=read_timeout),
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=read_timeout),
    )
    async with bot:
        yield bot


async def test_a_message_with_buttons_arrives_as_sent(standin: BotApiStandin) -> None:
    witness = standin.user(first_name="Witness")
    async with client(standin) as bot:
        sent = await bot.send_message(
            witness.id,
            "Айгүл & <b>Ерлан</b> 🙂",
            parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Иә", callback_data="7|a|yes")]]
            ),
        )
    shown = witness.last_bot_message()
    assert shown.message_id == sent.message_id
    assert shown.text == "Айгүл & Ерлан 🙂"
    assert shown.button_data == [["7|a|yes"]]


async def test_a_file_goes_up_and_comes_back_byte_for_byte(standin: BotApiStandin) -> None:
    witness = standin.user(first_name="Witness")
    payload = bytes(range(256)) * 300
    async with client(standin) as bot:
        sent = await bot.send_document(witness.id, payload, filename="evidence.bin")
        assert sent.document is not None
        file = await bot.get_file(sent.document.file_id)
        assert bytes(await file.download_as_bytearray()) == payload


async def test_a_long_poll_outlasts_the_read_timeout(standin: BotApiStandin) -> None:
    """PTB adds the poll's own wait to the read timeout; the client must honour the sum."""
    async with client(standin, read_timeout=0.2) as bot:
        assert await bot.get_updates(timeout=1) == ()


async def test_nobody_listening_is_a_network_error(standin: BotApiStandin) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError):
        async with client(standin, base_url=f"http://127.0.0.1:{port}/bot"):
            pass


async def test_a_server_that_never_answers_is_a_timeout(standin: BotApiStandin) -> None:
    held: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(TimedOut):
            async with client(standin, f"http://127.0.0.1:{port}/bot", read_timeout=0.2):
                pass
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
