"""The postcode units the project ships: every postcode of the district and its neighbours'.

Built by ``python -m bot.geo.build_postcodes`` from the ONS Postcode Directory, which places each
postcode unit (live or terminated) at a grid reference and names the district it falls in; the
file's opening comment lines say which edition. The units answer a typed full postcode exactly
when no geocoding server can, and give the locator a dense picture of where the district's
homes end and its neighbours' begin.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.geo.errors import GeoDataError

logger = logging.getLogger(__name__)

COLUMNS = ("postcode", "latitude", "longitude", "district")
OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
"""A postcode's outward code (AL1, WD25): its district."""
_FULL_POSTCODE = re.compile(rf"\b({OUTWARD})\s*([0-9][A-Z]{{2}})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PostcodeUnit:
    """One postcode unit: its written form, its centre and the council of its district."""

    postcode: str
    latitude: float
    longitude: float
    council: str


def find_postcode(text: str) -> str | None:
    """The full postcode written in ``text`` (any case and spacing), as ``AL1 3JE``; else None."""
    match = _FULL_POSTCODE.search(text)
    return f"{match.group(1)} {match.group(2)}".upper() if match else None


def is_postcode(text: str) -> bool:
    """Whether ``text`` is a full postcode and nothing else (any case and spacing)."""
    return _FULL_POSTCODE.fullmatch(text.strip()) is not None


class Postcodes:
    """The shipped postcode units, looked up by postcode."""

    def __init__(self, units: Iterable[PostcodeUnit]) -> None:
        self.units: tuple[PostcodeUnit, ...] = tuple(units)
        self._by_postcode = {u.postcode: u for u in self.units}

    def __len__(self) -> int:
        return len(self.units)

    def lookup(self, text: str) -> PostcodeUnit | None:
        """The unit of the full postcode written in ``text``, or None."""
        postcode = find_postcode(text)
        return self._by_postcode.get(postcode) if postcode else None


def load_postcodes(path: Path | None, councils: Mapping[str, str]) -> Postcodes:
    """Read a postcode file (the shipped one when ``path`` is None).

    ``councils`` maps ONS district codes to council names; a code missing from it is an error
    naming the line, so a file for another district cannot be half read.
    """
    if path is None:
        text = resources.files("bot.geo").joinpath("postcodes.csv").read_text(encoding="utf-8")
        origin: str | Path = "the shipped postcodes (bot/geo/postcodes.csv)"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise GeoDataError(path, f"cannot read the postcodes: {exc.strerror}") from None
        origin = path
    units = parse_postcodes(text, origin, councils)
    logger.debug("Loaded %d postcode units from %s", len(units), origin)
    return Postcodes(units)


def parse_postcodes(
    text: str, origin: str | Path, councils: Mapping[str, str]
) -> list[PostcodeUnit]:
    """Validate postcode rows; raise GeoDataError naming the line and the problem."""
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1
    reader = csv.reader(io.StringIO("".join(lines[skipped:])))
    header = next(reader, [])
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise GeoDataError(origin, f"missing column(s): {', '.join(missing)}")
    at = [header.index(c) for c in COLUMNS]
    units = []
    for number, row in enumerate(reader, start=skipped + 2):
        written, latitude_text, longitude_text, district = (
            row[i] if i < len(row) else "" for i in at
        )
        postcode = find_postcode(written)
        if postcode is None:
            raise GeoDataError(origin, f"line {number}: {written!r} is not a postcode")
        try:
            latitude, longitude = float(latitude_text), float(longitude_text)
        except ValueError:
            raise GeoDataError(
                origin, f"line {number}: latitude and longitude must be numbers"
            ) from None
        if not (math.isfinite(latitude) and math.isfinite(longitude)) or abs(latitude) > 90:
            raise GeoDataError(origin, f"line {number}: latitude and longitude are out of range")
        council = councils.get(district.strip())
        if council is None:
            raise GeoDataError(
                origin, f"line {number}: district {district!r} is not in bot/geo/councils.csv"
            )
        units.append(PostcodeUnit(postcode, latitude, longitude, council))
    if not units:
        raise GeoDataError(origin, "has no postcodes")
    return units
