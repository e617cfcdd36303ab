"""Everything the stand-in's Telegram knows: the bot, its chats, files, updates and call log.

Both faces work on this one object — the HTTP routes (the bot's side) and the simulated people
(the witness's side) — so what the bot sends is exactly what the simulated phone shows.
"""

from __future__ import annotations

import time
from typing import Any

from standin._files import FileStore
from standin._hold import HeldCall
from standin._model import ApiCall, CallbackAnswer, Chat, ChatMessage, IssuedQuery
from standin._params import ApiError, bad_request
from standin._signal import Signal
from standin._updates import UpdateQueue


class World:
    """The state behind one stand-in server."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        bot_id_text = token.split(":", 1)[0]
        if not bot_id_text.isdigit():
            raise ValueError("a bot token starts with the bot's numeric id, e.g. '123456:TEST'")
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id_text),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.chats: dict[int, Chat] = {}
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.activity = Signal()
        """Fired after every call the bot makes: what `wait_for_reply` and friends wait on."""
        self.calls: list[ApiCall] = []
        self.unexpected_calls: list[ApiCall] = []
        self.failures: list[tuple[ApiCall, str]] = []
        """Calls Telegram would have refused, with the description the bot got back."""
        self.in_flight = 0
        self.queries: dict[str, IssuedQuery] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, Any] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.left_chats: list[int] = []
        self.injected: dict[str, list[ApiError]] = {}
        self.held: dict[str, list[HeldCall]] = {}
        self.clock_offset = 0.0

    def now(self) -> int:
        """Unix time on the stand-in's clock, which tests may move forward."""
        return int(time.time() + self.clock_offset)

    def chat(self, info: dict[str, Any]) -> Chat:
        """The chat with this Bot API `Chat` object, created on first use."""
        chat = self.chats.get(int(info["id"]))
        if chat is None:
            chat = self.chats[int(info["id"])] = Chat(info=info)
        return chat

    def chat_for_bot(self, chat_id: object) -> Chat:
        """The chat a bot call addresses, refused the way Telegram refuses it."""
        chat = self.find_chat(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked_by_user:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.bot_is_member:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def find_chat(self, chat_id: object) -> Chat | None:
        """The chat with this id or @username, if the stand-in knows it."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            return next(
                (c for c in self.chats.values() if str(c.info.get("username", "")).lower() == name),
                None,
            )
        try:
            return self.chats.get(int(chat_id))  # type: ignore[call-overload]  # str or int
        except (TypeError, ValueError):
            return None

    def add_message(
        self,
        chat: Chat,
        sender: dict[str, Any],
        content: dict[str, Any],
        markup: dict[str, Any] | None = None,
    ) -> ChatMessage:
        """Put a new message into `chat`, numbered and dated as Telegram would."""
        raw = {
            "message_id": chat.take_message_id(),
            "from": sender,
            "chat": chat.info,
            "date": self.now(),
            **content,
        }
        from_bot = sender is self.bot_user
        if from_bot and markup and "inline_keyboard" in markup:
            raw["reply_markup"] = markup
        message = ChatMessage(raw=raw, from_bot=from_bot, markup=markup)
        chat.messages[message.message_id] = message
        if from_bot:
            self.note_output(chat, message)
        else:
            chat.outputs_seen = len(chat.outputs)  # a user action: later replies answer it
        return message

    def note_output(self, chat: Chat, message: ChatMessage) -> None:
        """Record that the bot sent or edited `message`, for anyone waiting on a reply."""
        chat.outputs.append(message)
        if message.markup and "keyboard" in message.markup:
            chat.reply_keyboard = message.markup
        elif message.markup and message.markup.get("remove_keyboard"):
            chat.reply_keyboard = None

    def age_messages(self, chat_id: int, seconds: float) -> None:
        """Make every message in one chat `seconds` older."""
        for message in self.chats[chat_id].messages.values():
            message.raw["date"] = int(message.raw["date"] - seconds)

    def take_injected(self, method: str) -> ApiError | None:
        """The next error a test asked this method to fail with, if any."""
        queue = self.injected.get(method.lower())
        return queue.pop(0) if queue else None

    def issue_query(self, chat_id: int, message_id: int, data: str | None) -> str:
        """A fresh callback query id the bot may answer once."""
        query_id = str(4_000_000_000_000 + len(self.queries) + 1)
        self.queries[query_id] = IssuedQuery(chat_id, message_id, data)
        return query_id

    def recent_failures(self, limit: int = 3) -> str:
        """The last refused calls, to explain a reply that never came."""
        lines = [f"{call.method} -> {why}" for call, why in self.failures[-limit:]]
        return "; ".join(lines) or "none"
