"""Tests for subscribers and resident counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


async def test_resident_counters_count_per_key_and_day(db: Database) -> None:
    """Counters go up per resident key and day and old days can be forgotten."""
    counters = ResidentCounterRepository(db)
    assert await counters.increment("hash-a", "2024-05-01") == 1
    assert await counters.increment("hash-a", "2024-05-01") == 2
    assert await counters.increment("hash-a", "2024-05-02") == 1
    assert await counters.count("hash-b", "2024-05-01") == 0
    assert await counters.forget_before("2024-05-02") == 1
    assert await counters.count("hash-a", "2024-05-01") == 0
