"""The reference boundary data in ../shared/geo/, and the truth it gives for random points."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from bot.geo.gazetteer import Gazetteer
from bot.geo.metric import METRES_PER_DEGREE

GEO_DIR_ENV = "SAFETYBOT_GEO_DIR"
DISTRICT_FILE = "st_albans_district.geojson"
WARDS_FILE = "st_albans_wards.geojson"
NEIGHBOURS_FILE = "neighbouring_districts.geojson"
POINTS_FILE = "test_points.json"
# The district's bounding box (README of the reference data): west, south, east, north.
BOX = (-0.44058, 51.68759, -0.24158, 51.84961)
SEED = 20240601


def geo_dir() -> Path:
    """Where the reference files are: $SAFETYBOT_GEO_DIR, else ../shared/geo from the repo."""
    override = os.environ.get(GEO_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "geo"


def _geometries(path: Path, prop: str | None = None) -> list[tuple[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        (f["properties"].get(prop, "") if prop else "", shape(f["geometry"]))
        for f in data["features"]
    ]


@dataclass(frozen=True, slots=True)
class Truth:
    """Random points in the box with what the reference files say about each."""

    longitude: np.ndarray[Any, Any]
    latitude: np.ndarray[Any, Any]
    inside: np.ndarray[Any, Any]
    council: list[str | None]


def random_points(
    count: int, seed: int = SEED
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Longitudes and latitudes uniformly random in the district's box."""
    rng = np.random.default_rng(seed)
    west, south, east, north = BOX
    return rng.uniform(west, east, count), rng.uniform(south, north, count)


def inside_grid(folder: Path, spacing_m: float) -> list[tuple[float, float]]:
    """The (latitude, longitude) points of a square grid over the district that lie inside it."""
    district = shapely.union_all([g for _, g in _geometries(folder / DISTRICT_FILE)])
    west, south, east, north = district.bounds
    east_scale = METRES_PER_DEGREE * math.cos(math.radians((south + north) / 2))
    longitudes, latitudes = np.meshgrid(
        np.arange(west, east, spacing_m / east_scale),
        np.arange(south, north, spacing_m / METRES_PER_DEGREE),
    )
    points = shapely.points(longitudes.ravel(), latitudes.ravel())
    return [(p.y, p.x) for p in points[shapely.intersects(district, points)]]


def truth(folder: Path, gazetteer: Gazetteer, count: int, seed: int = SEED) -> Truth:
    """Inside or not, and the council of outside points (None beyond the neighbours' file)."""
    longitude, latitude = random_points(count, seed)
    points = shapely.points(longitude, latitude)
    district = shapely.union_all([g for _, g in _geometries(folder / DISTRICT_FILE)])
    inside = shapely.intersects(district, points)
    council: list[str | None] = [None] * count
    for name, geometry in _geometries(folder / NEIGHBOURS_FILE, "LAD13NM"):
        for index in np.flatnonzero(shapely.contains(geometry, points)):
            council[int(index)] = gazetteer.council_for_ons_name(name)
    return Truth(longitude, latitude, inside, council)
