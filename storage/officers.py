"""Officers enrolled with one-time codes (besides those the configuration lists)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.timestamps import to_db


class OfficerRepository:
    """One-time enrolment codes (stored hashed) and the officers they enrolled."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def issue(
        self, code_hash: str, agency_id: str, *, admin_id: int, now: datetime, expires: datetime
    ) -> None:
        """Store a new code for an agency."""
        await self._db.execute(
            "INSERT INTO officer_enrolments (code_hash, agency_id, created_by, created_at,"
            " expires_at) VALUES (?, ?, ?, ?, ?)",
            (code_hash, agency_id, admin_id, to_db(now), to_db(expires)),
        )

    async def redeem(self, code_hash: str, user_id: int, now: datetime) -> str | None:
        """Use a code once, before it expires; return its agency, or None."""
        async with self._db.transaction():
            agency = await self._db.fetchvalue(
                "SELECT agency_id FROM officer_enrolments WHERE code_hash = ? AND used_by IS NULL"
                " AND revoked_at IS NULL AND expires_at > ?",
                (code_hash, to_db(now)),
            )
            if agency is None:
                return None
            await self._db.execute(
                "UPDATE officer_enrolments SET used_by = ?, used_at = ? WHERE code_hash = ?",
                (user_id, to_db(now), code_hash),
            )
        return str(agency)

    async def is_enrolled(self, user_id: int, agency_id: str) -> bool:
        """Whether this user holds an enrolment in this agency that has not been revoked."""
        found = await self._db.fetchvalue(
            "SELECT 1 FROM officer_enrolments WHERE used_by = ? AND agency_id = ?"
            " AND revoked_at IS NULL",
            (user_id, agency_id),
        )
        return found is not None

    async def agencies_of(self, user_id: int) -> set[str]:
        """The agencies this user holds an enrolment in that has not been revoked."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT agency_id FROM officer_enrolments WHERE used_by = ?"
            " AND revoked_at IS NULL",
            (user_id,),
        )
        return {str(row["agency_id"]) for row in rows}

    async def revoke(self, user_id: int, agency_id: str, now: datetime) -> int:
        """Revoke a user's enrolments in an agency; return how many there were."""
        result = await self._db.execute(
            "UPDATE officer_enrolments SET revoked_at = ? WHERE used_by = ? AND agency_id = ?"
            " AND revoked_at IS NULL",
            (to_db(now), user_id, agency_id),
        )
        return result.rowcount
