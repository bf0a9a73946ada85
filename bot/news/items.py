"""What a broadcast is made of: the item, its target and photo, the messages it becomes, and
the rules every item meets (refusals, the photo's size, the send time, the 48 hours).

These are values only; :mod:`bot.news.broadcasts` (which re-exports them) stores and acts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.news.parts import CAPTION_LIMIT, TEXT_LIMIT, HtmlRejected, split_html
from storage.broadcasts import Broadcast, BroadcastSummary

COMMAND_LINE = 0
"""The actor of what the command line does (whoever can run it on the bot's machine)."""

MAX_PHOTO_BYTES = 10 * 1024 * 1024
"""Telegram's limit for a photo the bot uploads (sendPhoto)."""

WITHDRAW_WINDOW = timedelta(hours=48)
"""Telegram lets a bot delete its own message in a private chat for this long."""

Clock = Callable[[], datetime]
AreasMeeting = Callable[[float, float, int], Sequence[str]]
"""The ids of the areas a circle (latitude, longitude, radius in metres) meets."""


class BroadcastRefused(Exception):
    """What the admin asked cannot be done; the message says why, as a sentence."""


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo: the bytes to upload, or the id of one Telegram already has."""

    file_id: str | None = None
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class District:
    """The whole district: every subscriber of the topics."""


@dataclass(frozen=True, slots=True)
class Areas:
    """Some areas (ids from ``[[areas]]``): their subscribers and those of every area."""

    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Point:
    """A point and radius: subscribers of the areas the circle meets and whose near-me
    circle meets it."""

    latitude: float
    longitude: float
    radius_m: int


Target = District | Areas | Point


@dataclass(frozen=True, slots=True)
class Item:
    """A piece of news as the admin wrote it."""

    html: str
    topics: tuple[str, ...]
    target: Target
    author: int
    photo: Photo | None = None
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class Part:
    """One message a subscriber gets: text, or (the first part) a photo with this caption."""

    html: str
    photo: Photo | None = None


@dataclass(frozen=True, slots=True)
class Overview:
    """A stored broadcast with its figures so far."""

    broadcast: Broadcast
    summary: BroadcastSummary


def parts_of(html_text: str, photo: Photo | None) -> list[Part]:
    """The messages an item becomes: a photo's caption (at most 1,024 characters) then text
    parts (at most 4,096 each), split at paragraphs, lines, then words."""
    try:
        if photo is None:
            return [Part(text) for text in split_html(html_text)]
        texts = split_html(html_text, first_limit=CAPTION_LIMIT, limit=TEXT_LIMIT)
    except HtmlRejected as error:
        raise BroadcastRefused(str(error)) from error
    if not texts:
        return [Part("", photo)]
    return [Part(texts[0], photo), *(Part(text) for text in texts[1:])]


def target_of(broadcast: Broadcast) -> Target:
    """The target a stored broadcast was aimed at."""
    if broadcast.target == "areas":
        return Areas(broadcast.area_ids or ())
    if broadcast.target == "point":
        assert broadcast.latitude is not None
        assert broadcast.longitude is not None
        assert broadcast.radius_m is not None
        return Point(broadcast.latitude, broadcast.longitude, broadcast.radius_m)
    return District()


def photo_of(broadcast: Broadcast) -> Photo | None:
    """The photo of a stored broadcast, if it has one."""
    if broadcast.photo_file_id is None and broadcast.photo is None:
        return None
    return Photo(broadcast.photo_file_id, broadcast.photo)


def check_send_time(at: datetime, *, now: datetime) -> None:
    """Refuse a time in the past, or one the clocks skip or repeat when they change."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise BroadcastRefused("The time needs a time zone.")
    if at <= now:
        raise BroadcastRefused("That time has already passed: choose a time in the future.")
    zone = at.tzinfo
    if not isinstance(zone, ZoneInfo):
        return  # a fixed offset (UTC, say) names one moment: no clock change can touch it
    # Given as local time in a zone (e.g. Europe/London): it must exist and happen once.
    wall = at.replace(tzinfo=None)
    if at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise BroadcastRefused(
            f"{wall:%H:%M} does not happen that day: the clocks go forward. Choose another time."
        )
    if wall.replace(fold=1 - at.fold, tzinfo=zone).utcoffset() != at.utcoffset():
        raise BroadcastRefused(
            f"{wall:%H:%M} happens twice that day: the clocks go back. Choose another time."
        )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance between two points on the Earth, in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))
