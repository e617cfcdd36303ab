"""The stand-in's chats and messages: what each side of a conversation would see on screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Telegram lets a message be deleted for everyone only within 48 hours of sending.
DELETE_WINDOW_SECONDS = 48 * 60 * 60


class ApiCall(NamedTuple):
    """One Bot API call the bot made, with its decoded parameters."""

    method: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """How the bot answered a button press (the toast or alert the witness sees)."""

    query_id: str
    data: str | None
    """The pressed button's callback_data."""
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(slots=True)
class IssuedQuery:
    """A callback query the stand-in sent; the bot may answer it once."""

    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False


@dataclass(eq=False, slots=True)
class ChatMessage:
    """One message in a chat, by the bot or by a person, as the Bot API describes it."""

    raw: dict[str, Any]
    """The Bot API `Message` object, kept current across edits."""
    from_bot: bool
    markup: dict[str, Any] | None = None
    """The reply_markup as the bot sent it (inline or reply keyboard); None for user messages."""
    deleted: bool = False
    edits: list[str] = field(default_factory=list)
    """Earlier texts, oldest first: what the message said before each edit."""

    @property
    def message_id(self) -> int:
        return int(self.raw["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.raw["chat"]["id"])

    @property
    def date(self) -> int:
        return int(self.raw["date"])

    @property
    def text(self) -> str:
        """The text on screen: the message text or a media caption, markup already rendered."""
        return str(self.raw.get("text") or self.raw.get("caption") or "")

    @property
    def kind(self) -> str:
        """What was sent: "text", "photo", "document", "voice", "location", …"""
        for key in _CONTENT_KEYS:
            if key in self.raw:
                return key
        return "other"

    @property
    def buttons(self) -> list[list[str]]:
        """Button labels, row by row (inline keyboard, or a reply keyboard sent with it)."""
        return [[_label(button) for button in row] for row in _rows(self.markup)]

    @property
    def button_data(self) -> list[list[str | None]]:
        """The callback_data behind each button, in the same rows as `buttons`."""
        return [
            [button.get("callback_data") if isinstance(button, dict) else None for button in row]
            for row in _rows(self.markup)
        ]

    def inline_button(self, label_or_data: str) -> dict[str, Any] | None:
        """The inline button with this label (or, failing that, this callback_data)."""
        buttons = [b for row in (self.markup or {}).get("inline_keyboard", []) for b in row]
        for key in ("text", "callback_data"):
            for button in buttons:
                if button.get(key) == label_or_data:
                    return dict(button)
        return None

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else "user"
        gone = " deleted" if self.deleted else ""
        return f"<ChatMessage #{self.message_id} {who}{gone} {self.kind}: {self.text[:60]!r}>"


_CONTENT_KEYS = (
    "text", "photo", "document", "video", "voice", "audio", "animation", "sticker", "video_note",
    "location", "contact", "poll", "dice",
)  # fmt: skip


def _rows(markup: dict[str, Any] | None) -> list[list[Any]]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [list(row) for row in rows]


def _label(button: Any) -> str:
    return str(button.get("text", "")) if isinstance(button, dict) else str(button)


@dataclass(eq=False)
class Chat:
    """One chat as the stand-in's Telegram keeps it: its messages and the bot's standing in it."""

    info: dict[str, Any]
    """The Bot API `Chat` object."""
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    next_message_id: int = 1
    blocked_by_user: bool = False
    """A private chat whose person blocked the bot: sends fail with 403."""
    bot_is_member: bool = True
    bot_is_admin: bool = False
    reply_keyboard: dict[str, Any] | None = None
    """The reply keyboard currently shown under the input field, if any."""
    outputs: list[ChatMessage] = field(default_factory=list)
    """Bot messages sent or edited here, in order, for `wait_for_reply`."""
    outputs_seen: int = 0
    """How many `outputs` a waiter has already consumed (or predate the last user action)."""

    @property
    def id(self) -> int:
        return int(self.info["id"])

    @property
    def type(self) -> str:
        return str(self.info["type"])

    def visible(self) -> list[ChatMessage]:
        """Messages still on screen, oldest first."""
        return [m for m in self.messages.values() if not m.deleted]

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id
