"""The emulator's in-memory world: bots, users, chats, messages, updates, files, callback queries.

Nothing here speaks HTTP. Every change that a watcher may care about is appended to the event
log with an increasing ``seq``; long-pollers wait on :meth:`World.wait_events` and bots' update
queues wake :meth:`World.wait_updates`, both without polling loops.

:meth:`World.snapshot` saves the world as JSON (bots, users, chats with their messages and edit
histories, files, callback queries, the updates bots have not yet fetched) and
:meth:`World.restore` loads one back, so a later run (a test, the sandbox) starts where an
earlier one stopped. The event log, webhooks, faults and rate limits are not part of it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# What World.snapshot() writes and World.restore() reads: change the version with the shape.
SNAPSHOT_FORMAT = "safetybot-emulator-world"
SNAPSHOT_VERSION = 1

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
    silent: bool = False  # sent with disable_notification (not part of the Message object)

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
            "silent": self.silent,
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
        self._next_number = 1
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
        number = self._next_number
        self._next_number += 1
        return number

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

    # -- snapshots ----------------------------------------------------------------------------

    def snapshot(self) -> JSONDict:
        """Return the world as a JSON-serialisable dict that :meth:`restore` takes back.

        It holds bots (with the updates they have not fetched), users, groups and private chats
        with every message, edit and keyboard, files (their bytes in base64) and callback
        queries; not the event log, nor webhooks (a bot sets its own again when it starts).
        """
        return {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "next_number": self._next_number,
            "bots": [_bot_to_json(bot) for bot in self.bots.values()],
            "users": [dataclasses.asdict(user) for user in self.users.values()],
            "groups": [_chat_to_json(chat) for chat in self.groups.values()],
            "private_chats": [_chat_to_json(chat) for chat in self.private_chats.values()],
            "files": [_file_to_json(stored) for stored in self.files.values()],
            "callbacks": [dataclasses.asdict(query) for query in self.callbacks.values()],
        }

    def restore(self, snapshot: JSONDict) -> int:
        """Replace the whole world with a :meth:`snapshot`; return the seq of the ``restored``
        event.

        The event log starts again after that event (seqs keep increasing). A snapshot that
        is not one, or of another version, raises :class:`ValueError` and changes nothing.
        Restore before bots connect: a long poll already waiting ends at its own timeout.
        """
        if not isinstance(snapshot, dict) or snapshot.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"not an emulator snapshot (format must be {SNAPSHOT_FORMAT!r})")
        if snapshot.get("version") != SNAPSHOT_VERSION:
            raise ValueError(
                f"snapshot version {snapshot.get('version')!r} is not {SNAPSHOT_VERSION}"
            )
        try:
            bots = {b.id: b for b in (_bot_from_json(d) for d in snapshot["bots"])}
            users = {u.id: u for u in (User(**d) for d in snapshot["users"])}
            groups = {c.id: c for c in (_chat_from_json(d) for d in snapshot["groups"])}
            private: dict[tuple[int, int], Chat] = {}
            for data in snapshot["private_chats"]:
                chat = _chat_from_json(data)
                if chat.owner_bot_id is None or chat.user is None:
                    raise ValueError(f"private chat {chat.id} has no bot or no user")
                private[(chat.owner_bot_id, chat.id)] = chat
            files = {f.file_id: f for f in (_file_from_json(d) for d in snapshot["files"])}
            callbacks = {q.id: q for q in (CallbackQuery(**d) for d in snapshot["callbacks"])}
            next_number = int(snapshot["next_number"])
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise ValueError(f"damaged emulator snapshot: {exc!r}") from None
        self.bots, self.users, self.groups = bots, users, groups
        self.private_chats, self.files, self.callbacks = private, files, callbacks
        self._next_number = max(self._next_number, next_number)
        self.events.clear()
        return self.emit("restored", bots=sorted(bots), users=len(users), groups=sorted(groups))

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


# -- snapshot shapes ------------------------------------------------------------------------------


def _bot_to_json(bot: BotAccount) -> JSONDict:
    return {
        "id": bot.id,
        "token": bot.token,
        "username": bot.username,
        "first_name": bot.first_name,
        "updates": bot.updates,
        "next_update_id": bot.next_update_id,
        "allowed_updates": sorted(bot.allowed_updates),
        "commands": bot.commands,
    }


def _bot_from_json(data: JSONDict) -> BotAccount:
    return BotAccount(
        id=int(data["id"]),
        token=str(data["token"]),
        username=str(data["username"]),
        first_name=str(data["first_name"]),
        updates=list(data["updates"]),
        next_update_id=int(data["next_update_id"]),
        allowed_updates=frozenset(data["allowed_updates"]),
        commands=dict(data["commands"]),
    )


def _chat_to_json(chat: Chat) -> JSONDict:
    return {
        "id": chat.id,
        "type": chat.type,
        "title": chat.title,
        "user": None if chat.user is None else dataclasses.asdict(chat.user),
        "owner_bot_id": chat.owner_bot_id,
        "members": sorted(chat.members),
        "bots": sorted(chat.bots),
        "kicked_bots": sorted(chat.kicked_bots),
        "started": chat.started,
        "blocked": chat.blocked,
        "next_message_id": chat.next_message_id,
        "messages": [
            {
                "data": m.data,
                "sender_bot_id": m.sender_bot_id,
                "history": m.history,
                "deleted": m.deleted,
                "keyboard": m.keyboard,
            }
            for m in chat.messages.values()
        ],
    }


def _chat_from_json(data: JSONDict) -> Chat:
    messages = [
        StoredMessage(
            data=dict(m["data"]),
            sender_bot_id=None if m["sender_bot_id"] is None else int(m["sender_bot_id"]),
            history=list(m["history"]),
            deleted=bool(m["deleted"]),
            keyboard=m["keyboard"],
        )
        for m in data["messages"]
    ]
    return Chat(
        id=int(data["id"]),
        type=str(data["type"]),
        title=data["title"],
        user=None if data["user"] is None else User(**data["user"]),
        owner_bot_id=None if data["owner_bot_id"] is None else int(data["owner_bot_id"]),
        members={int(m) for m in data["members"]},
        bots={int(b) for b in data["bots"]},
        kicked_bots={int(b) for b in data["kicked_bots"]},
        started=bool(data["started"]),
        blocked=bool(data["blocked"]),
        messages={int(m.data["message_id"]): m for m in messages},
        next_message_id=int(data["next_message_id"]),
    )


def _file_to_json(stored: StoredFile) -> JSONDict:
    data = dataclasses.asdict(stored)
    content = data.pop("content")
    data["content_base64"] = None if content is None else base64.b64encode(content).decode()
    return data


def _file_from_json(data: JSONDict) -> StoredFile:
    fields = dict(data)
    encoded = fields.pop("content_base64")
    content = None if encoded is None else base64.b64decode(encoded, validate=True)
    return StoredFile(**fields, content=content)
