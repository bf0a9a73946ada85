"""Geography: where a report is, from a pin or typed text (no Telegram imports here)."""

from bot.geo.approximate import Rules, Verdict
from bot.geo.areas import AreaMap
from bot.geo.errors import GeoDataError
from bot.geo.gazetteer import Gazetteer, Place, load_gazetteer
from bot.geo.geocode import Found, Geocoder
from bot.geo.locate import Area, Bounds, Locator, Placement

__all__ = [
    "Area",
    "AreaMap",
    "Bounds",
    "Found",
    "Gazetteer",
    "GeoDataError",
    "Geocoder",
    "Locator",
    "Place",
    "Placement",
    "Rules",
    "Verdict",
    "load_gazetteer",
]
