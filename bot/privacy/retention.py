"""The retention job: closed reports anonymised, photos deleted and stale drafts removed, each
after its configured number of days (``[privacy.retention]``), and ASB Case Review notices
removed once older than the case review's window. It runs at start and daily; it
keeps no state of its own, so after a restart it simply runs again."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from bot.config import Config
from bot.outbox.telegram.erasure import report_key_patterns
from bot.privacy.anonymise import anonymised
from storage.audit import AuditRepository
from storage.case_reviews import CaseReviewRepository
from storage.db import Database
from storage.reports import ReportRepository
from storage.resident_data import ResidentDataRepository
from storage.retention import RetentionRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetentionCounts:
    """What one run of the retention job did."""

    reports_anonymised: int = 0
    photos_deleted: int = 0
    drafts_removed: int = 0
    conversations_removed: int = 0
    case_review_notices_removed: int = 0  # older than the case review window: no longer needed

    @property
    def any(self) -> bool:
        """Whether the run changed anything."""
        return any(asdict(self).values())


class RetentionService:
    """Apply the configured retention periods."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._db = db
        self._retention = RetentionRepository(db)
        self._reports = ReportRepository(db)
        self._data = ResidentDataRepository(db)
        self._audit = AuditRepository(db)
        self._case_reviews = CaseReviewRepository(db)

    async def run(self, now: datetime, *, drafts: bool) -> RetentionCounts:
        """One pass at ``now``. ``drafts`` removes stale conversation state too: only before the
        bot has loaded its persistence (at start), or the running bot would write it back."""
        periods = self._config.privacy.retention
        anonymised_count = 0
        cutoff = now - timedelta(days=periods.closed_reports_days)
        while batch := await self._retention.closed_before(cutoff):
            for report in batch:
                events = [e.id for e in await self._reports.list_events(report.id)]
                async with self._db.transaction():
                    traces = await self._data.outbox_traces(report_key_patterns(report.id, events))
                    await self._data.clear_outbox_items(
                        [t.id for t in traces], reporter_chat=report.reporter_chat_id
                    )
                    await self._data.anonymise_report(
                        report.id, anonymised(self._config, report), now=now, drop_followers=True
                    )
                anonymised_count += 1
        photos = await self._retention.delete_photos_before(
            now - timedelta(days=periods.photos_days)
        )
        users = conversations = 0
        if drafts:
            users, conversations = await self._retention.delete_drafts_before(
                now - timedelta(days=periods.drafts_days)
            )
        # A notice older than the window names only reports that no longer count, and would
        # otherwise tie its references to the chat after those reports are anonymised.
        notices = await self._case_reviews.delete_before(
            now - timedelta(days=self._config.case_review.window_days)
        )
        counts = RetentionCounts(anonymised_count, photos, users, conversations, notices)
        if counts.any:
            await self._audit.record("retention", "retention", at=now, detail=asdict(counts))
            await self._db.checkpoint()
        logger.info(
            "Retention: %d closed reports anonymised, %d photos deleted, %d drafts and %d "
            "conversation states removed",
            counts.reports_anonymised,
            counts.photos_deleted,
            counts.drafts_removed,
            counts.conversations_removed,
        )
        return counts
