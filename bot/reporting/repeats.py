"""Repeat locations at submit: the earlier reports within about 50 m of a new report's point
that were resolved before it came, for the line on each agency's card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.geo.metric import box_around, great_circle_m
from bot.outbox.repeats import Repeat
from storage.repeats import RepeatRepository

REPEAT_RADIUS_M = 50
"""The same spot: within this many metres."""


async def repeat_at(
    repository: RepeatRepository,
    latitude: float,
    longitude: float,
    *,
    before: datetime,
    zone: ZoneInfo,
    sensitive: Sequence[str] = (),
) -> Repeat | None:
    """The earlier reports within :data:`REPEAT_RADIUS_M` of the point, made and resolved
    before ``before``, of any category but the ``sensitive`` ones (their reports reach only
    their own agencies: another agency's card must not learn that one was made here): how
    many, and the local day of the earliest; None when there is none."""
    box = box_around(latitude, longitude, REPEAT_RADIUS_M)
    found = await repository.resolved_in_box(
        south=box.south,
        north=box.north,
        west=box.west,
        east=box.east,
        before=before,
        leave_out=sensitive,
    )
    here = [
        r
        for r in found
        if great_circle_m(latitude, longitude, r.latitude, r.longitude) <= REPEAT_RADIUS_M
    ]
    if not here:
        return None
    earliest = min(r.created_at for r in here)
    return Repeat(len(here), earliest.astimezone(zone).date())
