"""Simulated people: a witness in a private chat, members of a group.

Their actions become the updates a real phone would cause, and their screens are read from the
same chats the bot writes into — so a test asserts on what the witness would actually see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from standin._files import media_object
from standin._model import Chat, ChatMessage
from standin._world import World


class ButtonNotVisible(AssertionError):
    """The person tried to press a button their screen does not show."""


class _ChatScreen:
    """What one chat shows, and waiting for the bot to write into it."""

    def __init__(self, world: World, chat: Chat) -> None:
        self._world = world
        self._chat = chat

    @property
    def chat_id(self) -> int:
        return self._chat.id

    def visible_messages(self) -> list[ChatMessage]:
        """Messages on screen (not deleted), oldest first, from both sides."""
        return self._chat.visible()

    def bot_messages(self) -> list[ChatMessage]:
        """The bot's messages still on screen, oldest first."""
        return [m for m in self._chat.visible() if m.from_bot]

    def take_message_id(self) -> int:
        """The chat's next message id, for a message a test builds by hand (an album): in a
        private chat, Telegram numbers every message in one increasing sequence."""
        return self._chat.take_message_id()

    def bot_messages_sent(self) -> list[ChatMessage]:
        """Every message the bot sent here, oldest first, those since deleted too."""
        return [m for m in self._chat.messages.values() if m.from_bot]

    def last_bot_message(self) -> ChatMessage:
        """The newest bot message on screen; AssertionError if there is none."""
        messages = self.bot_messages()
        if not messages:
            raise AssertionError(f"the bot has no message on screen in chat {self.chat_id}")
        return messages[-1]

    def reply_keyboard(self) -> list[list[str]]:
        """The reply keyboard under the input field, row by row ([] when none is shown)."""
        rows = (self._chat.reply_keyboard or {}).get("keyboard", [])
        return [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]

    async def wait_for_reply(
        self,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109  # every wait is bounded, so no test hangs
    ) -> list[ChatMessage]:
        """Wait for `count` more bot messages sent or edited here since the last user action
        (or since the previous wait), and return them in order."""
        chat = self._chat
        start = chat.outputs_seen

        def failure() -> str:
            got = chat.outputs[start:]
            return (
                f"waited {timeout}s for {count} bot message(s) in chat {chat.id}, got {len(got)}: "
                f"{got}; refused calls: {self._world.recent_failures()}"
            )

        await self._world.activity.expect(
            lambda: len(chat.outputs) >= start + count, timeout, failure
        )
        chat.outputs_seen = start + count
        return chat.outputs[start : start + count]

    def age_messages(self, seconds: float) -> None:
        """Make every message here `seconds` older (e.g. past Telegram's 48 h delete window)."""
        self._world.age_messages(self.chat_id, seconds)

    def _post(self, sender: dict[str, Any], content: dict[str, Any]) -> ChatMessage:
        message = self._world.add_message(self._chat, sender, content)
        self._world.updates.push({"message": dict(message.raw)})
        return message

    def _member_update(self, sender: dict[str, Any], old: str, new: str) -> None:
        bot = self._world.bot_user

        def member(status: str) -> dict[str, Any]:
            # Telegram always sends until_date for a banned member; PTB cannot parse one without.
            return {
                "status": status,
                "user": bot,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        self._world.updates.push(
            {
                "my_chat_member": {
                    "chat": self._chat.info,
                    "from": sender,
                    "date": self._world.now(),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )


def command_content(command: str, args: str) -> dict[str, Any]:
    """A command message as Telegram marks it: a bot_command entity over `/name`."""
    text = f"{command} {args}" if args else command
    return {
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
    }


class SimUser(_ChatScreen):
    """A person talking to the bot in a private chat (chat id == user id, as in Telegram)."""

    def __init__(self, world: World, user: dict[str, Any]) -> None:
        info = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            info["username"] = user["username"]
        super().__init__(world, world.chat(info))
        self.user = user
        """The Bot API `User` object the bot sees in `from`."""

    @property
    def id(self) -> int:
        return int(self.user["id"])

    async def send_text(self, text: str) -> ChatMessage:
        """Type and send `text`."""
        return self._post(self.user, {"text": text})

    async def send_command(self, command: str, args: str = "") -> ChatMessage:
        """Send a command such as "/start", with optional arguments after a space."""
        return self._post(self.user, command_content(command, args))

    async def press(self, button: str, message: ChatMessage | int | None = None) -> str:
        """Press the inline button labelled `button` (or carrying it as callback_data) on the
        newest bot message showing it, or on `message`. Returns the callback query id."""
        candidates = self._press_candidates(message)
        for candidate in candidates:
            found = candidate.inline_button(button)
            if found is None:
                continue
            if "callback_data" not in found:
                raise ButtonNotVisible(f"button {button!r} opens {found}; it sends no callback")
            return await self.press_data(found["callback_data"], candidate.message_id)
        shown = [m.buttons for m in candidates if m.buttons]
        raise ButtonNotVisible(f"no button {button!r} on screen; buttons shown: {shown}")

    def _press_candidates(self, message: ChatMessage | int | None) -> list[ChatMessage]:
        if message is None:
            return list(reversed(self.bot_messages()))
        message_id = message if isinstance(message, int) else message.message_id
        found = self._chat.messages.get(message_id)
        return [found] if found is not None and not found.deleted else []

    async def press_data(self, data: str, message_id: int) -> str:
        """Send a callback query with any data for any message id: stale or forged presses.
        A message that is gone arrives as Telegram's inaccessible message (date 0)."""
        target = self._chat.messages.get(message_id)
        if target is not None and not target.deleted:
            message = dict(target.raw)
        else:
            message = {"chat": self._chat.info, "message_id": message_id, "date": 0}
        query_id = self._world.issue_query(self.chat_id, message_id, data)
        self._chat.outputs_seen = len(self._chat.outputs)
        query = {"id": query_id, "from": self.user, "message": message, "data": data}
        query["chat_instance"] = f"ci{self.chat_id}"
        self._world.updates.push({"callback_query": query})
        return query_id

    async def tap(self, label: str) -> ChatMessage:
        """Tap a reply-keyboard key: it sends its label as a text message."""
        if not any(label in row for row in self.reply_keyboard()):
            raise ButtonNotVisible(f"no key {label!r} on the keyboard {self.reply_keyboard()}")
        if (self._chat.reply_keyboard or {}).get("one_time_keyboard"):
            self._chat.reply_keyboard = None
        return await self.send_text(label)

    async def send_photo(self, data: bytes, caption: str | None = None) -> ChatMessage:
        """Send a picture; the bot can getFile and download exactly `data`."""
        stored = self._world.files.add(data, "photo")
        return self._post(self.user, _with_caption({"photo": media_object(stored)}, caption))

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str, caption: str | None = None
    ) -> ChatMessage:
        """Send a file as a document."""
        stored = self._world.files.add(data, "document", file_name, mime_type)
        return self._post(self.user, _with_caption({"document": media_object(stored)}, caption))

    async def send_voice(self, data: bytes, duration: int = 3) -> ChatMessage:
        """Send a voice note."""
        stored = self._world.files.add(data, "voice")
        return self._post(self.user, {"voice": media_object(stored, duration=duration)})

    async def send_video(
        self, data: bytes, duration: int = 3, caption: str | None = None
    ) -> ChatMessage:
        """Send a video."""
        stored = self._world.files.add(data, "video")
        content = {"video": media_object(stored, duration=duration)}
        return self._post(self.user, _with_caption(content, caption))

    async def send_location(self, latitude: float, longitude: float) -> ChatMessage:
        """Share a location pin."""
        return self._post(self.user, {"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(
        self, phone_number: str, first_name: str, user_id: int | None = None
    ) -> ChatMessage:
        """Share a contact card."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if user_id is not None:
            contact["user_id"] = user_id
        return self._post(self.user, {"contact": contact})

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        """Send a sticker."""
        stored = self._world.files.add(b"RIFF\x00\x00\x00\x00WEBP", "sticker")
        return self._post(self.user, {"sticker": media_object(stored, emoji=emoji)})

    async def send_animation(self, data: bytes = b"GIF89a") -> ChatMessage:
        """Send a GIF; Telegram sends it as both `animation` and `document`."""
        stored = self._world.files.add(data, "animation", "animation.gif.mp4", "video/mp4")
        animation = media_object(stored)
        return self._post(self.user, {"animation": animation, "document": dict(animation)})

    async def send_poll(
        self, question: str = "Which one?", options: Sequence[str] = ("Yes", "No")
    ) -> ChatMessage:
        """Send a poll."""
        poll = {
            "id": f"poll{self._world.now()}{len(options)}",
            "question": question,
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": str(number)}
                for number, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
        return self._post(self.user, {"poll": poll})

    async def send_dice(self, emoji: str = "🎲", value: int = 4) -> ChatMessage:
        """Throw a dice."""
        return self._post(self.user, {"dice": {"emoji": emoji, "value": value}})

    async def forward_text(self, text: str, origin_name: str = "Hidden Sender") -> ChatMessage:
        """Forward someone else's text message (from a user who hides their account)."""
        origin = {"type": "hidden_user", "sender_user_name": origin_name, "date": 1_700_000_000}
        return self._post(self.user, {"text": text, "forward_origin": origin})

    async def edit_text(self, message_id: int, new_text: str) -> ChatMessage:
        """Edit one of this person's own text messages (an `edited_message` update)."""
        message = self._chat.messages.get(message_id)
        if message is None or message.deleted or message.from_bot or "text" not in message.raw:
            raise ValueError(f"message {message_id} is not a text this person can edit")
        message.edits.append(message.text)
        message.raw = {**message.raw, "text": new_text, "edit_date": self._world.now()}
        message.raw.pop("entities", None)
        self._chat.outputs_seen = len(self._chat.outputs)
        self._world.updates.push({"edited_message": dict(message.raw)})
        return message

    async def block(self) -> None:
        """Block the bot: it gets my_chat_member "kicked", and its sends now fail with 403."""
        self._chat.blocked_by_user = True
        self._member_update(self.user, "member", "kicked")

    async def unblock(self) -> None:
        """Unblock the bot (restart it)."""
        self._chat.blocked_by_user = False
        self._member_update(self.user, "kicked", "member")


def _with_caption(content: dict[str, Any], caption: str | None) -> dict[str, Any]:
    return {**content, "caption": caption} if caption else content


class SimGroup(_ChatScreen):
    """A group chat the bot is in, where members' messages reach the bot."""

    def __init__(self, world: World, chat_id: int, title: str) -> None:
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        super().__init__(world, world.chat({"id": chat_id, "type": kind, "title": title}))

    @property
    def bot_is_member(self) -> bool:
        """False once the bot left (leaveChat) or was removed."""
        return self._chat.bot_is_member

    @property
    def bot_is_admin(self) -> bool:
        return self._chat.bot_is_admin

    @bot_is_admin.setter
    def bot_is_admin(self, value: bool) -> None:
        self._chat.bot_is_admin = value

    async def send_text(self, member: SimUser, text: str) -> ChatMessage:
        """`member` writes `text` in the group."""
        return self._post(member.user, {"text": text})

    async def send_command(self, member: SimUser, command: str, args: str = "") -> ChatMessage:
        """`member` sends a command in the group (add "@botname" yourself if needed)."""
        return self._post(member.user, command_content(command, args))

    async def add_bot(self, by: SimUser) -> None:
        """`by` adds the bot to the group (my_chat_member "left" → "member")."""
        self._chat.bot_is_member = True
        self._member_update(by.user, "left", "member")

    async def remove_bot(self, by: SimUser) -> None:
        """`by` removes the bot from the group (my_chat_member "member" → "left")."""
        self._chat.bot_is_member = False
        self._member_update(by.user, "member", "left")
