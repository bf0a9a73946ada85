"""Typed places to coordinates: a Nominatim server when one answers, else the gazetteer.

A bare full postcode the shipped postcode units know is answered from them, exactly and without
sending it anywhere. Anything else goes to the server, reached through geopy's async Nominatim
client at the configured address, at no more than one request per ``min_delay_seconds``, biased
(not fenced) towards the district. Any
failure, a timeout or an empty answer falls back to the shipped gazetteer; the caller never sees
a network error. What residents type may be personal data, so it is never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from geopy.adapters import AioHTTPAdapter  # type: ignore[import-untyped]
from geopy.exc import GeopyError  # type: ignore[import-untyped]
from geopy.extra.rate_limiter import AsyncRateLimiter  # type: ignore[import-untyped]
from geopy.geocoders import Nominatim  # type: ignore[import-untyped]
from geopy.point import Point  # type: ignore[import-untyped]

from bot.config import Geocoding
from bot.geo.gazetteer import Gazetteer
from bot.geo.locate import Bounds

logger = logging.getLogger(__name__)

FoundSource = Literal["nominatim", "gazetteer"]


@dataclass(frozen=True, slots=True)
class Found:
    """One candidate location for typed text."""

    display_name: str
    latitude: float
    longitude: float
    source: FoundSource


class Geocoder:
    """Searches a Nominatim-compatible server, falling back to the gazetteer."""

    def __init__(self, settings: Geocoding, gazetteer: Gazetteer, bounds: Bounds) -> None:
        self._settings = settings
        self._gazetteer = gazetteer
        self._viewbox = [Point(bounds.south, bounds.west), Point(bounds.north, bounds.east)]
        self._nominatim: Any = None
        self._geocode: Any = None
        if settings.enabled:
            self._nominatim = Nominatim(
                domain=settings.domain,
                scheme=settings.scheme,
                user_agent=settings.user_agent,
                timeout=settings.timeout_seconds,
                adapter_factory=AioHTTPAdapter,
            )
            self._geocode = AsyncRateLimiter(
                self._nominatim.geocode,
                min_delay_seconds=settings.min_delay_seconds,
                max_retries=0,
                swallow_exceptions=False,
            )

    async def search(self, text: str, limit: int = 5) -> list[Found]:
        """Up to ``limit`` candidates for the text: the server's, else the gazetteer's."""
        if not text.strip():
            return []
        unit = self._gazetteer.postcode_only(text)
        if unit is not None:
            return [
                Found(
                    _describe(unit.name, unit.council), unit.latitude, unit.longitude, "gazetteer"
                )
            ]
        found = await self._search_server(text, limit) if self._geocode is not None else []
        return found or self.search_gazetteer(text, limit)

    def search_gazetteer(self, text: str, limit: int = 5) -> list[Found]:
        """Candidates from the shipped gazetteer alone."""
        return [
            Found(_describe(p.name, p.council), p.latitude, p.longitude, "gazetteer")
            for p in self._gazetteer.search(text, limit)
        ]

    async def _search_server(self, text: str, limit: int) -> list[Found]:
        try:
            locations = await self._geocode(
                text,
                exactly_one=False,
                limit=limit,
                country_codes="gb",
                viewbox=self._viewbox,
                bounded=False,
            )
        except (GeopyError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            logger.warning(
                "Geocoding server %s failed (%s); answering from the gazetteer",
                self._settings.domain,
                type(exc).__name__,
            )
            return []
        if not locations:
            logger.info("Geocoding server found nothing; answering from the gazetteer")
            return []
        return [
            Found(str(loc.address), float(loc.latitude), float(loc.longitude), "nominatim")
            for loc in locations[:limit]
        ]

    async def aclose(self) -> None:
        """Close the HTTP session to the server."""
        if self._nominatim is not None:
            await self._nominatim.__aexit__(None, None, None)
            self._nominatim = None
            self._geocode = None


def _describe(name: str, council: str) -> str:
    return f"{name} ({council})"
