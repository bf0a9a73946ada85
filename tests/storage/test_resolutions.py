"""Migration 0013 on a database written before it: each agency's resolution is taken from its
latest "resolved" event, its note internal (nobody was asked whether it may be published)."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage.db import Database
from storage.migrate import apply_migrations, load_migrations
from storage.resolutions import ResolutionRepository
from storage.timestamps import from_db


async def test_earlier_resolutions_come_from_their_events(db_path: Path) -> None:
    """Two agencies resolved one report (one of them twice, the later event counting); an
    event of another kind is no resolution; every note stays internal."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        await apply_migrations(conn, [m for m in load_migrations() if m.version < 13])
        await conn.execute(
            "INSERT INTO reports (id, ref, category, created_at, status)"
            " VALUES (1, 'K7M4QR', 'fly-tipping', '2026-11-01T09:00:00.000000+00:00', 'resolved')"
        )
        events = [
            (
                "2026-11-02T09:00:00.000000+00:00",
                "resolved",
                '{"agency": "sadc-waste", "note": "Old"}',
            ),
            (
                "2026-11-03T09:00:00.000000+00:00",
                "resolved",
                '{"agency": "sadc-waste", "note": "Cleared"}',
            ),
            ("2026-11-04T09:00:00.000000+00:00", "resolved", '{"agency": "sadc-cleansing"}'),
            ("2026-11-05T09:00:00.000000+00:00", "acknowledged", '{"agency": "sadc-asb"}'),
        ]
        for at, kind, detail in events:
            await conn.execute(
                "INSERT INTO report_events (report_id, at, actor, kind, detail)"
                " VALUES (1, ?, 'officer:1', ?, ?)",
                (at, kind, detail),
            )
    async with await Database.open(db_path) as db:
        rows = await db.fetchall("SELECT * FROM resolutions ORDER BY agency_id")
        assert await ResolutionRepository(db).publishable(1, "sadc-asb") is None
    assert [
        (r["agency_id"], from_db(r["resolved_at"]).day, r["note"], r["publishable"]) for r in rows
    ] == [("sadc-cleansing", 4, "", 0), ("sadc-waste", 3, "Cleared", 0)]
