"""python-telegram-bot persistence kept in the bot's SQLite file, written through at once.

Everything is stored as JSON, nothing pickled: conversation keys and states (states must be
ints or strings, as PTB's conversation handlers use them), and user, chat, bot and callback
data. A data mapping's keys must be strings and its values plain JSON, or values of the typed
kinds the persistence is given (the resident's draft, say), each stored as its own versioned
JSON under a ``"$type"`` tag. A stored value this version cannot read (another version, a
malformed row) is dropped with a warning, never guessed at: the flow that owned it starts its
user afresh.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast, overload

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

TYPE_TAG = "$type"


class Stored(Protocol):
    """A typed value kept in user, chat or bot data: stored as ``{"$type": STORED_AS, ...}``
    with the fields of its own ``to_json()``."""

    STORED_AS: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        """The value as JSON-ready data (without a ``"$type"`` key)."""
        ...

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """The value back; raises ValueError, with a message free of personal data, for a
        version it cannot read or malformed data."""
        ...


class SqlitePersistence(BasePersistence[UD, CD, BD], Generic[UD, CD, BD]):
    """PTB persistence in SQLite: every update_* and drop_* is committed when it returns.

    A call made while the calling task has a transaction open on the database joins that
    transaction, so a conversation's state can be committed with the change it led to.
    """

    __slots__ = ("_codec", "_committed", "_context_types", "_db")

    @overload
    def __init__(
        self: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]],
        db: Database,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
        *,
        kinds: Iterable[type[Stored]] = (),
    ) -> None: ...

    @overload
    def __init__(
        self: SqlitePersistence[UD, CD, BD],
        db: Database,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
        context_types: ContextTypes[Any, UD, CD, BD] | None = None,
        *,
        kinds: Iterable[type[Stored]] = (),
    ) -> None: ...

    def __init__(
        self,
        db: Database,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
        context_types: ContextTypes[Any, UD, CD, BD] | None = None,
        *,
        kinds: Iterable[type[Stored]] = (),
    ) -> None:
        """Keep PTB's data in ``db`` (already open); ``context_types`` gives bot_data's type;
        ``kinds`` are the typed values that data may hold besides plain JSON."""
        super().__init__(store_data=store_data, update_interval=update_interval)
        self._db = db
        self._codec = _Codec(kinds)
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

    # reading ------------------------------------------------------------------------------

    async def get_user_data(self) -> dict[int, UD]:
        """All stored user_data, by user id."""
        rows = await self._db.fetchall("SELECT user_id, data FROM ptb_user_data")
        return {row["user_id"]: cast(UD, self._codec.load(row["data"], "user")) for row in rows}

    async def get_chat_data(self) -> dict[int, CD]:
        """All stored chat_data, by chat id."""
        rows = await self._db.fetchall("SELECT chat_id, data FROM ptb_chat_data")
        return {row["chat_id"]: cast(CD, self._codec.load(row["data"], "chat")) for row in rows}

    async def get_bot_data(self) -> BD:
        """The stored bot_data, or a fresh empty one."""
        text = await self._db.fetchvalue("SELECT data FROM ptb_bot_data WHERE id = 1")
        if text is None:
            return self._context_types.bot_data()
        return cast(BD, self._codec.load(text, "bot"))

    async def get_callback_data(self) -> CallbackData | None:
        """The stored callback data cache, or None."""
        text = await self._db.fetchvalue("SELECT data FROM ptb_callback_data WHERE id = 1")
        return None if text is None else _callback_data(text)

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
        return _Write("user", None, user_id, None if _is_empty(data) else self._codec.dump(data))

    def _chat_write(self, chat_id: int, data: CD) -> _Write:
        """One chat's chat_data (an empty mapping deletes the row)."""
        return _Write("chat", None, chat_id, None if _is_empty(data) else self._codec.dump(data))

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
        await self._store(_Write("bot", None, 1, self._codec.dump(data)))

    async def update_callback_data(self, data: CallbackData) -> None:
        """Store the callback data cache."""
        await self._db.execute(
            "INSERT INTO ptb_callback_data (id, data) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET data = excluded.data"
            " WHERE ptb_callback_data.data <> excluded.data",
            (json.dumps(data, separators=(",", ":"), allow_nan=False),),
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
    value: str | None

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


def _callback_data(text: str) -> CallbackData | None:
    """PTB's callback data cache back from its JSON (whose tuples came back as lists)."""
    try:
        buttons, queries = json.loads(text)
        return [(str(uuid), float(at), dict(data)) for uuid, at, data in buttons], dict(queries)
    except (ValueError, TypeError) as error:
        logger.warning("stored callback data could not be read (%s); dropped", type(error).__name__)
        return None


class _Codec:
    """Data mappings to and from their JSON text, typed values under their ``"$type"`` tag."""

    __slots__ = ("_by_name", "_by_type")

    def __init__(self, kinds: Iterable[type[Stored]]) -> None:
        self._by_type: dict[type[Any], str] = {kind: kind.STORED_AS for kind in kinds}
        self._by_name: dict[str, type[Stored]] = {kind.STORED_AS: kind for kind in kinds}
        if len(self._by_name) != len(self._by_type):
            raise ValueError(f"two kinds stored under one name: {sorted(self._by_type, key=str)}")

    def dump(self, data: object) -> str:
        """The JSON text of a data mapping; TypeError for what JSON cannot hold unchanged."""
        if not isinstance(data, Mapping):
            raise TypeError(f"data must be a mapping, not {type(data).__name__}")
        encoded: dict[str, object] = {}
        for key, value in data.items():
            if not isinstance(key, str):
                raise TypeError(f"data keys must be strings, got {type(key).__name__}")
            name = self._by_type.get(type(value))
            encoded[key] = value if name is None else {TYPE_TAG: name, **value.to_json()}
        return json.dumps(encoded, separators=(",", ":"), allow_nan=False, default=_not_json)

    def load(self, text: object, whose: str) -> dict[str, Any]:
        """A data mapping back from its JSON text. A typed value that cannot be read is left
        out, and a row that cannot be read at all gives an empty mapping: each with a warning
        that names no person and nothing they wrote."""
        try:
            if not isinstance(text, str):
                raise TypeError(f"a {type(text).__name__} value, not JSON text")
            stored = json.loads(text)
            if not isinstance(stored, dict):
                raise TypeError(f"JSON {type(stored).__name__}, not an object")
        except (ValueError, TypeError) as error:
            reason = type(error).__name__
            logger.warning("stored %s data could not be read (%s); dropped", whose, reason)
            return {}
        data: dict[str, Any] = {}
        for key, value in stored.items():
            if isinstance(value, dict) and TYPE_TAG in value:
                name = value.pop(TYPE_TAG)
                kind = self._by_name.get(name) if isinstance(name, str) else None
                try:
                    if kind is None:
                        raise ValueError(f"unknown type {name!r}")
                    value = kind.from_json(value)
                except ValueError as error:  # the kind's own words: no personal data
                    logger.warning("a stored %s in %s data was dropped: %s", name, whose, error)
                    continue
                except (TypeError, KeyError, AttributeError) as error:
                    reason = type(error).__name__
                    logger.warning("a stored %s in %s data was dropped (%s)", name, whose, reason)
                    continue
            data[key] = value
        return data


def _not_json(value: object) -> object:
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")
