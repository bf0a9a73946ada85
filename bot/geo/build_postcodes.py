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
from typing import TextIO

_POSTCODE_COLUMNS = ("pcds", "pcd7", "pcd8", "pcd")
_DISTRICT_COLUMN = re.compile(r"^(laua|lad\d\dcd|oslaua)$", re.IGNORECASE)
_NO_GRID_REFERENCE = 99.0
_CELL_M = 1_000.0
_METRES_PER_DEGREE = 111_195.0
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


class Reach:
    """Whether a point is within ``metres`` of any of a set of points."""

    def __init__(self, rows: Sequence[Row], metres: float) -> None:
        self._metres = metres
        self._east = _METRES_PER_DEGREE * math.cos(
            math.radians(sum(r.latitude for r in rows) / max(len(rows), 1))
        )
        self._cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
        for row in rows:
            x, y = self._xy(row)
            self._cells.setdefault(self._cell(x, y), []).append((x, y))
        self._span = math.ceil(metres / _CELL_M)

    def _xy(self, row: Row) -> tuple[float, float]:
        return row.longitude * self._east, row.latitude * _METRES_PER_DEGREE

    @staticmethod
    def _cell(x: float, y: float) -> tuple[int, int]:
        return int(x // _CELL_M), int(y // _CELL_M)

    def __contains__(self, row: Row) -> bool:
        x, y = self._xy(row)
        cx, cy = self._cell(x, y)
        for dx in range(-self._span, self._span + 1):
            for dy in range(-self._span, self._span + 1):
                for px, py in self._cells.get((cx + dx, cy + dy), ()):
                    if math.hypot(px - x, py - y) <= self._metres:
                        return True
        return False


def build(source: Path, district: str, reach_m: float, edition: str, out: TextIO) -> int:
    """Write the district's postcodes and its neighbours' within reach; return the count."""
    with source.open(encoding="utf-8-sig", newline="") as stream:
        own = [r for r in read_rows(stream) if r.district == district]
    if not own:
        raise ValueError(f"no postcode of district {district} in {source.name}")
    reach = Reach(own, reach_m)
    with source.open(encoding="utf-8-sig", newline="") as stream:
        around = [r for r in read_rows(stream) if r.district != district and r in reach]
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
