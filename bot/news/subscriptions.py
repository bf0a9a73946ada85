"""A chat's choice of news: its topics, its areas (the whole district, chosen areas, or "near
me": a pinned point and one of the configured radii), and its quiet hours.

Every change reads the chat's whole choice, changes one thing and stores the whole choice again
(:meth:`storage.subscribers.SubscriberRepository.save_choice`), so the subscriptions that
broadcasts read are always the topics times the areas. No Telegram here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.config import Config
from bot.news.quiet import OFF, QuietHours
from storage.db import Database
from storage.subscribers import NearPoint, StoredChoice, SubscriberRepository

logger = logging.getLogger(__name__)

DEFAULT_QUIET = "default"
"""The quiet-hours option that keeps the partnership's hours."""
QUIET_ALTERNATIVES = ("22:00-07:00", "23:00-07:00", "20:00-08:00")
"""Hours offered besides the partnership's and none: evenings earlier or later, and a long
night for those who rise late."""


class AreasNear(Protocol):
    """What near-me needs of the areas' geography (:class:`bot.geo.areas.AreaMap`)."""

    def areas_meeting(self, latitude: float, longitude: float, radius_m: float) -> tuple[str, ...]:
        """The ids of the areas a circle meets, in config order."""
        ...


@dataclass(frozen=True, slots=True)
class Choice:
    """What a chat receives: topics and areas in config order (no areas: the whole district),
    the near-me circle the areas came from, and quiet hours (None: the partnership's, ``"off"``
    or ``"HH:MM-HH:MM"``)."""

    topics: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    near: NearPoint | None = None
    quiet_hours: str | None = None

    @property
    def receives_news(self) -> bool:
        """Whether anything at all reaches the chat."""
        return bool(self.topics)


@dataclass(frozen=True, slots=True)
class QuietOption:
    """A choice of quiet hours offered to subscribers: its button id and the value stored."""

    id: str
    stored: str | None


def quiet_options(config: Config) -> tuple[QuietOption, ...]:
    """The partnership's hours, none, and the alternatives that differ from the partnership's."""
    default = config.news.quiet_hours
    options = [QuietOption(DEFAULT_QUIET, None)]
    if default is not None:
        options.append(QuietOption(OFF, OFF))
    for hours in QUIET_ALTERNATIVES:
        if hours != default:
            options.append(QuietOption(hours.replace(":", ""), hours))
    return tuple(options)


def quiet_label(option: QuietOption, config: Config) -> str:
    """The words of a quiet-hours option on its button."""
    if option.stored is None:
        default = config.news.quiet_hours
        return f"The partnership's: {QuietHours.parse(default)}" if default else "The partnership's"
    if option.stored == OFF:
        return "No quiet hours"
    return str(QuietHours.parse(option.stored))


class SubscriptionService:
    """Reads and changes a chat's whole choice of news."""

    def __init__(self, config: Config, db: Database, areas: AreasNear) -> None:
        """Over the configuration, the open database and the areas' geography."""
        self._config = config
        self._repository = SubscriberRepository(db)
        self._areas = areas
        self._topic_ids = tuple(topic.id for topic in config.topics)
        self._area_ids = tuple(area.id for area in config.areas)

    @property
    def radii(self) -> tuple[int, ...]:
        """The near-me radii subscribers may pick, in metres."""
        return self._config.news.near_me_radii_metres

    def is_topic(self, topic_id: str) -> bool:
        """Whether a topic is configured (a button may name one that is gone)."""
        return topic_id in self._topic_ids

    def is_area(self, area_id: str) -> bool:
        """Whether an area is configured."""
        return area_id in self._area_ids

    async def current(self, chat_id: int) -> Choice:
        """The chat's choice (nothing, the whole district and the partnership's hours if it
        never chose), leaving out topics and areas the configuration no longer has."""
        stored = await self._repository.choice(chat_id)
        if stored is None:
            return Choice()
        return Choice(
            topics=_in_order(stored.topic_ids, self._topic_ids),
            areas=_in_order(stored.area_ids, self._area_ids),
            near=stored.near,
            quiet_hours=stored.quiet_hours,
        )

    async def toggle_topic(self, chat_id: int, topic_id: str, *, now: datetime) -> Choice:
        """Turn a topic on or off (a known one: see :meth:`is_topic`)."""
        choice = await self.current(chat_id)
        wanted = set(choice.topics) ^ {topic_id}
        return await self._save(
            chat_id, replace(choice, topics=_in_order(wanted, self._topic_ids)), now
        )

    async def toggle_area(self, chat_id: int, area_id: str, *, now: datetime) -> Choice:
        """Add or remove an area (a known one); from the whole district or near me, the area
        alone. Removing the last area leaves the whole district."""
        choice = await self.current(chat_id)
        chosen = set() if choice.near is not None else set(choice.areas)
        chosen ^= {area_id}
        areas = _in_order(chosen, self._area_ids)
        return await self._save(chat_id, replace(choice, areas=areas, near=None), now)

    async def whole_district(self, chat_id: int, *, now: datetime) -> Choice:
        """News for every area."""
        choice = await self.current(chat_id)
        return await self._save(chat_id, replace(choice, areas=(), near=None), now)

    async def near_me(
        self, chat_id: int, latitude: float, longitude: float, radius_m: int, *, now: datetime
    ) -> Choice | None:
        """News for the areas a circle meets; None (nothing changed) if it meets none, as
        around a point outside the district."""
        met = self._areas.areas_meeting(latitude, longitude, radius_m)
        areas = _in_order(met, self._area_ids)
        if not areas:
            return None
        choice = await self.current(chat_id)
        near = NearPoint(latitude, longitude, radius_m)
        return await self._save(chat_id, replace(choice, areas=areas, near=near), now)

    async def set_quiet_hours(
        self, chat_id: int, option_id: str, *, now: datetime
    ) -> Choice | None:
        """Choose one of :func:`quiet_options` by its id; None if no such option is offered."""
        option = next((o for o in quiet_options(self._config) if o.id == option_id), None)
        if option is None:
            return None
        choice = await self.current(chat_id)
        return await self._save(chat_id, replace(choice, quiet_hours=option.stored), now)

    async def stop(self, chat_id: int) -> bool:
        """End all news and delete the subscriber; False if the chat had subscribed to nothing."""
        stopped = await self._repository.forget(chat_id)
        if stopped:
            logger.info("a subscriber stopped all news and was deleted")
        return stopped

    async def _save(self, chat_id: int, choice: Choice, now: datetime) -> Choice:
        stored = StoredChoice(choice.topics, choice.areas, choice.near, choice.quiet_hours)
        await self._repository.save_choice(chat_id, stored, now=now)
        return choice


def _in_order(ids: Sequence[str] | set[str], order: Sequence[str]) -> tuple[str, ...]:
    """The known ids among ``ids``, in config order."""
    wanted = set(ids)
    return tuple(i for i in order if i in wanted)
