"""The configured areas as places on the map: which area a point is in, which areas a circle
meets.

Each ``[[areas]]`` entry is made of wards (polygons of the wards file), of gazetteer places (a
point belongs to the area of its nearest place of the district: the union of those places'
Voronoi cells), or of a polygon file. All geometry is held in metres on the locator's local
projection, clipped to the district (its boundary file, or without one, within
:data:`PLACE_REACH_M` of a place of the district), and searched through an STR tree, so that
``area_of`` is cheap enough for every submit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely  # type: ignore[import-untyped]

from bot.config import Area as AreaConfig
from bot.config import ConfigError, Problem
from bot.geo.boundaries import read_features
from bot.geo.errors import GeoDataError
from bot.geo.gazetteer import Place
from bot.geo.locate import Locator
from bot.geo.metric import LocalProjection

logger = logging.getLogger(__name__)

PLACE_REACH_M = 5_000.0
"""Without a district file, places-based areas reach this far from their places."""
_SLIVER_SHARE = 0.002
"""Less of the district than this (0.2 %) left out or shared is the drawing of the lines, not a
gap or an overlap worth a warning."""


@dataclass(frozen=True, slots=True)
class AreaShape:
    """One area: its id and name from config, and its geometry in metres."""

    id: str
    name: str
    geometry: Any


class AreaMap:
    """The configured areas, in config order, answering where points and circles fall."""

    def __init__(self, shapes: Sequence[AreaShape], locator: Locator, *, wards: dict[str, str]):
        """Use ready-made shapes (see :meth:`from_config`); ``wards`` maps ward to area id."""
        self._shapes = tuple(shapes)
        self._projection = locator.projection
        self._locator = locator
        self._by_id = {shape.id: shape for shape in self._shapes}
        self._ward_area = dict(wards)
        geometries = [shape.geometry for shape in self._shapes]
        for geometry in geometries:
            shapely.prepare(geometry)
        self._tree = shapely.STRtree(geometries)

    @classmethod
    def from_config(cls, areas: Sequence[AreaConfig], locator: Locator) -> AreaMap:
        """Build the areas against the locator's wards, district and gazetteer; raise
        ConfigError naming every unknown ward or place and every unreadable file at once."""
        builder = _Builder(locator)
        shapes = []
        problems: list[Problem] = []
        for index, area in enumerate(areas):
            where = f'areas[{index}] (id "{area.id}")'
            geometry = builder.geometry(area, where, problems)
            if geometry is not None:
                shapes.append(AreaShape(area.id, area.name, geometry))
        if problems:
            raise ConfigError("config", problems)
        wards = {ward: area.id for area in areas for ward in area.wards or ()}
        logger.info("Areas: %d (%s)", len(shapes), ", ".join(s.id for s in shapes) or "none")
        return cls(shapes, locator, wards=wards)

    # -- what callers ask ----------------------------------------------------------------------

    @property
    def ids(self) -> tuple[str, ...]:
        """The area ids, in config order."""
        return tuple(shape.id for shape in self._shapes)

    @property
    def shapes(self) -> tuple[AreaShape, ...]:
        """The areas with their geometry in metres on :attr:`projection`, in config order (for
        drawing them)."""
        return self._shapes

    @property
    def projection(self) -> LocalProjection:
        """The local projection the geometries are drawn on."""
        return self._projection

    @property
    def names(self) -> tuple[tuple[str, str], ...]:
        """(id, name) of each area, in config order, for menus."""
        return tuple((shape.id, shape.name) for shape in self._shapes)

    def name(self, area_id: str) -> str:
        """The name of the area with this id (KeyError for an unknown id)."""
        return self._by_id[area_id].name

    def __contains__(self, area_id: object) -> bool:
        return area_id in self._by_id

    def area_of(self, latitude: float, longitude: float) -> str | None:
        """The id of the area the point is in (the first in config order where areas overlap),
        or None outside every area."""
        if not self._shapes:
            return None
        point = shapely.Point(*self._projection.to_metres(latitude, longitude))
        hits = self._tree.query(point, predicate="intersects")
        return self._shapes[int(min(hits))].id if len(hits) else None

    def area_of_ward(self, ward: str | None) -> str | None:
        """The id of the area made of this ward, if one is."""
        return self._ward_area.get(ward) if ward else None

    def areas_meeting(self, latitude: float, longitude: float, radius_m: float) -> tuple[str, ...]:
        """The ids of the areas a circle meets (for places-based areas, whose places' Voronoi
        cells it meets), in config order."""
        if not self._shapes:
            return ()
        centre = shapely.Point(*self._projection.to_metres(latitude, longitude))
        circle = centre.buffer(max(radius_m, 0.0), quad_segs=16) if radius_m > 0 else centre
        hits = sorted(int(i) for i in self._tree.query(circle, predicate="intersects"))
        return tuple(self._shapes[i].id for i in hits)

    def places_in(self) -> dict[str, tuple[str, ...]]:
        """For each area id, the district's gazetteer places that lie in it: what a places-based
        configuration of the same areas would list."""
        found: dict[str, list[str]] = {shape.id: [] for shape in self._shapes}
        wards = self._locator.wards
        for place in _district_places(self._locator):
            area_id = self.area_of(place.latitude, place.longitude)
            if area_id is None and wards is not None:  # a point just beyond the drawn line
                area_id = self.area_of_ward(wards.nearest(place.latitude, place.longitude)[0])
            if area_id is not None:
                found[area_id].append(place.name)
        return {area_id: tuple(names) for area_id, names in found.items()}

    @property
    def fingerprint(self) -> str:
        """A digest of the areas' ids and geometries: it changes when the areas do."""
        digest = hashlib.sha256()
        for shape in self._shapes:
            digest.update(shape.id.encode())
            digest.update(shapely.to_wkb(shapely.set_precision(shape.geometry, 0.01)))
        return digest.hexdigest()

    def warnings(self) -> list[str]:
        """Where the areas leave part of the district out, or overlap, in words."""
        if not self._shapes:
            return []
        found: list[str] = []
        district = self._locator.district
        if district is not None:
            whole = shapely.transform(district.geometry, self._projection.lonlat_array_to_metres)
            covered = shapely.union_all([shape.geometry for shape in self._shapes])
            left = whole.difference(covered).area / whole.area
            if left > _SLIVER_SHARE:
                found.append(
                    f"areas: {left:.1%} of the district is in no area, so reports there have no "
                    "area and subscribers to areas hear nothing of them"
                )
        else:
            lost = [
                p.name
                for p in _district_places(self._locator)
                if self.area_of(p.latitude, p.longitude) is None
            ]
            if lost:
                found.append(
                    "areas: these places of the district are in no area, so reports near them "
                    "have no area: " + ", ".join(lost)
                )
        for i, first in enumerate(self._shapes):
            for second in self._shapes[i + 1 :]:
                shared = first.geometry.intersection(second.geometry).area
                smaller = min(first.geometry.area, second.geometry.area)
                if smaller and shared / smaller > _SLIVER_SHARE:
                    found.append(
                        f'areas: "{first.id}" and "{second.id}" overlap ({shared / 1e6:.2f} '
                        f'km²); a report there counts in "{first.id}", the first listed'
                    )
        return found


def _district_places(locator: Locator) -> list[Place]:
    """The gazetteer's named places in the district (postcode districts are no place)."""
    return [p for p in locator.gazetteer.places if p.in_district and p.kind != "postcode_district"]


class _Builder:
    """Turns each area's wards, places or file into a geometry in metres, noting problems."""

    def __init__(self, locator: Locator) -> None:
        self._locator = locator
        self._to_metres = locator.projection.lonlat_array_to_metres
        district = locator.district
        self._clip = (
            shapely.transform(district.geometry, self._to_metres) if district is not None else None
        )
        self._cells: dict[str, Any] | None = None

    def geometry(self, area: AreaConfig, where: str, problems: list[Problem]) -> Any | None:
        if area.wards is not None:
            return self._from_wards(area.wards, where, problems)
        if area.places is not None:
            return self._from_places(area.places, where, problems)
        if area.boundary is not None:
            return self._from_file(area, where, problems)
        return None  # reported by the config checks

    def _from_wards(self, wards: Sequence[str], where: str, problems: list[Problem]) -> Any:
        regions = self._locator.wards
        if regions is None:
            problems.append(Problem(f"{where}.wards", "needs a wards boundary file"))
            return None
        known = dict(zip(regions.names, regions.geometries, strict=True))
        parts = []
        for position, ward in enumerate(wards):
            if ward in known:
                parts.append(known[ward])
                continue
            problems.append(
                Problem(
                    f"{where}.wards[{position}]",
                    f'no ward "{ward}" in the wards file (its wards: {", ".join(sorted(known))})',
                )
            )
        if len(parts) != len(wards):
            return None
        return self._clipped(shapely.transform(shapely.union_all(parts), self._to_metres))

    def _from_places(self, names: Sequence[str], where: str, problems: list[Problem]) -> Any:
        cells = self._place_cells()
        parts = []
        for position, name in enumerate(names):
            cell = cells.get(name.casefold())
            if cell is not None:
                parts.append(cell)
                continue
            outside = any(
                p.name.casefold() == name.casefold() and not p.in_district
                for p in self._locator.gazetteer.places
            )
            problems.append(
                Problem(
                    f"{where}.places[{position}]",
                    f'"{name}" is a place outside the district'
                    if outside
                    else f'no place "{name}" of the district in the gazetteer',
                )
            )
        if len(parts) != len(names):
            return None
        return shapely.union_all(parts)

    def _from_file(self, area: AreaConfig, where: str, problems: list[Problem]) -> Any:
        assert area.boundary is not None
        try:
            features = read_features(area.boundary)
        except GeoDataError as exc:
            problems.append(Problem(f"{where}.boundary", f"{exc.source}: {exc.problem}"))
            return None
        geometry = shapely.union_all([f.geometry for f in features])
        return self._clipped(shapely.transform(geometry, self._to_metres))

    def _clipped(self, geometry: Any) -> Any:
        return geometry if self._clip is None else geometry.intersection(self._clip)

    def _place_cells(self) -> dict[str, Any]:
        """Each district place's Voronoi cell among the district's places, clipped to the
        district, by its name and its aliases, case-folded."""
        if self._cells is not None:
            return self._cells
        places = _district_places(self._locator)
        points = [
            shapely.Point(*self._locator.projection.to_metres(p.latitude, p.longitude))
            for p in places
        ]
        clip = self._clip
        if clip is None:
            clip = shapely.union_all([point.buffer(PLACE_REACH_M) for point in points])
        envelope = clip.envelope.buffer(PLACE_REACH_M)
        cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=envelope)
        tree = shapely.STRtree(points)
        by_place: dict[str, Any] = {}
        for cell in shapely.get_parts(cells):
            clipped = cell.intersection(clip)
            for index in tree.query(cell, predicate="contains"):
                place = places[int(index)]
                for name in (place.name, *place.aliases):
                    by_place.setdefault(name.casefold(), clipped)
        self._cells = by_place
        return by_place
