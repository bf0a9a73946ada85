"""Where a pin is: inside the district, outside (and whose it is), or at the edge.

With boundary files the answer is exact: the district file decides in or out, the wards file
names the ward (the containing one, else the nearest), and the neighbours file names the council
of a point outside. Without them the shipped gazetteer approximates, and never turns away a
point inside the district: where unsure it answers "edge", which the bot accepts and marks for
the agency to confirm.
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass

import numpy as np

from bot.config import Geography
from bot.geo.approximate import (
    PLACE_RULES,
    POSTCODE_RULES,
    Judge,
    Judgement,
    Landmark,
    LayeredJudge,
    Rules,
    Verdict,
)
from bot.geo.boundaries import District, Regions, read_features
from bot.geo.gazetteer import Gazetteer, Place, load_gazetteer
from bot.geo.metric import FloatArray, LocalProjection

logger = logging.getLogger(__name__)

PLAUSIBLE_DISTANCE_M = 50_000.0
"""A pin further than this from the district is a mistake, not a report from just outside."""
_NEIGHBOUR_REACH_M = 5_000.0
_VIEWBOX_PADDING_DEGREES = 0.05


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a point falls, for the resident's answer and the officer's alert."""

    latitude: float
    longitude: float
    verdict: Verdict
    ward: str | None
    """The ward from the wards file: the containing one, else the nearest; None without it."""
    area: str | None
    """The district town or area of the nearest place inside the district (not when outside)."""
    nearest_place: str | None
    council: str | None
    """The district council inside; the neighbouring council outside; None when unknown."""
    exact: bool
    """Decided by a boundary file rather than approximated from the gazetteer."""


@dataclass(frozen=True, slots=True)
class Area:
    """A town or area of the district, with a representative point, for "not sure exactly"."""

    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Bounds:
    """A box in degrees, used to bias geocoding towards the district."""

    south: float
    west: float
    north: float
    east: float


class Locator:
    """Places points relative to the district, exactly from boundary files or approximately."""

    def __init__(
        self,
        district_council: str,
        gazetteer: Gazetteer,
        *,
        district: District | None = None,
        wards: Regions | None = None,
        neighbours: Regions | None = None,
        rules: Rules | None = None,
    ) -> None:
        self.district_council = district_council
        self.gazetteer = gazetteer
        self._inside = [p for p in gazetteer.places if p.in_district]
        self.projection = _projection_for(self._inside)
        self._district = district
        self._wards = wards
        self._neighbours = neighbours
        self._judge = _judge_for(gazetteer, district_council, self.projection, rules)
        named = [p for p in gazetteer.places if p.kind != "postcode_district"]
        self._named = named
        self._named_xy = self._metres(named)
        self._inside_named = [p for p in named if p.in_district and p.area]
        self._inside_named_xy = self._metres(self._inside_named)

    def _metres(self, places: list[Place]) -> FloatArray:
        lonlat = np.array([(p.longitude, p.latitude) for p in places], dtype=np.float64)
        return self.projection.lonlat_array_to_metres(lonlat.reshape(-1, 2))

    @classmethod
    def from_config(cls, geography: Geography, rules: Rules | None = None) -> Locator:
        """A locator from the config's boundary files and gazetteer (the shipped one by default)."""
        gazetteer = load_gazetteer(geography.gazetteer, geography.postcodes)
        projection = _projection_for([p for p in gazetteer.places if p.in_district])
        wards = district = neighbours = None
        if geography.wards_boundary is not None:
            ward_features = read_features(geography.wards_boundary, geography.ward_name_property)
            wards = Regions(ward_features, projection)
        if geography.district_boundary is not None:
            district = District(read_features(geography.district_boundary), projection)
        elif geography.wards_boundary is not None:
            district = District(ward_features, projection)
        if geography.neighbours_boundary is not None:
            neighbour_features = read_features(
                geography.neighbours_boundary, geography.neighbour_name_property
            )
            neighbours = Regions(neighbour_features, projection)
        logger.info(
            "Locating against %s (%d gazetteer places, %d postcodes)",
            "boundary files" if district is not None else "the gazetteer approximation",
            len(gazetteer.places),
            len(gazetteer.postcodes or ()),
        )
        return cls(
            geography.district_council,
            gazetteer,
            district=district,
            wards=wards,
            neighbours=neighbours,
            rules=rules,
        )

    @property
    def wards(self) -> Regions | None:
        """The wards of the wards file, or None without one."""
        return self._wards

    @property
    def district(self) -> District | None:
        """The district from its boundary file (or the union of the wards), or None."""
        return self._district

    @property
    def exact(self) -> bool:
        """Whether in-or-out decisions come from a boundary file."""
        return self._district is not None

    def locate(self, latitude: float, longitude: float) -> Placement:
        """Inside, outside or at the edge of the district, with ward, area, place and council."""
        judgement: Judgement | None = None
        if self._district is not None:
            verdict: Verdict = (
                "inside" if self._district.contains(latitude, longitude) else "outside"
            )
        else:
            judgement = self._judge.judge(latitude, longitude)
            verdict = judgement.verdict
        council: str | None = None
        if verdict == "inside":
            council = self.district_council
        elif verdict == "outside":
            council = self._neighbouring_council(latitude, longitude, judgement)
        ward = None
        if self._wards is not None and verdict == "inside":
            ward = self._wards.containing(latitude, longitude)
            if ward is None:
                ward = self._wards.nearest(latitude, longitude)[0]
        return Placement(
            latitude=latitude,
            longitude=longitude,
            verdict=verdict,
            ward=ward,
            area=self._nearest_area(latitude, longitude) if verdict != "outside" else None,
            nearest_place=self._nearest_named(latitude, longitude),
            council=council,
            exact=self.exact,
        )

    def _neighbouring_council(
        self, latitude: float, longitude: float, judgement: Judgement | None
    ) -> str | None:
        """The neighbours file's council of an outside point, else the approximation's when
        it is near enough to know (judged only then, when the district file decided)."""
        if self._neighbours is not None:
            name = self._neighbours.containing(latitude, longitude)
            if name is not None:
                return self.gazetteer.council_for_ons_name(name)
        if judgement is None:
            judgement = self._judge.judge(latitude, longitude)
        if judgement.outside_distance_m > _NEIGHBOUR_REACH_M:
            return None
        return judgement.outside_council

    def _nearest_area(self, latitude: float, longitude: float) -> str | None:
        place = self._nearest(self._inside_named, self._inside_named_xy, latitude, longitude)
        return place.area if place else None

    def _nearest_named(self, latitude: float, longitude: float) -> str | None:
        place = self._nearest(self._named, self._named_xy, latitude, longitude)
        return place.name if place else None

    def _nearest(
        self, places: list[Place], xy: FloatArray, latitude: float, longitude: float
    ) -> Place | None:
        """The place of ``places`` (at ``xy`` metres) nearest the point; None if none."""
        if not places:
            return None
        here = np.array(self.projection.to_metres(latitude, longitude), dtype=np.float64)
        return places[int(np.argmin(np.hypot(*(xy - here).T)))]

    def areas(self) -> list[Area]:
        """The district's towns and areas, each with a representative point, in gazetteer order."""
        members: dict[str, list[Place]] = {}
        for place in self._inside:
            if place.area:
                members.setdefault(place.area, []).append(place)
        areas = []
        for name, places in members.items():
            same = next((p for p in places if p.name == name), None)
            if same is not None:
                areas.append(Area(name, same.latitude, same.longitude))
                continue
            settled = [p for p in places if p.kind in ("town", "village")] or places
            areas.append(
                Area(
                    name,
                    round(sum(p.latitude for p in settled) / len(settled), 5),
                    round(sum(p.longitude for p in settled) / len(settled), 5),
                )
            )
        return areas

    def is_plausible(self, latitude: float, longitude: float) -> bool:
        """Whether a pin could be a report for this district (not 0,0, the sea, or far away)."""
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            return False
        if abs(latitude) > 90 or abs(longitude) > 180 or (latitude == 0 and longitude == 0):
            return False
        if self._district is not None:
            return self._district.distance_m(latitude, longitude) <= PLAUSIBLE_DISTANCE_M
        return any(
            self.projection.distance_m((latitude, longitude), (p.latitude, p.longitude))
            <= PLAUSIBLE_DISTANCE_M
            for p in self._inside
        )

    @property
    def bounds(self) -> Bounds:
        """The district's box, padded a little, for biasing a geocoder towards it."""
        if self._district is not None:
            south, west, north, east = self._district.bounds
        else:
            south = min(p.latitude for p in self._inside)
            north = max(p.latitude for p in self._inside)
            west = min(p.longitude for p in self._inside)
            east = max(p.longitude for p in self._inside)
        pad = _VIEWBOX_PADDING_DEGREES
        return Bounds(south - pad, west - pad, north + pad, east + pad)


@functools.lru_cache(maxsize=8)
def _judge_for(
    gazetteer: Gazetteer, district_council: str, projection: LocalProjection, rules: Rules | None
) -> Judge | LayeredJudge:
    """The approximation from the postcode units, with the named places beyond them.

    ``rules`` replaces the rules of the postcode judge, or of the place judge when there are no
    postcodes. Judges are immutable and costly to build (a triangulation of every postcode), so
    locators over the same gazetteer share them.
    """
    places = [Landmark(p.latitude, p.longitude, p.council, p.in_district) for p in gazetteer.places]
    if not gazetteer.postcodes:
        return Judge(places, projection, rules or PLACE_RULES)
    units = [
        Landmark(u.latitude, u.longitude, u.council, u.council == district_council)
        for u in gazetteer.postcodes.units
    ]
    return LayeredJudge(
        Judge(units, projection, rules or POSTCODE_RULES), Judge(places, projection, PLACE_RULES)
    )


def _projection_for(inside: list[Place]) -> LocalProjection:
    if not inside:
        return LocalProjection(0.0, 0.0)
    return LocalProjection(
        sum(p.latitude for p in inside) / len(inside),
        sum(p.longitude for p in inside) / len(inside),
    )
