"""The shipped gazetteer: valid rows with sources, and search by name, alias and postcode."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.geo import GeoDataError, Place, load_gazetteer
from bot.geo.gazetteer import normalise

GAZETTEER = load_gazetteer()
DISTRICT = "St Albans City and District Council"


@pytest.mark.parametrize("place", GAZETTEER.places, ids=lambda p: p.name)
def test_every_row_is_valid(place: Place) -> None:
    """Every place lies near the district, names a source and, inside, an area."""
    assert 51.55 < place.latitude < 52.0
    assert -0.6 < place.longitude < -0.1
    assert place.source.strip()
    assert place.in_district == (place.council == DISTRICT)
    assert (place.area is not None) == place.in_district


def test_no_duplicate_names_within_a_council() -> None:
    """No name or alias appears twice for the same council."""
    keys = Counter(
        (p.council, normalise(n)) for p in GAZETTEER.places for n in {p.name, *p.aliases}
    )
    assert [k for k, n in keys.items() if n > 1] == []


@pytest.mark.parametrize(
    "name",
    [
        "St Albans City station",
        "St Albans Abbey station",
        "Harpenden station",
        "How Wood station",
        "Park Street station",
        "Bricket Wood station",
        "AL1",
        "AL2",
        "AL3",
        "AL4",
        "AL5",
        "London Colney",
        "Redbourn",
        "Wheathampstead",
        "Sandridge",
        "Colney Heath",
        "Chiswell Green",
    ],
)
def test_district_places_are_present(name: str) -> None:
    """The district's stations, postcode districts and villages are in the gazetteer."""
    assert any(p.name == name and p.in_district for p in GAZETTEER.places)


@pytest.mark.parametrize(
    ("name", "council"),
    [
        ("Hatfield", "Welwyn Hatfield Borough Council"),
        ("Hemel Hempstead", "Dacorum Borough Council"),
        ("Radlett station", "Hertsmere Borough Council"),
        ("Bedmond", "Three Rivers District Council"),
        ("Markyate", "Dacorum Borough Council"),
        ("Luton", "Luton Borough Council"),
        ("Caddington", "Central Bedfordshire Council"),
        ("Kimpton", "North Hertfordshire District Council"),
        ("Garston", "Watford Borough Council"),
    ],
)
def test_neighbouring_places_name_their_council(name: str, council: str) -> None:
    """Places outside the district name the council that covers them."""
    assert [p.council for p in GAZETTEER.places if p.name == name] == [council]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("st albans city station", "St Albans City station"),
        ("ST. ALBANS ABBEY", "St Albans Abbey station"),
        ("AL1 3JE", "AL1 3JE"),
        ("al13je", "AL1 3JE"),
        ("AL1 0XX", "AL1"),
        ("al3", "AL3"),
        ("Harpenden", "Harpenden"),
        ("  how-wood ", "How Wood"),
        ("12 High Street, AL5 2TA", "AL5 2TA"),
        ("Saint Albans", "St Albans"),
    ],
)
def test_search_matches_names_aliases_and_postcodes(text: str, expected: str) -> None:
    """Typed text finds the place regardless of case, punctuation and postcode detail."""
    assert GAZETTEER.search(text)[0].name == expected


def test_a_full_postcode_answers_its_unit_with_its_council() -> None:
    """A postcode unit is placed exactly, inside the district or with its neighbour's council."""
    own = GAZETTEER.search("al1 3je")[0]
    assert (own.kind, own.in_district, own.council) == ("postcode", True, DISTRICT)
    assert (round(own.latitude, 2), round(own.longitude, 2)) == (51.75, -0.34)
    hatfield = GAZETTEER.search("AL9 5AA")[0]
    assert (hatfield.in_district, hatfield.council) == (False, "Welwyn Hatfield Borough Council")


def test_search_finds_nothing_for_unknown_text() -> None:
    """Text naming no place answers an empty list."""
    assert GAZETTEER.search("Atlantis") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name,kind\nx,town\n", "missing column"),
        ("name,kind,latitude,longitude,council,in_district,area,aliases,source\n", "has no places"),
        (
            "name,kind,latitude,longitude,council,in_district,area,aliases,source\n"
            "X,castle,51,0,C,false,,,S\n",
            "kind 'castle'",
        ),
        (
            "name,kind,latitude,longitude,council,in_district,area,aliases,source\n"
            "X,town,north,0,C,false,,,S\n",
            "must be numbers",
        ),
        (
            "name,kind,latitude,longitude,council,in_district,area,aliases,source\n"
            "X,town,51,0,C,false,,,\n",
            "must not be empty",
        ),
    ],
)
def test_bad_gazetteer_files_name_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    """A broken gazetteer file is refused with the file and the problem named."""
    path = tmp_path / "places.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GeoDataError, match=problem) as caught:
        load_gazetteer(path)
    assert str(path) in str(caught.value)
