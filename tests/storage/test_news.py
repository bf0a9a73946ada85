"""Tests for subscribers, broadcasts and resident counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.broadcasts import BroadcastRepository, BroadcastSummary
from storage.db import Database
from storage.residents import ResidentCounterRepository
from storage.subscribers import ALL_AREAS, Recipient, SubscriberRepository, Subscription

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


async def test_subscribe_is_idempotent_and_listed(db: Database) -> None:
    """Subscribing twice to one topic and area keeps one subscription."""
    subscribers = SubscriberRepository(db)
    assert await subscribers.subscribe(1, "asb", "harpenden", now=T0)
    assert not await subscribers.subscribe(1, "asb", "harpenden", now=T0)
    assert await subscribers.subscribe(1, "burglary", ALL_AREAS, now=T0)
    assert await subscribers.subscriptions(1) == [
        Subscription(1, "asb", "harpenden"),
        Subscription(1, "burglary", ALL_AREAS),
    ]


async def test_unsubscribe_removes_only_that_subscription(db: Database) -> None:
    """Unsubscribing removes one topic and area and reports whether it existed."""
    subscribers = SubscriberRepository(db)
    await subscribers.subscribe(1, "asb", "harpenden", now=T0)
    await subscribers.subscribe(1, "asb", "london_colney", now=T0)
    assert await subscribers.unsubscribe(1, "asb", "harpenden")
    assert not await subscribers.unsubscribe(1, "asb", "harpenden")
    assert await subscribers.subscriptions(1) == [Subscription(1, "asb", "london_colney")]


async def test_audience_matches_area_everywhere_and_district_wide(db: Database) -> None:
    """Area news reaches that area and everywhere-subscribers; district news reaches all."""
    subscribers = SubscriberRepository(db)
    await subscribers.subscribe(1, "asb", "harpenden", now=T0)
    await subscribers.subscribe(2, "asb", ALL_AREAS, now=T0)
    await subscribers.subscribe(3, "asb", "redbourn", now=T0)
    await subscribers.subscribe(4, "burglary", "harpenden", now=T0)
    assert await subscribers.audience("asb", "harpenden") == [1, 2]
    assert await subscribers.audience("asb", None) == [1, 2, 3]


async def test_recipients_of_several_topics_and_areas_each_once(db: Database) -> None:
    """An item on two topics for two areas reaches each matching chat once, with its quiet
    hours; an empty list of areas reaches nobody, None the whole district."""
    subscribers = SubscriberRepository(db)
    await subscribers.subscribe(1, "asb", "harpenden", now=T0)
    await subscribers.subscribe(1, "scams", "harpenden", now=T0)
    await subscribers.subscribe(2, "scams", ALL_AREAS, now=T0)
    await subscribers.subscribe(3, "asb", "redbourn", now=T0)
    await subscribers.subscribe(4, "newsletter", "harpenden", now=T0)
    await subscribers.set_quiet_hours(2, "off")
    found = await subscribers.recipients(["asb", "scams"], ["harpenden", "sopwell"])
    assert found == [Recipient(1, None), Recipient(2, "off")]
    assert await subscribers.recipients(["asb"], []) == []
    assert [r.chat_id for r in await subscribers.recipients(["asb"], None)] == [1, 3]
    await subscribers.mark_blocked(1, now=T0)
    assert await subscribers.recipients(["asb", "scams"], ["harpenden"]) == [Recipient(2, "off")]


async def test_blocked_chat_leaves_the_audience_until_it_returns(db: Database) -> None:
    """A chat that blocked the bot loses its subscriptions; subscribing again unblocks it."""
    subscribers = SubscriberRepository(db)
    await subscribers.subscribe(1, "asb", "harpenden", now=T0)
    await subscribers.mark_blocked(1, now=T0 + timedelta(days=1))
    subscriber = await subscribers.get(1)
    assert subscriber is not None
    assert subscriber.blocked_at == T0 + timedelta(days=1)
    assert await subscribers.audience("asb", "harpenden") == []
    await subscribers.subscribe(1, "asb", "harpenden", now=T0 + timedelta(days=2))
    returned = await subscribers.get(1)
    assert returned is not None
    assert returned.blocked_at is None
    assert await subscribers.audience("asb", "harpenden") == [1]


async def test_forget_erases_subscriber_and_subscriptions(db: Database) -> None:
    """Forgetting a chat deletes it and, through the foreign key, its subscriptions."""
    subscribers = SubscriberRepository(db)
    await subscribers.subscribe(1, "asb", "harpenden", now=T0)
    assert await subscribers.forget(1)
    assert await subscribers.get(1) is None
    assert await db.fetchvalue("SELECT COUNT(*) FROM subscriptions") == 0


async def _broadcast_id(db: Database) -> int:
    broadcasts = BroadcastRepository(db)
    created = await broadcasts.create(
        title="Summer newsletter",
        body="Crime is down.",
        topic_id="newsletter",
        area_id=None,
        created_by=900,
        now=T0,
        state="queued",
    )
    return created.id


async def test_create_and_get_broadcast(db: Database) -> None:
    """A created broadcast reads back as it was written."""
    broadcasts = BroadcastRepository(db)
    created = await broadcasts.create(
        title="t",
        body="b",
        topic_id="asb",
        area_id="harpenden",
        created_by=900,
        now=T0,
        state="scheduled",
        scheduled_for=T0 + timedelta(hours=1),
    )
    assert await broadcasts.get(created.id) == created
    assert await broadcasts.due(now=T0) == []
    assert [b.id for b in await broadcasts.due(now=T0 + timedelta(hours=1))] == [created.id]


async def test_state_changes_stamp_start_and_finish(db: Database) -> None:
    """Sending stamps the start once; done stamps the finish."""
    broadcasts = BroadcastRepository(db)
    broadcast_id = await _broadcast_id(db)
    await broadcasts.set_state(broadcast_id, "sending", now=T0)
    await broadcasts.set_state(broadcast_id, "sending", now=T0 + timedelta(minutes=1))
    await broadcasts.set_state(broadcast_id, "done", now=T0 + timedelta(minutes=2))
    stored = await broadcasts.get(broadcast_id)
    assert stored is not None
    assert (stored.state, stored.started_at, stored.finished_at) == (
        "done",
        T0,
        T0 + timedelta(minutes=2),
    )


async def test_deliveries_resume_without_sending_twice(db: Database) -> None:
    """Recipients are added once, sent deliveries stay sent, and pending ones remain."""
    broadcasts = BroadcastRepository(db)
    broadcast_id = await _broadcast_id(db)
    assert await broadcasts.add_recipients(broadcast_id, [1, 2, 3, 4]) == 4
    assert await broadcasts.add_recipients(broadcast_id, [1, 2, 5]) == 1
    assert await broadcasts.record_delivery(broadcast_id, 1, state="sent", now=T0, message_id=10)
    assert not await broadcasts.record_delivery(broadcast_id, 1, state="failed", now=T0)
    assert await broadcasts.record_delivery(broadcast_id, 2, state="blocked", now=T0)
    assert await broadcasts.record_delivery(broadcast_id, 3, state="failed", now=T0, error="x")
    assert await broadcasts.pending_chats(broadcast_id) == [4, 5]
    assert await broadcasts.pending_chats(broadcast_id, limit=1) == [4]
    assert await broadcasts.summary(broadcast_id) == BroadcastSummary(
        pending=2, sent=1, failed=1, blocked=1
    )
    assert (await broadcasts.summary(broadcast_id)).total == 5


async def test_resident_counters_count_per_key_and_day(db: Database) -> None:
    """Counters go up per resident key and day and old days can be forgotten."""
    counters = ResidentCounterRepository(db)
    assert await counters.increment("hash-a", "2024-05-01") == 1
    assert await counters.increment("hash-a", "2024-05-01") == 2
    assert await counters.increment("hash-a", "2024-05-02") == 1
    assert await counters.count("hash-b", "2024-05-01") == 0
    assert await counters.forget_before("2024-05-02") == 1
    assert await counters.count("hash-a", "2024-05-01") == 0
