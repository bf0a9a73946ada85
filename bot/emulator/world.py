"""The emulator's in-memory world: bots, users, chats, messages, updates, files, callback queries.

Nothing here speaks HTTP. Every change that a watcher may care about is appended to the event
log with an increasing ``seq``; long-pollers wait on :meth:`World.wait_events` and bots' update
queues wake :meth:`World.wait_updates`, both without polling loops.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# Update kinds a bot receives when it never said otherwise (Telegram's default).
DEFAULT_UPDATE_KINDS = frozenset(
    {"message", "edited_message", "callback_query", "my_chat_member", "inline_query"}
)


def now() -> int:
    """Return the current time in whole seconds, as Telegram dates are."""
    return int(time.time())


@dataclass(frozen=True, slots=True)
class User:
    """A Telegram user who can act through the client API."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_api(self) -> JSONDict:
        """Return the Bot API User object."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True, slots=True)
class Webhook:
    """A bot's webhook settings as given to setWebhook."""

    url: str
    secret_token: str | None
    max_connections: int = 40


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the world knows: uploaded bytes, or a URL kept as it was given."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes | None
    url: str | None = None
    mime_type: str | None = None
    file_name: str | None = None

    @property
    def file_size(self) -> int | None:
        """Return the size in bytes when the content is held here."""
        return None if self.content is None else len(self.content)


@dataclass(slots=True)
class BotAccount:
    """A bot: its identity, its pending updates and its delivery settings."""

    id: int
    token: str
    username: str
    first_name: str
    updates: list[JSONDict] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: frozenset[str] = DEFAULT_UPDATE_KINDS
    webhook: Webhook | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    commands: dict[str, list[JSONDict]] = field(default_factory=dict)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    def to_api(self) -> JSONDict:
        """Return the Bot API User object for this bot."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def confirm(self, offset: int) -> None:
        """Forget every update whose id is below ``offset``."""
        self.updates = [u for u in self.updates if u["update_id"] >= offset]


@dataclass(slots=True)
class StoredMessage:
    """One message in a chat, with its edit history; ``sender_bot_id`` is None for users."""

    data: JSONDict
    sender_bot_id: int | None
    history: list[JSONDict] = field(default_factory=list)
    deleted: bool = False
    keyboard: JSONDict | None = None

    def to_record(self) -> JSONDict:
        """Return the client API's view of this message."""
        return {
            "message_id": self.data["message_id"],
            "from_bot": self.sender_bot_id is not None,
            "bot_id": self.sender_bot_id,
            "message": self.data,
            "edits": self.history,
            "deleted": self.deleted,
            "reply_markup": self.keyboard,
        }


@dataclass(slots=True)
class Chat:
    """A chat. Private chats belong to one bot-user pair; groups are shared by their bots."""

    id: int
    type: str
    title: str | None = None
    user: User | None = None
    owner_bot_id: int | None = None
    members: set[int] = field(default_factory=set)
    bots: set[int] = field(default_factory=set)
    kicked_bots: set[int] = field(default_factory=set)
    started: bool = False
    blocked: bool = False
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1

    def to_api(self) -> JSONDict:
        """Return the Bot API Chat object."""
        if self.user is not None:
            user = self.user.to_api()
            user.pop("is_bot")
            user.pop("language_code", None)
            return {**user, "type": "private"}
        return {"id": self.id, "type": self.type, "title": self.title or ""}

    def add_message(
        self, content: JSONDict, sender: JSONDict, sender_bot_id: int | None
    ) -> JSONDict:
        """Store a new message with the next id and return its Bot API object."""
        data: JSONDict = {
            "message_id": self.next_message_id,
            "from": sender,
            "chat": self.to_api(),
            "date": now(),
            **content,
        }
        self.next_message_id += 1
        self.messages[data["message_id"]] = StoredMessage(data, sender_bot_id)
        return data

    def live_message(self, message_id: int) -> StoredMessage | None:
        """Return the message if it exists and was not deleted."""
        stored = self.messages.get(message_id)
        return None if stored is None or stored.deleted else stored


@dataclass(slots=True)
class CallbackQuery:
    """A button press waiting for (or having got) answerCallbackQuery."""

    id: str
    bot_id: int
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: JSONDict | None = None


class World:
    """All state of one emulator, with the event log that clients follow."""

    def __init__(self) -> None:
        self.bots: dict[int, BotAccount] = {}
        self.users: dict[int, User] = {}
        self.groups: dict[int, Chat] = {}
        self.private_chats: dict[tuple[int, int], Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.events: list[JSONDict] = []
        self._events_changed = asyncio.Event()
        self._counter = itertools.count(1)
        self._seq = 0

    # -- identities ---------------------------------------------------------------------------

    def bot_for_token(
        self, token: str, username: str | None = None, first_name: str | None = None
    ) -> BotAccount:
        """Return the bot with this token, registering it on first use."""
        bot_id = int(token.split(":", 1)[0])
        bot = self.bots.get(bot_id)
        if bot is None or bot.token != token:
            bot = BotAccount(
                id=bot_id,
                token=token,
                username=username or f"bot{bot_id}_bot",
                first_name=first_name or f"Bot {bot_id}",
            )
            self.bots[bot_id] = bot
            logger.info("registered bot %s as @%s", bot_id, bot.username)
        else:
            if username:
                bot.username = username
            if first_name:
                bot.first_name = first_name
        return bot

    def add_user(self, user: User) -> User:
        """Create or replace a user."""
        self.users[user.id] = user
        return user

    def next_id(self) -> int:
        """Return a fresh number, unique within this world."""
        return next(self._counter)

    # -- chats --------------------------------------------------------------------------------

    def private_chat(self, bot_id: int, user_id: int) -> Chat:
        """Return the private chat of a bot and a user, creating it when first needed."""
        key = (bot_id, user_id)
        chat = self.private_chats.get(key)
        if chat is None:
            user = self.users[user_id]
            chat = Chat(id=user_id, type="private", user=user, owner_bot_id=bot_id)
            chat.members.add(user_id)
            chat.bots.add(bot_id)
            self.private_chats[key] = chat
        return chat

    def chat_for_bot(self, bot_id: int, chat_id: int) -> Chat | None:
        """Return the chat ``chat_id`` as this bot sees it, or None when there is none."""
        if chat_id > 0:
            if chat_id not in self.users:
                return None
            return self.private_chat(bot_id, chat_id)
        return self.groups.get(chat_id)

    # -- updates ------------------------------------------------------------------------------

    def push_update(self, bot: BotAccount, kind: str, payload: JSONDict) -> JSONDict | None:
        """Queue an update for a bot unless its allowed_updates leave this kind out."""
        if kind not in bot.allowed_updates:
            logger.debug("bot %s does not take %s updates", bot.id, kind)
            return None
        update = {"update_id": bot.next_update_id, kind: payload}
        bot.next_update_id += 1
        bot.updates.append(update)
        bot.wakeup.set()
        bot.wakeup = asyncio.Event()
        return update

    async def wait_updates(self, bot: BotAccount, within: float) -> None:
        """Wait until the bot gets a new update or ``within`` seconds pass."""
        if within <= 0:
            return
        wakeup = bot.wakeup
        try:
            await asyncio.wait_for(wakeup.wait(), within)
        except TimeoutError:
            return

    # -- events -------------------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """Return the seq of the newest event, 0 when there is none."""
        return self._seq

    def reset(self) -> None:
        """Forget everything except the event sequence, which keeps increasing."""
        self.bots.clear()
        self.users.clear()
        self.groups.clear()
        self.private_chats.clear()
        self.files.clear()
        self.callbacks.clear()
        self.events.clear()
        self.emit("reset")

    def emit(self, kind: str, **details: Any) -> int:
        """Append an event to the log, wake its followers, and return its seq."""
        self._seq += 1
        seq = self._seq
        self.events.append({"seq": seq, "type": kind, "time": time.time(), **details})
        self._events_changed.set()
        self._events_changed = asyncio.Event()
        return seq

    def events_after(self, after: int, limit: int = 1000) -> list[JSONDict]:
        """Return up to ``limit`` events with a seq greater than ``after``."""
        start = max(after, 0)
        base = self.events[0]["seq"] if self.events else 1
        return self.events[max(start - base + 1, 0) :][:limit]

    async def wait_events(self, after: int, within: float) -> None:
        """Wait until an event after ``after`` exists or ``within`` seconds pass."""
        if self.last_seq > after or within <= 0:
            return
        changed = self._events_changed
        try:
            await asyncio.wait_for(changed.wait(), within)
        except TimeoutError:
            return

    # -- files --------------------------------------------------------------------------------

    def store_file(
        self,
        folder: str,
        content: bytes | None,
        *,
        url: str | None = None,
        mime_type: str | None = None,
        file_name: str | None = None,
        extension: str = "bin",
    ) -> StoredFile:
        """Keep a file and return its record with fresh ids."""
        number = self.next_id()
        stored = StoredFile(
            file_id=f"{folder[:3].upper()}{number}-{secrets.token_hex(6)}",
            file_unique_id=f"U{number}{secrets.token_hex(3)}",
            file_path=f"{folder}/file_{number}.{extension}",
            content=content,
            url=url,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """Return the file whose file_path is ``path``."""
        return next((f for f in self.files.values() if f.file_path == path), None)
