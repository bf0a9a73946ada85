"""What officers do with a report, and who may do it. Domain logic over storage; no Telegram.

Who may act is decided at the moment of the action: an officer of an agency the report is
routed to (officers are listed in the configuration, or enrolled: :mod:`bot.officers.enrolment`).
What the reporter is told is composed by the outbox (:mod:`bot.outbox.telegram.reporter`) and
enqueued in the transaction of the change it announces.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import Config
from bot.officers.enrolment import Roster
from bot.officers.presses import NOT_OFFICER, OPEN_STATES, Card, Press, Presses, Verdict
from bot.officers.queue import agency_queue, partnership_queue, split
from bot.officers.replies import Replies
from bot.outbox.compose import referral_items
from bot.outbox.items import Outgoing
from bot.outbox.telegram import reporter
from bot.outbox.telegram.items import card, officer_buttons
from bot.routing.rules import route
from storage.audit import AuditRepository
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.reply_prompts import ReplyPrompt
from storage.reports import Report, ReportRepository
from storage.resolutions import ResolutionRepository
from storage.routings import AgencyState, RoutingRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an officer's action did: changed it, or found it already moved on, or refused."""

    allowed: bool
    changed: bool
    report: Report | None
    state: str | None  # the agency's state after the action


_REFUSED = Outcome(allowed=False, changed=False, report=None, state=None)


class OfficerService:
    """Officers' actions on reports, each one an event and, where possible, news for the
    reporter through the outbox."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._db = db
        self._reports = ReportRepository(db)
        self._routings = RoutingRepository(db)
        self._resolutions = ResolutionRepository(db)
        self._outbox = OutboxRepository(db)
        self._audit = AuditRepository(db)  # who did what: `safetybot audit` lists it
        # Which prompt a reply answers: the handlers of replies ask this.
        self.replies = Replies(db)
        self._roster = Roster(config, db)
        self._presses = Presses(config, db)

    # -- who may act (bot.officers.enrolment)

    def is_admin(self, user_id: int) -> bool:
        """Whether this Telegram user is a partnership admin."""
        return self._roster.is_admin(user_id)

    async def agencies_of(self, user_id: int) -> list[str]:
        """The agencies this Telegram user is an officer of (listed or enrolled)."""
        return await self._roster.agencies_of(user_id)

    async def issue_code(self, admin_id: int, agency_id: str, now: datetime) -> str | None:
        """A one-time enrolment code for an agency, or None if the agency is unknown."""
        code = await self._roster.issue_code(admin_id, agency_id, now)
        if code is not None:
            detail = {"agency": agency_id}
            await self._audit.record(f"admin:{admin_id}", "enrol_code", at=now, detail=detail)
        return code

    async def enrol(self, user_id: int, code: str, now: datetime) -> str | None:
        """Use a code: the user becomes an officer of its agency; returns the agency id."""
        agency = await self._roster.enrol(user_id, code, now)
        if agency is not None:
            detail = {"agency": agency}
            await self._audit.record(f"officer:{user_id}", "enrolled", at=now, detail=detail)
        return agency

    async def revoke(self, admin_id: int, user_id: int, agency_id: str, now: datetime) -> int:
        """Take an enrolled officer's rights away at once (recorded against ``admin_id``)."""
        count = await self._roster.revoke(user_id, agency_id, now)
        detail = {"agency": agency_id, "officer": user_id, "enrolments": count}
        await self._audit.record(f"admin:{admin_id}", "revoke", at=now, detail=detail)
        return count

    async def queues(
        self, chat_id: int, user_id: int, now: datetime, *, private: bool, limit: int
    ) -> list[str] | None:
        """What /queue shows here, as HTML messages of at most ``limit`` characters: in an
        agency's group chat its open reports; in a private chat every agency's for an admin,
        else those of each agency the user is an officer of. None if none of these applies."""
        in_group = self._roster.agency_of_chat(chat_id)
        if in_group is None and private and self._roster.is_admin(user_id):
            everywhere = await self._routings.open_everywhere()
            return split(partnership_queue(self._config, everywhere, now), limit)
        agencies = [in_group] if in_group else await self._roster.agencies_of(user_id)
        if not agencies:
            return None
        blocks = [
            agency_queue(self._config, agency, await self._routings.open_for_agency(agency), now)
            for agency in agencies
        ]
        return split(blocks, limit)

    # -- actions on a report

    async def check(self, press: Press, now: datetime) -> Verdict:
        """Whether a button press may do what it asks, right now: who pressed it, where, and
        whether its action still applies (:mod:`bot.officers.presses`)."""
        report = await self.authorised(
            press.report_id, press.agency_id, press.officer_id, press.action, now
        )
        if report is None:
            return NOT_OFFICER
        return await self._presses.check(press, report, now)

    async def card_of(self, report_id: int, agency_id: str) -> Card | None:
        """Where the report's card for the agency is, once it was sent."""
        return await self._presses.card_of(report_id, agency_id)

    async def authorised(
        self, report_id: int, agency_id: str, officer_id: int, action: str, now: datetime
    ) -> Report | None:
        """The report, if it is routed to this agency and the user is its officer right now;
        otherwise None (and a refusal by someone who is not its officer is recorded)."""
        report = await self._reports.get(report_id)
        routed = {a.agency_id for a in await self._routings.agencies(report_id)}
        if report is None or agency_id not in routed:
            return None
        if await self._roster.may_act(officer_id, agency_id):
            return report
        await self._reports.add_event(
            report_id,
            actor=f"telegram:{officer_id}",
            kind="refused",
            detail={"action": action, "agency": agency_id},
            at=now,
        )
        logger.warning("Refused %s on report %s for %s", action, report.ref, agency_id)
        return None

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
                    await self._reports.set_status(report_id, "acknowledged")
                agency = self._config.agency(agency_id)
                await self._enqueue(
                    reporter.acknowledged(report, agency, await self._chats(report)), now
                )
        return await self._outcome(report, agency_id, changed)

    def acknowledged_buttons(self, report: Report, agency_id: str) -> dict[str, Any]:
        """The card's buttons once the agency has acknowledged the report (a Bot API keyboard)."""
        category = self._config.category(report.category)
        return officer_buttons(
            report,
            self._config.agency(agency_id),
            sensitive=bool(category and category.sensitive),
            acknowledged=True,
        )

    async def resolve(
        self,
        report_id: int,
        agency_id: str,
        officer_id: int,
        officer_name: str,
        note: str | None,
        now: datetime,
        *,
        publishable: bool = False,
    ) -> Outcome:
        """Mark the report resolved by this agency, once; tell the reporter, with the note.
        The resolution is recorded with the officer's choice whether the note may be published
        ("You said, we did"); without a note, or for a sensitive category, it may not."""
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
                await self._resolutions.record(
                    report_id,
                    agency_id,
                    note=note or "",
                    publishable=publishable and bool(note) and not self._sensitive(report),
                    at=now,
                )
                states = {a.state for a in await self._routings.agencies(report_id)}
                done = not states & set(OPEN_STATES)
                await self._reports.set_status(report_id, "resolved" if done else "in_progress")
                agency = self._config.agency(agency_id)
                chats = await self._chats(report)
                await self._enqueue(reporter.resolved(report, agency, note, chats), now)
        return await self._outcome(report, agency_id, changed)

    def _sensitive(self, report: Report) -> bool:
        """Whether the report's category is sensitive (its notes are never published)."""
        category = self._config.category(report.category)
        return category is None or category.sensitive

    def may_publish_notes(self, report: Report) -> bool:
        """Whether a resolution note of this report may be offered for publishing."""
        return not self._sensitive(report)

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
        report = await self._reports.get(report_id)
        targets = self.referral_targets(report, agency_id) if report else []
        return targets[index] if index < len(targets) else None

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
                await self._routings.route_to(
                    report_id,
                    to_agency,
                    at=now,
                    ack_by=routing.acknowledge_by,
                    resolve_by=routing.resolve_by,
                )
                referral = referral_items(
                    self._config, report, category, routing, (to_agency,), referred_by=agency_id
                )
                await self._enqueue(referral, now)
                target = self._config.agency(to_agency)
                chats = await self._chats(report)
                await self._enqueue(reporter.referred(report, agency_id, target, chats), now)
        return await self._outcome(report, agency_id, changed)

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
        async with self._db.transaction():
            await self._reports.add_event(
                report_id,
                actor=f"officer:{officer_id}",
                kind="details_viewed",
                detail={"agency": agency_id},
                at=now,
            )
            report = await self._reports.get(report_id)
            await self._audit.record(
                f"officer:{officer_id}",
                "details_viewed",
                at=now,
                report_ref=report.ref if report else None,
                detail={"agency": agency_id},
            )

    # -- questions to the reporter

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
        states = {a.agency_id: a.state for a in await self._routings.agencies(report_id)}
        if states.get(agency_id) not in OPEN_STATES:  # its part here is over: nothing to ask
            return await self._outcome(report, agency_id, changed=False)
        agency = self._config.agency(agency_id)
        async with self._db.transaction():
            event = await self._reports.add_event(
                report_id,
                actor=f"officer:{officer_id}",
                kind="asked",
                detail={"agency": agency_id, "question": question},
                at=now,
            )
            (outbox_id,) = await self._enqueue(
                [reporter.question(report, agency, question, event.id)], now
            )
            await self._audit.record(
                f"officer:{officer_id}",
                "asked",
                at=now,
                report_ref=report.ref,
                detail={"agency": agency_id},
            )
            await self.replies.question_queued(report, agency_id, event.id, outbox_id, now)
        return Outcome(allowed=True, changed=True, report=report, state=None)

    async def relay_answer(self, prompt: ReplyPrompt, answer: str, now: datetime) -> bool:
        """Send a reporter's answer to the agency that asked the question, as the bot's text."""
        report = await self._reports.get(prompt.report_id)
        if report is None or report.reporter_chat_id != prompt.chat_id:
            return False
        agency = self._config.agency(prompt.agency_id)
        async with self._db.transaction():
            event = await self._reports.add_event(
                report.id, actor="resident", kind="answered", detail={"answer": answer}, at=now
            )
            await self._enqueue([reporter.answer(report, agency, answer, event.id)], now)
        return True

    # -- inside an action's transaction

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
        changed = await self._routings.move_agency_state(
            report.id, agency_id, from_states=from_states, to=to, at=now
        )
        if changed:
            await self._reports.add_event(
                report.id,
                actor=f"officer:{officer_id}",
                kind=to,
                detail={"agency": agency_id, **detail},
                at=now,
            )
            # The audit names the officer by id; a note's words stay with the report.
            audited: dict[str, Any] = {"agency": agency_id}
            if "to" in detail:
                audited["to"] = detail["to"]
            if "note" in detail:
                audited["note"] = bool(detail["note"])
            await self._audit.record(
                f"officer:{officer_id}", to, at=now, report_ref=report.ref, detail=audited
            )
        return changed

    async def _outcome(self, report: Report, agency_id: str, changed: bool) -> Outcome:
        """An allowed action's outcome, with the agency's state after it."""
        states = {a.agency_id: a.state for a in await self._routings.agencies(report.id)}
        return Outcome(
            allowed=True, changed=changed, report=report, state=states.get(agency_id, "sent")
        )

    async def _chats(self, report: Report) -> list[int]:
        """Who hears news of a report: its reporter (unless anonymous) and its followers."""
        chats = [report.reporter_chat_id] if report.reporter_chat_id is not None else []
        return chats + await self._reports.followers(report.id)

    async def _enqueue(self, items: Iterable[Outgoing], now: datetime) -> list[int]:
        """Put composed items in the outbox; their outbox ids, in order."""
        return [
            await self._outbox.enqueue(
                item.kind, item.target, item.payload, dedupe_key=item.dedupe_key, now=now
            )
            for item in items
        ]
