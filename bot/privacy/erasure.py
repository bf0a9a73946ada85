"""Forgetting a resident (/forgetme): their reports withdrawn or kept open anonymously, everything
else that names them cleared, the agencies' cards edited through the outbox, and the file
checkpointed so that, with secure_delete, the erased bytes are gone from it and its WAL.

The erasure is audited by report references and counts only: never the Telegram id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Config
from bot.outbox.compose import enqueue
from bot.outbox.items import EMAIL, LOCATION, MESSAGE, PHOTO, WEBHOOK, Outgoing
from bot.outbox.telegram import erasure as cards
from bot.privacy.anonymise import anonymised
from storage.audit import AuditRepository
from storage.db import Database
from storage.keyring import resident_key
from storage.outbox import OutboxRepository
from storage.reports import Report, ReportRepository
from storage.resident_data import OutboxTrace, ResidentDataRepository
from storage.routings import RoutingRepository
from storage.subscribers import SubscriberRepository

logger = logging.getLogger(__name__)

CLOSED = ("resolved", "closed")


@dataclass(frozen=True, slots=True)
class Holding:
    """What an erasure would touch: shown before the resident confirms."""

    open_refs: tuple[str, ...]
    closed_refs: tuple[str, ...]
    followed: int
    subscribed: bool

    @property
    def empty(self) -> bool:
        """Whether there are no reports, follows or subscriptions to erase."""
        return not (self.open_refs or self.closed_refs or self.followed or self.subscribed)


@dataclass(slots=True)
class Erasure:
    """What an erasure did, and what it could not reach."""

    withdrawn: list[str] = field(default_factory=list)
    kept_open: list[str] = field(default_factory=list)
    anonymised: list[str] = field(default_factory=list)  # closed reports
    unfollowed: int = 0
    subscriptions: int = 0
    cards_edited: int = 0
    messages_deleted: int = 0
    messages_left: int = 0  # pins and photos too old for Telegram to delete
    sent_elsewhere: list[str] = field(default_factory=list)  # agencies e-mailed or called
    details_shown: bool = False  # an officer was sent a report's details in a private chat

    def counts(self) -> dict[str, int]:
        """The counts, for the audit and the log."""
        return {
            "withdrawn": len(self.withdrawn),
            "kept_open": len(self.kept_open),
            "anonymised": len(self.anonymised),
            "unfollowed": self.unfollowed,
            "subscriptions": self.subscriptions,
            "cards_edited": self.cards_edited,
            "messages_deleted": self.messages_deleted,
            "messages_left": self.messages_left,
        }


class ErasureService:
    """Erase what names one resident."""

    def __init__(self, config: Config, db: Database, secret: bytes) -> None:
        """Use the configuration, the open database and the bot's key (for the counters)."""
        self._config = config
        self._db = db
        self._secret = secret
        self._reports = ReportRepository(db)
        self._routings = RoutingRepository(db)
        self._data = ResidentDataRepository(db)
        self._outbox = OutboxRepository(db)
        self._audit = AuditRepository(db)
        self._subscribers = SubscriberRepository(db)
        self._agencies = {agency.id for agency in config.agencies}

    async def holding(self, chat_id: int) -> Holding:
        """What the bot holds that an erasure would touch."""
        own = [await self._reports.get(i) for i in await self._data.own_report_ids(chat_id)]
        reports = [r for r in own if r is not None]
        subscribed = await self._subscribers.get(chat_id)
        return Holding(
            open_refs=tuple(r.ref for r in reports if r.status not in CLOSED),
            closed_refs=tuple(r.ref for r in reports if r.status in CLOSED),
            followed=len(await self._data.followed(chat_id)),
            subscribed=subscribed is not None,
        )

    async def erase(self, user_id: int, chat_id: int, *, keep_open: bool, now: datetime) -> Erasure:
        """Erase the resident: open reports withdrawn (or, with ``keep_open``, kept open
        anonymously), closed ones anonymised, the rest cleared; then checkpoint the WAL.
        Call it outside any transaction."""
        done = Erasure()
        async with self._db.transaction():
            for report_id in await self._data.own_report_ids(chat_id):
                report = await self._reports.get(report_id)
                if report is not None:
                    await self._erase_report(report, keep_open=keep_open, now=now, done=done)
            done.unfollowed = await self._data.unfollow_all(chat_id)
            await self._data.forget_actor(f"telegram:{user_id}")
            await self._data.clear_chat_outbox(chat_id)
            forgotten = await self._data.forget_chat(chat_id, resident_key(self._secret, user_id))
            done.subscriptions = forgotten["subscriptions"]
            await self._audit.record(
                "resident",
                "erasure",
                at=now,
                detail={
                    "references": {
                        "withdrawn": done.withdrawn,
                        "kept_open": done.kept_open,
                        "anonymised": done.anonymised,
                    },
                    "counts": done.counts(),
                },
            )
        await self._db.checkpoint()
        logger.info("Erased a resident's data: %s", done.counts())
        return done

    async def _erase_report(
        self, report: Report, *, keep_open: bool, now: datetime, done: Erasure
    ) -> None:
        """Withdraw or anonymise one of the resident's reports, and rewrite what the agencies'
        chats were sent about it."""
        history = await self._reports.list_events(report.id)
        events = [e.id for e in history]
        done.details_shown |= any(e.kind == "details_viewed" for e in history)
        traces = await self._data.outbox_traces(cards.report_key_patterns(report.id, events))
        is_open = report.status not in CLOSED
        withdraw = is_open and not keep_open
        states = {a.agency_id: a.state for a in await self._routings.agencies(report.id)}
        await self._data.clear_outbox_items([t.id for t in traces])
        if withdraw:
            await self._data.delete_report(report.id)
            done.withdrawn.append(report.ref)
            after = report
        else:
            await self._data.anonymise_report(
                report.id, anonymised(self._config, report), now=now, drop_followers=False
            )
            (done.kept_open if is_open else done.anonymised).append(report.ref)
            after = await self._reports.get(report.id) or report
        edits: list[Outgoing] = []
        for trace in traces:
            if trace.state != "sent":
                continue
            agency_id = cards.key_agency(trace.dedupe_key)
            if agency_id not in self._agencies:
                agency_id = None  # no longer configured
            if trace.kind in (EMAIL, WEBHOOK) and agency_id is not None:
                name = self._config.agency(agency_id).name
                if name not in done.sent_elsewhere:
                    done.sent_elsewhere.append(name)
                continue
            if trace.message_id is None or not trace.target:
                continue
            edit = self._rewrite(trace, after, agency_id, states, withdraw, now)
            if edit is None:
                done.messages_left += trace.kind in (LOCATION, PHOTO)
                continue
            edits.append(edit)
            if edit.kind == "edit":
                done.cards_edited += 1
            else:
                done.messages_deleted += 1
        await enqueue(self._outbox, edits, now=now)

    def _rewrite(
        self,
        trace: OutboxTrace,
        report: Report,
        agency_id: str | None,
        states: Mapping[str, str],
        withdraw: bool,
        now: datetime,
    ) -> Outgoing | None:
        """The edit or deletion that removes the resident's details from one sent message."""
        assert trace.message_id is not None
        if trace.kind in (LOCATION, PHOTO):
            if cards.may_delete(trace.sent_at, now):
                return cards.deletion(trace.target, trace.message_id)
            return None
        if trace.kind != MESSAGE:
            return None
        if (trace.dedupe_key or "").startswith("answer:"):
            return cards.erased_answer(report.ref, trace.target, trace.message_id)
        known = self._config.category(report.category)
        if not cards.is_card_key(trace.dedupe_key) or agency_id is None or known is None:
            return None
        agency = self._config.agency(agency_id)
        if withdraw:
            return cards.withdrawn_card(report, known, agency, trace.message_id)
        acknowledged = states.get(agency_id, "sent") != "sent"
        return cards.kept_card(
            self._config, report, known, agency, trace.message_id, acknowledged=acknowledged
        )
