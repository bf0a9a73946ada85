"""Reports resolved by their agencies' officers through the officers' service, on a real
database, for the tests of "You said, we did"."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Config
from bot.officers.service import OfficerService
from storage.db import Database
from storage.reports import NewReport, ReportRepository
from storage.routings import RoutingRepository

_REFS = (f"K7M{n:04d}" for n in itertools.count(1))


@dataclass(frozen=True, slots=True)
class Resolved:
    """A report of ``category`` in ``area``, resolved at ``at`` with ``note`` (publishable or
    not); it carries a reference, a description, a street and a ward no digest may show."""

    category: str
    at: datetime
    note: str | None = None
    publishable: bool = False
    description: str = "Sofa dumped outside number 12"
    street: str = "12 Acacia Avenue"
    area: str | None = None  # a configured area's id


async def resolve_reports(config: Config, db: Database, reports: list[Resolved]) -> list[str]:
    """Store each report (submitted a day before it is resolved), route it to its category's
    first agency and resolve it there as that agency's first officer; their references."""
    officers = OfficerService(config, db)
    routings = RoutingRepository(db)
    refs = []
    for spec in reports:
        agency = config.agency(
            next(c for c in config.categories if c.id == spec.category).agencies[0]
        )
        ref = next(_REFS)
        report = await ReportRepository(db).create(
            NewReport(
                ref=ref,
                category=spec.category,
                created_at=spec.at - timedelta(days=1),
                description=spec.description,
                location_text=spec.street,
                ward="Marshalswick South",
                area_id=spec.area,
                anonymous=True,
            ),
            actor="resident",
        )
        await routings.route_to(report.id, agency.id, at=spec.at - timedelta(days=1))
        outcome = await officers.resolve(
            report.id,
            agency.id,
            agency.officers[0],
            "Pat",
            spec.note,
            spec.at,
            publishable=spec.publishable,
        )
        assert outcome.changed, outcome
        refs.append(ref)
    return refs
