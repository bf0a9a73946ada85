"""The locator, with the shipped gazetteer alone (the default's boundary files switched off, so
the approximation is measured) and with the reference boundary files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from bot.config import Geography
from bot.geo import GeoDataError, Locator
from tests.geo.reference import DISTRICT_FILE, POINTS_FILE, WARDS_FILE, inside_grid, truth
from tests.support.configs import default_config

DISTRICT = "St Albans City and District Council"
COUNT = 10_000
SHIPPED_PLACES = Path(__file__).resolve().parents[2] / "bot" / "geo" / "gazetteer.csv"


def test_shipped_approximation_never_refuses_an_inside_point(
    approximate_locator: Locator, reference_dir: Path
) -> None:
    """No random point inside the real district is answered "outside" by the approximation,
    and most are answered "inside" rather than marked for the agency to confirm."""
    facts = truth(reference_dir, approximate_locator.gazetteer, COUNT)
    verdicts = [
        (approximate_locator.locate(float(lat), float(lon)).verdict, (float(lat), float(lon)))
        for lat, lon, inside in zip(facts.latitude, facts.longitude, facts.inside, strict=True)
        if inside
    ]
    assert [point for verdict, point in verdicts if verdict == "outside"] == []
    assert sum(verdict == "edge" for verdict, _ in verdicts) <= 0.16 * len(verdicts)


def test_shipped_approximation_recognises_outside_points(
    approximate_locator: Locator, reference_dir: Path
) -> None:
    """Half the outside points are called outside, nearly all with the right council.

    The issue's goal is 80 %; the shipped postcodes reach about 51 % on these points without
    ever refusing an inside one (see bench/geo_accuracy.py). This holds that level.
    """
    facts = truth(reference_dir, approximate_locator.gazetteer, COUNT)
    answered = [
        (approximate_locator.locate(float(lat), float(lon)), council)
        for lat, lon, inside, council in zip(
            facts.latitude, facts.longitude, facts.inside, facts.council, strict=True
        )
        if not inside
    ]
    right = [got for got, want in answered if got.verdict == "outside" and got.council == want]
    called_out = [got for got, _ in answered if got.verdict == "outside"]
    assert len(right) >= 0.48 * len(answered)
    assert len(right) >= 0.95 * len(called_out)
    assert sum(got.verdict == "inside" for got, _ in answered) <= 0.01 * len(answered)


def test_shipped_approximation_refuses_no_point_of_a_fine_grid(
    approximate_locator: Locator, reference_dir: Path
) -> None:
    """Not only random points: no point of a 100 m grid over the district is refused."""
    inside = inside_grid(reference_dir, 100)
    assert len(inside) > 15_000
    refused = [p for p in inside if approximate_locator.locate(*p).verdict == "outside"]
    assert refused == []


def test_named_places_alone_never_refuse_an_inside_point(
    approximate_geography: Geography, reference_dir: Path
) -> None:
    """A gazetteer without postcodes (a partnership's own) judges with wider margins, safely."""
    places_only = Locator.from_config(
        approximate_geography.model_copy(update={"gazetteer": SHIPPED_PLACES, "postcodes": None})
    )
    assert places_only.gazetteer.postcodes is None
    facts = truth(reference_dir, places_only.gazetteer, COUNT)
    placements = [
        (places_only.locate(float(lat), float(lon)), inside, council)
        for lat, lon, inside, council in zip(
            facts.latitude, facts.longitude, facts.inside, facts.council, strict=True
        )
    ]
    assert not [p for p, inside, _ in placements if inside and p.verdict == "outside"]
    assert any(p.verdict == "outside" and p.council == c for p, inside, c in placements)


def test_boundary_files_decide_every_point(exact_locator: Locator, reference_dir: Path) -> None:
    """With boundary files every in-or-out decision is right and the ward the containing one."""
    facts = truth(reference_dir, exact_locator.gazetteer, COUNT)
    wards = json.loads((reference_dir / WARDS_FILE).read_text(encoding="utf-8"))["features"]
    ward_shapes = [
        (w["properties"]["WD13NM"], shapely.geometry.shape(w["geometry"])) for w in wards
    ]
    wrong = []
    for lat, lon, inside, council in zip(
        facts.latitude, facts.longitude, facts.inside, facts.council, strict=True
    ):
        placement = exact_locator.locate(float(lat), float(lon))
        point = shapely.Point(lon, lat)
        containing = [name for name, shape in ward_shapes if shape.intersects(point)]
        if inside:
            nearest = min(ward_shapes, key=lambda w: w[1].distance(point))[0]
            ok = placement.verdict == "inside" and placement.ward in (containing or [nearest])
        else:
            ok = placement.verdict == "outside" and (
                council is None or placement.council == council
            )
        if not ok:
            wrong.append((float(lat), float(lon), placement))
    assert wrong == []


def test_named_places_land_where_the_reference_says(
    exact_locator: Locator,
    approximate_locator: Locator,
    default_locator: Locator,
    reference_dir: Path,
) -> None:
    """Every named place of test_points.json lands as that file says, with the reference files
    and with the default's shipped ones (outside ones with their council, inside ones in a
    ward of today); the approximation refuses none inside."""
    points = json.loads((reference_dir / POINTS_FILE).read_text(encoding="utf-8"))
    current_wards = _shipped_ward_names()
    for point in points:
        exact = exact_locator.locate(point["lat"], point["lon"])
        shipped = default_locator.locate(point["lat"], point["lon"])
        approximate = approximate_locator.locate(point["lat"], point["lon"])
        assert (exact.verdict == "inside") == point["inside_lad21"], point["name"]
        assert (shipped.verdict, shipped.exact) == (exact.verdict, True), point["name"]
        if point["inside_lad21"]:
            assert exact.ward == point["ward_wd13"], point["name"]
            assert shipped.ward in current_wards, point["name"]
            assert approximate.verdict != "outside", point["name"]
        else:
            council = default_locator.gazetteer.council_for_ons_name(point["lad13"])
            assert shipped.council == council, point["name"]


def _shipped_ward_names() -> set[str]:
    """The wards of the wards file the default config names."""
    geography = default_config().geography
    assert geography.wards_boundary is not None
    data = json.loads(geography.wards_boundary.read_text(encoding="utf-8"))
    return {str(f["properties"][geography.ward_name_property]) for f in data["features"]}


@pytest.mark.parametrize(
    ("lat", "lon", "verdict", "council"),
    [
        (51.7526, -0.3392, "inside", DISTRICT),
        (51.8175, -0.3524, "inside", DISTRICT),
        (51.8787, -0.4200, "outside", "Luton Borough Council"),
        (51.6565, -0.3903, "outside", "Watford Borough Council"),
        (51.8010, -0.2060, "outside", "Welwyn Hatfield Borough Council"),
    ],
)
def test_clear_cases_without_boundary_files(
    approximate_locator: Locator, lat: float, lon: float, verdict: str, council: str
) -> None:
    """Town centres far from the edge are placed confidently by the approximation."""
    placement = approximate_locator.locate(lat, lon)
    assert (placement.verdict, placement.council, placement.exact) == (verdict, council, False)


def test_placement_names_area_and_nearest_place(approximate_locator: Locator) -> None:
    """A pin by Park Street station names its area and the nearest place."""
    placement = approximate_locator.locate(51.7254, -0.3401)
    assert placement.nearest_place == "Park Street station"
    assert placement.area == "Park Street, How Wood, Bricket Wood & Chiswell Green"
    assert placement.ward is None


def test_areas_list_the_district_towns(approximate_locator: Locator) -> None:
    """The picker offers the district's towns, each with a point inside the district."""
    areas = {a.name: a for a in approximate_locator.areas()}
    assert {"St Albans", "Harpenden", "London Colney", "Redbourn", "Wheathampstead"} <= set(areas)
    for area in areas.values():
        assert approximate_locator.locate(area.latitude, area.longitude).verdict != "outside"


@pytest.mark.parametrize(
    ("lat", "lon", "plausible"),
    [
        (0.0, 0.0, False),
        (50.5, -1.0, False),
        (51.5074, -0.1278, True),
        (51.75, -0.33, True),
        (55.95, -3.19, False),
        (float("nan"), 0.0, False),
        (95.0, 0.0, False),
    ],
)
def test_is_plausible(
    approximate_locator: Locator, lat: float, lon: float, plausible: bool
) -> None:
    """Pins at 0,0, at sea or far from the district are implausible; London is near enough."""
    assert approximate_locator.is_plausible(lat, lon) is plausible


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "does not exist"),
        ("{not json", "not valid JSON"),
        ('{"type": "FeatureCollection", "features": []}', "has no features"),
        (
            '{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", '
            '"coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}',
            "no 'WD23NM' property",
        ),
        ('{"type": "Point", "coordinates": [0, 0]}', "expected a FeatureCollection"),
    ],
)
def test_bad_boundary_files_name_the_file_and_problem(
    geography: Geography, tmp_path: Path, content: str | None, problem: str
) -> None:
    """A broken wards file is refused with a clear message naming it."""
    path = tmp_path / "wards.geojson"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(GeoDataError, match=problem) as caught:
        Locator.from_config(geography.model_copy(update={"wards_boundary": path}))
    assert str(path) in str(caught.value)


def test_bare_geometry_district_file_is_accepted(
    approximate_geography: Geography, tmp_path: Path
) -> None:
    """A district file holding a bare polygon decides in or out exactly."""
    path = tmp_path / DISTRICT_FILE
    square = [[-0.40, 51.70], [-0.30, 51.70], [-0.30, 51.80], [-0.40, 51.80], [-0.40, 51.70]]
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [square]}), encoding="utf-8")
    update = {"district_boundary": path}
    locator = Locator.from_config(approximate_geography.model_copy(update=update))
    assert [locator.locate(51.75, -0.35).verdict, locator.locate(51.75, -0.25).verdict] == [
        "inside",
        "outside",
    ]
