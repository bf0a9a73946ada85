"""Many reports written at once, with their routings and the officers' answers: the
statistics' fixtures and benches fill a database this way (one transaction per batch; the
bot itself stores reports one by one through :class:`storage.reports.ReportRepository`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from storage.db import Database
from storage.jsontext import dumps
from storage.timestamps import to_db, to_db_optional


@dataclass(frozen=True, slots=True)
class BulkRouting:
    """A report's routing to one agency: its targets, and when an officer acknowledged and
    resolved it (None: not yet)."""

    agency_id: str
    ack_by: datetime | None = None
    resolve_by: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BulkReport:
    """A report as the statistics read it."""

    ref: str
    category: str
    created_at: datetime
    answers: Mapping[str, Any] = field(default_factory=dict)
    area_id: str | None = None
    ward: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    location_text: str | None = None
    reporter_chat_id: int | None = None
    contact_phone: str | None = None
    routings: tuple[BulkRouting, ...] = ()


async def insert_reports(
    db: Database, reports: Iterable[BulkReport], *, batch: int = 20_000
) -> int:
    """Write the reports (with a ``submitted`` event each), their routings and their officers'
    events, a batch per transaction; return how many were written."""
    start = int(await db.fetchvalue("SELECT COALESCE(MAX(id), 0) FROM reports")) + 1
    written = 0
    iterator = iter(reports)
    while chunk := list(islice(iterator, batch)):
        report_rows = []
        routing_rows = []
        event_rows = []
        for offset, report in enumerate(chunk):
            report_id = start + written + offset
            state = "received"
            event_rows.append((report_id, to_db(report.created_at), "resident", "submitted", "{}"))
            for routing in report.routings:
                agency_state = "sent"
                detail = dumps({"agency": routing.agency_id})
                actor = "officer:0"
                if routing.acknowledged_at is not None:
                    agency_state = "acknowledged"
                    event_rows.append(
                        (report_id, to_db(routing.acknowledged_at), actor, "acknowledged", detail)
                    )
                if routing.resolved_at is not None:
                    agency_state = "resolved"
                    state = "resolved"
                    event_rows.append(
                        (report_id, to_db(routing.resolved_at), actor, "resolved", detail)
                    )
                updated = routing.resolved_at or routing.acknowledged_at or report.created_at
                answered = routing.acknowledged_at or routing.resolved_at
                routing_rows.append(
                    (
                        report_id,
                        routing.agency_id,
                        agency_state,
                        to_db(updated),
                        to_db_optional(routing.ack_by),
                        to_db_optional(routing.resolve_by),
                        to_db(report.created_at),
                        to_db_optional(answered),
                        to_db_optional(routing.resolved_at),
                        _minutes(report.created_at, answered),
                        _minutes(report.created_at, routing.resolved_at),
                    )
                )
            report_rows.append(
                (
                    report_id,
                    report.ref,
                    report.category,
                    dumps(dict(report.answers)),
                    report.description,
                    report.latitude,
                    report.longitude,
                    report.location_text,
                    report.ward,
                    to_db(report.created_at),
                    report.reporter_chat_id,
                    int(report.reporter_chat_id is None and report.contact_phone is None),
                    report.contact_phone,
                    report.area_id,
                    state,
                )
            )
        async with db.transaction():
            await db.executemany(
                "INSERT INTO reports (id, ref, category, answers, description, latitude,"
                " longitude, location_text, ward, created_at, reporter_chat_id, anonymous,"
                " contact_phone, area_id, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                report_rows,
            )
            await db.executemany(
                "INSERT INTO report_agencies (report_id, agency_id, state, updated_at, ack_by,"
                " resolve_by, routed_at, answered_at, finished_at, answer_minutes, finish_minutes)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                routing_rows,
            )
            await db.executemany(
                "INSERT INTO report_events (report_id, at, actor, kind, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                event_rows,
            )
        written += len(chunk)
    return written


def _minutes(start: datetime, end: datetime | None) -> int | None:
    """Minutes from one time to another as storage keeps a routing's response (see
    storage.routings: to the minute, 10 minutes or hour)."""
    if end is None:
        return None
    minutes = (end - start).total_seconds() / 60
    step = 1 if minutes < 360 else 10 if minutes < 2880 else 60
    return math.floor(minutes / step + 0.5) * step  # as SQLite's ROUND, half away from 0
