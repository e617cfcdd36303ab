"""Bot API methods that put messages on the witness's screen, change them, or take them away.

Each refuses what Telegram refuses, with Telegram's own description, because those refusals are
what a real witness would run into: an unescaped `<` in their words, a 5000-character account,
deleting a message two days later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from standin._files import DOWNLOAD_LIMIT_BYTES, StoredFile, media_object
from standin._html import HtmlParseError, parse_html
from standin._model import DELETE_WINDOW_SECONDS, Chat, ChatMessage
from standin._params import ApiError, Params, Upload, bad_request
from standin._world import World

Method = Callable[[World, Params], Awaitable[Any]]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def formatted(p: Params, field: str, limit: int) -> dict[str, Any]:
    """`text`/`caption` plus entities after parse_mode, or Telegram's refusal."""
    source = p.string(field, "")
    parse_mode = (p.optional_string("parse_mode") or "").lower()
    entities: list[dict[str, Any]] = p.json("entities" if field == "text" else "caption_entities")
    text = source
    if parse_mode == "html":
        try:
            parsed = parse_html(source)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        text, entities = parsed.text, list(parsed.entities)
    elif parse_mode not in ("", "markdown", "markdownv2"):
        raise bad_request(f"unsupported parse_mode {p.string('parse_mode')!r}")
    if field == "text" and not text.strip():
        raise bad_request("message text is empty")
    if len(text) > limit:
        raise bad_request(
            "message is too long" if field == "text" else "message caption is too long"
        )
    content: dict[str, Any] = {field: text} if text else {}
    if entities:
        content["entities" if field == "text" else "caption_entities"] = entities
    return content


def reply_markup(p: Params) -> dict[str, Any] | None:
    """The keyboard to show, checked as Telegram checks inline buttons."""
    markup = p.json("reply_markup")
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 0 < len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
            if set(button) <= {"text"}:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
    return markup


def _reply_to(chat: Chat, p: Params) -> dict[str, Any]:
    reply = p.json("reply_parameters") or {}
    if "message_id" in reply:
        message_id = Params(reply).integer("message_id")
    elif p.has("reply_to_message_id"):
        message_id = p.integer("reply_to_message_id")
    else:
        return {}
    target = chat.messages.get(message_id)
    if target is None or target.deleted:
        if reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": dict(target.raw)}


def _bot_message(world: World, p: Params, content: dict[str, Any]) -> ChatMessage:
    chat = world.chat_for_bot(p.raw.get("chat_id"))
    content = {**content, **_reply_to(chat, p)}
    return world.add_message(chat, world.bot_user, content, reply_markup(p))


async def send_message(world: World, p: Params) -> Any:
    """sendMessage."""
    return _bot_message(world, p, formatted(p, "text", TEXT_LIMIT)).raw


def _editable(world: World, p: Params) -> tuple[Chat, ChatMessage]:
    if p.has("inline_message_id"):
        raise bad_request("message to edit not found")
    chat = world.chat_for_bot(p.raw.get("chat_id"))
    message = chat.messages.get(p.integer("message_id"))
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


async def edit_message_text(world: World, p: Params) -> Any:
    """editMessageText; like Telegram, an edit without reply_markup removes the keyboard."""
    chat, message = _editable(world, p)
    content = formatted(p, "text", TEXT_LIMIT)
    markup = reply_markup(p)
    before = (message.raw.get("text"), message.raw.get("entities"), message.markup)
    if before == (content.get("text"), content.get("entities"), markup):
        raise bad_request(_NOT_MODIFIED)
    message.edits.append(message.text)
    raw = {k: v for k, v in message.raw.items() if k not in ("text", "entities", "reply_markup")}
    raw.update(content, edit_date=world.now())
    if markup and "inline_keyboard" in markup:
        raw["reply_markup"] = markup
    message.raw, message.markup = raw, markup
    world.note_output(chat, message)
    return raw


async def edit_message_reply_markup(world: World, p: Params) -> Any:
    """editMessageReplyMarkup."""
    chat, message = _editable(world, p)
    markup = reply_markup(p)
    if markup == message.markup:
        raise bad_request(_NOT_MODIFIED)
    raw = {k: v for k, v in message.raw.items() if k != "reply_markup"}
    raw["edit_date"] = world.now()
    if markup and "inline_keyboard" in markup:
        raw["reply_markup"] = markup
    message.raw, message.markup = raw, markup
    world.note_output(chat, message)
    return raw


def _delete(world: World, chat: Chat, message_id: int) -> None:
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    # Bots delete their own messages anywhere, incoming ones only in private chats or as admin,
    # and nothing older than 48 hours.
    allowed = message.from_bot or chat.type == "private" or chat.bot_is_admin
    if not allowed or world.now() - message.date >= DELETE_WINDOW_SECONDS:
        raise bad_request("message can't be deleted for everyone")
    message.deleted = True


async def delete_message(world: World, p: Params) -> Any:
    """deleteMessage."""
    _delete(world, world.chat_for_bot(p.raw.get("chat_id")), p.integer("message_id"))
    return True


async def delete_messages(world: World, p: Params) -> Any:
    """deleteMessages: messages that cannot be found or deleted are skipped."""
    chat = world.chat_for_bot(p.raw.get("chat_id"))
    message_ids = p.json("message_ids")
    if not isinstance(message_ids, list) or not 1 <= len(message_ids) <= 100:
        raise bad_request("message_ids is empty" if not message_ids else "too many messages")
    for message_id in message_ids:
        try:
            _delete(world, chat, int(message_id))
        except ApiError:  # skipping such messages is the documented behaviour
            continue
    return True


def _stored_media(world: World, p: Params, kind: str) -> StoredFile:
    value = p.upload(kind)
    if isinstance(value, Upload):
        return world.files.add(value.data, kind, value.file_name, value.mime_type)
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")  # the stand-in is offline
    stored = world.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


def send_media(kind: str) -> Method:
    """sendPhoto, sendDocument, sendVoice, …: the file is kept for getFile and tests."""

    async def send(world: World, p: Params) -> Any:
        content = formatted(p, "caption", CAPTION_LIMIT)
        world.chat_for_bot(p.raw.get("chat_id"))  # refuse before storing the upload
        content[kind] = media_object(_stored_media(world, p, kind))
        return _bot_message(world, p, content).raw

    return send


async def get_file(world: World, p: Params) -> Any:
    """getFile: where to download a file the bot received or sent."""
    stored = world.files.get(p.string("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > DOWNLOAD_LIMIT_BYTES:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


MESSAGE_METHODS: dict[str, Method] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "sendPhoto": send_media("photo"),
    "sendDocument": send_media("document"),
    "sendVideo": send_media("video"),
    "sendVoice": send_media("voice"),
    "sendAudio": send_media("audio"),
    "sendAnimation": send_media("animation"),
    "sendSticker": send_media("sticker"),
    "sendVideoNote": send_media("video_note"),
    "getFile": get_file,
}
