"""The broadcast service over a real SQLite file: who an item reaches, idempotent queueing,
the refusals (times, photos, HTML, non-admins), corrections, withdrawals and the audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Config
from bot.news.broadcasts import (
    COMMAND_LINE,
    MAX_PHOTO_BYTES,
    Areas,
    BroadcastRefused,
    BroadcastService,
    District,
    Item,
    Photo,
    Point,
    check_send_time,
)
from bot.news.when import parse_local_time
from storage.db import Database
from storage.subscribers import SubscriberRepository
from tests.support.clocks import ManualClock
from tests.support.configs import default_config

ADMIN = 900001
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def config() -> Config:
    return default_config()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def service(config: Config, db: Database, clock: ManualClock) -> BroadcastService:
    return BroadcastService(config, db, clock=clock)


def _item(html: str = "News", **extra: object) -> Item:
    fields: dict[str, object] = {"topics": ("newsletter",), "target": District(), "author": ADMIN}
    fields.update(extra)
    return Item(html, **fields)  # type: ignore[arg-type]


async def test_recipients_by_topic_area_and_near_me_circle(
    service: BroadcastService, db: Database, clock: ManualClock
) -> None:
    """Areas reach their own and every-area subscribers; a point reaches the near-me circles
    it meets; the district reaches every subscriber of the topic."""
    subscribers = SubscriberRepository(db)
    await subscribers.subscribe(1, "newsletter", "harpenden", now=clock())
    await subscribers.subscribe(2, "newsletter", "*", now=clock())
    await subscribers.subscribe(3, "newsletter", "redbourn", now=clock())
    await subscribers.subscribe(4, "scam-alerts", "harpenden", now=clock())
    await subscribers.subscribe(5, "newsletter", "sandridge", now=clock())
    # Chat 5 pinned a 1 km circle at St Albans Cathedral (51.7504, -0.3416).
    await db.execute(
        "UPDATE subscribers SET near_latitude = 51.7504, near_longitude = -0.3416,"
        " near_radius_m = 1000 WHERE chat_id = 5"
    )
    count = service.count_recipients
    assert await count(("newsletter",), District()) == 4
    assert await count(("newsletter",), Areas(("harpenden",))) == 2
    assert await count(("newsletter", "scam-alerts"), Areas(("harpenden",))) == 3
    # 1.5 km from the cathedral with 1 km: meets chat 5's circle; 5 km away it does not.
    assert [
        r.chat_id for r in await service.recipients(("newsletter",), Point(51.7504, -0.32, 1000))
    ] == [5]
    assert await count(("newsletter",), Point(51.80, -0.20, 1000)) == 0


async def test_queue_is_idempotent_by_token(service: BroadcastService) -> None:
    """Pressing send twice queues one broadcast."""
    first = await service.queue(_item(), token="press")
    again = await service.queue(_item(), token="press")
    assert again.id == first.id
    assert [o.broadcast.id for o in await service.list()] == [first.id]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("today 09:30", "already passed"),  # 08:30 UTC: before 09:00 UTC
        ("2025-03-30 01:30", "clocks go forward"),
        ("2025-10-26 01:30", "clocks go back"),
    ],
)
async def test_schedule_refuses_the_past_and_the_clock_change(
    service: BroadcastService, typed: str, reason: str
) -> None:
    """A time already gone, or one the clocks skip or repeat, is refused with the reason."""
    at = parse_local_time(typed, now=NOW, timezone="Europe/London")
    assert at is not None
    with pytest.raises(BroadcastRefused, match=reason):
        await service.queue(_item(), token=typed, at=at)


def test_typed_times_are_read_in_london() -> None:
    """ "tomorrow 09:00" in May is 08:00 UTC; a date in winter is GMT; nonsense is None."""
    tomorrow = parse_local_time("Tomorrow 09:00", now=NOW, timezone="Europe/London")
    assert tomorrow is not None
    assert tomorrow.astimezone(UTC) == datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    winter = parse_local_time("03/12/2026 18:30", now=NOW, timezone="Europe/London")
    assert winter is not None
    assert winter.astimezone(UTC) == datetime(2026, 12, 3, 18, 30, tzinfo=UTC)
    assert parse_local_time("soon", now=NOW, timezone="Europe/London") is None
    assert parse_local_time("2026-02-30 10:00", now=NOW, timezone="Europe/London") is None
    check_send_time(NOW + timedelta(minutes=1), now=NOW)  # a UTC time is never in a gap


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (_item("<div>x</div>"), "does not accept the tag <div>"),
        (_item("   "), "no text"),
        (_item(topics=()), "at least one topic"),
        (_item(topics=("gossip",)), "Unknown topic"),
        (_item(target=Areas(("atlantis",))), "Unknown area"),
        (_item(photo=Photo(data=b"x" * (MAX_PHOTO_BYTES + 1))), "over 10 MB"),
        (_item(author=123), "Only the partnership's admins"),
    ],
)
async def test_bad_items_are_refused_with_a_reason(
    service: BroadcastService, item: Item, reason: str
) -> None:
    """What Telegram or the partnership would not accept is refused, and nothing is stored."""
    with pytest.raises(BroadcastRefused, match=reason):
        await service.queue(item, token="t")
    assert await service.list() == []


def test_preview_parts_put_the_photo_first_with_a_short_caption(service: BroadcastService) -> None:
    """A photo item: the photo with 1,024 characters, then the rest as a text message."""
    parts = service.preview_parts(_item("w " * 800, photo=Photo(file_id="AgAD")))
    assert parts[0].photo == Photo(file_id="AgAD")
    assert len(parts[0].html) <= 1024
    assert [p.photo for p in parts[1:]] == [None]


async def test_correct_withdraw_and_cancel_are_audited_and_checked(
    service: BroadcastService, db: Database, clock: ManualClock
) -> None:
    """Corrections keep the number of messages; withdrawal is refused after 48 hours and for
    non-admins; a queued item can be cancelled; each step is in the audit trail."""
    broadcast = await service.queue(_item("Short"), token="a")
    await service.repository.add_recipients(broadcast.id, [(1, False)])
    await service.repository.record_part(broadcast.id, 1, 10, now=clock())
    await service.repository.set_state(broadcast.id, "done", now=clock())
    with pytest.raises(BroadcastRefused, match="makes 2 messages"):
        await service.correct(broadcast.id, "x" * 5000, actor=ADMIN)
    with pytest.raises(BroadcastRefused, match="admins"):
        await service.withdraw(broadcast.id, actor=42)
    corrected = await service.correct(broadcast.id, "Shorter", actor=COMMAND_LINE)
    assert (corrected.html, corrected.revision) == ("Shorter", 1)
    clock.advance(hours=48)
    with pytest.raises(BroadcastRefused, match="48 hours"):
        await service.withdraw(broadcast.id, actor=ADMIN)
    clock.advance(hours=-1)
    withdrawn = await service.withdraw(broadcast.id, actor=ADMIN)
    assert withdrawn.withdrawn_at is not None
    later = await service.queue(_item(), token="b", at=clock() + timedelta(days=1))
    await service.cancel(later.id, actor=ADMIN)
    with pytest.raises(BroadcastRefused, match="not started"):
        await service.cancel(broadcast.id, actor=ADMIN)
    trail = [(e.actor, e.action) for e in await service.audit_trail(broadcast.id)]
    assert trail == [(ADMIN, "queued"), (COMMAND_LINE, "correct"), (ADMIN, "withdraw")]
