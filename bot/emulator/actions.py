"""What people do in the emulated world: the client API's operations, without HTTP.

Users send messages (private or group), press inline buttons, block bots; groups are made and
bots added or removed. Each action records an event and returns its ``seq`` so that a test can
ask for "the bot's reply to this".
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from bot.emulator.entities import command_entities
from bot.emulator.errors import ApiError, bad_request
from bot.emulator.world import BotAccount, CallbackQuery, Chat, JSONDict, User, World, now

logger = logging.getLogger(__name__)


def not_found(what: str) -> ApiError:
    """Return a client-side 404 naming what is missing."""
    return ApiError(404, f"Not Found: {what}")


def pick_bot(world: World, bot_id: int | None) -> BotAccount:
    """Return the named bot, or the only bot when none is named."""
    if bot_id is not None:
        bot = world.bots.get(bot_id)
        if bot is None:
            raise not_found(f"bot {bot_id}")
        return bot
    if len(world.bots) == 1:
        return next(iter(world.bots.values()))
    raise bad_request("bot_id is required when the emulator has no bot or several bots")


def pick_user(world: World, user_id: int) -> User:
    """Return a user, or 404."""
    user = world.users.get(user_id)
    if user is None:
        raise not_found(f"user {user_id}")
    return user


def create_group(
    world: World, title: str, kind: str, members: list[int], bots: list[int], chat_id: int | None
) -> Chat:
    """Create a group or supergroup with members and bots."""
    if kind not in {"group", "supergroup"}:
        raise bad_request("type must be group or supergroup")
    if chat_id is None:
        base = 1_000_000_000_000 + 2_000_000_000 if kind == "supergroup" else 4_000_000_000
        chat_id = -(base + world.next_id())
    if chat_id >= 0 or chat_id in world.groups:
        raise bad_request(f"chat id {chat_id} is taken or not negative")
    chat = Chat(id=chat_id, type=kind, title=title)
    world.groups[chat_id] = chat
    for user_id in members:
        pick_user(world, user_id)
        chat.members.add(user_id)
    world.emit("chat_created", chat_id=chat_id, chat=chat.to_api())
    for bot_id in bots:
        set_bot_membership(world, chat_id, bot_id, member=True)
    return chat


def group(world: World, chat_id: int) -> Chat:
    """Return a group or supergroup, or 404."""
    chat = world.groups.get(chat_id)
    if chat is None:
        raise not_found(f"chat {chat_id}")
    return chat


def _member_update(
    world: World, bot: BotAccount, chat: Chat, actor: User | None, old: str, new: str
) -> None:
    bot_user = bot.to_api()
    payload = {
        "chat": chat.to_api(),
        "from": (actor or next(iter(world.users.values()), User(1, "Admin"))).to_api(),
        "date": now(),
        "old_chat_member": {"user": bot_user, "status": old},
        "new_chat_member": {"user": bot_user, "status": new}
        | ({"until_date": 0} if new == "kicked" else {}),
    }
    world.push_update(bot, "my_chat_member", payload)


def set_bot_membership(world: World, chat_id: int, bot_id: int, *, member: bool) -> int:
    """Add a bot to a group, or remove (kick) it; return the event seq."""
    chat = group(world, chat_id)
    bot = pick_bot(world, bot_id)
    if member:
        old = "kicked" if bot.id in chat.kicked_bots else "left"
        chat.bots.add(bot.id)
        chat.kicked_bots.discard(bot.id)
        _member_update(world, bot, chat, None, old, "member")
        return world.emit("bot_added", bot_id=bot.id, chat_id=chat.id)
    chat.bots.discard(bot.id)
    chat.kicked_bots.add(bot.id)
    _member_update(world, bot, chat, None, "member", "kicked")
    return world.emit("bot_removed", bot_id=bot.id, chat_id=chat.id)


def set_user_membership(world: World, chat_id: int, user_id: int, *, member: bool) -> int:
    """Add a user to a group or take them out; return the event seq."""
    chat = group(world, chat_id)
    pick_user(world, user_id)
    if member:
        chat.members.add(user_id)
    else:
        chat.members.discard(user_id)
    return world.emit(
        "member_added" if member else "member_removed", chat_id=chat_id, user_id=user_id
    )


def set_blocked(world: World, user_id: int, bot_id: int | None, *, blocked: bool) -> int:
    """Block or unblock a bot in a user's private chat; the bot gets my_chat_member."""
    user = pick_user(world, user_id)
    bot = pick_bot(world, bot_id)
    chat = world.private_chat(bot.id, user.id)
    if chat.blocked != blocked:
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        _member_update(world, bot, chat, user, old, new)
    return world.emit(
        "blocked" if blocked else "unblocked", bot_id=bot.id, chat_id=user.id, user_id=user.id
    )


def user_chat(
    world: World, user: User, bot_id: int | None, chat_id: int | None
) -> tuple[Chat, list[BotAccount]]:
    """Return the chat a user writes in and the bots that will hear it."""
    if chat_id is None or chat_id == user.id:
        bot = pick_bot(world, bot_id)
        chat = world.private_chat(bot.id, user.id)
        return chat, [bot]
    chat = group(world, chat_id)
    if user.id not in chat.members:
        raise ApiError(403, f"Forbidden: user {user.id} is not a member of chat {chat_id}")
    bots = [world.bots[b] for b in sorted(chat.bots) if b in world.bots]
    if bot_id is not None:
        bots = [b for b in bots if b.id == bot_id]
    return chat, bots


def user_send(
    world: World,
    user_id: int,
    content: JSONDict,
    *,
    bot_id: int | None = None,
    chat_id: int | None = None,
    reply_to_message_id: int | None = None,
) -> JSONDict:
    """Post a user's message in a chat and deliver it to the bots there."""
    user = pick_user(world, user_id)
    chat, bots = user_chat(world, user, bot_id, chat_id)
    if chat.type == "private":
        chat.started = True
        if chat.blocked:
            set_blocked(world, user.id, bots[0].id, blocked=False)
    if "text" in content and "entities" not in content:
        entities = command_entities(content["text"])
        if entities:
            content = {**content, "entities": list(entities)}
    if reply_to_message_id is not None:
        replied = chat.live_message(reply_to_message_id)
        if replied is None:
            raise bad_request("message to be replied not found")
        content = {
            **content,
            "reply_to_message": {k: v for k, v in replied.data.items() if k != "reply_to_message"},
        }
    data = chat.add_message(content, user.to_api(), None)
    for bot in bots:
        world.push_update(bot, "message", data)
    seq = world.emit(
        "user_message",
        user_id=user.id,
        chat_id=chat.id,
        bot_id=bots[0].id if chat.type == "private" else None,
        message_id=data["message_id"],
        message=data,
    )
    return {"seq": seq, "chat_id": chat.id, "message_id": data["message_id"], "message": data}


def _buttons(message: JSONDict) -> list[JSONDict]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def press(
    world: World,
    user_id: int,
    chat_id: int | None,
    button_text: str,
    *,
    message_id: int | None = None,
    bot_id: int | None = None,
    forged_data: str | None = None,
) -> JSONDict:
    """Press an inline button by its text, making a callback_query for the bot; with
    ``forged_data``, the query carries that data instead, as a modified client could send."""
    user = pick_user(world, user_id)
    if chat_id is None or chat_id == user.id:
        chat = world.private_chat(pick_bot(world, bot_id).id, user.id)
    else:
        chat = group(world, chat_id)
    candidates = [
        m
        for m in reversed(list(chat.messages.values()))
        if not m.deleted
        and m.sender_bot_id is not None
        and (bot_id is None or m.sender_bot_id == bot_id)
        and (message_id is None or m.data["message_id"] == message_id)
    ]
    for stored in candidates:
        button = next((b for b in _buttons(stored.data) if b.get("text") == button_text), None)
        if button is None:
            continue
        if "callback_data" not in button:
            raise bad_request(f"button {button_text!r} has no callback_data")
        assert stored.sender_bot_id is not None
        bot = world.bots[stored.sender_bot_id]
        query_id = str(secrets.randbits(63))
        data = button["callback_data"] if forged_data is None else forged_data
        world.callbacks[query_id] = CallbackQuery(
            query_id, bot.id, user.id, chat.id, stored.data["message_id"], data
        )
        payload = {
            "id": query_id,
            "from": user.to_api(),
            "message": stored.data,
            "chat_instance": str(abs(hash((bot.id, chat.id)))),
            "data": data,
        }
        world.push_update(bot, "callback_query", payload)
        seq = world.emit(
            "callback_query",
            user_id=user.id,
            bot_id=bot.id,
            chat_id=chat.id,
            message_id=stored.data["message_id"],
            callback_query_id=query_id,
            data=data,
        )
        return {"seq": seq, "callback_query_id": query_id, "message_id": stored.data["message_id"]}
    where = f"message {message_id}" if message_id is not None else "any bot message"
    raise not_found(f"no inline button {button_text!r} on {where} in chat {chat.id}")


def chat_messages(world: World, chat_id: int, bot_id: int | None) -> list[JSONDict]:
    """Return every message of a chat (deleted ones flagged) with its edit history."""
    if chat_id > 0:
        bot = pick_bot(world, bot_id)
        chat = world.private_chats.get((bot.id, chat_id))
        if chat is None:
            pick_user(world, chat_id)
            return []
    else:
        chat = group(world, chat_id)
    return [m.to_record() for m in chat.messages.values()]


def state(world: World) -> dict[str, Any]:
    """Return a summary of bots, users and chats for the sandbox page."""
    return {
        "bots": [
            {
                **b.to_api(),
                "webhook": b.webhook.url if b.webhook else None,
                "pending_updates": len(b.updates),
            }
            for b in world.bots.values()
        ],
        "users": [u.to_api() for u in world.users.values()],
        "groups": [
            {**c.to_api(), "members": sorted(c.members), "bots": sorted(c.bots)}
            for c in world.groups.values()
        ],
        "private_chats": [
            {"bot_id": b, "user_id": u, "started": c.started, "blocked": c.blocked}
            for (b, u), c in world.private_chats.items()
        ],
        "last_seq": world.last_seq,
    }
