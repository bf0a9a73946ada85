"""The configured areas on the map: the St Albans default's ward-made areas on the shipped
wards, the same areas made of places with the boundary files switched off, and areas drawn
from a polygon file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.config import Area, Config, ConfigError, config_from_data, default_config_data
from bot.geo import Locator
from bot.geo.areas import AreaMap
from tests.support.configs import default_config, without_boundaries

CLOCK_TOWER = (51.7527, -0.3394)  # St Peters ward, the city centre
HARPENDEN_STATION = (51.8146, -0.3518)
LONDON_COLNEY = (51.7260, -0.3000)
REDBOURN = (51.7990, -0.3950)
WHEATHAMPSTEAD = (51.8120, -0.2930)
CHISWELL_GREEN = (51.7280, -0.3650)
PARK_STREET = (51.7240, -0.3400)
COLNEY_HEATH = (51.7370, -0.2550)
BERNARDS_HEATH = (51.7650, -0.3350)  # about 100 m north of the gazetteer's point
HATFIELD = (51.7630, -0.2260)  # Welwyn Hatfield, just east of the district
LUTON = (51.8780, -0.4200)

KNOWN = [
    (CLOCK_TOWER, "st-albans-city"),
    (HARPENDEN_STATION, "harpenden"),
    (LONDON_COLNEY, "london-colney"),
    (REDBOURN, "redbourn"),
    (WHEATHAMPSTEAD, "wheathampstead-sandridge"),
    (CHISWELL_GREEN, "chiswell-green-bricket-wood"),
    (PARK_STREET, "park-street"),
    (COLNEY_HEATH, "colney-heath"),
]


@pytest.fixture(scope="module")
def config() -> Config:
    return default_config()


@pytest.fixture(scope="module")
def locator(config: Config) -> Locator:
    return Locator.from_config(config.geography)


@pytest.fixture(scope="module")
def areas(config: Config, locator: Locator) -> AreaMap:
    """The default's areas, made of the shipped 2023 wards."""
    return AreaMap.from_config(config.areas, locator)


@pytest.fixture(scope="module")
def place_areas() -> AreaMap:
    """The same areas made of gazetteer places, the boundary files switched off."""
    config = config_from_data(without_boundaries(default_config_data()), base_dir=Path("."))
    assert all(area.places and not area.wards for area in config.areas)
    return AreaMap.from_config(config.areas, Locator.from_config(config.geography))


@pytest.mark.parametrize(("point", "area_id"), KNOWN)
def test_a_known_point_is_in_its_area(
    areas: AreaMap, point: tuple[float, float], area_id: str
) -> None:
    """A landmark of each neighbourhood falls in the area made of its ward."""
    assert areas.area_of(*point) == area_id


@pytest.mark.parametrize("point", [HATFIELD, LUTON])
def test_a_point_outside_the_district_is_in_no_area(
    areas: AreaMap, point: tuple[float, float]
) -> None:
    """Hatfield and Luton are in none of the district's areas."""
    assert areas.area_of(*point) is None


def test_every_point_of_the_district_is_in_the_area_of_its_ward(
    config: Config, locator: Locator, areas: AreaMap
) -> None:
    """Over a grid across the district, each point inside is in the area its ward is listed in:
    the areas are exactly the wards grouped, and cover the district without overlap."""
    ward_area = {ward: area.id for area in config.areas for ward in area.wards or ()}
    assert sorted(ward_area) == sorted(locator.wards.names if locator.wards else ())
    checked = 0
    for latitude in np.linspace(51.68, 51.88, 41):
        for longitude in np.linspace(-0.45, -0.20, 41):
            placement = locator.locate(float(latitude), float(longitude))
            if placement.verdict != "inside" or placement.ward is None:
                assert areas.area_of(float(latitude), float(longitude)) is None
                continue
            checked += 1
            found = areas.area_of(float(latitude), float(longitude))
            assert found in (ward_area[placement.ward], None), (latitude, longitude)
            if found is None:  # on no ward's drawn polygon: its nearest ward decides
                assert areas.area_of_ward(placement.ward) == ward_area[placement.ward]
    assert checked > 300
    assert areas.warnings() == []


def test_a_small_circle_meets_one_area_and_a_wider_one_its_neighbour(areas: AreaMap) -> None:
    """Around Redbourn, 200 m stays in Redbourn and 1 km reaches Harpenden, listed in config
    order (Harpenden comes before Redbourn); a circle far outside meets nothing."""
    assert areas.areas_meeting(*REDBOURN, 200) == ("redbourn",)
    assert areas.areas_meeting(*REDBOURN, 1_000) == ("harpenden", "redbourn")
    assert areas.areas_meeting(*LUTON, 2_000) == ()
    assert areas.areas_meeting(*HATFIELD, 2_000) == ("colney-heath",)


def test_names_and_ids_follow_the_config(config: Config, areas: AreaMap) -> None:
    """Menus get the areas in config order, with their names."""
    assert areas.ids == tuple(area.id for area in config.areas)
    assert areas.names[0] == ("st-albans-city", "St Albans city")
    assert areas.name("park-street") == "Park Street, How Wood and Frogmore"
    assert "harpenden" in areas
    assert "whole-district" not in areas


@pytest.mark.parametrize(("point", "area_id"), KNOWN)
def test_places_made_areas_without_boundary_files_agree_on_known_points(
    place_areas: AreaMap, point: tuple[float, float], area_id: str
) -> None:
    """With no boundary files, the areas made of the places inside each ward still place each
    neighbourhood's landmark in its area."""
    assert place_areas.area_of(*point) == area_id


def test_places_made_areas_reach_only_near_the_district(place_areas: AreaMap) -> None:
    """Without a district file the places' cells reach a few kilometres beyond their places:
    Luton is in no area, and no place of the district is left out."""
    assert place_areas.area_of(*LUTON) is None
    assert place_areas.warnings() == []
    assert place_areas.areas_meeting(*REDBOURN, 200) == ("redbourn",)


def test_an_area_from_a_polygon_file_and_one_from_a_place(tmp_path: Path, locator: Locator) -> None:
    """An area drawn in its own file, clipped to the district; where two areas overlap a point
    counts in the first listed."""
    square = {
        "type": "Polygon",
        "coordinates": [
            [
                [-0.345, 51.748],
                [-0.333, 51.748],
                [-0.333, 51.756],
                [-0.345, 51.756],
                [-0.345, 51.748],
            ]
        ],
    }
    (tmp_path / "centre.geojson").write_text(json.dumps(square), encoding="utf-8")
    centre = Area(id="city-centre", name="City centre", boundary=tmp_path / "centre.geojson")
    city = Area(id="city", name="City", places=("St Albans", "Bernards heath"))  # any case
    areas = AreaMap.from_config([centre, city], locator)
    assert areas.area_of(*CLOCK_TOWER) == "city-centre"
    assert areas.area_of(*BERNARDS_HEATH) == "city"
    assert areas.area_of(*HARPENDEN_STATION) is None
    assert any('"city-centre" and "city" overlap' in w for w in areas.warnings())
    assert any("of the district is in no area" in w for w in areas.warnings())


def test_unknown_wards_places_and_files_are_named_at_once(tmp_path: Path, locator: Locator) -> None:
    """Every ward, place and file the geography lacks is a problem, all in one error."""
    wrong = [
        Area(id="a", name="A", wards=("Sopwell", "Nowhere Ward")),
        Area(id="b", name="B", places=("Atlantis", "Hatfield")),
        Area(id="c", name="C", boundary=tmp_path / "missing.geojson"),
    ]
    with pytest.raises(ConfigError) as caught:
        AreaMap.from_config(wrong, locator)
    problems = {p.path: p.message for p in caught.value.problems}
    assert set(problems) == {
        'areas[0] (id "a").wards[1]',
        'areas[1] (id "b").places[0]',
        'areas[1] (id "b").places[1]',
        'areas[2] (id "c").boundary',
    }
    assert 'no ward "Nowhere Ward"' in problems['areas[0] (id "a").wards[1]']
    assert "Sopwell" in problems['areas[0] (id "a").wards[1]']  # the known wards are listed
    assert "outside the district" in problems['areas[1] (id "b").places[1]']
    assert "does not exist" in problems['areas[2] (id "c").boundary']


def test_the_fingerprint_changes_with_the_areas(config: Config, locator: Locator) -> None:
    """The same areas give the same fingerprint; moving one ward to another area changes it."""
    first = AreaMap.from_config(config.areas, locator).fingerprint
    assert AreaMap.from_config(config.areas, locator).fingerprint == first
    moved = [
        area.model_copy(update={"wards": ("St Stephen", "Park Street")})
        if area.id == "park-street"
        else area
        for area in config.areas
        if area.id != "chiswell-green-bricket-wood"
    ]
    assert AreaMap.from_config(moved, locator).fingerprint != first
