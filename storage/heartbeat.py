"""The running bot's heartbeat: one row, written every few seconds while a bot runs on this
database and removed when it stops (see :mod:`bot.news.heartbeat`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timestamps import from_db, to_db


@dataclass(frozen=True, slots=True)
class Beat:
    """The last heartbeat: the bot's process id, when it started and when it last beat."""

    pid: int
    started_at: datetime
    beat_at: datetime


class HeartbeatRepository:
    """Write and read the one heartbeat row."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def beat(self, pid: int, *, started_at: datetime, now: datetime) -> None:
        """Record that the bot of process ``pid`` is alive at ``now``."""
        await self._db.execute(
            "INSERT INTO bot_heartbeat (id, pid, started_at, beat_at) VALUES (1, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET pid = excluded.pid,"
            " started_at = excluded.started_at, beat_at = excluded.beat_at",
            (pid, to_db(started_at), to_db(now)),
        )

    async def clear(self, pid: int) -> None:
        """Remove the heartbeat of process ``pid`` (not another bot's that took over)."""
        await self._db.execute("DELETE FROM bot_heartbeat WHERE pid = ?", (pid,))

    async def last(self) -> Beat | None:
        """The heartbeat row, if any (fresh or stale)."""
        row = await self._db.fetchone("SELECT * FROM bot_heartbeat WHERE id = 1")
        if row is None:
            return None
        return Beat(row["pid"], from_db(row["started_at"]), from_db(row["beat_at"]))
