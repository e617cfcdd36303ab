"""Fixtures for end-to-end tests: the real bot over HTTP against the loopback Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from standin import BotApiStandin


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandin]:
    """A stand-in Bot API on a free loopback port, stopped after the test."""
    async with BotApiStandin(token="123456:TEST") as server:
        yield server
