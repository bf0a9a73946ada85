"""What officers do with a report, and who may do it. Domain logic over storage; no Telegram.

Who may act is decided at the moment of the action: an officer of an agency the report is
routed to (officers are listed in the configuration).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from bot.config import Config
from bot.outbox.facts import PRIORITY_WORDS
from bot.outbox.telegram.items import alerts, card
from bot.reporting.reference import new_reference
from bot.routing.rules import route
from storage.db import Database
from storage.officers import OfficerRepository
from storage.outbox import OutboxRepository
from storage.reports import AgencyState, QueueEntry, Report, ReportRepository

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(days=2)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


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


_REFUSED = Outcome(allowed=False, changed=False, report=None, state=None)
# An agency's states in which the report is still its to deal with.
OPEN_STATES: tuple[AgencyState, ...] = ("sent", "acknowledged", "in_progress")


class OfficerService:
    """Officers' actions on reports, each one an event and, where possible, news for the
    reporter through the outbox."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._db = db
        self.reports = ReportRepository(db)
        self._outbox = OutboxRepository(db)
        self._enrolments = OfficerRepository(db)

    async def agencies_of(self, user_id: int) -> list[str]:
        """The agencies this Telegram user is an officer of (listed or enrolled)."""
        return [a.id for a in self._config.agencies if await self.may_act(user_id, a.id)]

    def agency_of_chat(self, chat_id: int) -> str | None:
        """The agency whose group chat this is, if any."""
        return next((a.id for a in self._config.agencies if a.chat_id == chat_id), None)

    async def may_act(self, user_id: int, agency_id: str) -> bool:
        """Whether this Telegram user is, right now, an officer of this agency: listed in the
        configuration, or enrolled with a code and not revoked."""
        agency = next((a for a in self._config.agencies if a.id == agency_id), None)
        if agency is None:
            return False
        return user_id in agency.officers or await self._enrolments.is_enrolled(user_id, agency_id)

    def is_admin(self, user_id: int) -> bool:
        """Whether this Telegram user is a partnership admin."""
        return user_id in self._config.admins.user_ids

    async def issue_code(self, admin_id: int, agency_id: str, now: datetime) -> str | None:
        """A one-time enrolment code for an agency (valid for two days), or None if the agency
        is unknown. Only its hash is stored."""
        if not any(a.id == agency_id for a in self._config.agencies):
            return None
        code = new_reference() + new_reference()[3:]
        await self._enrolments.issue(
            _hash(code), agency_id, admin_id=admin_id, now=now, expires=now + CODE_LIFETIME
        )
        logger.info("Enrolment code issued for %s", agency_id)
        return code

    async def enrol(self, user_id: int, code: str, now: datetime) -> str | None:
        """Use a code: the user becomes an officer of its agency; returns the agency id."""
        typed = re.sub(r"[^0-9A-Z]", "", code.upper())
        canonical = f"{typed[:3]}-{typed[3:6]}-{typed[6:]}"
        agency = await self._enrolments.redeem(_hash(canonical), user_id, now)
        if agency is not None:
            logger.info("An officer enrolled in %s", agency)
        return agency

    async def revoke(self, user_id: int, agency_id: str, now: datetime) -> int:
        """Take an enrolled officer's rights away at once."""
        return await self._enrolments.revoke(user_id, agency_id, now)

    async def acknowledge(
        self, report_id: int, agency_id: str, officer_id: int, officer_name: str, now: datetime
    ) -> Outcome:
        """Mark the report acknowledged by this agency, once, and tell the reporter."""
        report = await self.authorised(report_id, agency_id, officer_id, "acknowledge", now)
        if report is None:
            return _REFUSED
        async with self._db.transaction():
            changed = await self._move(
                report,
                agency_id,
                officer_id,
                from_states=("sent",),
                to="acknowledged",
                detail={"officer": officer_name},
                now=now,
            )
            if changed:
                if report.status == "received":
                    await self.reports.set_status(report_id, "acknowledged")
                agency = self._config.agency(agency_id)
                text = (
                    f"Update on your report {report.ref}: {agency.name} has picked it up. "
                    "We will tell you here when there is more news."
                )
                await self._tell(report, text, f"ack:{report.id}:{agency_id}", now)
        return await self._outcome(report, agency_id, changed)

    async def authorised(
        self, report_id: int, agency_id: str, officer_id: int, action: str, now: datetime
    ) -> Report | None:
        """The report, if it is routed to this agency and the user is its officer right now;
        otherwise None (and a refusal by someone who is not its officer is recorded)."""
        report = await self.reports.get(report_id)
        routed = {a.agency_id for a in await self.reports.agencies(report_id)}
        if report is None or agency_id not in routed:
            return None
        if await self.may_act(officer_id, agency_id):
            return report
        await self.reports.add_event(
            report_id,
            actor=f"telegram:{officer_id}",
            kind="refused",
            detail={"action": action, "agency": agency_id},
            at=now,
        )
        logger.warning("Refused %s on report %s for %s", action, report.ref, agency_id)
        return None

    async def _move(
        self,
        report: Report,
        agency_id: str,
        officer_id: int,
        *,
        from_states: Sequence[AgencyState],
        to: AgencyState,
        detail: Mapping[str, str],
        now: datetime,
    ) -> bool:
        """Move this agency's state to ``to`` if it is still one of ``from_states`` (so two
        officers pressing at once move it once) and record the officer's event, kind ``to``;
        True if this call moved it. Runs inside the caller's transaction."""
        changed = await self.reports.move_agency_state(
            report.id, agency_id, from_states=from_states, to=to, at=now
        )
        if changed:
            await self.reports.add_event(
                report.id,
                actor=f"officer:{officer_id}",
                kind=to,
                detail={"agency": agency_id, **detail},
                at=now,
            )
        return changed

    async def _outcome(self, report: Report, agency_id: str, changed: bool) -> Outcome:
        """An allowed action's outcome, with the agency's state after it."""
        state = (await self._state(report.id, agency_id)) or "sent"
        return Outcome(allowed=True, changed=changed, report=report, state=state)

    async def resolve(
        self,
        report_id: int,
        agency_id: str,
        officer_id: int,
        officer_name: str,
        note: str | None,
        now: datetime,
    ) -> Outcome:
        """Mark the report resolved by this agency, once; tell the reporter, with the note."""
        report = await self.authorised(report_id, agency_id, officer_id, "resolve", now)
        if report is None:
            return _REFUSED
        async with self._db.transaction():
            changed = await self._move(
                report,
                agency_id,
                officer_id,
                from_states=OPEN_STATES,
                to="resolved",
                detail={"officer": officer_name, "note": note or ""},
                now=now,
            )
            if changed:
                states = {a.state for a in await self.reports.agencies(report_id)}
                done = not states & set(OPEN_STATES)
                await self.reports.set_status(report_id, "resolved" if done else "in_progress")
                agency = self._config.agency(agency_id)
                text = f"Update on your report {report.ref}: {agency.name} has resolved it."
                if note:
                    text += f"\nTheir note: {note}"
                await self._tell(report, text, f"res:{report.id}:{agency_id}", now)
        return await self._outcome(report, agency_id, changed)

    def referral_targets(self, report: Report, agency_id: str) -> list[str]:
        """Where this agency may refer the report: any other agency, or for a sensitive
        category only the agencies the configuration routes that category to."""
        category = self._config.category(report.category)
        if category is not None and category.sensitive:
            allowed = set(category.agencies)
            for rule in self._config.routes:
                if rule.category == category.id:
                    allowed |= set(rule.agencies)
            ids = [a.id for a in self._config.agencies if a.id in allowed]
        else:
            ids = [a.id for a in self._config.agencies]
        return [a for a in ids if a != agency_id]

    async def referral_choice(self, report_id: int, agency_id: str, index: int) -> str | None:
        """The agency at ``index`` in the report's referral list, or None if the list no
        longer reaches that far."""
        report = await self.reports.get(report_id)
        targets = self.referral_targets(report, agency_id) if report else []
        return targets[index] if index < len(targets) else None

    def full_card(self, report: Report, agency_id: str) -> str:
        """A report's whole card for an authorised officer's private chat, with the targets
        as they were set when it was submitted."""
        category = self._config.category(report.category)
        assert category is not None
        routing = route(self._config, category, report.answers, report.ward, report.created_at)
        agency = self._config.agency(agency_id)
        return card(self._config, report, category, agency, routing, full=True)

    async def details_viewed(
        self, report_id: int, agency_id: str, officer_id: int, now: datetime
    ) -> None:
        """Record that an officer was sent a report's details."""
        await self.reports.add_event(
            report_id,
            actor=f"officer:{officer_id}",
            kind="details_viewed",
            detail={"agency": agency_id},
            at=now,
        )

    async def refer(
        self,
        report_id: int,
        agency_id: str,
        to_agency: str,
        officer_id: int,
        officer_name: str,
        now: datetime,
    ) -> Outcome:
        """Pass the report to another agency: it is routed there too (with its alert in the
        outbox), this agency's part ends as referred, and the reporter is told."""
        report = await self.authorised(report_id, agency_id, officer_id, "refer", now)
        if report is None or to_agency not in self.referral_targets(report, agency_id):
            return _REFUSED
        category = self._config.category(report.category)
        assert category is not None
        async with self._db.transaction():
            changed = await self._move(
                report,
                agency_id,
                officer_id,
                from_states=OPEN_STATES,
                to="referred",
                detail={"to": to_agency, "officer": officer_name},
                now=now,
            )
            if changed:
                routing = route(self._config, category, report.answers, report.ward, now)
                await self.reports.route_to(
                    report_id,
                    to_agency,
                    at=now,
                    ack_by=routing.acknowledge_by,
                    resolve_by=routing.resolve_by,
                )
                for item in alerts(self._config, report, category, routing, (to_agency,)):
                    await self._outbox.enqueue(
                        item.kind, item.target, item.payload, dedupe_key=item.dedupe_key, now=now
                    )
                target = self._config.agency(to_agency)
                text = f"Update on your report {report.ref}: it has been passed to {target.name}."
                await self._tell(report, text, f"ref:{report.id}:{agency_id}:{to_agency}", now)
        return await self._outcome(report, agency_id, changed)

    async def ask(
        self,
        report_id: int,
        agency_id: str,
        officer_id: int,
        question: str,
        now: datetime,
    ) -> Outcome:
        """Relay an officer's question to the reporter through the bot (neither learns who
        the other is); an anonymous reporter cannot be asked (``changed`` is False)."""
        report = await self.authorised(report_id, agency_id, officer_id, "ask", now)
        if report is None:
            return _REFUSED
        if report.reporter_chat_id is None:
            return Outcome(allowed=True, changed=False, report=report, state="anonymous")
        agency = self._config.agency(agency_id)
        async with self._db.transaction():
            event = await self.reports.add_event(
                report_id,
                actor=f"officer:{officer_id}",
                kind="asked",
                detail={"agency": agency_id, "question": question},
                at=now,
            )
            await self._outbox.enqueue(
                "message",
                str(report.reporter_chat_id),
                {"text": asking(report.ref, agency.name, question)},
                dedupe_key=f"ask:{event.id}",
                now=now,
            )
        return Outcome(allowed=True, changed=True, report=report, state=None)

    async def relay_answer(self, ref: str, chat_id: int, answer: str, now: datetime) -> bool:
        """Send a reporter's answer to the agency that asked last, as text from the bot."""
        report = await self.reports.get_by_ref(ref)
        if report is None or report.reporter_chat_id != chat_id:
            return False
        asked = [e for e in await self.reports.list_events(report.id) if e.kind == "asked"]
        if not asked:
            return False
        agency = self._config.agency(str(asked[-1].detail["agency"]))
        async with self._db.transaction():
            event = await self.reports.add_event(
                report.id, actor="resident", kind="answered", detail={"answer": answer}, at=now
            )
            await self._outbox.enqueue(
                "message",
                str(agency.chat_id),
                {"text": f"The reporter of {report.ref} answers:\n{answer}"},
                dedupe_key=f"answer:{event.id}",
                now=now,
            )
        return True

    async def _tell(self, report: Report, text: str, key: str, now: datetime) -> None:
        """Queue news for the reporter and anyone following the report."""
        chats = [report.reporter_chat_id] if report.reporter_chat_id is not None else []
        chats += await self.reports.followers(report.id)
        for chat_id in chats:
            await self._outbox.enqueue(
                "message", str(chat_id), {"text": text}, dedupe_key=f"{key}:{chat_id}", now=now
            )

    async def _state(self, report_id: int, agency_id: str) -> str | None:
        for agency in await self.reports.agencies(report_id):
            if agency.agency_id == agency_id:
                return agency.state
        return None


ASKS_MARK = "asks about your report"


def asking(ref: str, agency: str, question: str) -> str:
    """The question relayed to a reporter (plain text); replying to it answers."""
    return (
        f"{agency} {ASKS_MARK} {ref}:\n{question}\n\n"
        "Reply to this message to answer; the team will not see your name or number."
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
