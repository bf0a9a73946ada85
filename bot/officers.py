"""What officers do with a report, and who may do it. Domain logic over storage; no Telegram.

Who may act is decided at the moment of the action: an officer of an agency the report is
routed to (officers are listed in the configuration).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from bot.alerts import PRIORITY_WORDS
from bot.config import Config
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.reports import QueueEntry, Report, ReportRepository

logger = logging.getLogger(__name__)

STATE_WORDS = {
    "sent": "waiting to be acknowledged",
    "acknowledged": "acknowledged",
    "in_progress": "in progress",
    "resolved": "resolved",
    "referred": "referred to another agency",
    "closed_not_ours": "closed: not ours",
    "closed_duplicate": "closed: a duplicate",
    "closed_no_action": "closed: no further action",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an officer's action did: changed it, or found it already moved on, or refused."""

    allowed: bool
    changed: bool
    report: Report | None
    state: str | None  # the agency's state after the action


class OfficerService:
    """Officers' actions on reports, each one an event and, where possible, news for the
    reporter through the outbox."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._db = db
        self.reports = ReportRepository(db)
        self._outbox = OutboxRepository(db)

    def agencies_of(self, user_id: int) -> list[str]:
        """The agencies this Telegram user is an officer of."""
        return [a.id for a in self._config.agencies if user_id in a.officers]

    def agency_of_chat(self, chat_id: int) -> str | None:
        """The agency whose group chat this is, if any."""
        return next((a.id for a in self._config.agencies if a.chat_id == chat_id), None)

    def may_act(self, user_id: int, agency_id: str) -> bool:
        """Whether this Telegram user is an officer of this agency."""
        agency = next((a for a in self._config.agencies if a.id == agency_id), None)
        return agency is not None and user_id in agency.officers

    async def acknowledge(
        self, report_id: int, agency_id: str, officer_id: int, officer_name: str, now: datetime
    ) -> Outcome:
        """Mark the report acknowledged by this agency, once, and tell the reporter."""
        report = await self.reports.get(report_id)
        routed = {a.agency_id: a for a in await self.reports.agencies(report_id)}
        if report is None or agency_id not in routed:
            return Outcome(allowed=False, changed=False, report=report, state=None)
        if not self.may_act(officer_id, agency_id):
            await self.reports.add_event(
                report_id,
                actor=f"telegram:{officer_id}",
                kind="refused",
                detail={"action": "acknowledge", "agency": agency_id},
                at=now,
            )
            logger.warning("Refused an acknowledgement of report %s for %s", report.ref, agency_id)
            return Outcome(allowed=False, changed=False, report=report, state=None)
        async with self._db.transaction():
            changed = await self.reports.move_agency_state(
                report_id, agency_id, from_states=("sent",), to="acknowledged", at=now
            )
            if changed:
                await self.reports.add_event(
                    report_id,
                    actor=f"officer:{officer_id}",
                    kind="acknowledged",
                    detail={"agency": agency_id, "officer": officer_name},
                    at=now,
                )
                if report.status == "received":
                    await self.reports.set_status(report_id, "acknowledged")
                await self._tell_reporter(report, agency_id, now)
        state = (await self._state(report_id, agency_id)) or "sent"
        return Outcome(allowed=True, changed=changed, report=report, state=state)

    async def _state(self, report_id: int, agency_id: str) -> str | None:
        for agency in await self.reports.agencies(report_id):
            if agency.agency_id == agency_id:
                return agency.state
        return None

    async def _tell_reporter(self, report: Report, agency_id: str, now: datetime) -> None:
        """Queue the news for the reporter and anyone following the report."""
        agency = self._config.agency(agency_id)
        text = (
            f"Update on your report {report.ref}: {agency.name} has picked it up. "
            "We will tell you here when there is more news."
        )
        chats = [report.reporter_chat_id] if report.reporter_chat_id is not None else []
        chats += await self.reports.followers(report.id)
        for chat_id in chats:
            await self._outbox.enqueue(
                "message",
                str(chat_id),
                {"text": text},
                dedupe_key=f"ack:{report.id}:{agency_id}:{chat_id}",
                now=now,
            )


def age(since: datetime, now: datetime) -> str:
    """How long ago, in the largest sensible unit."""
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def queue_text(config: Config, agency_id: str, entries: Sequence[QueueEntry], now: datetime) -> str:
    """An agency's open reports, oldest first, with age, priority, state and any overdue target."""
    agency = config.agency(agency_id)
    if not entries:
        return f"<b>{escape(agency.name)}</b>: no open reports."
    lines = [f"<b>{escape(agency.name)}</b>: {len(entries)} open, oldest first"]
    for entry in entries:
        report = entry.report
        category = config.category(report.category)
        name = category.name if category else report.category
        late = ""
        if entry.state == "sent" and entry.ack_by is not None and entry.ack_by < now:
            late = ", acknowledgement overdue"
        elif entry.resolve_by is not None and entry.resolve_by < now:
            late = ", resolution overdue"
        lines.append(
            f"• {escape(report.ref)}: {escape(name)}, {PRIORITY_WORDS[report.priority]}, "
            f"{age(report.created_at, now)} old, {STATE_WORDS.get(entry.state, entry.state)}{late}"
        )
    return "\n".join(lines)
