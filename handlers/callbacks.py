"""Callback data of inline buttons: what a press means, and whether it is still current.

Every button carries the session's ticket at the time it was shown. A press with another
ticket is a button from an older message (or crafted data): it is refused with a notice and
the current question is shown again — never applied to whatever question is current now.
Telegram limits callback data to 64 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64


class Action(StrEnum):
    LANGUAGE = "l"
    CONSENT = "c"
    MENU = "m"
    ANSWER = "a"
    BACK = "b"
    EDIT = "e"
    SEND = "s"
    CANCEL = "x"
    OFFER = "o"
    WIPE = "w"
    FOLLOWUP = "f"
    SHOW = "v"
    """Send one answer of the review whole (the review shows long ones cut)."""


@dataclass(frozen=True)
class Press:
    ticket: int
    action: Action
    argument: str


class ForgedPress(ValueError):
    """Callback data we did not write."""


def encode(ticket: int, action: Action, argument: str = "") -> str:
    data = f"{ticket:x}|{action.value}|{argument}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Press:
    if not data or len(data.encode()) > MAX_BYTES:
        raise ForgedPress("empty or oversized callback data")
    parts = data.split("|", 2)
    if len(parts) != 3:
        raise ForgedPress("malformed callback data")
    try:
        return Press(int(parts[0], 16), Action(parts[1]), parts[2])
    except ValueError:
        raise ForgedPress("malformed callback data") from None
