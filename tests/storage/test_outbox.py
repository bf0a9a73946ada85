"""Tests for the outbox repository."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.db import Database
from storage.outbox import OutboxRepository
from storage.reports import NewReport, ReportRepository

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


async def test_enqueue_is_idempotent_by_dedupe_key(db: Database) -> None:
    """Enqueueing twice with one dedupe key keeps one item and returns its id."""
    outbox = OutboxRepository(db)
    first = await outbox.enqueue("telegram", "-100123", {"text": "a"}, dedupe_key="k1", now=T0)
    again = await outbox.enqueue("telegram", "-100123", {"text": "b"}, dedupe_key="k1", now=T0)
    assert again == first
    assert await outbox.count_pending() == 1
    item = await outbox.get(first)
    assert item is not None
    assert item.payload == {"text": "a"}


async def test_items_without_dedupe_key_are_all_kept(db: Database) -> None:
    """Items with no dedupe key never collapse into one."""
    outbox = OutboxRepository(db)
    await outbox.enqueue("telegram", "1", {}, now=T0)
    await outbox.enqueue("telegram", "1", {}, now=T0)
    assert await outbox.count_pending() == 2


async def test_claims_come_in_due_order_and_only_when_due(db: Database) -> None:
    """Claims return due items earliest first and leave future items alone."""
    outbox = OutboxRepository(db)
    late = await outbox.enqueue("t", "1", {}, now=T0, not_before=T0 + timedelta(minutes=2))
    early = await outbox.enqueue("t", "1", {}, now=T0, not_before=T0 + timedelta(minutes=1))
    future = await outbox.enqueue("t", "1", {}, now=T0, not_before=T0 + timedelta(hours=1))
    claimed = await outbox.claim_due(now=T0 + timedelta(minutes=5))
    assert [item.id for item in claimed] == [early, late]
    assert future not in [item.id for item in claimed]
    assert all(item.attempts == 1 for item in claimed)


async def test_a_claim_is_a_lease(db: Database) -> None:
    """A claimed item is not claimed again until its lease ends."""
    outbox = OutboxRepository(db)
    item_id = await outbox.enqueue("t", "1", {}, now=T0)
    assert len(await outbox.claim_due(now=T0, lease=timedelta(seconds=60))) == 1
    assert await outbox.claim_due(now=T0 + timedelta(seconds=59)) == []
    again = await outbox.claim_due(now=T0 + timedelta(seconds=60))
    assert [(item.id, item.attempts) for item in again] == [(item_id, 2)]


async def test_claim_respects_the_limit(db: Database) -> None:
    """No more than ``limit`` items are claimed at once."""
    outbox = OutboxRepository(db)
    for _ in range(5):
        await outbox.enqueue("t", "1", {}, now=T0)
    assert len(await outbox.claim_due(now=T0, limit=3)) == 3
    assert len(await outbox.claim_due(now=T0, limit=3)) == 2


async def test_mark_sent_records_the_result_once(db: Database) -> None:
    """A sent item keeps its result, leaves the pending count and cannot be re-settled."""
    outbox = OutboxRepository(db)
    item_id = await outbox.enqueue("t", "1", {}, now=T0)
    await outbox.claim_due(now=T0)
    assert await outbox.mark_sent(item_id, now=T0, result={"message_id": 55})
    assert not await outbox.mark_sent(item_id, now=T0)
    assert not await outbox.schedule_retry(item_id, next_attempt_at=T0, error="late")
    item = await outbox.get(item_id)
    assert item is not None
    assert (item.state, item.result, item.sent_at) == ("sent", {"message_id": 55}, T0)
    assert await outbox.count_pending() == 0


async def test_retry_is_scheduled_then_claimed_when_due(db: Database) -> None:
    """A retried item keeps its error and comes back only at its new time."""
    outbox = OutboxRepository(db)
    item_id = await outbox.enqueue("t", "1", {}, now=T0)
    await outbox.claim_due(now=T0)
    retry_at = T0 + timedelta(seconds=30)
    assert await outbox.schedule_retry(item_id, next_attempt_at=retry_at, error="429 retry_after")
    assert await outbox.claim_due(now=retry_at - timedelta(seconds=1)) == []
    assert await outbox.next_due_at() == retry_at
    claimed = await outbox.claim_due(now=retry_at)
    assert [(item.last_error, item.attempts) for item in claimed] == [("429 retry_after", 2)]


async def test_failed_items_are_never_claimed(db: Database) -> None:
    """A failed item stays failed and out of every claim."""
    outbox = OutboxRepository(db)
    item_id = await outbox.enqueue("t", "1", {}, now=T0)
    assert await outbox.mark_failed(item_id, error="403 blocked")
    assert await outbox.claim_due(now=T0 + timedelta(days=1)) == []
    item = await outbox.get(item_id)
    assert item is not None
    assert (item.state, item.last_error) == ("failed", "403 blocked")


async def test_outbox_commits_or_rolls_back_with_the_report(db: Database) -> None:
    """An item enqueued in the report's transaction disappears when that transaction fails."""
    reports, outbox = ReportRepository(db), OutboxRepository(db)
    new = NewReport(ref="QWER7", category="graffiti", created_at=T0)

    async def submit_then_crash() -> None:
        async with db.transaction():
            await reports.create(new, actor="resident")
            await outbox.enqueue("telegram", "-1001", {"ref": "QWER7"}, now=T0)
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError, match="crash"):
        await submit_then_crash()
    assert await reports.get_by_ref("QWER7") is None
    assert await outbox.count_pending() == 0


@pytest.mark.parametrize("settle", ["sent", "failed"])
async def test_an_erased_target_is_gone_from_the_file_once_settled(
    db: Database, database_path: Path, settle: str
) -> None:
    """An item enqueued with ``erase_target`` (an anonymous reporter's chat) loses its target
    when it is sent or given up, and the chat id is then nowhere in the database file or its
    WAL; an ordinary item keeps its target."""
    outbox = OutboxRepository(db)
    chat = "777123456789"
    erased = await outbox.enqueue("message", chat, {"text": "ref"}, now=T0, erase_target=True)
    kept = await outbox.enqueue("message", "-1001000000001", {"text": "card"}, now=T0)
    await outbox.claim_due(now=T0)
    for item_id in (erased, kept):
        if settle == "sent":
            assert await outbox.mark_sent(item_id, now=T0, result={"message_id": 5})
        else:
            assert await outbox.mark_failed(item_id, error="Forbidden: bot was blocked")
    erased_item, kept_item = await outbox.get(erased), await outbox.get(kept)
    assert erased_item is not None
    assert kept_item is not None
    assert (erased_item.target, erased_item.state) == ("", settle)
    assert kept_item.target == "-1001000000001"
    raw = b"".join(p.read_bytes() for p in database_path.parent.glob(database_path.name + "*"))
    assert chat.encode() not in raw
