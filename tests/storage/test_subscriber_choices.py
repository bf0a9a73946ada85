"""A subscriber's whole choice stored at once: topics times areas, the near-me circle, quiet
hours; read back as it was saved; erased with the subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.db import Database
from storage.subscribers import (
    ALL_AREAS,
    NearPoint,
    Recipient,
    StoredChoice,
    SubscriberRepository,
    Subscription,
)

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def test_a_choice_is_saved_whole_and_read_back(db: Database) -> None:
    """Two topics in two areas make four subscriptions; saving again replaces them all."""
    subscribers = SubscriberRepository(db)
    near = NearPoint(51.816, -0.356, 2000)
    first = StoredChoice(("newsletter", "scams"), ("harpenden", "redbourn"), near, "off")
    await subscribers.save_choice(7, first, now=T0)
    assert await subscribers.choice(7) == first
    assert len(await subscribers.subscriptions(7)) == 4
    assert await subscribers.recipients(["scams"], ["redbourn"]) == [Recipient(7, "off")]
    second = StoredChoice(("scams",), (), None, None)
    await subscribers.save_choice(7, second, now=T0)
    assert await subscribers.choice(7) == second
    assert await subscribers.subscriptions(7) == [Subscription(7, "scams", ALL_AREAS)]


async def test_areas_without_topics_are_kept_and_forget_erases_them(db: Database) -> None:
    """Areas with no topic are stored (and reach no broadcast); forget leaves no row."""
    subscribers = SubscriberRepository(db)
    await subscribers.save_choice(7, StoredChoice((), ("harpenden",), None, None), now=T0)
    assert await subscribers.choice(7) == StoredChoice((), ("harpenden",), None, None)
    assert await subscribers.recipients(["scams"], None) == []
    assert await subscribers.forget(7)
    assert await subscribers.choice(7) is None
    assert await db.fetchall("SELECT * FROM subscriber_areas") == []


async def test_saving_a_choice_unblocks_a_chat(db: Database) -> None:
    """A chat that blocked the bot and chooses news again receives it again."""
    subscribers = SubscriberRepository(db)
    choice = StoredChoice(("scams",), (), None, None)
    await subscribers.save_choice(7, choice, now=T0)
    await subscribers.mark_blocked(7, now=T0)
    assert await subscribers.recipients(["scams"], None) == []
    await subscribers.save_choice(7, choice, now=T0)
    assert await subscribers.recipients(["scams"], None) == [Recipient(7, None)]


async def test_a_chat_subscribed_one_subscription_at_a_time_reads_as_its_areas(
    db: Database,
) -> None:
    """Subscriptions made one by one (no chosen areas stored) read back as their areas."""
    subscribers = SubscriberRepository(db)
    await subscribers.subscribe(7, "scams", "harpenden", now=T0)
    await subscribers.subscribe(7, "scams", "redbourn", now=T0)
    choice = await subscribers.choice(7)
    assert choice == StoredChoice(("scams",), ("harpenden", "redbourn"), None, None)
