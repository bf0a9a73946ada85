"""Migration 0006: PTB's stored data from pickles to JSON, the residents' drafts included.

Before this step, user, chat, bot and callback data were pickled, so a resident's draft was
stored as the class ``bot.reporting.draft.Draft``. This step rewrites each pickled row as the
JSON that storage/persistence.py now reads: plain values as they are, and a draft as
``{"$type": "draft", "v": 1, ...}`` (version 1 of bot/reporting/draft.py's stored form), so a
resident halfway through a report carries on where they were.

The pickles are read by an unpickler that builds only plain data, datetimes and stand-ins for
the two draft classes as they were at this step (their fields are written out below, as a
migration must not follow the code as it changes). Anything else a pickle names is never
looked up nor run: the value holding it is dropped, with a warning that names its class only.
Only rows still holding a pickle (a BLOB) are read, so running the step again changes nothing.
"""

from __future__ import annotations

import io
import json
import logging
import math
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import aiosqlite

logger = logging.getLogger(__name__)

# The fields of the two classes, in their declaration order (the order their pickled state
# lists them in), as bot/reporting/draft.py declared them when drafts were pickled.
_DRAFT_FIELDS = (
    "step",
    "category",
    "answers",
    "location",
    "candidate",
    "occurred_at",
    "occurred_label",
    "description",
    "photos",
    "anonymous",
    "phone",
    "history",
    "reviewing",
    "duplicates",
)
_LOCATION_FIELDS = (
    "latitude",
    "longitude",
    "label",
    "verdict",
    "ward",
    "nearest_place",
    "council",
    "approximate",
)
_DEFAULTS: dict[str, object] = {"ward": None, "nearest_place": None, "council": None}
_DEFAULTS |= {"approximate": False, "reviewing": False}

# The value types a pickle may name beside the draft's classes: constructors of values only.
_SAFE = {
    ("datetime", "datetime"): datetime,
    ("datetime", "timezone"): timezone,
    ("datetime", "timedelta"): timedelta,
}
_SAFE |= {("builtins", kind.__name__): kind for kind in (set, frozenset, bytearray, complex)}

# (table, key column): the slots holding pickles; callback data has a shape of its own.
_DATA_TABLES = (("ptb_user_data", "user_id"), ("ptb_chat_data", "chat_id"), ("ptb_bot_data", "id"))


class _StandIn:
    """Built instead of a pickled object: keeps the state the pickle gives it, runs nothing."""

    what = "an object"

    def __init__(self, *args: object) -> None:
        self.state: object = args

    def __setstate__(self, state: object) -> None:
        self.state = state

    def fields(self, names: tuple[str, ...]) -> dict[str, object]:
        """The state as a dataclass with slots pickles it: its values in field order (or a
        dict, or a (dict, slots dict) pair), by field name."""
        state = self.state
        if (
            isinstance(state, tuple)
            and len(state) == 2
            and all(part is None or isinstance(part, dict) for part in state)
        ):
            return {**(state[0] or {}), **(state[1] or {})}
        if isinstance(state, dict):
            return dict(state)
        if isinstance(state, list | tuple) and len(state) <= len(names):
            return dict(zip(names, state, strict=False))
        raise _NotPlain(self.what)


class _OldDraft(_StandIn):
    what = "bot.reporting.draft.Draft"


class _OldLocation(_StandIn):
    what = "bot.reporting.draft.Location"


class _Refused(_StandIn):
    """A class no stored value may hold: it stands in so that the value can be dropped."""


class _NotPlain(Exception):
    """A value JSON cannot hold, or one a pickle built from a refused class."""


class _RestrictedUnpickler(pickle.Unpickler):
    """Builds plain data, datetimes and the draft's stand-ins; nothing else is looked up."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("bot.reporting.draft", "Draft"):
            return _OldDraft
        if (module, name) == ("bot.reporting.draft", "Location"):
            return _OldLocation
        if (module, name) in _SAFE:
            return _SAFE[(module, name)]
        return type("_Refused", (_Refused,), {"what": f"{module}.{name}"[:80]})

    def persistent_load(self, pid: object) -> object:
        return _Refused(pid)  # a Bot placeholder: not data


def _unpickle(blob: bytes) -> object:
    return _RestrictedUnpickler(io.BytesIO(blob)).load()


def _plain(value: object) -> object:
    """The value as JSON data, or _NotPlain."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _NotPlain("a float that is not finite")
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise _NotPlain("a dict whose keys are not all strings")
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, _StandIn):
        raise _NotPlain(value.what)
    raise _NotPlain(type(value).__name__)


def _location(value: object) -> dict[str, object] | None:
    if value is None:
        return None
    if not isinstance(value, _OldLocation):
        raise _NotPlain(f"a location that is {getattr(value, 'what', type(value).__name__)}")
    fields = _DEFAULTS | value.fields(_LOCATION_FIELDS)
    return {name: _plain(fields.get(name)) for name in _LOCATION_FIELDS}


def _utc(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise _NotPlain(f"a time that is {type(value).__name__}")
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # stored as UTC
    return moment.astimezone(UTC).isoformat()


def _draft(draft: _OldDraft) -> dict[str, object]:
    """The draft in version 1 of its JSON form, tagged as the persistence reads it."""
    fields = _DEFAULTS | draft.fields(_DRAFT_FIELDS)
    stored: dict[str, object] = {"$type": "draft", "v": 1}
    for name in _DRAFT_FIELDS:
        value = fields.get(name)
        if name in ("location", "candidate"):
            stored[name] = _location(value)
        elif name == "occurred_at":
            stored[name] = _utc(value)
        elif name in ("answers",):
            stored[name] = _plain({} if value is None else value)
        elif name in ("photos", "history", "duplicates"):
            stored[name] = _plain([] if value is None else value)
        else:
            stored[name] = _plain(value)
    return stored


def _data_as_json(blob: bytes, whose: str) -> str | None:
    """A pickled data mapping as JSON text; None when nothing in it can be kept."""
    try:
        data = _unpickle(blob)
    except Exception as error:  # a damaged pickle: the row goes
        logger.warning("stored %s data could not be unpickled (%s); dropped", whose, type(error))
        return None
    if not isinstance(data, dict):
        logger.warning("stored %s data was not a mapping; dropped", whose)
        return None
    kept: dict[str, object] = {}
    for key, value in data.items():
        try:
            if not isinstance(key, str):
                raise _NotPlain(f"a key that is {type(key).__name__}")
            kept[key] = _draft(value) if isinstance(value, _OldDraft) else _plain(value)
        except _NotPlain as refused:
            logger.warning("a stored value of %s data was dropped: it held %s", whose, refused)
    return json.dumps(kept, separators=(",", ":"), allow_nan=False) if kept else None


def _callback_data_as_json(blob: bytes) -> str | None:
    try:
        cache = _plain(_unpickle(blob))  # PTB's (buttons, queries) pair, as a list
        if not isinstance(cache, list) or len(cache) != 2:
            raise _NotPlain("not a pair")
        return json.dumps(cache, separators=(",", ":"))
    except Exception as error:  # a damaged pickle, or not plain data: the row goes
        logger.warning("stored callback data could not be converted (%s); dropped", type(error))
        return None


async def migrate(conn: aiosqlite.Connection) -> None:
    """Rewrite every row still holding a pickle as JSON, or delete it if nothing can be kept."""
    converted = dropped = 0
    for table, key in (*_DATA_TABLES, ("ptb_callback_data", "id")):
        # Table and column names are this module's constants, not input.
        select = f"SELECT {key}, data FROM {table} WHERE typeof(data) = 'blob'"  # noqa: S608
        async with conn.execute(select) as cursor:
            rows = list(await cursor.fetchall())
        whose = table.removeprefix("ptb_").removesuffix("_data")
        for slot, blob in rows:
            if table == "ptb_callback_data":
                text = _callback_data_as_json(blob)
            else:
                text = _data_as_json(blob, whose)
            if text is None:
                await conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (slot,))  # noqa: S608
                dropped += 1
            else:
                update = f"UPDATE {table} SET data = ? WHERE {key} = ?"  # noqa: S608
                await conn.execute(update, (text, slot))
                converted += 1
    logger.info("stored data as JSON: %d rows converted, %d dropped", converted, dropped)
