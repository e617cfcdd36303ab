"""Fixtures for end-to-end tests: the real bot over HTTP against the loopback Bot API stand-in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import pytest

from standin import BotApiStandin


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandin]:
    """A stand-in Bot API on a free loopback port, stopped after the test."""
    async with BotApiStandin(token="123456:TEST") as server:
        yield server


@pytest.fixture
def handler_errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """What the bot's one error handler logged so far (`handler_error kind=… at=…`)."""
    caplog.set_level(logging.ERROR, logger="handlers.errors")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "handlers.errors"]
