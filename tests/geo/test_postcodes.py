"""The shipped postcode units, their file format, and the command that builds them."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from bot.geo import GeoDataError, load_gazetteer
from bot.geo.build_postcodes import build, main
from bot.geo.postcodes import find_postcode, load_postcodes

GAZETTEER = load_gazetteer()
COUNCILS = {c.ons_code: c.council for c in GAZETTEER.councils}
DISTRICT = "St Albans City and District Council"
SHIPPED = Path(__file__).resolve().parents[2] / "bot" / "geo" / "postcodes.csv"


def test_shipped_file_names_its_source_and_covers_the_district_and_neighbours() -> None:
    """The file says where it comes from; it holds the district's postcodes and the edge's."""
    head = SHIPPED.read_text(encoding="utf-8").splitlines()[:3]
    assert all(line.startswith("#") for line in head)
    assert "ONS Postcode Directory" in head[1]
    assert "Open Government Licence" in head[2]
    postcodes = GAZETTEER.postcodes
    assert postcodes is not None
    councils = Counter(u.council for u in postcodes.units)
    assert councils[DISTRICT] > 5_000
    assert {
        "Welwyn Hatfield Borough Council",
        "Dacorum Borough Council",
        "Hertsmere Borough Council",
    } <= set(councils)
    assert len({u.postcode for u in postcodes.units}) == len(postcodes)
    for unit in postcodes.units:
        assert 51.6 < unit.latitude < 51.95, unit
        assert -0.55 < unit.longitude < -0.15, unit


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("AL1 3JE", "AL1 3JE"),
        ("al13je", "AL1 3JE"),
        ("Flat 2, 10 Holywell Hill, St Albans AL1 1BT", "AL1 1BT"),
        ("wd25  0aa", "WD25 0AA"),
        ("AL1", None),
        ("the park", None),
    ],
)
def test_find_postcode(text: str, postcode: str | None) -> None:
    """A full postcode is found in any case and spacing; a partial one is not."""
    assert find_postcode(text) == postcode


def test_lookup_answers_known_units_only() -> None:
    """A known unit answers; an unknown or partial postcode does not."""
    postcodes = GAZETTEER.postcodes
    assert postcodes is not None
    unit = postcodes.lookup("al5 2ta")
    assert unit is not None
    assert (unit.postcode, unit.council) == ("AL5 2TA", DISTRICT)
    assert postcodes.lookup("AL1 0XX") is None
    assert postcodes.lookup("AL5") is None


def test_own_gazetteer_has_postcodes_only_when_named(tmp_path: Path) -> None:
    """A partnership's own gazetteer does not inherit St Albans' postcodes."""
    places = tmp_path / "places.csv"
    places.write_text(
        "name,kind,latitude,longitude,council,in_district,area,aliases,source\n"
        f"Town,town,51.75,-0.33,{DISTRICT},true,Town,,S\n",
        encoding="utf-8",
    )
    assert load_gazetteer(places).postcodes is None
    units = tmp_path / "units.csv"
    units.write_text(
        "# made up\npostcode,latitude,longitude,district\nAL1 1AA,51.75,-0.33,E07000240\n",
        encoding="utf-8",
    )
    postcodes = load_gazetteer(places, units).postcodes
    assert postcodes is not None
    assert [u.postcode for u in postcodes.units] == ["AL1 1AA"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("postcode,latitude\n", "missing column"),
        ("postcode,latitude,longitude,district\n", "has no postcodes"),
        ("postcode,latitude,longitude,district\nnope,51,0,E07000240\n", "line 2: 'nope'"),
        ("# a\npostcode,latitude,longitude,district\nAL1 1AA,north,0,E07000240\n", "line 3"),
        ("postcode,latitude,longitude,district\nAL1 1AA,51,0,E99999999\n", "E99999999"),
        ("postcode,latitude,longitude,district\nAL1 1AA,95,0,E07000240\n", "out of range"),
    ],
)
def test_bad_postcode_files_name_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    """A broken postcode file is refused with the file, the line and the problem named."""
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GeoDataError, match=problem) as caught:
        load_postcodes(path, COUNCILS)
    assert str(path) in str(caught.value)


ONSPD = """pcd7,pcds,lad25cd,lat,long,other
AL1 1AA,AL1 1AA,E07000240,51.750000,-0.330000,x
AL11AB ,AL1 1AB,E07000240,51.751000,-0.331000,x
AL9 5AA,AL9 5AA,E07000241,51.760000,-0.300000,x
HP1 1AA,HP1 1AA,E07000096,51.750000,-0.470000,x
AL1 9ZZ,AL1 9ZZ,E07000240,99.999999,0.000000,x
"""


def test_build_keeps_the_district_and_its_neighbours_within_reach(tmp_path: Path) -> None:
    """The district's units and near neighbours' are written; far ones and ungridded are not."""
    source = tmp_path / "ONSPD_TEST_UK.csv"
    source.write_text(ONSPD, encoding="utf-8")
    out = io.StringIO()
    count = build(source, "E07000240", 4_000.0, "ONSPD test edition", out)
    written = out.getvalue().splitlines()
    assert count == 3
    assert "ONSPD test edition" in written[1]
    assert written[3:] == [
        "postcode,latitude,longitude,district",
        "AL1 1AA,51.75000,-0.33000,E07000240",
        "AL1 1AB,51.75100,-0.33100,E07000240",
        "AL9 5AA,51.76000,-0.30000,E07000241",
    ]
    built = tmp_path / "units.csv"
    built.write_text(out.getvalue(), encoding="utf-8")
    assert len(load_postcodes(built, COUNCILS)) == 3


def test_build_refuses_a_file_that_is_not_the_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong file or district exits 2 with the reason, writing no partial output."""
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main([str(wrong), "--district", "E07000240", "--edition", "x"]) == 2
    assert "not an ONS Postcode Directory CSV" in capsys.readouterr().err
    right = tmp_path / "ONSPD_TEST_UK.csv"
    right.write_text(ONSPD, encoding="utf-8")
    assert main([str(right), "--district", "E07999999", "--edition", "x"]) == 2
    captured = capsys.readouterr()
    assert "no postcode of district E07999999" in captured.err
    assert captured.out == ""
