"""The boundary files the St Albans default ships: where they come from, that they are the
reference outlines and today's wards, and that with them the default decides exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import shape

from bot.config import Geography
from bot.geo import Locator
from tests.geo.reference import DISTRICT_FILE, NEIGHBOURS_FILE, truth

COUNT = 10_000
# The district's wards since the elections of May 2022 (ONS Ward to Local Authority District
# lookup, December 2023, E07000240).
CURRENT_WARDS = {
    "Batchwood",
    "Bernards Heath",
    "Clarence",
    "Colney Heath",
    "Cunningham",
    "Harpenden East",
    "Harpenden North & Rural",
    "Harpenden South",
    "Harpenden West",
    "Hill End",
    "London Colney",
    "Marshalswick East & Jersey Farm",
    "Marshalswick West",
    "Park Street",
    "Redbourn",
    "Sandridge & Wheathampstead",
    "Sopwell",
    "St Peters",
    "St Stephen",
    "Verulam",
}
ATTRIBUTION = "Source: Office for National Statistics licensed under the Open Government Licence"


def _read(path: Path | None) -> dict[str, Any]:
    assert path is not None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _shapes(path: Path | None, name_property: str) -> dict[str, Any]:
    return {f["properties"][name_property]: shape(f["geometry"]) for f in _read(path)["features"]}


def test_each_shipped_file_says_where_it_comes_from_and_carries_the_attribution(
    geography: Geography,
) -> None:
    """Each shipped boundary file holds its source, vintage, licence and the OGL attribution."""
    files = (geography.district_boundary, geography.wards_boundary, geography.neighbours_boundary)
    for path in files:
        data = _read(path)
        assert ATTRIBUTION in data["attribution"], path
        assert "Open Government Licence v3.0" in data["licence"], path
        assert data["source"], path
        assert data["vintage"], path
        assert path is not None
        assert Path(__file__).parents[2] / "bot" in path.parents
    assert "2023" in _read(geography.wards_boundary)["vintage"]


def test_shipped_outlines_are_the_reference_ones(geography: Geography, reference_dir: Path) -> None:
    """The district and its neighbours are the reference files' polygons, vertex for vertex."""
    district = _shapes(geography.district_boundary, "LAD21NM")
    reference = _shapes(reference_dir / DISTRICT_FILE, "LAD21NM")
    assert district.keys() == reference.keys() == {"St Albans"}
    assert district["St Albans"].equals_exact(reference["St Albans"], 0)
    neighbours = _shapes(geography.neighbours_boundary, geography.neighbour_name_property)
    expected = _shapes(reference_dir / NEIGHBOURS_FILE, "LAD13NM")
    assert neighbours.keys() == expected.keys()
    for name, polygon in neighbours.items():
        assert polygon.equals_exact(expected[name], 0), name


def test_shipped_wards_are_the_current_ones_and_tile_the_district(geography: Geography) -> None:
    """The 20 wards in force since 2022, no more; together they are the district's outline
    to within the generalisation of the two files."""
    wards = _shapes(geography.wards_boundary, geography.ward_name_property)
    assert set(wards) == CURRENT_WARDS
    district = shapely.union_all(list(_shapes(geography.district_boundary, "LAD21NM").values()))
    covered = shapely.union_all(list(wards.values()))
    assert covered.symmetric_difference(district).area < 0.01 * district.area
    for name, ward in wards.items():
        assert ward.difference(district).area < 0.02 * ward.area, name


def test_the_default_decides_every_point_as_the_reference_does(
    default_locator: Locator, reference_dir: Path
) -> None:
    """Every random point in the district's box is in or out as the reference district says,
    outside ones with the reference's council, inside ones with a current ward."""
    facts = truth(reference_dir, default_locator.gazetteer, COUNT)
    wrong = []
    wards_seen = set()
    for lat, lon, inside, council in zip(
        facts.latitude, facts.longitude, facts.inside, facts.council, strict=True
    ):
        placement = default_locator.locate(float(lat), float(lon))
        if inside:
            ok = placement.verdict == "inside" and placement.ward in CURRENT_WARDS
            wards_seen.add(placement.ward)
        else:
            ok = placement.verdict == "outside" and placement.ward is None
            ok = ok and (council is None or placement.council == council)
        if not (ok and placement.exact):
            wrong.append((float(lat), float(lon), placement))
    assert wrong == []
    assert wards_seen == CURRENT_WARDS


def test_the_ward_is_the_containing_one_else_the_nearest(
    default_locator: Locator, geography: Geography, reference_dir: Path
) -> None:
    """Inside the district the ward is the shipped ward that contains the point, or, in the
    slivers the generalised files leave between them, the nearest."""
    wards = _shapes(geography.wards_boundary, geography.ward_name_property)
    facts = truth(reference_dir, default_locator.gazetteer, 2_000, seed=7)
    checked = 0
    for lat, lon, inside in zip(facts.latitude, facts.longitude, facts.inside, strict=True):
        if not inside:
            continue
        point = shapely.Point(float(lon), float(lat))
        containing = [name for name, ward in wards.items() if ward.intersects(point)]
        nearest = min(wards, key=lambda name: wards[name].distance(point))
        assert default_locator.locate(float(lat), float(lon)).ward in (containing or [nearest])
        checked += 1
    assert checked > 1_000


@pytest.mark.parametrize(
    ("lat", "lon", "ward"),
    [
        (51.7810, -0.3040, "Sandridge & Wheathampstead"),  # Sandridge: its own ward until 2022
        (51.8135, -0.2925, "Sandridge & Wheathampstead"),  # Wheathampstead: likewise
        (51.7263, -0.2990, "London Colney"),
        (51.7990, -0.3960, "Redbourn"),
        (51.7254, -0.3401, "Park Street"),
    ],
)
def test_villages_fall_in_their_current_ward(
    default_locator: Locator, lat: float, lon: float, ward: str
) -> None:
    """Villages that name a ward are placed in it; Sandridge and Wheathampstead, separate wards
    until 2022, share one now."""
    assert default_locator.locate(lat, lon).ward == ward
