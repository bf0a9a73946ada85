"""The Bot API methods the emulator answers, by lower-cased name (Telegram ignores case)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator import sending
from bot.emulator.errors import ApiError, bad_request
from bot.emulator.sending import Call, target_chat
from bot.emulator.world import DEFAULT_UPDATE_KINDS, JSONDict, Webhook

logger = logging.getLogger(__name__)

Method = Callable[[Call], Awaitable[Any]]

_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


async def get_me(call: Call) -> JSONDict:
    """getMe."""
    return {
        **call.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _allowed_updates(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request("can't parse allowed updates JSON object")
    return frozenset(value) if value else DEFAULT_UPDATE_KINDS


async def get_updates(call: Call) -> list[JSONDict]:
    """getUpdates: confirm by offset, then answer at once or when an update arrives."""
    bot, params = call.bot, call.params
    if bot.webhook is not None:
        raise ApiError(409, WEBHOOK_CONFLICT)
    allowed = _allowed_updates(params.get_json("allowed_updates", what="allowed updates"))
    if allowed is not None:
        bot.allowed_updates = allowed
    offset = params.get_int("offset", default=0) or 0
    if offset > 0:
        bot.confirm(offset)
    elif offset < 0:
        bot.updates = bot.updates[offset:]
    limit = params.get_int("limit", default=100) or 100
    limit = min(max(limit, 1), 100)
    timeout = max(0.0, min(params.get_float("timeout") or 0.0, 50.0))
    deadline = time.monotonic() + timeout
    while not bot.updates and bot.webhook is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        await call.world.wait_updates(bot, remaining)
    return [json.loads(json.dumps(u)) for u in bot.updates[:limit]]


async def set_webhook(call: Call) -> bool:
    """setWebhook: an empty url removes the webhook."""
    bot, params = call.bot, call.params
    url = params.get_str("url") or ""
    if not url:
        return await delete_webhook(call)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get_str("secret_token")
    if secret is not None and not _SECRET_RE.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = _allowed_updates(params.get_json("allowed_updates", what="allowed updates"))
    if allowed is not None:
        bot.allowed_updates = allowed
    if params.get_bool("drop_pending_updates"):
        bot.updates.clear()
    max_connections = params.get_int("max_connections", default=40) or 40
    bot.webhook = Webhook(url=url, secret_token=secret or None, max_connections=max_connections)
    bot.last_error_date = None
    bot.last_error_message = None
    call.webhooks.sync(bot)
    logger.info("bot %s set a webhook", bot.id)
    return True


async def delete_webhook(call: Call) -> bool:
    """deleteWebhook."""
    if call.params.get_bool("drop_pending_updates"):
        call.bot.updates.clear()
    call.bot.webhook = None
    call.webhooks.sync(call.bot)
    call.bot.wakeup.set()
    return True


async def get_webhook_info(call: Call) -> JSONDict:
    """getWebhookInfo."""
    bot = call.bot
    info: JSONDict = {
        "url": bot.webhook.url if bot.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if bot.webhook is not None:
        info["max_connections"] = bot.webhook.max_connections
        if bot.allowed_updates != DEFAULT_UPDATE_KINDS:
            info["allowed_updates"] = sorted(bot.allowed_updates)
    if bot.last_error_date is not None:
        info["last_error_date"] = bot.last_error_date
        info["last_error_message"] = bot.last_error_message
    return info


def _scope_key(call: Call) -> str:
    scope = call.params.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    return json.dumps([scope, call.params.get_str("language_code") or ""], sort_keys=True)


async def set_my_commands(call: Call) -> bool:
    """setMyCommands."""
    commands = call.params.get_json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    checked: list[JSONDict] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name, description = command.get("command"), command.get("description")
        if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name.lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": name.lower(), "description": description})
    call.bot.commands[_scope_key(call)] = checked
    return True


async def get_my_commands(call: Call) -> list[JSONDict]:
    """getMyCommands."""
    return call.bot.commands.get(_scope_key(call), [])


async def delete_my_commands(call: Call) -> bool:
    """deleteMyCommands."""
    call.bot.commands.pop(_scope_key(call), None)
    return True


async def send_chat_action(call: Call) -> bool:
    """sendChatAction."""
    chat = target_chat(call)
    action = call.params.get_str("action", required=True)
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    call.world.emit("chat_action", bot_id=call.bot.id, chat_id=chat.id, action=action)
    return True


async def get_chat(call: Call) -> JSONDict:
    """getChat: a ChatFullInfo with the fields PTB requires."""
    chat = call.world.chat_for_bot(call.bot.id, call.params.chat_id())
    if chat is None or (chat.type != "private" and call.bot.id not in chat.bots):
        raise bad_request("chat not found")
    return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11}


async def get_chat_member(call: Call) -> JSONDict:
    """getChatMember."""
    chat = call.world.chat_for_bot(call.bot.id, call.params.chat_id())
    if chat is None:
        raise bad_request("chat not found")
    user_id = call.params.req_int("user_id")
    if user_id == call.bot.id:
        status = "member" if call.bot.id in chat.bots else "left"
        return {"status": status, "user": call.bot.to_api()}
    user = call.world.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    status = "member" if user_id in chat.members else "left"
    return {"status": status, "user": user.to_api()}


async def answer_true(call: Call) -> bool:
    """Methods that only need to succeed here (close, logOut, setMyDescription...)."""
    del call
    await asyncio.sleep(0)
    return True


METHODS: dict[str, Method] = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "sendmessage": sending.send_message,
    "sendphoto": sending.send_photo,
    "senddocument": sending.send_document,
    "sendlocation": sending.send_location,
    "sendvenue": sending.send_venue,
    "sendcontact": sending.send_contact,
    "sendmediagroup": sending.send_media_group,
    "copymessage": sending.copy_message,
    "editmessagetext": sending.edit_message_text,
    "editmessagecaption": sending.edit_message_caption,
    "editmessagereplymarkup": sending.edit_message_reply_markup,
    "deletemessage": sending.delete_message,
    "answercallbackquery": sending.answer_callback_query,
    "getfile": sending.get_file,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "sendchataction": send_chat_action,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "close": answer_true,
    "logout": answer_true,
    "setmydescription": answer_true,
    "setmyshortdescription": answer_true,
    "setchatmenubutton": answer_true,
}
