"""Submitting reports: the daily limit, possible duplicates, references, and storing.

Domain logic over storage; no Telegram. The handlers call this with the resident's draft.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.casereview.service import CaseReviewService
from bot.config import Category, Config
from bot.geo.areas import AreaMap
from bot.geo.metric import box_around, great_circle_m
from bot.outbox.compose import enqueue_confirmation, enqueue_new_report
from bot.outbox.repeats import Repeat
from bot.reporting.areas import area_for
from bot.reporting.draft import Draft, Location
from bot.reporting.reference import new_reference
from bot.reporting.repeats import repeat_at
from bot.routing.rules import route
from storage.db import Database
from storage.keyring import resident_key
from storage.outbox import OutboxRepository
from storage.repeats import RepeatRepository
from storage.reports import NewReport, Report, ReportRepository
from storage.residents import ResidentCounterRepository
from storage.routings import RoutingRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submitted:
    """A stored report (or one the resident's details were added to), and the outbox item of
    the resident's confirmation, for the caller to send at once after the commit (None when
    the draft had been submitted before); and the item of the resident's ASB Case Review
    notice when this report reached the threshold, to send straight after the confirmation."""

    report: Report
    confirmation: int | None
    case_review: int | None = None


@dataclass(frozen=True, slots=True)
class Nearby:
    """An open report that may be the same as the resident's, and how far away it is."""

    report: Report
    metres: int


class ReportService:
    """What happens when a resident submits."""

    def __init__(
        self, config: Config, db: Database, secret: bytes, areas: AreaMap | None = None
    ) -> None:
        """Use the configuration, the open database, the bot's secret key and the configured
        areas (without them a report is stored with no area, for the start-up pass to set)."""
        self._config = config
        self._areas = areas
        self._db = db
        self._secret = secret
        self.reports = ReportRepository(db)
        self._routings = RoutingRepository(db)
        self._counters = ResidentCounterRepository(db)
        self._outbox = OutboxRepository(db)
        self._case_review = CaseReviewService(config, db)
        self._repeats = RepeatRepository(db)
        self._zone = ZoneInfo(config.partnership.timezone)

    def _today(self, now: datetime) -> str:
        return now.astimezone(self._zone).date().isoformat()

    async def over_daily_limit(self, user_id: int, now: datetime) -> bool:
        """Whether this resident has already sent the day's maximum of reports."""
        count = await self._counters.count(resident_key(self._secret, user_id), self._today(now))
        return count >= self._config.reporting.daily_limit

    async def possible_duplicates(self, draft: Draft, now: datetime) -> list[Nearby]:
        """Open reports of the same category close by and recent, nearest first."""
        settings = self._config.reporting
        location = draft.location
        if draft.category is None or location is None or location.approximate:
            return []
        if settings.duplicate_radius_metres == 0:
            return []
        radius = settings.duplicate_radius_metres
        box = box_around(location.latitude, location.longitude, radius)
        found = await self.reports.open_in_box(
            draft.category,
            south=box.south,
            north=box.north,
            west=box.west,
            east=box.east,
            since=now - timedelta(days=settings.duplicate_days),
        )
        nearby = []
        for report in found:
            if report.latitude is None or report.longitude is None:
                continue
            metres = great_circle_m(
                location.latitude, location.longitude, report.latitude, report.longitude
            )
            if metres <= radius:
                nearby.append(Nearby(report, round(metres)))
        return sorted(nearby, key=lambda n: n.metres)[:3]

    async def offered(self, draft: Draft) -> list[Nearby]:
        """The reports offered as possibly the same (the draft keeps their ids), with their
        distance from the resident's location, in the order offered."""
        location = draft.location
        nearby = []
        for report_id in draft.duplicates:
            report = await self.reports.get(report_id)
            if report is None or location is None or report.latitude is None:
                continue
            metres = great_circle_m(
                location.latitude, location.longitude, report.latitude, report.longitude or 0
            )
            nearby.append(Nearby(report, round(metres)))
        return nearby

    async def submitted_from(self, draft: Draft) -> Report | None:
        """The report already stored from this draft (Submit tapped again), if there is one."""
        return await self.reports.get_by_draft(draft.token)

    async def submit(self, draft: Draft, user_id: int, chat_id: int, now: datetime) -> Submitted:
        """Store the report with a fresh reference, route it, and count it against the daily
        limit; what every channel sends the agencies, and the confirmation to the resident's
        chat, are composed by the outbox and written in the same transaction. A draft already
        submitted is not stored again: its report is returned, with no confirmation.

        An anonymous report stores no chat id and no phone; its count is kept under a keyed
        hash of the resident, never their id (the confirmation's outbox item forgets the chat
        once it is sent). A contactable report that brings its reporter's own reports to the
        ASB Case Review threshold also writes their notice and the admins' note
        (:mod:`bot.casereview`); an anonymous one is never counted.
        """
        category = self._category(draft)
        location = draft.location
        routing = route(
            self._config, category, draft.answers, location.ward if location else None, now
        )
        async with self._db.transaction():
            stored = await self.submitted_from(draft)
            if stored is not None:
                return Submitted(stored, None)
            repeat = await self._repeat(location, now)
            ref = new_reference()
            while await self.reports.ref_exists(ref):
                ref = new_reference()
            report = await self.reports.create(
                NewReport(
                    ref=ref,
                    category=category.id,
                    created_at=now,
                    answers=dict(draft.answers),
                    description=draft.description or "",
                    latitude=location.latitude if location else None,
                    longitude=location.longitude if location else None,
                    location_text=_place_words(location) if location else None,
                    ward=location.ward if location else None,
                    outside_district=bool(location and location.verdict == "outside"),
                    needs_location_check=bool(location and location.verdict == "edge"),
                    occurred_at=draft.occurred_at,
                    reporter_chat_id=None if draft.anonymous else chat_id,
                    anonymous=bool(draft.anonymous),
                    contact_phone=None if draft.anonymous else draft.phone,
                    priority=routing.priority,
                    photos=list(draft.photos),
                    draft_token=draft.token,
                    area_id=self._area_of(location),
                ),
                actor="resident",
                detail={"anonymous": bool(draft.anonymous), "agencies": list(routing.agencies)},
            )
            for agency_id in routing.agencies:
                await self._routings.route_to(
                    report.id,
                    agency_id,
                    at=now,
                    ack_by=routing.acknowledge_by,
                    resolve_by=routing.resolve_by,
                )
            await enqueue_new_report(
                self._outbox, self._config, report, category, routing, now=now, repeat=repeat
            )
            confirmation = await enqueue_confirmation(
                self._outbox,
                report,
                category,
                chat_id,
                draft.token,
                anonymous=report.anonymous,
                now=now,
            )
            await self._counters.increment(resident_key(self._secret, user_id), self._today(now))
            case_review = await self._case_review.after_submit(report, now)
        return Submitted(report, confirmation, case_review)

    async def add_to(
        self, report_id: int, draft: Draft, user_id: int, chat_id: int, now: datetime
    ) -> Submitted | None:
        """Add the resident's details to an existing open report, which they then follow; the
        confirmation to their chat is written to the outbox in the same transaction."""
        report = await self.reports.get(report_id)
        if report is None or report.status in ("resolved", "closed"):
            return None
        category = self._category(draft)  # the same as the report's: only those are offered
        detail = {
            "answers": dict(draft.answers),
            "description": draft.description or "",
            "photos": list(draft.photos),
            "occurred_at": draft.occurred_at.isoformat() if draft.occurred_at else None,
            "anonymous": bool(draft.anonymous),
        }
        async with self._db.transaction():
            await self.reports.add_follower(
                report_id, None if draft.anonymous else chat_id, at=now, detail=detail
            )
            confirmation = await enqueue_confirmation(
                self._outbox,
                report,
                category,
                chat_id,
                draft.token,
                anonymous=bool(draft.anonymous),
                followed=True,
                now=now,
            )
            await self._counters.increment(resident_key(self._secret, user_id), self._today(now))
        logger.info("Details added to report %s", report.ref)
        return Submitted(report, confirmation)

    async def _repeat(self, location: Location | None, now: datetime) -> Repeat | None:
        """The earlier reports at this spot resolved before now, for the agencies' cards (a
        point the resident gave only as an area is no spot; sensitive reports are not told to
        other agencies)."""
        if location is None or location.approximate:
            return None
        return await repeat_at(
            self._repeats,
            location.latitude,
            location.longitude,
            before=now,
            zone=self._zone,
            sensitive=[c.id for c in self._config.categories if c.sensitive],
        )

    def _area_of(self, location: Location | None) -> str | None:
        if self._areas is None or location is None:
            return None
        return area_for(
            self._areas,
            location.latitude,
            location.longitude,
            ward=location.ward,
            outside_district=location.verdict == "outside",
        )

    def _category(self, draft: Draft) -> Category:
        category = self._config.category(draft.category or "")
        if category is None:
            raise ValueError(f"unknown category {draft.category!r}")
        return category

    # -- what the resident's commands ask ------------------------------------------------------

    async def reports_of_chat(self, chat_id: int) -> list[Report]:
        """The reports a chat made or follows (anonymous ones are not kept against a chat)."""
        return await self.reports.list_for_chat(chat_id)

    async def report_by_ref(self, ref: str) -> Report | None:
        """The report with this (normalised) reference, if there is one."""
        return await self.reports.get_by_ref(ref)

    async def is_followed_in(self, report: Report, chat_id: int) -> bool:
        """Whether this chat made the report or follows it (and so may see its details)."""
        if report.reporter_chat_id == chat_id:
            return True
        return chat_id in await self.reports.followers(report.id)

    async def report_by_id(self, report_id: int) -> Report | None:
        """The report with this id, if it is stored."""
        return await self.reports.get(report_id)

    async def report_exists(self, report_id: int) -> bool:
        """Whether a report with this id is stored (a button may name one since erased)."""
        return await self.reports.get(report_id) is not None


def _place_words(location: Location) -> str:
    """How the place is named for the agencies: what the resident gave, and the nearest place."""
    near = location.nearest_place
    if near and near.lower() not in location.label.lower():
        return f"{location.label}, near {near}"
    return location.label
