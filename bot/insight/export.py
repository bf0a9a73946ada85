"""``safetybot export``: a period's reports written as CSV, or as Open311 GeoReport v2 service
requests (a JSON array), one report at a time as storage reads them.

Without personal data (the default) an exported report has no Telegram id, no contact
details, no free text (description, typed answers, typed place) and no photos; its place is
coarsened to its configured area and ward (no coordinates) and its time to its local day, so a
report cannot be traced back to a street or a person. ``personal`` adds all of these; the
command audits such an export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator, Mapping
from datetime import datetime, time
from typing import Any, Literal, TextIO
from zoneinfo import ZoneInfo

from bot.config import Category, Config
from bot.geo.areas import AreaMap
from storage.exports import ExportedReport

ExportFormat = Literal["csv", "open311"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "open311")

CSV_COLUMNS = (
    "ref",
    "category",
    "category_name",
    "day",
    "priority",
    "status",
    "area",
    "ward",
    "outside_district",
    "agencies",
    "answers",
)
PERSONAL_COLUMNS = (
    "created_at",
    "occurred_at",
    "latitude",
    "longitude",
    "location_text",
    "description",
    "reporter_chat_id",
    "anonymous",
    "contact_phone",
    "photos",
)
_OPEN311_STATUS = {"received": "open", "acknowledged": "open", "in_progress": "open"}


class Exporter:
    """Writes reports for one configuration."""

    def __init__(self, config: Config, areas: AreaMap, *, personal: bool) -> None:
        """Use the configuration's categories and agencies and its areas' names."""
        self._config = config
        self._areas = areas
        self._personal = personal
        self._zone = ZoneInfo(config.partnership.timezone)

    def _answers(self, report: ExportedReport, category: Category | None) -> dict[str, Any]:
        """Its answers: every one with personal data, else only the tapped choices (a typed
        answer is free text)."""
        if self._personal:
            return dict(report.answers)
        kinds = {q.id: q.kind for q in (category.questions if category else ())}
        return {k: v for k, v in report.answers.items() if kinds.get(k, "text") != "text"}

    def _area(self, report: ExportedReport) -> str:
        if report.area_id is not None and report.area_id in self._areas:
            return self._areas.name(report.area_id)
        return report.area_id or ""

    def _day(self, moment: datetime) -> str:
        return moment.astimezone(self._zone).date().isoformat()

    async def csv(self, reports: AsyncIterator[ExportedReport], out: TextIO) -> int:
        """Write the reports as CSV, a line each; return how many."""
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS + (PERSONAL_COLUMNS if self._personal else ()))
        count = 0
        async for report in reports:
            category = self._config.category(report.category)
            row: list[Any] = [
                report.ref,
                report.category,
                category.name if category else report.category,
                self._day(report.created_at),
                report.priority,
                report.status,
                self._area(report),
                report.ward or "",
                int(report.outside_district),
                " ".join(report.agencies),
                json.dumps(self._answers(report, category), sort_keys=True, ensure_ascii=False),
            ]
            if self._personal:
                row += [
                    report.created_at.isoformat(),
                    report.occurred_at.isoformat() if report.occurred_at else "",
                    "" if report.latitude is None else report.latitude,
                    "" if report.longitude is None else report.longitude,
                    report.location_text or "",
                    report.description,
                    "" if report.reporter_chat_id is None else report.reporter_chat_id,
                    int(report.anonymous),
                    report.contact_phone or "",
                    report.photos,
                ]
            writer.writerow(row)
            count += 1
        return count

    def service_request(self, report: ExportedReport) -> dict[str, Any]:
        """One report as an Open311 GeoReport v2 service request."""
        category = self._config.category(report.category)
        names = {a.id: a.name for a in self._config.agencies}
        if self._personal:
            requested = report.created_at.isoformat()
        else:
            day = report.created_at.astimezone(self._zone).date()
            requested = datetime.combine(day, time(), self._zone).isoformat()
        request: dict[str, Any] = {
            "service_request_id": report.ref,
            "status": _OPEN311_STATUS.get(report.status, "closed"),
            "service_code": report.category,
            "service_name": category.name if category else report.category,
            "agency_responsible": "; ".join(names.get(a, a) for a in report.agencies),
            "requested_datetime": requested,
            "address": ", ".join(p for p in (report.ward, self._area(report)) if p),
            "priority": report.priority,
            "attributes": self._answers(report, category),
        }
        if self._personal:
            request["updated_datetime"] = (
                report.updated_at.isoformat() if report.updated_at else None
            )
            request["description"] = report.description
            request["address"] = report.location_text or request["address"]
            request["lat"] = report.latitude
            request["long"] = report.longitude
            request["reporter"] = _reporter(report)
        return request

    async def open311(self, reports: AsyncIterator[ExportedReport], out: TextIO) -> int:
        """Write the reports as a JSON array of service requests, one element at a time;
        return how many."""
        out.write("[")
        count = 0
        async for report in reports:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(self.service_request(report), ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count

    async def write(
        self, fmt: ExportFormat, reports: AsyncIterator[ExportedReport], out: TextIO
    ) -> int:
        """Write in the given format; return how many reports."""
        if fmt == "csv":
            return await self.csv(reports, out)
        return await self.open311(reports, out)


def _reporter(report: ExportedReport) -> Mapping[str, Any]:
    return {
        "telegram_chat_id": report.reporter_chat_id,
        "anonymous": report.anonymous,
        "phone": report.contact_phone,
        "photos": report.photos,
    }
