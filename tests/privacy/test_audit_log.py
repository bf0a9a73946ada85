"""The audit log read back by time, with the admins' actions on news items among its entries."""

from __future__ import annotations

from datetime import timedelta

from storage.audit import AuditRepository
from storage.broadcasts import BroadcastRepository
from storage.db import Database
from storage.timestamps import to_db, utc_now

NOW = utc_now().replace(microsecond=0)


async def test_entries_come_back_in_time_order_with_news_actions(db: Database) -> None:
    """An officer's action, then an admin's cancelling of a news item, then an erasure: listed
    in that order, within the period only."""
    audit = AuditRepository(db)
    await audit.record("officer:910001", "acknowledged", at=NOW, report_ref="ABC-123")
    made = await db.execute(
        "INSERT INTO broadcasts (token, html, topics, target, state, created_by, created_at)"
        " VALUES ('t1', 'News', '[]', 'district', 'cancelled', 900001, ?)",
        (to_db(NOW),),
    )
    await BroadcastRepository(db).audit(
        made.inserted_id, 900001, "cancel", None, now=NOW + timedelta(minutes=1)
    )
    await audit.record(
        "resident", "erasure", at=NOW + timedelta(minutes=2), detail={"counts": {"withdrawn": 1}}
    )
    await audit.record("officer:910001", "resolved", at=NOW - timedelta(days=3))

    entries = await audit.between(NOW - timedelta(hours=1), NOW + timedelta(hours=1))

    assert [(e.actor, e.action, e.report_ref) for e in entries] == [
        ("officer:910001", "acknowledged", "ABC-123"),
        ("admin:900001", "broadcast_cancel", None),
        ("resident", "erasure", None),
    ]
    assert entries[1].detail == {"broadcast": made.inserted_id, "detail": ""}
    assert entries[2].detail == {"counts": {"withdrawn": 1}}
