"""Everything held about a resident, as a readable JSON document (/mydata).

Their own reports in full, with each event's kind, time and agency (never the officer who acted,
never another resident's details added to it); the reports they follow by reference, category
and state only, with what they added themselves; the questions officers asked them and their
answers; their news choices and deliveries; their daily report counts; the ASB Case Review
notices given to them; a report in progress.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config
from storage.db import Database
from storage.keyring import resident_key
from storage.reports import Report, ReportEvent, ReportRepository
from storage.resident_data import ResidentDataRepository

# Events told with their own words beside kind, time and agency; any other detail stays out.
_SAID = {"resolved": ("note",), "asked": ("question",), "answered": ("answer",)}
# Events about others (a refused press, another resident's details): not the resident's data.
_NOT_THEIRS = {"refused", "same_reported"}


class Records:
    """Build the /mydata document."""

    def __init__(self, config: Config, db: Database, secret: bytes) -> None:
        """Use the configuration, the open database and the bot's key (for the counters)."""
        self._config = config
        self._secret = secret
        self._reports = ReportRepository(db)
        self._data = ResidentDataRepository(db)
        self._zone = ZoneInfo(config.partnership.timezone)

    async def document(
        self, user_id: int, chat_id: int, draft: Mapping[str, Any] | None, now: datetime
    ) -> dict[str, Any]:
        """The resident's data as JSON-ready values."""
        reports = [await self._reports.get(i) for i in await self._data.own_report_ids(chat_id)]
        own = [await self._report(r) for r in reports if r is not None]
        followed = [
            {
                "reference": f.ref,
                "category": self._category_name(f.category),
                "state": f.status,
                "following_since": self._time(f.joined_at),
                "details_you_added": self._added(f.added),
            }
            for f in await self._data.followed(chat_id)
        ]
        return {
            "about": (
                f"Everything the {self._config.partnership.name} bot holds about you, "
                f"as of {self._time(now)}. Times are {self._config.partnership.timezone}."
            ),
            "your_telegram_chat": chat_id,
            "your_reports": own,
            "reports_you_follow": followed,
            "news": await self._news(chat_id),
            "report_in_progress": dict(draft) if draft else None,
            "reports_made_per_day": await self._data.counters(resident_key(self._secret, user_id)),
            "case_review_notices": [
                {"told_at": self._time(n.given_at), "references": list(n.refs)}
                for n in await self._data.case_review_notices(chat_id)
            ],
        }

    async def _report(self, report: Report) -> dict[str, Any]:
        category = self._config.category(report.category)
        labels = {q.id: q.text for q in category.questions} if category else {}
        events = await self._reports.list_events(report.id)
        return {
            "reference": report.ref,
            "category": self._category_name(report.category),
            "state": report.status,
            "made_at": self._time(report.created_at),
            "happened_at": self._time(report.occurred_at) if report.occurred_at else None,
            "answers": {labels.get(k, k): v for k, v in report.answers.items()},
            "description": report.description,
            "place": report.location_text,
            "latitude": report.latitude,
            "longitude": report.longitude,
            "ward": report.ward,
            "photos": len(report.photos),
            "phone": report.contact_phone,
            "events": [self._event(e) for e in events if e.kind not in _NOT_THEIRS],
        }

    def _event(self, event: ReportEvent) -> dict[str, Any]:
        told: dict[str, Any] = {"what": event.kind, "when": self._time(event.at)}
        agency = event.detail.get("agency")
        if isinstance(agency, str):
            told["agency"] = self._agency_name(agency)
        target = event.detail.get("to")
        if isinstance(target, str):
            told["passed_to"] = self._agency_name(target)
        for key in _SAID.get(event.kind, ()):
            if event.detail.get(key):
                told[key] = event.detail[key]
        return told

    def _added(self, added: Mapping[str, Any]) -> dict[str, Any]:
        return {
            key: len(value) if key == "photos" and isinstance(value, list) else value
            for key, value in added.items()
        }

    async def _news(self, chat_id: int) -> dict[str, Any] | None:
        told = await self._data.subscriber(chat_id)
        if told is None:
            return None
        told["news_sent"] = [
            {
                "news_item": d.broadcast_id,
                "state": d.state,
                "sent_at": self._time(d.sent_at) if d.sent_at else None,
            }
            for d in await self._data.deliveries(chat_id)
        ]
        return told

    def _time(self, moment: datetime) -> str:
        return moment.astimezone(self._zone).isoformat(timespec="minutes")

    def _category_name(self, category_id: str) -> str:
        category = self._config.category(category_id)
        return category.name if category else category_id

    def _agency_name(self, agency_id: str) -> str:
        names = {a.id: a.name for a in self._config.agencies}
        return names.get(agency_id, agency_id)


def as_file(document: Mapping[str, Any]) -> bytes:
    """The document as an indented UTF-8 JSON file."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
