"""The [[areas]] of a configuration: each made of wards, places or a polygon file; check-config
names every mistake and warns where the areas leave part of the district out or overlap; and
the one [disclosure] setting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import ConfigError, config_from_data, default_config_data, load_config
from tests.support.configs import write_config_data

SQUARE = {  # a square around St Albans city centre, in longitude, latitude
    "type": "Polygon",
    "coordinates": [
        [[-0.345, 51.748], [-0.333, 51.748], [-0.333, 51.756], [-0.345, 51.756], [-0.345, 51.748]]
    ],
}


def _area(data: dict[str, Any], area_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [a for a in data["areas"] if a["id"] == area_id]
    assert len(found) == 1, area_id
    return found[0]


def _check(
    tmp_path: Path, data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    status = main(["check-config", "--config", str(write_config_data(tmp_path, data))])
    out, err = capsys.readouterr()
    return status, out, err


def _problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        config_from_data(data, base_dir=Path("."))
    return {p.path: p.message for p in caught.value.problems}


def test_the_default_areas_are_the_twenty_wards_grouped() -> None:
    """The St Albans default makes every area of wards, each of the 20 wards in one area."""
    config = load_config(None).config
    wards = [ward for area in config.areas for ward in area.wards or ()]
    assert len(wards) == len(set(wards)) == 20
    assert [a.id for a in config.areas if not a.wards] == []
    assert config.disclosure.small_count_threshold == 5


def test_mistakes_in_the_areas_table_are_named_at_once() -> None:
    """Two kinds of geometry, none, an empty list, a ward in two areas, a duplicate id and a
    threshold below 2: each is a problem at its key, all in one error."""
    data = default_config_data()
    _area(data, "harpenden")["places"] = ["Harpenden"]  # wards and places
    del _area(data, "redbourn")["wards"]  # nothing
    _area(data, "london-colney")["wards"] = []  # an empty list
    _area(data, "park-street")["wards"] = ["Park Street", "Sopwell"]  # Sopwell is the city's
    data["areas"].append({"id": "redbourn", "name": "Redbourn again", "places": ["Redbournbury"]})
    data["disclosure"]["small_count_threshold"] = 1
    problems = _problems(data)
    assert problems == {
        'areas[1] (id "harpenden")': problems['areas[1] (id "harpenden")'],
        'areas[6] (id "redbourn")': problems['areas[6] (id "redbourn")'],
        'areas[2] (id "london-colney").wards': "must list at least one",
        'areas[4] (id "park-street").wards[1]': problems['areas[4] (id "park-street").wards[1]'],
        "areas[8].id": 'duplicate id "redbourn"',
        "disclosure.small_count_threshold": problems["disclosure.small_count_threshold"],
    }
    assert "it has wards and places" in problems['areas[1] (id "harpenden")']
    assert "it has none" in problems['areas[6] (id "redbourn")']
    assert (
        '"Sopwell" is already in area "st-albans-city"'
        in problems['areas[4] (id "park-street").wards[1]']
    )
    assert "greater than or equal to 2" in problems["disclosure.small_count_threshold"]


def test_wards_need_a_wards_file() -> None:
    """An area made of wards, in a config naming no wards file, says what to do instead."""
    data = default_config_data()
    del data["geography"]["wards_boundary"]
    problems = _problems(data)
    assert len(problems) == len(data["areas"])
    assert "needs a wards boundary file" in problems['areas[0] (id "st-albans-city").wards']


def test_check_config_names_unknown_wards_places_and_unreadable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Names the geography lacks, and a file that is not a polygon file, fail check-config
    (exit 2), all listed at once under the config's name."""
    (tmp_path / "broken.geojson").write_text("{not json", encoding="utf-8")
    data = default_config_data()
    _area(data, "redbourn")["wards"] = ["Redbourne"]
    _area(data, "harpenden").pop("wards")
    _area(data, "harpenden")["places"] = ["Harpenden", "Luton"]
    _area(data, "park-street").pop("wards")
    _area(data, "park-street")["boundary"] = "broken.geojson"
    status, out, err = _check(tmp_path, data, capsys)
    assert (status, out) == (2, "")
    assert "has 3 problem(s)" in err
    assert 'areas[6] (id "redbourn").wards[0]: no ward "Redbourne" in the wards file' in err
    assert 'areas[1] (id "harpenden").places[1]: "Luton" is a place outside the district' in err
    assert 'areas[4] (id "park-street").boundary: ' in err
    assert "not valid JSON" in err


def test_check_config_warns_of_a_gap_and_an_overlap_and_still_says_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Leaving the Redbourn ward out, and adding a city-centre area drawn in a file beside the
    config (a relative path), is valid: check-config says ok and warns of both."""
    (tmp_path / "centre.geojson").write_text(json.dumps(SQUARE), encoding="utf-8")
    data = default_config_data()
    data["areas"] = [a for a in data["areas"] if a["id"] != "redbourn"]
    data["areas"].append({"id": "centre", "name": "City centre", "boundary": "centre.geojson"})
    status, out, err = _check(tmp_path, data, capsys)
    assert (status, out.strip()) == (0, "ok")
    assert "warning: areas: " in err
    assert "of the district is in no area" in err
    assert '"st-albans-city" and "centre" overlap' in err


def test_a_boundary_may_be_a_file_shipped_in_the_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``package:`` names a shipped file here as in [geography]; a path leaving the package is
    a problem."""
    data = default_config_data()
    data["areas"] = [
        {
            "id": "all",
            "name": "Everywhere",
            "boundary": "package:geo/outlines/st_albans_district.geojson",
        }
    ]
    status, out, err = _check(tmp_path, data, capsys)
    assert (status, out.strip(), "warning" in err) == (0, "ok", False)
    data["areas"][0]["boundary"] = "package:../pyproject.toml"
    assert list(_problems(data)) == ['areas[0] (id "all").boundary']
