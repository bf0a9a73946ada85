"""The bot's secret key, kept in a file beside the database, and the keyed hashes made with it.

Per-resident counters (the daily report limit) are stored under a keyed hash of the Telegram id,
so the database alone never reveals who reported. The key lives outside the database file: a
copy of the database without the key cannot be matched back to Telegram ids.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

_KEY_BYTES = 32


def key_path(database: Path) -> Path:
    """Where the key of a database lives: beside it, with the suffix ``.key``."""
    return database.with_name(database.name + ".key")


def load_or_create_key(path: Path) -> bytes:
    """The key in ``path``, created (readable by the owner only) if the file does not exist."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(_KEY_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_bytes()
        with os.fdopen(fd, "wb") as file:
            file.write(key)
        return key
    if len(key) < _KEY_BYTES:
        raise ValueError(f"the key file {path} is damaged (too short); move it aside to renew it")
    return key


def resident_key(key: bytes, user_id: int) -> str:
    """A keyed hash standing for one Telegram user in per-resident counters."""
    return hmac.new(key, f"resident:{user_id}".encode(), hashlib.sha256).hexdigest()
