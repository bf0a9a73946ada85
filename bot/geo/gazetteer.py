"""The places the project ships: towns, villages, stations and postcode districts.

With them come the postcode units (postcodes.py), which answer a typed full postcode exactly.

The gazetteer answers typed places when no geocoding server can, and is what the locator
approximates the district from when no boundary files are configured. Every row names the
public source of its facts. A partnership elsewhere points ``geography.gazetteer`` at its own
file with the same columns.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, cast, get_args

from bot.geo.errors import GeoDataError
from bot.geo.postcodes import (
    OUTWARD,
    Postcodes,
    PostcodeUnit,
    find_postcode,
    is_postcode,
    load_postcodes,
)

logger = logging.getLogger(__name__)

PlaceKind = Literal[
    "town", "village", "hamlet", "locality", "station", "postcode_district", "landmark", "postcode"
]
PLACE_KINDS: frozenset[str] = frozenset(get_args(PlaceKind))
COLUMNS = (
    "name",
    "kind",
    "latitude",
    "longitude",
    "council",
    "in_district",
    "area",
    "aliases",
    "source",
)
_BOOLEANS = {"true": True, "false": False}
_OUTWARD_ONLY = re.compile(rf"^\s*({OUTWARD})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Place:
    """One named place, station or postcode district and the council that covers it."""

    name: str
    kind: PlaceKind
    latitude: float
    longitude: float
    council: str
    in_district: bool
    area: str | None
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class CouncilName:
    """How the ONS names a district, and the council that runs it."""

    ons_name: str
    ons_code: str
    council: str
    source: str


def normalise(text: str) -> str:
    """Lower case, '&' as 'and', 'saint' as 'st', punctuation as single spaces."""
    text = text.casefold().replace("&", " and ")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join("st" if word == "saint" else word for word in words)


class Gazetteer:
    """The shipped places, searchable by name, alias and postcode, and the postcode units."""

    def __init__(
        self,
        places: Iterable[Place],
        councils: Iterable[CouncilName] = (),
        postcodes: Postcodes | None = None,
    ) -> None:
        self.places: tuple[Place, ...] = tuple(places)
        self.councils: tuple[CouncilName, ...] = tuple(councils)
        self.postcodes = postcodes
        self.district_council = next((p.council for p in self.places if p.in_district), "")
        self._by_key: dict[str, list[Place]] = {}
        for place in self.places:
            for key in {normalise(place.name), *(normalise(a) for a in place.aliases)}:
                self._by_key.setdefault(key, []).append(place)

    def council_for_ons_name(self, ons_name: str) -> str:
        """The council running the district the ONS calls ``ons_name`` (the name if unknown)."""
        wanted = normalise(ons_name)
        found = next((c.council for c in self.councils if normalise(c.ons_name) == wanted), None)
        return found or ons_name

    def search(self, text: str, limit: int = 5) -> list[Place]:
        """Places matching typed text: exact names and aliases first, then partial matches.

        A full postcode answers its postcode unit when the postcodes know it, else its postcode
        district; a bare outward code matches directly.
        """
        unit = self.postcodes.lookup(text) if self.postcodes is not None else None
        if unit is not None:
            return [self._unit_place(unit)]
        only = _OUTWARD_ONLY.match(text)
        postcode = find_postcode(text)
        outward = only.group(1) if only else postcode.split()[0] if postcode else None
        if outward:
            district = self._by_key.get(normalise(outward), [])
            if district:
                return district[:limit]
        wanted = normalise(text)
        if not wanted:
            return []
        found: list[Place] = list(self._by_key.get(wanted, []))
        for key, places in sorted(self._by_key.items()):
            if key != wanted and _contains_words(key, wanted):
                found.extend(p for p in places if p not in found)
        return found[:limit]

    def postcode_only(self, text: str) -> Place | None:
        """The postcode unit when ``text`` is a full postcode and nothing else, else None."""
        if self.postcodes is None or not is_postcode(text):
            return None
        unit = self.postcodes.lookup(text)
        return self._unit_place(unit) if unit is not None else None

    def _unit_place(self, unit: PostcodeUnit) -> Place:
        return Place(
            name=unit.postcode,
            kind="postcode",
            latitude=unit.latitude,
            longitude=unit.longitude,
            council=unit.council,
            in_district=unit.council == self.district_council,
            area=None,
            aliases=(),
            source="ONS Postcode Directory",
        )


def _contains_words(key: str, wanted: str) -> bool:
    """Whether one text appears in the other as whole words."""
    padded_key, padded_wanted = f" {key} ", f" {wanted} "
    return padded_wanted in padded_key or (len(key) > 3 and padded_key in padded_wanted)


def load_gazetteer(path: Path | None = None, postcodes: Path | None = None) -> Gazetteer:
    """Read a gazetteer file, the council names and the postcode units.

    The shipped gazetteer comes with the shipped postcodes; a gazetteer of its own (``path``)
    has postcodes only when ``postcodes`` names a file for them. The shipped files never change,
    so they are read once per process.
    """
    if path is None and postcodes is None:
        return _shipped()
    return _load(path, postcodes)


@functools.cache
def _shipped() -> Gazetteer:
    return _load(None, None)


def _load(path: Path | None, postcodes: Path | None) -> Gazetteer:
    if path is None:
        text = resources.files("bot.geo").joinpath("gazetteer.csv").read_text(encoding="utf-8")
        origin = "the shipped gazetteer (bot/geo/gazetteer.csv)"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise GeoDataError(path, f"cannot read the gazetteer: {exc.strerror}") from None
        origin = str(path)
    places = parse_places(text, origin)
    councils_text = resources.files("bot.geo").joinpath("councils.csv").read_text(encoding="utf-8")
    councils = parse_councils(councils_text, "bot/geo/councils.csv")
    units = None
    if postcodes is not None or path is None:
        units = load_postcodes(postcodes, {c.ons_code: c.council for c in councils})
    logger.debug("Loaded %d places from %s", len(places), origin)
    return Gazetteer(places, councils, units)


def parse_places(text: str, origin: str | Path) -> list[Place]:
    """Validate gazetteer rows; raise GeoDataError naming the row and the problem."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise GeoDataError(origin, f"missing column(s): {', '.join(missing)}")
    places = [_parse_row(row, origin, number) for number, row in enumerate(reader, start=2)]
    if not places:
        raise GeoDataError(origin, "has no places")
    return places


def _parse_row(row: dict[str, str], origin: str | Path, number: int) -> Place:
    def fail(problem: str) -> GeoDataError:
        return GeoDataError(origin, f"line {number}: {problem}")

    name, kind, council = row["name"].strip(), row["kind"].strip(), row["council"].strip()
    source, in_district = row["source"].strip(), row["in_district"].strip().lower()
    if not name or not council or not source:
        raise fail("name, council and source must not be empty")
    if kind not in PLACE_KINDS:
        raise fail(f"kind {kind!r} is not one of {', '.join(sorted(PLACE_KINDS))}")
    if in_district not in _BOOLEANS:
        raise fail(f"in_district must be true or false, got {in_district!r}")
    try:
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
    except ValueError:
        raise fail("latitude and longitude must be numbers") from None
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or abs(latitude) > 90:
        raise fail("latitude and longitude are out of range")
    aliases = tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip())
    return Place(
        name=name,
        kind=cast(PlaceKind, kind),  # checked against PLACE_KINDS above
        latitude=latitude,
        longitude=longitude,
        council=council,
        in_district=_BOOLEANS[in_district],
        area=row["area"].strip() or None,
        aliases=aliases,
        source=source,
    )


def parse_councils(text: str, origin: str) -> Sequence[CouncilName]:
    """The ONS district name to council name table."""
    return [
        CouncilName(
            row["ons_name"].strip(),
            row["ons_code"].strip(),
            row["council"].strip(),
            row["source"].strip(),
        )
        for row in csv.DictReader(io.StringIO(text))
    ]
