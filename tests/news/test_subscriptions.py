"""A chat's choice of news through the subscriptions service, on a real SQLite file and the
St Albans areas: what each change does to the stored subscriptions, and the plain words."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Config, config_from_data, default_config_data
from bot.geo import AreaMap, Locator
from bot.news import describe
from bot.news.subscriptions import Choice, SubscriptionService, quiet_options
from storage.db import Database
from storage.subscribers import ALL_AREAS, NearPoint, SubscriberRepository, Subscription
from tests.support.configs import default_config
from tests.support.flows import HARPENDEN

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
CHAT = 100000001


@pytest.fixture(scope="module")
def config() -> Config:
    """The St Albans default."""
    return default_config()


@pytest.fixture(scope="module")
def areas(config: Config) -> AreaMap:
    """The default's areas on its shipped boundaries (built once: the wards take a moment)."""
    return AreaMap.from_config(config.areas, Locator.from_config(config.geography))


@pytest.fixture
def service(config: Config, db: Database, areas: AreaMap) -> SubscriptionService:
    """The service over the test's database."""
    return SubscriptionService(config, db, areas)


async def test_a_chat_that_never_chose_receives_nothing(service: SubscriptionService) -> None:
    """No row: no topics, the whole district, the partnership's quiet hours."""
    assert await service.current(CHAT) == Choice()


async def test_areas_chosen_before_any_topic_are_kept(
    service: SubscriptionService, db: Database
) -> None:
    """Areas ticked with no topic yet are remembered, and apply to the topic ticked next."""
    await service.toggle_area(CHAT, "harpenden", now=T0)
    await service.toggle_area(CHAT, "redbourn", now=T0)
    assert await SubscriberRepository(db).subscriptions(CHAT) == []
    choice = await service.toggle_topic(CHAT, "newsletter", now=T0)
    assert choice.areas == ("harpenden", "redbourn")
    assert await SubscriberRepository(db).subscriptions(CHAT) == [
        Subscription(CHAT, "newsletter", "harpenden"),
        Subscription(CHAT, "newsletter", "redbourn"),
    ]


async def test_the_last_area_unticked_leaves_the_whole_district(
    service: SubscriptionService, db: Database
) -> None:
    """With no area left the choice is the whole district, stored as every area."""
    await service.toggle_topic(CHAT, "scam-alerts", now=T0)
    await service.toggle_area(CHAT, "harpenden", now=T0)
    choice = await service.toggle_area(CHAT, "harpenden", now=T0)
    assert choice.areas == ()
    assert await SubscriberRepository(db).subscriptions(CHAT) == [
        Subscription(CHAT, "scam-alerts", ALL_AREAS)
    ]


async def test_near_me_stores_the_circle_and_the_areas_it_meets(
    service: SubscriptionService, areas: AreaMap
) -> None:
    """The circle is kept with the areas it meets; ticking an area afterwards replaces the
    circle by that area alone; a circle meeting no area changes nothing."""
    await service.toggle_topic(CHAT, "crime-alerts", now=T0)
    choice = await service.near_me(CHAT, *HARPENDEN, 5000, now=T0)
    assert choice is not None
    assert choice.near == NearPoint(*HARPENDEN, 5000)
    assert choice.areas == areas.areas_meeting(*HARPENDEN, 5000)
    assert await service.current(CHAT) == choice
    assert await service.near_me(CHAT, 51.5074, -0.1278, 500, now=T0) is None
    assert await service.current(CHAT) == choice
    alone = await service.toggle_area(CHAT, "redbourn", now=T0)
    assert (alone.areas, alone.near) == (("redbourn",), None)


async def test_quiet_hours_options_and_a_forged_one(service: SubscriptionService) -> None:
    """Only offered options are taken; the partnership's is stored as None."""
    assert await service.set_quiet_hours(CHAT, "2599-0000", now=T0) is None
    choice = await service.set_quiet_hours(CHAT, "2200-0700", now=T0)
    assert choice is not None
    assert choice.quiet_hours == "22:00-07:00"
    back = await service.set_quiet_hours(CHAT, "default", now=T0)
    assert back is not None
    assert back.quiet_hours is None


async def test_stop_forgets_everything(service: SubscriptionService, db: Database) -> None:
    """Stopping deletes the subscriber with its areas and subscriptions."""
    await service.toggle_area(CHAT, "harpenden", now=T0)
    await service.toggle_topic(CHAT, "newsletter", now=T0)
    assert await service.stop(CHAT)
    assert not await service.stop(CHAT)
    assert await SubscriberRepository(db).choice(CHAT) is None
    assert await db.fetchall("SELECT * FROM subscriber_areas") == []


async def test_topics_and_areas_gone_from_the_config_are_left_out(
    db: Database, areas: AreaMap
) -> None:
    """A topic removed from the configuration no longer shows in the choice."""
    data = default_config_data()
    older = SubscriptionService(config_from_data(data, base_dir=Path(".")), db, areas)
    await older.toggle_topic(CHAT, "newsletter", now=T0)
    await older.toggle_topic(CHAT, "scam-alerts", now=T0)
    data["topics"] = [t for t in data["topics"] if t["id"] != "newsletter"]
    newer = SubscriptionService(config_from_data(data, base_dir=Path(".")), db, areas)
    assert (await newer.current(CHAT)).topics == ("scam-alerts",)


@pytest.mark.parametrize(
    ("items", "words"),
    [
        ([], ""),
        (["Harpenden"], "Harpenden"),
        (["Harpenden", "London Colney"], "Harpenden and London Colney"),
        (["A", "B", "C"], "A, B and C"),
        (
            ["Scams, rogue traders and bogus callers", "News"],
            "Scams, rogue traders and bogus callers, and News",
        ),
    ],
)
def test_lists_read_as_english(items: list[str], words: str) -> None:
    """Names are joined with "and", with a comma before it where a name has its own."""
    assert describe.joined(items) == words


def test_the_choice_in_plain_words(config: Config) -> None:
    """Topics, areas and quiet hours in one confirmation."""
    choice = Choice(topics=("scam-alerts", "newsletter"), areas=("harpenden", "london-colney"))
    assert describe.receiving(choice, config, changed=True) == (
        "You will now receive: Scams, rogue traders and bogus callers, and The partnership "
        "newsletter, for Harpenden and London Colney. News between 21:00 and 07:00 arrives "
        "silently. Urgent alerts still ring."
    )
    near = Choice(topics=("newsletter",), areas=("harpenden",), near=NearPoint(*HARPENDEN, 1500))
    assert "for within 1.5 km of the place you pinned (Harpenden)" in describe.receiving(
        near, config, changed=False
    )
    off = Choice(topics=("newsletter",), quiet_hours="off")
    assert describe.receiving(off, config, changed=False).endswith(
        "for the whole of St Albans City &amp; District. News arrives with a sound at any hour."
    )


def test_quiet_options_skip_the_partnership_hours_and_none_when_they_repeat() -> None:
    """With no partnership hours there is no separate "none"; an alternative equal to the
    partnership's is not offered twice."""
    data = default_config_data()
    data["news"]["quiet_hours"] = "22:00-07:00"
    options = quiet_options(config_from_data(data, base_dir=Path(".")))
    assert [o.id for o in options] == ["default", "off", "2300-0700", "2000-0800"]
    data["news"].pop("quiet_hours")
    data["news"]["quiet_hours"] = None
    none = quiet_options(config_from_data(data, base_dir=Path(".")))
    assert [o.id for o in none] == ["default", "2200-0700", "2300-0700", "2000-0800"]
