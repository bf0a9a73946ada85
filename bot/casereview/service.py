"""Telling a resident of their right to an ASB Case Review when their report reaches the
threshold, and the admins that it was reached.

Called by the reporting service inside the transaction that stores the report, so the notice,
its record and what is sent are written together or not at all. Only a contactable report is
looked at; the reports counted are those whose reporter is the same chat.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.casereview.rule import reached, window_start
from bot.config import Config
from bot.outbox.compose import enqueue
from bot.outbox.telegram import case_review as items
from storage.case_reviews import CaseReviewRepository
from storage.db import Database
from storage.outbox import DEFAULT_LEASE, OutboxRepository
from storage.reports import Report

logger = logging.getLogger(__name__)


class CaseReviewService:
    """Check the threshold for a resident's new report, and give the notice once."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration ([case_review]) and the open database."""
        self._config = config
        self._rule = config.case_review
        self._repo = CaseReviewRepository(db)
        self._outbox = OutboxRepository(db)

    async def after_submit(self, report: Report, now: datetime) -> int | None:
        """If ``report`` (just stored, inside the caller's transaction) brings its reporter's
        own reports to the threshold, record the notice and enqueue it for the resident and a
        note for the admins; return the resident's item id, for the caller to send straight
        after the confirmation (it is due only a lease later, so that the dispatcher never
        sends it first). None otherwise, and always for an anonymous report."""
        chat_id = report.reporter_chat_id
        rule = self._rule
        if chat_id is None or report.anonymous or not rule.enabled:
            return None
        if not rule.counts(report.category):
            return None
        complaints = await self._repo.complaints(chat_id, since=window_start(rule, now))
        counted = {ref for notice in await self._repo.notices(chat_id) for ref in notice.refs}
        met = reached(rule, complaints, now, latest=report.id, counted=counted)
        if met is None:
            return None
        notice = await self._repo.record(chat_id, met.refs, at=now)
        told = items.resident_notice(
            rule, notice.id, chat_id, met.refs, by_hate_rule=met.by_hate_rule
        )
        item_id = await self._outbox.enqueue(
            told.kind,
            told.target,
            told.payload,
            dedupe_key=told.dedupe_key,
            now=now,
            not_before=now + DEFAULT_LEASE,
        )
        notes = items.admin_notes(self._config, notice.id, met.refs, by_hate_rule=met.by_hate_rule)
        await enqueue(self._outbox, notes, now=now)
        logger.info("Case review notice %s given (%d reports)", notice.id, len(met.refs))
        return item_id
