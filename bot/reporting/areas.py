"""The area a report is counted in: at submit, and for reports stored before they had one.

A report outside the district has no area, nor one without a point. The start-up pass gives
every report that has a point but no area its area, in batches; when the configured areas
changed since the reports were placed (their fingerprint differs) it places every report again.
"""

from __future__ import annotations

import logging

from bot.geo.areas import AreaMap
from storage.db import Database
from storage.report_areas import ReportAreaRepository

logger = logging.getLogger(__name__)

BATCH = 500
"""Reports placed per transaction by the start-up pass."""


def area_for(
    areas: AreaMap,
    latitude: float | None,
    longitude: float | None,
    *,
    ward: str | None,
    outside_district: bool,
) -> str | None:
    """The area of a report's point: the area containing it, else the area of its ward (a point
    just beyond a ward's drawn line); None outside the district or without a point."""
    if latitude is None or longitude is None or outside_district:
        return None
    return areas.area_of(latitude, longitude) or areas.area_of_ward(ward)


async def place_reports(db: Database, areas: AreaMap, *, batch: int = BATCH) -> int:
    """Give stored reports their areas: those with none, or all of them when the areas changed
    since the last pass; return how many reports changed."""
    repository = ReportAreaRepository(db)
    fingerprint = areas.fingerprint
    previous = await repository.fingerprint()
    again = previous is not None and previous != fingerprint
    changed = seen = 0
    after = 0
    while True:
        points = await repository.points(after_id=after, limit=batch, unplaced_only=not again)
        if not points:
            break
        async with db.transaction():
            changed += await repository.set_areas(
                (
                    point.id,
                    area_for(
                        areas,
                        point.latitude,
                        point.longitude,
                        ward=point.ward,
                        outside_district=point.outside_district,
                    ),
                )
                for point in points
            )
        seen += len(points)
        after = points[-1].id
    if previous != fingerprint:
        await repository.set_fingerprint(fingerprint)
    if seen:
        logger.info(
            "Areas %s: %d reports looked at, %d changed",
            "changed, reports placed again" if again else "given to reports without one",
            seen,
            changed,
        )
    return changed
