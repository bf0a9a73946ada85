"""Boundary files: GeoJSON as the ONS publishes them, read into shapely geometries.

A file may hold a FeatureCollection of Polygon or MultiPolygon features, a single Feature, or a
bare geometry; coordinates are longitude, latitude. Every problem is a GeoDataError naming the
file. Distances are measured in metres on a local projection of the district.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely  # type: ignore[import-untyped]
from shapely.geometry import shape  # type: ignore[import-untyped]

from bot.geo.errors import GeoDataError
from bot.geo.metric import FloatArray, LocalProjection

logger = logging.getLogger(__name__)

_AREAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True, slots=True)
class Feature:
    """One named polygon of a boundary file."""

    name: str
    geometry: Any  # a shapely Polygon or MultiPolygon in longitude, latitude


def read_features(path: Path, name_property: str | None = None) -> list[Feature]:
    """The polygons of a GeoJSON file, named by ``name_property`` when one is asked for."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GeoDataError(path, "the boundary file does not exist") from None
    except OSError as exc:
        raise GeoDataError(path, f"cannot read the boundary file: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GeoDataError(path, f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
    raw_features = _raw_features(data, path)
    if not raw_features:
        raise GeoDataError(path, "has no features")
    features = []
    for index, raw in enumerate(raw_features):
        properties = raw.get("properties") or {}
        name = properties.get(name_property) if name_property else None
        if name_property and not (isinstance(name, str) and name.strip()):
            raise GeoDataError(
                path, f"feature {index} has no {name_property!r} property (the name of the area)"
            )
        features.append(Feature(str(name or ""), _geometry(raw.get("geometry"), path, index)))
    logger.debug("Read %d features from %s", len(features), path)
    return features


def _raw_features(data: object, path: Path) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise GeoDataError(path, "expected a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
            raise GeoDataError(path, "the FeatureCollection has no list of features")
        return features
    if kind == "Feature":
        return [data]
    if kind in _AREAL:
        return [{"type": "Feature", "properties": {}, "geometry": data}]
    raise GeoDataError(path, f"expected a FeatureCollection, Feature or polygon, got {kind!r}")


def _geometry(raw: object, path: Path, index: int) -> Any:
    if not isinstance(raw, dict) or raw.get("type") not in _AREAL:
        raise GeoDataError(path, f"feature {index} is not a Polygon or MultiPolygon")
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise GeoDataError(path, f"feature {index} has bad coordinates: {exc}") from None
    if geometry.is_empty:
        raise GeoDataError(path, f"feature {index} is empty")
    return geometry if geometry.is_valid else shapely.make_valid(geometry)


class Regions:
    """Named polygons answering which contains a point, and which is nearest, in metres."""

    def __init__(self, features: Sequence[Feature], projection: LocalProjection) -> None:
        self.names: tuple[str, ...] = tuple(f.name for f in features)
        self._projection = projection
        self._geometries = [f.geometry for f in features]
        self.geometries: tuple[Any, ...] = tuple(self._geometries)
        """The regions' polygons in longitude, latitude, in the order of ``names``."""
        for geometry in self._geometries:
            shapely.prepare(geometry)
        self._tree = shapely.STRtree(self._geometries)
        self._metric = [
            shapely.transform(g, projection.lonlat_array_to_metres) for g in self._geometries
        ]

    def containing(self, latitude: float, longitude: float) -> str | None:
        """The name of the region containing the point, or None."""
        hits = self._tree.query(shapely.Point(longitude, latitude), predicate="intersects")
        return self.names[int(min(hits))] if len(hits) else None

    def nearest(self, latitude: float, longitude: float) -> tuple[str, float]:
        """The nearest region's name and its distance in metres."""
        point = shapely.Point(*self._projection.to_metres(latitude, longitude))
        distances = [point.distance(geometry) for geometry in self._metric]
        best = int(np.argmin(distances))
        return self.names[best], float(distances[best])

    def contains_many(self, lonlat: FloatArray) -> Any:
        """For an (n, 2) array of longitude, latitude: the index of the containing region or -1."""
        points = shapely.points(lonlat)
        found = np.full(len(lonlat), -1, dtype=np.int64)
        point_index, region_index = self._tree.query(points, predicate="intersects")
        found[point_index] = region_index
        return found


def features_geoms(features: Sequence[Feature]) -> list[Any]:
    """The geometries of features, in order."""
    return [f.geometry for f in features]


class District:
    """The district as one geometry: the union of its file's features."""

    def __init__(self, features: Sequence[Feature], projection: LocalProjection) -> None:
        self.geometry = shapely.union_all(features_geoms(features))
        shapely.prepare(self.geometry)
        self._projection = projection
        self._metric = shapely.transform(self.geometry, projection.lonlat_array_to_metres)

    def contains(self, latitude: float, longitude: float) -> bool:
        """Whether the point is inside the district (on the line counts as inside)."""
        return bool(self.geometry.intersects(shapely.Point(longitude, latitude)))

    def distance_m(self, latitude: float, longitude: float) -> float:
        """Metres from the point to the district (0 inside)."""
        point = shapely.Point(*self._projection.to_metres(latitude, longitude))
        return float(self._metric.distance(point))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """South, west, north, east in degrees."""
        west, south, east, north = self.geometry.bounds
        return float(south), float(west), float(north), float(east)
