"""A witness's hands, shared by both test tiers: send, type, press, and read the screen.

What "the bot is done with that" means differs by tier — the end-to-end harness waits for the
polling bot to go quiet, the fast tier feeds the queued updates to `process_update` — so each
tier supplies `settle`; everything a witness does and sees is the same in both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

from standin import ChatMessage, SimUser


class WitnessActions(ABC):
    """A simulated witness who, after each action, lets the bot finish answering it."""

    def __init__(self, user: SimUser) -> None:
        self.user = user

    @abstractmethod
    async def settle(self) -> None:
        """Return once the bot has handled everything the witness did so far."""

    async def command(self, command: str, args: str = "") -> None:
        await self.user.send_command(command, args)
        await self.settle()

    async def say(self, text: str) -> None:
        await self.user.send_text(text)
        await self.settle()

    async def tap(self, code: str) -> None:
        """Press the button that answers with this code, on the newest message showing one."""
        await self._press(
            lambda data: (
                data.split("|")[1] in ("a", "l", "c", "m", "o", "w")
                and data.rsplit("|", 1)[-1] == code
            ),
            code,
        )

    async def act(self, action: str, argument: str = "") -> None:
        """Press the newest button of an action (a `handlers.callbacks.Action` value)."""
        await self._press(lambda data: data.split("|")[1:] == [action, argument], action)

    async def _press(self, wanted: Callable[[str], bool], what: str) -> None:
        for message in reversed(self.user.bot_messages()):
            for row in message.button_data:
                for data in row:
                    if data is not None and wanted(data):
                        await self.user.press(data, message)
                        await self.settle()
                        return
        shown = [m.text[:80] for m in self.user.bot_messages()[-2:]]
        raise AssertionError(f"no button for {what!r}; last messages: {shown}")

    async def start(self, language: str, taps: Sequence[str] = ()) -> None:
        """Send /start, choose `language`, then press `taps`."""
        await self.command("/start")
        await self.tap(language)
        for code in taps:
            await self.tap(code)

    @property
    def screen(self) -> ChatMessage:
        return self.user.last_bot_message()

    def texts(self) -> list[str]:
        return [m.text for m in self.user.bot_messages()]


def answer_codes(message: ChatMessage) -> list[str]:
    """Codes of a question's answer buttons (not Back, Send or Change)."""
    return [
        data.split("|", 2)[2]
        for row in message.button_data
        for data in row
        if data is not None and data.split("|")[1] == "a"
    ]


async def hurry(witness: WitnessActions, text: str = "Коротко.", limit: int = 60) -> int:
    """Answer like a hurried witness until the review: skip what can be skipped, say "no" to
    "add more?", otherwise the first button or a short text. Returns the steps taken."""
    for step in range(limit):
        screen = witness.screen
        if any(d and d.split("|")[1] == "s" for row in screen.button_data for d in row):
            return step
        codes = answer_codes(screen)
        if "skipped" in codes:
            await witness.tap("skipped")
        elif "yes" in codes and "no" in codes:
            await witness.tap("no")
        elif "done" in codes and "✓" in " ".join(label for row in screen.buttons for label in row):
            await witness.tap("done")
        elif "today" in codes:
            await witness.tap("today")
        elif codes and codes != ["done"]:
            await witness.tap(codes[0])
        else:
            await witness.say(text)
    raise AssertionError("the review never came")
