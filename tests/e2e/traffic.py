"""Traffic for the load and fuzz tests: a crowd of witnesses, and a storm of random acts.

A crowd (`Pilot`, `ChatWatch`): `Witness.settle()` waits until the whole bot is idle, which
turns a crowd into a queue. Here one scanner task reads the stand-in's call log and wakes only
the chat each call was for, so a thousand waiting witnesses cost one poll every few
milliseconds. An action is done when the witness can see it was: a pressed button is answered
(the bot answers a press last, after every message it sends for it), and a message in a form
is answered by a screen with fresh buttons (each screen carries a higher ticket).

A storm (`Storm`): acts drawn by the fuzz test, played by 200 witnesses, group members and
channels, resolved against what each witness's screen shows at that moment.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import Any, Literal

from standin import BotApiStandin, ChatMessage, SimGroup, SimUser
from tests.e2e.harness import answer_codes

BACKSTOP = 0.5
"""Seconds a waiter sleeps at most before re-checking on its own, should a wake be missed."""


def buttons(message: ChatMessage) -> list[str]:
    """The callback data of a message's inline buttons, row by row."""
    return [data for row in message.button_data for data in row if data]


def ticket_of(data: str | None) -> int | None:
    """The session ticket a button carries (`handlers.callbacks`), None for foreign data."""
    head = (data or "").split("|", 1)[0]
    try:
        return int(head, 16)
    except ValueError:
        return None


def newest_ticket(user: SimUser) -> int:
    """The highest ticket on any button the witness sees (-1 before the first screen)."""
    tickets = [ticket_of(data) for message in user.bot_messages() for data in buttons(message)]
    return max((t for t in tickets if t is not None), default=-1)


def prompt_of(user: SimUser) -> ChatMessage | None:
    """The newest bot message with buttons: the question the witness would answer."""
    return next((m for m in reversed(user.bot_messages()) if buttons(m)), None)


def action_of(data: str) -> str:
    parts = data.split("|")
    return parts[1] if len(parts) > 1 else ""


class ChatWatch:
    """Wakes the driver of one chat whenever the bot makes a call for that chat."""

    def __init__(self, standin: BotApiStandin, poll: float = 0.005) -> None:
        self._standin = standin
        self._poll = poll
        self._read = 0
        self._queries: dict[str, int] = {}
        self._waiters: dict[int, list[asyncio.Event]] = {}
        self._recent: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> ChatWatch:
        self._task = asyncio.create_task(self._scan())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def pressed(self, query_id: str, chat_id: int) -> None:
        """Route the bot's answer to this callback query to its chat."""
        self._queries[query_id] = chat_id

    async def _scan(self) -> None:
        while True:
            calls = self._standin.calls
            touched: set[int] = set()
            for call in calls[self._read :]:
                chat = self._chat_of(call.params)
                if chat is not None:
                    touched.add(chat)
            self._read = len(calls)
            # Chats touched by the previous scan too: a call is logged just before it applies.
            for chat in touched | self._recent:
                for event in self._waiters.pop(chat, []):
                    event.set()
            self._recent = touched
            await asyncio.sleep(self._poll)

    def _chat_of(self, params: dict[str, Any]) -> int | None:
        if "callback_query_id" in params:
            return self._queries.get(str(params["callback_query_id"]))
        try:
            return int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            return None

    async def until(
        self,
        chat_id: int,
        condition: Callable[[], bool],
        what: str,
        timeout: float = 90.0,  # noqa: ASYNC109  # every wait is bounded, so no test hangs
    ) -> None:
        """Wait until `condition()` holds for this chat; AssertionError after `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"chat {chat_id}: no {what} within {timeout}s")
            event = asyncio.Event()
            self._waiters.setdefault(chat_id, []).append(event)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(remaining, BACKSTOP)):
                    await event.wait()


@dataclass(frozen=True)
class Move:
    """What a hurried witness does next on a screen."""

    kind: Literal["tap", "send", "say"]
    code: str = ""


def hurried_move(screen: ChatMessage) -> Move:
    """`harness.hurry`'s choice, as a value: skip what can be skipped, say "no" to "add
    more?", otherwise the first button or a short text; Send once the review shows."""
    if any(action_of(data) == "s" for data in buttons(screen)):
        return Move("send")
    codes = answer_codes(screen)
    labels = " ".join(label for row in screen.buttons for label in row)
    if "skipped" in codes:
        return Move("tap", "skipped")
    if "yes" in codes and "no" in codes:
        return Move("tap", "no")
    if "done" in codes and "✓" in labels:
        return Move("tap", "done")
    if "today" in codes:
        return Move("tap", "today")
    if codes and codes != ["done"]:
        return Move("tap", codes[0])
    return Move("say")


@dataclass
class Pilot:
    """A witness driven at the same time as others: each action waits for this chat only."""

    standin: BotApiStandin
    watch: ChatWatch
    user: SimUser
    latencies: list[float] = field(default_factory=list)
    """Seconds from each action to the reply it needed, in order."""

    @property
    def screen(self) -> ChatMessage:
        return self.user.last_bot_message()

    def texts(self) -> list[str]:
        return [m.text for m in self.user.bot_messages()]

    async def command(self, command: str, args: str = "") -> None:
        before, started = newest_ticket(self.user), time.perf_counter()
        await self.user.send_command(command, args)
        await self._fresh_buttons(before, started, command)

    async def say(self, text: str) -> None:
        before, started = newest_ticket(self.user), time.perf_counter()
        await self.user.send_text(text)
        await self._fresh_buttons(before, started, "answer to a text")

    async def tap(self, code: str) -> None:
        """Press the answer (or language, consent, menu, offer, wipe) button with this code."""
        await self._press(
            lambda d: action_of(d) in ("a", "l", "c", "m", "o", "w") and d.endswith(f"|{code}"),
            code,
        )

    async def act(self, action: str, argument: str = "") -> None:
        await self._press(lambda d: d.split("|")[1:] == [action, argument], action)

    async def answer(self, text: str) -> bool:
        """Answer the question on screen like a hurried witness; False on the review."""
        move = hurried_move(self.screen)
        if move.kind == "tap":
            await self.tap(move.code)
        elif move.kind == "say":
            await self.say(text)
        return move.kind != "send"

    async def hurry(self, text: str, limit: int = 60) -> int:
        """Answer like a hurried witness up to the review; returns the steps taken."""
        for step in range(limit):
            if not await self.answer(text):
                return step
        raise AssertionError(f"chat {self.user.id}: the review never came")

    async def _press(self, wanted: Callable[[str], bool], what: str) -> None:
        found = next(
            (
                (data, message)
                for message in reversed(self.user.bot_messages())
                for data in buttons(message)
                if wanted(data)
            ),
            None,
        )
        if found is None:
            shown = [m.text[:80] for m in self.user.bot_messages()[-2:]]
            raise AssertionError(f"chat {self.user.id}: no button for {what!r}; last: {shown}")
        data, message = found
        started = time.perf_counter()
        query = await self.user.press_data(data, message.message_id)
        self.watch.pressed(query, self.user.id)
        await self.watch.until(
            self.user.id,
            lambda: query in self.standin.callback_answers,
            f"answer to the {what!r} button",
        )
        self.latencies.append(time.perf_counter() - started)

    async def _fresh_buttons(self, before: int, started: float, what: str) -> None:
        await self.watch.until(self.user.id, lambda: newest_ticket(self.user) > before, what)
        self.latencies.append(time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# -- the storm ----------------------------------------------------------------------------

NASTY = (
    "<", ">", "&", "&amp;", "&lt;", "<b>", "</i>", '<a href="tg://x">', "<tg-spoiler>", "\\",
    '"', "'", "`", "*_~", "%s", "{name}", "{}", "{0}", "\n", "\t", "\u200f", "\u200e", "\u202e",
    "\u2066", "\u200b", "\u200d", "\ufeff", "\u00ad", "😀", "👩🏽‍⚖️", "🇰🇿", "Әә", "Ққ", "ё", "ﷺ",
    "שלום", "مرحبا", "𝔘𝔫𝔦", "\U0010fffd",
)  # fmt: skip
"""Pieces of text that break careless HTML, format strings, and bidirectional layout."""
NAMES = ("Асель", "<b>Ерлан</b>", "A & B", "\u202eilA", "👩🏽‍⚖️", "Жәнібек", "O'Neil", "{name}")
LANGUAGE_CODES = ("ru", "kk", "en", None, "de", "kk-KZ", "ru-RU", "uk", "", "x-invalid-!")
COMMANDS = (
    "/start", "/cancel", "/delete", "/language", "/followup", "/help", "/nonsense",
    "/start@kuager_test_bot", "/START",
)  # fmt: skip
ACTIONS = "lcmabesxowf"
"""Every `handlers.callbacks.Action` letter."""


KINDS: Mapping[str, int] = MappingProxyType(
    {  # what the storm's acts do, and how often (weights, in 1/400)
        "advance": 120, "press_any": 24, "replay": 18, "forged": 14, "forge_current": 18,
        "foreign": 10, "text": 32, "long_text": 4, "command": 30, "edit": 10, "forward": 4,
        "photo": 6, "document": 4, "voice": 3, "video": 3, "sticker": 3, "animation": 3,
        "poll": 3, "dice": 3, "contact": 3, "location": 6, "media_group": 4, "block": 3,
        "group": 44, "channel": 14,
    }
)  # fmt: skip
"""Each kind is a `Storm._<kind>` method."""


def fit(data: str, limit: int = 64) -> str:
    """Cut to `limit` UTF-8 bytes (Telegram's callback data limit) without splitting a letter."""
    return data.encode()[:limit].decode("utf-8", "ignore")


def last_id(user: SimUser) -> int:
    """The highest message id on the witness's screen: any reply from now on is above it."""
    return max((m.message_id for m in user.visible_messages()), default=0)


@dataclass(frozen=True)
class Act:
    """One thing a witness (or a group member, or a channel) does, resolved at play time."""

    kind: str
    """One of `KINDS`."""
    user: int
    """The witness, by index (see `Storm.performer`)."""
    pick: int
    """Chooses a button, a message, a group, another witness…"""
    text: str


@dataclass
class Sent:
    """A message-like update of a witness, and the highest message id on screen then."""

    user: SimUser
    mark: int
    own: ChatMessage | None
    """The message as the witness's screen shows it (None for raw updates)."""


@dataclass
class Tally:
    """What the storm did, for the checks and the printout."""

    updates: int = 0
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    per_user: collections.Counter[int] = field(default_factory=collections.Counter)
    """Updates each regular witness sent that count against the flood limit."""
    presses: list[str] = field(default_factory=list)
    """Callback query ids of every press, each of which must be answered."""
    reviews: set[int] = field(default_factory=set)
    """Witnesses who reached a review screen."""
    replies_checked: int = 0
    unchecked: int = 0
    """Chats left unchecked in a wave: the witness blocked the bot or may have wiped it."""


class Storm:
    """Plays acts against the running bot as witnesses, group members and channels."""

    def __init__(self, standin: BotApiStandin, photo: list[Any], witnesses: int) -> None:
        self.standin, self.photo = standin, photo
        self.users = [
            standin.user(
                9_000_000_000 + n,
                NAMES[n % len(NAMES)],
                language_code=LANGUAGE_CODES[n % len(LANGUAGE_CODES)],
            )
            for n in range(witnesses)
        ]
        self.groups: list[SimGroup] = [
            *(standin.group(-4000 - n, f"Group {n}") for n in range(3)),
            *(standin.group(-1004000000 - n, f"<b>Super</b> & {n}") for n in range(3)),
        ]
        self.channels = [-1007770000 - n for n in range(2)]
        self.blocked: set[int] = set()
        self.history: dict[int, list[tuple[int, str]]] = collections.defaultdict(list)
        self.tally = Tally()
        self.sent: list[Sent] = []
        self.acted_now: set[int] = set()
        self.unchecked_now: set[int] = set()
        """Witnesses whose replies this wave prove nothing: they blocked the bot or wiped."""

    def begin_wave(self) -> None:
        self.sent, self.acted_now, self.unchecked_now = [], set(), set()

    def count(self, user: SimUser | None, kind: str, updates: int = 1) -> None:
        self.tally.updates += updates
        self.tally.kinds[kind] += updates
        if user is not None:
            self.tally.per_user[user.id] += updates

    async def play(self, act: Act) -> None:
        user = await self.performer(act)
        prompt = prompt_of(user)
        if prompt is not None:
            shown = buttons(prompt)
            self.history[user.id].extend((prompt.message_id, data) for data in shown)
            if any(action_of(data) == "s" for data in shown):
                self.tally.reviews.add(user.id)
        await getattr(self, f"_{act.kind}")(user, act, prompt)
        self.acted_now.add(user.id)

    async def performer(self, act: Act) -> SimUser:
        """Who does `act`. A hurried witness answers once per wave (a second answer would press
        a stale button), so their act goes to someone else; a witness who blocked the bot
        unblocks it first, as Telegram's "Restart" does."""
        for hop in range(len(self.users)):
            user = self.users[(act.user + (act.pick + hop if hop else 0)) % len(self.users)]
            if act.kind == "advance" and user.id in self.acted_now:
                continue
            if user.id in self.blocked:
                await user.unblock()
                self.blocked.discard(user.id)
                self.count(None, "unblock")
            return user
        raise AssertionError("every witness has already answered in this wave")

    # -- the conversation ------------------------------------------------------------------

    async def _advance(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        """What a witness who only wants to get through would do on this screen."""
        if prompt is None:
            await self.message(user, "advance", user.send_command("/start"))
            return
        shown = buttons(prompt)
        actions = {action_of(data) for data in shown}
        if actions <= {"a", "b", "s", "e", "x"}:  # a question, or the review
            move = hurried_move(prompt)
            if move.kind == "say":
                await self.message(user, "advance", user.send_text(act.text))
                return
            wanted = "s" if move.kind == "send" else "a"
            choice = next(
                d for d in shown if action_of(d) == wanted and d.endswith(f"|{move.code}")
            )
        elif "c" in actions:
            choice = next(d for d in shown if d.endswith("|c|yes"))
        else:
            choice = shown[act.pick % len(shown)]
        await self.press(user, "advance", choice, prompt.message_id)

    async def _press_any(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        if prompt is None:
            await self._advance(user, act, prompt)
            return
        shown = buttons(prompt)
        await self.press(user, "press_any", shown[act.pick % len(shown)], prompt.message_id)

    async def _replay(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        """A button this witness was shown earlier, pressed again on its own message."""
        seen = self.history[user.id]
        if not seen:
            await self._advance(user, act, prompt)
            return
        message_id, data = seen[act.pick % len(seen)]
        await self.press(user, "replay", data, message_id)

    async def _forged(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        target = prompt.message_id if prompt and act.pick % 3 else act.pick % 500
        await self.press(user, "forged", act.text, target)

    async def _forge_current(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        """Crafted data carrying the current ticket: past the staleness check, into handlers."""
        action = ACTIONS[act.pick % len(ACTIONS)]
        data = fit(f"{newest_ticket(user):x}|{action}|{act.text}")
        await self.press(user, "forge_current", data, prompt.message_id if prompt else 1)

    async def _foreign(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        """Another witness's current button, pressed in this witness's chat."""
        other = self.users[act.pick % len(self.users)]
        theirs = prompt_of(other)
        if theirs is None or other is user:
            await self._forged(user, act, prompt)
            return
        shown = buttons(theirs)
        target = prompt.message_id if prompt and act.pick % 2 else theirs.message_id
        await self.press(user, "foreign", shown[act.pick % len(shown)], target)

    async def _text(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        await self.message(user, "text", user.send_text(act.text))

    async def _long_text(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        await self.message(user, "long_text", user.send_text(act.text))

    async def _command(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        command = COMMANDS[act.pick % len(COMMANDS)]
        args = act.text if act.pick % 4 == 0 else ""
        if command == "/followup" and act.pick % 3 == 0:
            args = self.receipt_code(act.pick) or "AAAA-BBBB-CCCC-DDDD"
        await self.message(user, "command", user.send_command(command, args))

    async def _edit(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        own = [m for m in user.visible_messages() if not m.from_bot and "text" in m.raw]
        if not own:
            await self._text(user, act, prompt)
            return
        edited = user.edit_text(own[act.pick % len(own)].message_id, act.text)
        await self.message(user, "edit", edited, new=False)

    async def _forward(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        origin = NAMES[act.pick % len(NAMES)]
        await self.message(user, "forward", user.forward_text(act.text, origin))

    # -- what is not text ------------------------------------------------------------------

    async def _photo(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        jpeg = b"\xff\xd8\xff\xe0" + act.pick.to_bytes(3, "big") * 50
        caption = act.text if act.pick % 2 else None
        await self.message(user, "photo", user.send_photo(jpeg, caption))

    async def _document(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        mime = ("application/pdf", "text/html", "application/x-<script>", "")[act.pick % 4]
        sent = user.send_document(b"%PDF-1.4 " + act.text.encode(), act.text[:60], mime)
        await self.message(user, "document", sent)

    async def _voice(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        await self.message(user, "voice", user.send_voice(b"OggS" + bytes(64), act.pick % 600))

    async def _video(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        await self.message(user, "video", user.send_video(b"\x00\x00\x00\x18ftypmp42", 5))

    async def _sticker(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        await self.message(user, "sticker", user.send_sticker(NASTY[act.pick % len(NASTY)]))

    async def _animation(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        await self.message(user, "animation", user.send_animation())

    async def _poll(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        await self.message(user, "poll", user.send_poll(act.text, (act.text, "<b>", "&")))

    async def _dice(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        emoji = "🎲🎯🏀⚽🎳🎰"[act.pick % 6]
        await self.message(user, "dice", user.send_dice(emoji, act.pick % 6 + 1))

    async def _contact(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        name = NAMES[act.pick % len(NAMES)]
        sent = user.send_contact("+7 701 000 00 00", name, act.pick or None)
        await self.message(user, "contact", sent)

    async def _location(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        spots = ((43.24, 76.89), (90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (51.13, 71.43))
        await self.message(user, "location", user.send_location(*spots[act.pick % len(spots)]))

    async def _media_group(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        """Photos sent together: one update each, sharing a media_group_id (raw updates, as
        `SimUser` sends no albums; numbered in the chat's own sequence, as Telegram does: ids
        far beyond it would stretch /delete's range of ids to hundreds of millions)."""
        chat = {"id": user.id, "type": "private", "first_name": user.user["first_name"]}
        for _photo in range(2 + act.pick % 3):
            message = {
                "message_id": user.take_message_id(),
                "from": user.user,
                "chat": chat,
                "date": int(time.time()),
                "media_group_id": f"album{act.pick}",
                "photo": self.photo,
            }
            self.sent.append(Sent(user, last_id(user), None))
            await self.standin.push_update({"message": message})
            self.count(user, "media_group")

    async def _block(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        """The witness blocks the bot in a hurry, maybe while their last update is handled."""
        await user.block()
        self.blocked.add(user.id)
        self.unchecked_now.add(user.id)
        self.count(None, "block")

    # -- not a private chat ----------------------------------------------------------------

    async def _group(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        group = self.groups[act.pick % len(self.groups)]
        if not group.bot_is_member:
            await group.add_bot(user)
            self.count(None, "group")
        how = act.pick // len(self.groups) % 4
        if how == 0:
            await group.send_text(user, act.text)
        elif how == 1:
            await group.send_command(user, "/start@kuager_test_bot")
        elif how == 2:
            await group.send_command(user, "/followup", act.text)
        else:
            await group.remove_bot(user)
        self.count(None, "group")

    async def _channel(self, user: SimUser, act: Act, prompt: ChatMessage | None) -> None:
        chat = {
            "id": self.channels[act.pick % len(self.channels)],
            "type": "channel",
            "title": "Новости <b>&</b>",
        }
        post = {
            "message_id": act.pick,
            "sender_chat": chat,
            "chat": chat,
            "date": int(time.time()),
            "text": act.text,
        }
        if act.pick % 3 == 0:
            await self.standin.push_update({"edited_channel_post": {**post, "edit_date": 1}})
        else:
            await self.standin.push_update({"channel_post": post})
        self.count(None, "channel")

    async def flood(self, flooder: SimUser, messages: int, text: str) -> None:
        for number in range(messages):
            await flooder.send_text(f"{number} {text}")
        self.count(None, "flood", messages)

    # -- bookkeeping -----------------------------------------------------------------------

    async def message(
        self, user: SimUser, kind: str, sending: Awaitable[ChatMessage], *, new: bool = True
    ) -> None:
        message = await sending
        self.sent.append(Sent(user, message.message_id if new else last_id(user), message))
        self.count(user, kind)

    async def press(self, user: SimUser, kind: str, data: str, message_id: int) -> None:
        if action_of(data) == "w":  # may wipe the chat, replies and all
            self.unchecked_now.add(user.id)
        self.tally.presses.append(await user.press_data(data, message_id))
        self.count(user, kind)

    def receipt_code(self, pick: int) -> str | None:
        """A receipt code some witness was given (anyone holding one may add to the case)."""
        codes = [
            str(call.params["text"]).split("<code>", 1)[1].split("<", 1)[0]
            for call in self.standin.calls[-2000:]
            if call.method == "sendMessage" and "<code>" in str(call.params.get("text", ""))
        ]
        return codes[pick % len(codes)] if codes else None

    def unanswered(self) -> list[str]:
        """Witness messages of this wave with fewer bot messages after them than they need.

        Every message the bot reads gets at least one new message back, so the k-th newest
        message needs at least k bot messages after it (counting those the bot deleted since:
        a review or question it replaced). Left out: witnesses who blocked the bot or may
        have wiped the chat in this wave, and floods (not in `sent`)."""
        by_user: dict[int, list[Sent]] = collections.defaultdict(list)
        for sent in self.sent:
            by_user[sent.user.id].append(sent)
        problems = []
        for user_id, sents in by_user.items():
            if user_id in self.unchecked_now:
                self.tally.unchecked += 1
                continue
            user = sents[0].user
            replies = [m.message_id for m in user.bot_messages_sent()]
            for sent in sents:
                needed = sum(1 for other in sents if other.mark >= sent.mark)
                got = sum(1 for reply in replies if reply > sent.mark)
                self.tally.replies_checked += 1
                if got < needed:
                    shown = [m.text[:60] for m in user.bot_messages()[-3:]]
                    problems.append(f"witness {user_id}: {got} of {needed} replies; {shown}")
        return problems
