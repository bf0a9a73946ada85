"""A send time as an admin types it, in the partnership's time zone: "tomorrow 09:00",
"today 18:30", "2026-12-03 18:30", "03/12/2026 18:30" or "18:30" (today)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_TIME = r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)"
_FORMS = (
    re.compile(rf"^(?:(?P<day>today|tomorrow)\s+(?:at\s+)?)?{_TIME}$"),
    re.compile(rf"^(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})[ T]+{_TIME}$"),
    re.compile(rf"^(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})/(?P<y>\d{{4}})\s+{_TIME}$"),
)

EXAMPLES = '"tomorrow 09:00", "today 18:30" or "2026-12-03 18:30"'


def parse_local_time(text: str, *, now: datetime, timezone: str) -> datetime | None:
    """The moment the text names, as an aware datetime in ``timezone`` (None if unreadable).

    The time is wall-clock time there; whether it has passed or falls in a clock change is
    for :func:`bot.news.broadcasts.check_send_time` to say.
    """
    zone = ZoneInfo(timezone)
    cleaned = " ".join(text.strip().lower().split())
    for form in _FORMS:
        match = form.match(cleaned)
        if match is None:
            continue
        parts = match.groupdict()
        at = time(int(parts["hour"]), int(parts["minute"]))
        if parts.get("y"):
            try:
                day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            except ValueError:
                return None
        else:
            day = now.astimezone(zone).date()
            if parts.get("day") == "tomorrow":
                day += timedelta(days=1)
        return datetime.combine(day, at, tzinfo=zone)
    return None
