"""Bot API methods about the bot itself: identity, updates, commands, button answers, chats."""

from __future__ import annotations

import re
from typing import Any

from standin._methods_messages import Method
from standin._model import CallbackAnswer
from standin._params import ApiError, Params, bad_request
from standin._world import World

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


async def get_me(world: World, p: Params) -> Any:
    """getMe: the bot's own user, which PTB asks for on initialize()."""
    return {
        **world.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(world: World, p: Params) -> Any:
    """getUpdates: long polling."""
    if world.webhook["url"]:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    limit = min(max(p.integer("limit", 100), 1), 100)
    allowed = p.json("allowed_updates")
    offset = p.integer("offset", 0)
    if world.updates.confirm(offset):
        # Whoever waits for the bot to be idle must hear of this now, not when the poll ends.
        world.activity.fire()
    return await world.updates.get(
        offset=offset,
        limit=limit,
        wait_seconds=p.number("timeout", 0),
        allowed=list(allowed) if isinstance(allowed, list) else None,
    )


async def set_webhook(world: World, p: Params) -> Any:
    """setWebhook: stored only; nothing is ever posted to it."""
    world.webhook = {"url": p.string("url"), "allowed_updates": p.json("allowed_updates")}
    if p.flag("drop_pending_updates"):
        world.updates.drop_all()
    return True


async def delete_webhook(world: World, p: Params) -> Any:
    """deleteWebhook: PTB calls it before polling starts."""
    world.webhook = {"url": ""}
    if p.flag("drop_pending_updates"):
        world.updates.drop_all()
    return True


async def get_webhook_info(world: World, p: Params) -> Any:
    """getWebhookInfo."""
    info = {
        "url": world.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    if world.webhook.get("allowed_updates"):
        info["allowed_updates"] = world.webhook["allowed_updates"]
    return info


async def always_true(world: World, p: Params) -> Any:
    """logOut, close, sendChatAction-like calls that only need to succeed."""
    return True


async def answer_callback_query(world: World, p: Params) -> Any:
    """answerCallbackQuery: only for a press the stand-in delivered, and only once."""
    query_id = p.string("callback_query_id")
    query = world.queries.get(query_id)
    if query is None or query.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    query.answered = True
    world.callback_answers[query_id] = CallbackAnswer(
        query_id=query_id,
        data=query.data,
        text=p.optional_string("text"),
        show_alert=p.flag("show_alert"),
        url=p.optional_string("url"),
    )
    return True


def scope_key(scope: object) -> str:
    """A readable key for a BotCommandScope: "default", "all_private_chats", "chat:42", …"""
    if not isinstance(scope, dict):
        return "default"
    parts = [str(scope.get("type", "default"))]
    parts += [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    return ":".join(parts)


def _commands_key(p: Params) -> tuple[str, str]:
    return scope_key(p.json("scope")), p.string("language_code", "")


async def set_my_commands(world: World, p: Params) -> Any:
    """setMyCommands, kept per (scope, language_code) as Telegram keeps them."""
    commands = p.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 commands")
    for command in commands:
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    world.commands[_commands_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(world: World, p: Params) -> Any:
    """getMyCommands."""
    return world.commands.get(_commands_key(p), [])


async def delete_my_commands(world: World, p: Params) -> Any:
    """deleteMyCommands."""
    world.commands.pop(_commands_key(p), None)
    return True


async def leave_chat(world: World, p: Params) -> Any:
    """leaveChat: the bot is out of the group, and gets the my_chat_member update for it."""
    chat = world.chat_for_bot(p.raw.get("chat_id"))
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    chat.bot_is_member = False
    world.left_chats.append(chat.id)
    world.updates.push(
        {
            "my_chat_member": {
                "chat": chat.info,
                "from": world.bot_user,
                "date": world.now(),
                "old_chat_member": {"status": "member", "user": world.bot_user},
                "new_chat_member": {"status": "left", "user": world.bot_user},
            }
        }
    )
    return True


async def get_chat(world: World, p: Params) -> Any:
    """getChat: the minimal ChatFullInfo PTB can read."""
    chat = world.find_chat(p.raw.get("chat_id"))
    if chat is None:
        raise bad_request("chat not found")
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return {**chat.info, "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": gifts}  # fmt: skip


async def send_chat_action(world: World, p: Params) -> Any:
    """sendChatAction ("typing…"): only the chat must be reachable."""
    world.chat_for_bot(p.raw.get("chat_id"))
    return True


async def set_chat_menu_button(world: World, p: Params) -> Any:
    """setChatMenuButton, remembered per chat (None: the default for all chats)."""
    chat_id = p.integer("chat_id") if p.has("chat_id") else None
    world.menu_buttons[chat_id] = p.json("menu_button")
    return True


BOT_METHODS: dict[str, Method] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "logOut": always_true,
    "close": always_true,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "leaveChat": leave_chat,
    "getChat": get_chat,
    "sendChatAction": send_chat_action,
    "setChatMenuButton": set_chat_menu_button,
}
