"""Tests for stored broadcasts: idempotent creation, deliveries part by part, the audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from storage.broadcasts import BroadcastRepository, BroadcastSummary, NewBroadcast
from storage.db import Database

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
NEW = NewBroadcast(
    token="t-1",
    html="<b>Summer</b> newsletter",
    photo_file_id=None,
    photo=None,
    topics=("newsletter", "asb"),
    target="areas",
    area_ids=("harpenden",),
    latitude=None,
    longitude=None,
    radius_m=None,
    urgent=False,
    created_by=900,
    scheduled_for=None,
)


async def test_create_is_idempotent_by_token(db: Database) -> None:
    """The same token twice stores one broadcast and audits it once."""
    broadcasts = BroadcastRepository(db)
    first, created = await broadcasts.create(NEW, now=T0)
    again, created_again = await broadcasts.create(replace(NEW, html="other"), now=T0)
    assert (created, created_again) == (True, False)
    assert again == first
    assert (first.topics, first.area_ids, first.state) == (
        ("newsletter", "asb"),
        ("harpenden",),
        "queued",
    )
    assert [e.action for e in await broadcasts.audit_trail(first.id)] == ["queued"]


async def test_due_puts_urgent_first_and_waits_for_the_schedule(db: Database) -> None:
    """Scheduled items wait for their time; urgent ones come before older newsletters."""
    broadcasts = BroadcastRepository(db)
    later, _ = await broadcasts.create(
        replace(NEW, token="a", scheduled_for=T0 + timedelta(hours=1)), now=T0
    )
    newsletter, _ = await broadcasts.create(replace(NEW, token="b"), now=T0)
    urgent, _ = await broadcasts.create(replace(NEW, token="c", urgent=True), now=T0)
    assert [b.id for b in await broadcasts.due(now=T0)] == [urgent.id, newsletter.id]
    assert [b.id for b in await broadcasts.due(now=T0 + timedelta(hours=1))] == [
        urgent.id,
        later.id,  # queued first
        newsletter.id,
    ]
    assert await broadcasts.next_scheduled() == T0 + timedelta(hours=1)


async def test_pending_deliveries_go_forward_by_chat_id(db: Database) -> None:
    """The engine's next batch starts after the last chat of the one before, still being
    sent, so no chat is in two batches; without ``after`` the list starts again."""
    broadcasts = BroadcastRepository(db)
    broadcast, _ = await broadcasts.create(NEW, now=T0)
    chats = [-1001, 5, 7, 9, 12]
    await broadcasts.add_recipients(broadcast.id, [(c, False) for c in chats])
    first = await broadcasts.pending(broadcast.id, limit=2)
    assert [d.chat_id for d in first] == [-1001, 5]
    after = await broadcasts.pending(broadcast.id, limit=2, after=first[-1].chat_id)
    assert [d.chat_id for d in after] == [7, 9]
    await broadcasts.finish(broadcast.id, 12, "sent")
    assert await broadcasts.pending(broadcast.id, after=9) == []
    assert [d.chat_id for d in await broadcasts.pending(broadcast.id)] == [-1001, 5, 7, 9]


async def test_deliveries_resume_part_by_part(db: Database) -> None:
    """Recipients are listed once; parts sent are counted with their message ids."""
    broadcasts = BroadcastRepository(db)
    broadcast, _ = await broadcasts.create(NEW, now=T0)
    assert await broadcasts.add_recipients(broadcast.id, [(1, False), (2, True), (3, False)]) == 3
    assert await broadcasts.add_recipients(broadcast.id, [(1, False), (4, False)]) == 1
    await broadcasts.record_part(broadcast.id, 1, 10, now=T0)
    await broadcasts.record_part(broadcast.id, 1, 11, now=T0 + timedelta(seconds=1))
    await broadcasts.finish(broadcast.id, 1, "sent")
    await broadcasts.finish(broadcast.id, 2, "blocked", error="Forbidden")
    await broadcasts.finish(broadcast.id, 3, "failed", error="x")
    one = await broadcasts.delivery(broadcast.id, 1)
    assert one is not None
    assert (one.parts_sent, one.message_ids, one.sent_at) == (2, (10, 11), T0)
    assert [d.chat_id for d in await broadcasts.pending(broadcast.id)] == [4]
    assert await broadcasts.summary(broadcast.id) == BroadcastSummary(
        pending=1, sent=1, failed=1, blocked=1
    )
    await broadcasts.finish(broadcast.id, 1, "failed")  # a closed delivery stays as it was
    assert (await broadcasts.summary(broadcast.id)).sent == 1


async def test_state_changes_only_from_the_states_named(db: Database) -> None:
    """Cancelling applies only to an item not started; sending stamps the start once."""
    broadcasts = BroadcastRepository(db)
    broadcast, _ = await broadcasts.create(NEW, now=T0)
    assert await broadcasts.set_state(broadcast.id, "sending", now=T0)
    assert await broadcasts.set_state(broadcast.id, "sending", now=T0 + timedelta(minutes=1))
    assert not await broadcasts.set_state(
        broadcast.id, "cancelled", now=T0, only_from=("queued", "scheduled")
    )
    stored = await broadcasts.get(broadcast.id)
    assert stored is not None
    assert (stored.state, stored.started_at) == ("sending", T0)


async def test_corrections_and_withdrawals_list_the_copies_to_fix(db: Database) -> None:
    """A revision or a withdrawal lists the delivered copies until each is marked fixed."""
    broadcasts = BroadcastRepository(db)
    broadcast, _ = await broadcasts.create(NEW, now=T0)
    await broadcasts.add_recipients(broadcast.id, [(1, False), (2, False)])
    await broadcasts.record_part(broadcast.id, 1, 10, now=T0)
    await broadcasts.finish(broadcast.id, 1, "sent")
    assert await broadcasts.with_copies_to_fix() == []
    assert await broadcasts.revise(broadcast.id, "new text") == 1
    assert [d.chat_id for d in await broadcasts.copies_to_fix(broadcast.id)] == [1]
    await broadcasts.mark_copy_fixed(broadcast.id, 1, revision=1, withdrawn=False)
    assert await broadcasts.copies_to_fix(broadcast.id) == []
    await broadcasts.withdraw(broadcast.id, now=T0)
    assert [b.id for b in await broadcasts.with_copies_to_fix()] == [broadcast.id]
    assert (await broadcasts.summary(broadcast.id)).failed == 1  # chat 2 will not get it
