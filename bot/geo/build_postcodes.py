"""Build the shipped postcode file from the ONS Postcode Directory.

The ONS Postcode Directory (ONSPD) places every UK postcode unit, live and terminated, at a
grid reference with the local authority district it falls in. It is free under the Open
Government Licence. This command keeps the postcodes of one district and those of other
districts within reach of it, which is what the locator and the offline geocoder need::

    python -m bot.geo.build_postcodes ONSPD_NOV_2025_UK.csv \\
        --district E07000240 --edition "ONSPD November 2025" > bot/geo/postcodes.csv

The input is the directory's CSV (the ``Data/ONSPD_*_UK.csv`` file of its zip). Its postcode
column (``pcds``, ``pcd7`` or ``pcd``), district column (``lad25cd``, ``laua`` and the like) and
``lat``/``long`` are found by name, so later editions read the same. Postcodes with no grid
reference (ONSPD gives them latitude 99.999999) are left out.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import shapely  # type: ignore[import-untyped]

from bot.geo.metric import METRES_PER_DEGREE, LocalProjection

_POSTCODE_COLUMNS = ("pcds", "pcd7", "pcd8", "pcd")
_DISTRICT_COLUMN = re.compile(r"^(laua|lad\d\dcd|oslaua)$", re.IGNORECASE)
_NO_GRID_REFERENCE = 99.0
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data (c) Crown copyright and database right. "
    "Contains Royal Mail data (c) Royal Mail copyright and database right."
)


@dataclass(frozen=True, slots=True)
class Row:
    """One postcode unit as the output file holds it."""

    postcode: str
    latitude: float
    longitude: float
    district: str


def read_rows(stream: TextIO) -> Iterator[Row]:
    """The directory's postcodes with a grid reference, in file order."""
    reader = csv.DictReader(stream)
    fields = reader.fieldnames or []
    postcode = next((c for c in _POSTCODE_COLUMNS if c in fields), None)
    district = next((c for c in fields if _DISTRICT_COLUMN.match(c)), None)
    if postcode is None or district is None or "lat" not in fields or "long" not in fields:
        raise ValueError(
            "not an ONS Postcode Directory CSV: it needs a postcode column "
            f"({', '.join(_POSTCODE_COLUMNS)}), a district column (laua or ladNNcd), lat and long"
        )
    for record in reader:
        try:
            latitude, longitude = float(record["lat"]), float(record["long"])
        except ValueError:
            continue
        if latitude > _NO_GRID_REFERENCE or not record[district]:
            continue
        yield Row(
            _spaced(record[postcode]), round(latitude, 5), round(longitude, 5), record[district]
        )


def _spaced(postcode: str) -> str:
    """A postcode in its written form: outward code, one space, inward code."""
    compact = "".join(postcode.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}"


def within_reach(own: Sequence[Row], others: Sequence[Row], metres: float) -> list[Row]:
    """Those of ``others`` within ``metres`` of any of ``own``."""
    projection = LocalProjection(
        sum(r.latitude for r in own) / len(own), sum(r.longitude for r in own) / len(own)
    )

    def points(rows: Sequence[Row]) -> Any:
        lonlat = np.array([(r.longitude, r.latitude) for r in rows], dtype=np.float64)
        return shapely.points(projection.lonlat_array_to_metres(lonlat.reshape(-1, 2)))

    tree = shapely.STRtree(points(own))
    near = set(tree.query(points(others), predicate="dwithin", distance=metres)[0].tolist())
    return [row for index, row in enumerate(others) if index in near]


def _box(rows: Sequence[Row], metres: float) -> tuple[float, float, float, float]:
    """South, west, north and east of ``rows``, widened by ``metres`` (and a little more)."""
    north_south = 1.1 * metres / METRES_PER_DEGREE
    east_west = north_south / math.cos(math.radians(max(abs(r.latitude) for r in rows)))
    return (
        min(r.latitude for r in rows) - north_south,
        min(r.longitude for r in rows) - east_west,
        max(r.latitude for r in rows) + north_south,
        max(r.longitude for r in rows) + east_west,
    )


def build(source: Path, district: str, reach_m: float, edition: str, out: TextIO) -> int:
    """Write the district's postcodes and its neighbours' within reach; return the count."""
    with source.open(encoding="utf-8-sig", newline="") as stream:
        own = [r for r in read_rows(stream) if r.district == district]
    if not own:
        raise ValueError(f"no postcode of district {district} in {source.name}")
    south, west, north, east = _box(own, reach_m)
    with source.open(encoding="utf-8-sig", newline="") as stream:
        candidates = [
            r
            for r in read_rows(stream)
            if r.district != district
            and south <= r.latitude <= north
            and west <= r.longitude <= east
        ]
    around = within_reach(own, candidates, reach_m) if candidates else []
    rows = sorted({r.postcode: r for r in own + around}.values(), key=lambda r: r.postcode)
    out.write(f"# Postcode units of {district} and of other districts within {reach_m:.0f} m\n")
    out.write(f"# of it, from the {edition} (python -m bot.geo.build_postcodes).\n")
    out.write(f"# {ATTRIBUTION}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("postcode", "latitude", "longitude", "district"))
    for row in rows:
        writer.writerow((row.postcode, f"{row.latitude:.5f}", f"{row.longitude:.5f}", row.district))
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.geo.build_postcodes", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("source", type=Path, help="the ONSPD CSV file")
    parser.add_argument("--district", required=True, help="ONS code, e.g. E07000240")
    parser.add_argument("--reach-m", type=float, default=4_000.0)
    parser.add_argument("--edition", required=True, help='e.g. "ONSPD November 2025"')
    args = parser.parse_args(argv)
    try:
        count = build(args.source, args.district, args.reach_m, args.edition, sys.stdout)
    except (OSError, ValueError) as exc:
        print(f"build_postcodes: {exc}", file=sys.stderr)
        return 2
    print(f"{count} postcodes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
