"""Per-resident daily counters, keyed by a keyed hash so no Telegram id is stored."""

from __future__ import annotations

from storage.db import Database


class ResidentCounterRepository:
    """Counts per resident key and day (the caller computes the keyed hash)."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def increment(self, resident_key: str, day: str) -> int:
        """Add one to a resident's count for a day (``YYYY-MM-DD``) and return the new count."""
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO resident_counters (resident_key, day, count) VALUES (?, ?, 1)"
                " ON CONFLICT (resident_key, day)"
                " DO UPDATE SET count = resident_counters.count + 1",
                (resident_key, day),
            )
            row = await self._db.fetchvalue(
                "SELECT count FROM resident_counters WHERE resident_key = ? AND day = ?",
                (resident_key, day),
            )
        return int(row)

    async def count(self, resident_key: str, day: str) -> int:
        """A resident's count for a day (0 when none)."""
        value = await self._db.fetchvalue(
            "SELECT count FROM resident_counters WHERE resident_key = ? AND day = ?",
            (resident_key, day),
        )
        return 0 if value is None else int(value)

    async def forget_before(self, day: str) -> int:
        """Delete counters for days before ``day``; return how many went."""
        result = await self._db.execute("DELETE FROM resident_counters WHERE day < ?", (day,))
        return result.rowcount
