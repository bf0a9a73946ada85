"""python-telegram-bot persistence kept in the bot's SQLite file, written through at once.

Conversation keys and states are stored as JSON (states must be ints or strings, as PTB's
conversation handlers use them); user, chat, bot and callback data are pickled the way
PTB's own PicklePersistence does, with the running bot replaced by a placeholder.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast, overload

from telegram import Bot
from telegram.ext import BasePersistence, ContextTypes, PersistenceInput

from storage.db import Database

logger = logging.getLogger(__name__)

UD = TypeVar("UD")
CD = TypeVar("CD")
BD = TypeVar("BD")

ConversationKey = tuple[int | str, ...]
CallbackData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

Slot = tuple[str, str | int]
_UNSET = object()

_KNOWN_BOT = "safetybot:the-running-bot"
_UNKNOWN_BOT = "safetybot:another-bot"


class _BotPickler(pickle.Pickler):
    """Pickles data, writing a placeholder wherever a Bot instance appears."""

    def __init__(self, bot: Bot | None, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._bot = bot

    def persistent_id(self, obj: object) -> str | None:
        if self._bot is not None and obj is self._bot:
            return _KNOWN_BOT
        if isinstance(obj, Bot):
            return _UNKNOWN_BOT
        return None


class _BotUnpickler(pickle.Unpickler):
    """Unpickles data, putting the running bot back where it was (another bot: None)."""

    def __init__(self, bot: Bot | None, file: io.BytesIO) -> None:
        super().__init__(file)
        self._bot = bot

    def persistent_load(self, pid: object) -> Bot | None:
        if pid == _KNOWN_BOT:
            return self._bot
        if pid == _UNKNOWN_BOT:
            return None
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


class SqlitePersistence(BasePersistence[UD, CD, BD], Generic[UD, CD, BD]):
    """PTB persistence in SQLite: every update_* and drop_* is committed when it returns.

    A call made while the calling task has a transaction open on the database joins that
    transaction, so a conversation's state can be committed with the change it led to.
    """

    __slots__ = ("_committed", "_context_types", "_db")

    @overload
    def __init__(
        self: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]],
        db: Database,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
    ) -> None: ...

    @overload
    def __init__(
        self: SqlitePersistence[UD, CD, BD],
        db: Database,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
        context_types: ContextTypes[Any, UD, CD, BD] | None = None,
    ) -> None: ...

    def __init__(
        self,
        db: Database,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
        context_types: ContextTypes[Any, UD, CD, BD] | None = None,
    ) -> None:
        """Keep PTB's data in ``db`` (already open); ``context_types`` gives bot_data's type."""
        super().__init__(store_data=store_data, update_interval=update_interval)
        self._db = db
        self._context_types = cast("ContextTypes[Any, UD, CD, BD]", context_types or ContextTypes())
        # What each slot last committed, so that unchanged data is not written again: PTB hands
        # over the data of every chat and user an update touched, changed or not.
        self._committed: dict[Slot, object] = {}

    async def _store(self, write: _Write) -> None:
        """Write one slot unless its value is what the slot last committed."""
        if self._db.in_transaction:
            # In a caller's transaction, which may still roll back, remember nothing.
            self._committed.pop(write.slot, None)
            await self._db.execute(_slot_writes(1), write.row)
            return
        await self._commit([write])

    async def _commit(self, writes: Sequence[_Write]) -> None:
        """Commit those of ``writes`` whose value differs from what their slot last committed,
        together, in one statement (autocommit, so atomic without BEGIN and COMMIT)."""
        needed = [w for w in writes if self._committed.get(w.slot, _UNSET) != w.value]
        if not needed:
            return
        for write in needed:
            self._committed.pop(write.slot, None)
        await self._db.execute(
            _slot_writes(len(needed)), [part for write in needed for part in write.row]
        )
        for write in needed:
            self._committed[write.slot] = write.value

    async def checkpoint(
        self,
        conversation: str,
        key: ConversationKey,
        state: object | None,
        user: tuple[int, UD] | None = None,
        chat: tuple[int, CD] | None = None,
    ) -> None:
        """Save a conversation's state and a user's and chat's data in one transaction.

        A flow calls this before it asks its next question, so that once the resident sees
        the question, a restarted bot resumes there with everything answered so far. Only what
        changed since the last commit is written.
        """
        if self._db.in_transaction:
            raise RuntimeError("checkpoint() commits on its own; call it outside a transaction")
        writes = [self._conversation_write(conversation, key, state)]
        if user is not None:
            writes.append(self._user_write(*user))
        if chat is not None:
            writes.append(self._chat_write(*chat))
        await self._commit(writes)

    # pickling -----------------------------------------------------------------------------

    def _dump(self, data: object) -> bytes:
        try:
            # Most data holds no Bot: the plain pickler writes the same bytes as _BotPickler
            # (whose persistent_id, called back for every object, costs several times more).
            return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        except pickle.PicklingError:  # a Bot refuses to be pickled: write placeholders
            buffer = io.BytesIO()
            _BotPickler(self.bot, buffer).dump(data)
            return buffer.getvalue()

    def _load(self, blob: bytes) -> Any:
        # Not S301's untrusted input: these pickles were written by this bot, into its own
        # database file, exactly as PTB's PicklePersistence writes its file.
        return _BotUnpickler(self.bot, io.BytesIO(blob)).load()

    # reading ------------------------------------------------------------------------------

    async def get_user_data(self) -> dict[int, UD]:
        """All stored user_data, by user id."""
        rows = await self._db.fetchall("SELECT user_id, data FROM ptb_user_data")
        return {row["user_id"]: self._load(row["data"]) for row in rows}

    async def get_chat_data(self) -> dict[int, CD]:
        """All stored chat_data, by chat id."""
        rows = await self._db.fetchall("SELECT chat_id, data FROM ptb_chat_data")
        return {row["chat_id"]: self._load(row["data"]) for row in rows}

    async def get_bot_data(self) -> BD:
        """The stored bot_data, or a fresh empty one."""
        blob = await self._db.fetchvalue("SELECT data FROM ptb_bot_data WHERE id = 1")
        if blob is None:
            return self._context_types.bot_data()
        return cast(BD, self._load(blob))

    async def get_callback_data(self) -> CallbackData | None:
        """The stored callback data cache, or None."""
        blob = await self._db.fetchvalue("SELECT data FROM ptb_callback_data WHERE id = 1")
        return None if blob is None else cast(CallbackData, self._load(blob))

    async def get_conversations(self, name: str) -> dict[ConversationKey, object]:
        """The stored states of one conversation handler, by key tuple."""
        rows = await self._db.fetchall(
            "SELECT conversation_key, state FROM ptb_conversations WHERE name = ?", (name,)
        )
        return {
            tuple(json.loads(row["conversation_key"])): json.loads(row["state"]) for row in rows
        }

    # writing ------------------------------------------------------------------------------

    def _conversation_write(self, name: str, key: ConversationKey, state: object | None) -> _Write:
        if state is not None and not isinstance(state, int | str):
            raise TypeError(
                f"conversation {name!r}: state must be an int or str, not {type(state).__name__}"
            )
        encoded = None if state is None else json.dumps(state)
        return _Write("conversation", name, _encode_key(key), encoded)

    def _user_write(self, user_id: int, data: UD) -> _Write:
        """One user's user_data (an empty mapping deletes the row)."""
        return _Write("user", None, user_id, None if _is_empty(data) else self._dump(data))

    def _chat_write(self, chat_id: int, data: CD) -> _Write:
        """One chat's chat_data (an empty mapping deletes the row)."""
        return _Write("chat", None, chat_id, None if _is_empty(data) else self._dump(data))

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store a conversation's state; None (the conversation ended) deletes it."""
        await self._store(self._conversation_write(name, key, new_state))

    async def save_conversation_state(
        self, name: str, key: tuple[int | str, ...], state: object | None
    ) -> None:
        """Checkpoint a conversation's next state now (e.g. before the bot replies)."""
        await self.update_conversation(name, key, state)

    async def update_user_data(self, user_id: int, data: UD) -> None:
        """Store one user's user_data (an empty mapping deletes the row)."""
        await self._store(self._user_write(user_id, data))

    async def update_chat_data(self, chat_id: int, data: CD) -> None:
        """Store one chat's chat_data (an empty mapping deletes the row)."""
        await self._store(self._chat_write(chat_id, data))

    async def update_bot_data(self, data: BD) -> None:
        """Store the bot_data."""
        await self._store(_Write("bot", None, 1, self._dump(data)))

    async def update_callback_data(self, data: CallbackData) -> None:
        """Store the callback data cache."""
        await self._db.execute(
            "INSERT INTO ptb_callback_data (id, data) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET data = excluded.data"
            " WHERE ptb_callback_data.data <> excluded.data",
            (self._dump(data),),
        )

    async def drop_chat_data(self, chat_id: int) -> None:
        """Delete one chat's chat_data."""
        await self._store(_Write("chat", None, chat_id, None))

    async def drop_user_data(self, user_id: int) -> None:
        """Delete one user's user_data."""
        await self._store(_Write("user", None, user_id, None))

    async def purge_user(self, user_id: int) -> None:
        """Erase everything keyed by a Telegram user id, then checkpoint the WAL.

        Deletes the user's user_data, the chat_data of their private chat (whose id is the
        user id) and every conversation row whose key contains the id. With secure_delete
        on and the WAL checkpointed, the id is then gone from the file. Call it outside any
        transaction; the Application must also be told to drop the user's and chat's data
        (``application.drop_user_data`` / ``drop_chat_data``) or its next
        ``update_persistence`` writes them back.
        """
        async with self._db.transaction():
            await self.drop_user_data(user_id)
            await self.drop_chat_data(user_id)
            rows = await self._db.fetchall("SELECT name, conversation_key FROM ptb_conversations")
            doomed = [
                (row["name"], row["conversation_key"])
                for row in rows
                if user_id in json.loads(row["conversation_key"])
            ]
            await self._db.executemany(
                "DELETE FROM ptb_conversations WHERE name = ? AND conversation_key = ?", doomed
            )
        self._committed.clear()  # conversation rows went without passing through _store
        await self._db.checkpoint()
        logger.info("purged persistence of one user (%d conversation rows)", len(doomed))

    # no other writer changes these rows, so there is nothing to refresh or flush ----------

    async def refresh_user_data(self, user_id: int, user_data: UD) -> None:
        """Nothing to do: stored user_data is only ever written by this bot."""

    async def refresh_chat_data(self, chat_id: int, chat_data: CD) -> None:
        """Nothing to do: stored chat_data is only ever written by this bot."""

    async def refresh_bot_data(self, bot_data: BD) -> None:
        """Nothing to do: stored bot_data is only ever written by this bot."""

    async def flush(self) -> None:
        """Nothing to do: every write has already been committed."""


@dataclass(frozen=True, slots=True)
class _Write:
    """One slot's new value (None deletes the slot's row): a row of the ptb_slot_writes view,
    whose trigger (migration 0004) writes it into its table, changed rows only."""

    kind: str  # conversation, user, chat or bot
    name: str | None  # the conversation's name
    key: int | str  # the conversation's encoded key, the user's or chat's id, 1 for bot_data
    value: bytes | str | None

    @property
    def slot(self) -> Slot:
        return (self.kind, self.key if self.name is None else f"{self.name}:{self.key}")

    @property
    def row(self) -> tuple[object, ...]:
        return (self.kind, self.name, self.key, self.value)


@functools.cache
def _slot_writes(count: int) -> str:
    """The statement writing ``count`` slots at once (a checkpoint writes at most three)."""
    rows = ", ".join(["(?, ?, ?, ?)"] * count)
    return f"INSERT INTO ptb_slot_writes (kind, name, slot_key, value) VALUES {rows}"  # noqa: S608 - only "?" placeholders are added


def _encode_key(key: ConversationKey) -> str:
    for part in key:
        if isinstance(part, bool) or not isinstance(part, int | str):
            raise TypeError(f"conversation key parts must be ints or strs, got {key!r}")
    return json.dumps(list(key), separators=(",", ":"))


def _is_empty(data: object) -> bool:
    return isinstance(data, Mapping) and not data
