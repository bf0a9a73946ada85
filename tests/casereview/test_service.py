"""The case review through the reporting service on a real SQLite file: synthetic streams of
reports from several residents, submitted as the bot submits them. The notice is written with
the report that reaches the threshold and not before, once, never for another resident's
reports and never for an anonymous reporter; the admins' note carries the references only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import CaseReview, Config
from bot.privacy.retention import RetentionService
from bot.reporting.draft import Draft
from bot.reporting.service import ReportService, Submitted
from storage.case_reviews import CaseReviewRepository
from storage.db import Database
from storage.outbox import OutboxItem, OutboxRepository
from storage.routings import RoutingRepository
from tests.support.configs import default_config
from tests.support.harness import ADMINS_CHAT

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ALEX, BEA = 610001, 610002
SECRET = b"k" * 32


def configured(**rule: object) -> Config:
    """The St Albans default with these [case_review] settings changed."""
    config = default_config()
    changed = CaseReview.model_validate({**config.case_review.model_dump(), **rule})
    return config.model_copy(update={"case_review": changed})


@pytest.fixture
def reports(db: Database) -> ReportService:
    """The reporting service over the test's file, with the default threshold."""
    return ReportService(configured(), db, SECRET)


async def report(
    service: ReportService,
    user: int,
    at: datetime,
    *,
    category: str = "asb",
    anonymous: bool = False,
    occurred_at: datetime | None = None,
) -> Submitted:
    """One report from ``user``'s private chat at ``at``, as the bot submits it."""
    draft = Draft(
        category=category,
        description="Loud music again",
        anonymous=anonymous,
        occurred_at=occurred_at or at,
    )
    return await service.submit(draft, user, user, at)


async def pending(db: Database, at: datetime) -> list[OutboxItem]:
    """Every item waiting in the outbox (claimed, to read them) as of well after ``at``."""
    return await OutboxRepository(db).claim_due(now=at + timedelta(hours=1), limit=500)


def case_reviews(items: list[OutboxItem]) -> list[OutboxItem]:
    """The case review items among them (the resident's notices and the admins' notes)."""
    return [i for i in items if (i.dedupe_key or "").startswith("case-review")]


async def test_the_notice_comes_with_the_third_report_and_not_before(
    db: Database, reports: ReportService
) -> None:
    """Two ASB reports bring nothing; the third writes the notice to the resident's chat, due
    after the confirmation, and a note to the admins holding the three references and no
    name, chat or text."""
    first = await report(reports, ALEX, START)
    second = await report(reports, ALEX, START + timedelta(days=20))
    assert (first.case_review, second.case_review) == (None, None)
    assert case_reviews(await pending(db, START)) == []
    third = await report(reports, ALEX, START + timedelta(days=40))
    assert third.case_review is not None
    refs = [first.report.ref, second.report.ref, third.report.ref]
    items = case_reviews(await pending(db, START + timedelta(days=40)))
    told = [i for i in items if i.target == str(ALEX)]
    notes = [i for i in items if i.target == str(ADMINS_CHAT)]
    assert [i.id for i in told] == [third.case_review]
    assert third.confirmation is not None
    assert third.confirmation < third.case_review
    assert "ASB Case Review" in told[0].payload["text"]
    assert all(ref in told[0].payload["text"] for ref in refs)
    assert "asb@stalbans.gov.uk" in told[0].payload["text"]
    assert len(notes) == 1
    note = notes[0].payload["text"]
    assert all(ref in note for ref in refs)
    assert str(ALEX) not in note
    assert "Loud music" not in note
    notices = await CaseReviewRepository(db).notices(ALEX)
    assert [n.refs for n in notices] == [tuple(refs)]


async def test_another_residents_reports_are_never_counted(
    db: Database, reports: ReportService
) -> None:
    """Alex's two reports and Bea's two are four ASB reports, but neither has three."""
    for day in (0, 1):
        await report(reports, ALEX, START + timedelta(days=day))
        await report(reports, BEA, START + timedelta(days=day, hours=1))
    assert case_reviews(await pending(db, START)) == []
    third = await report(reports, BEA, START + timedelta(days=3))
    assert third.case_review is not None
    repo = CaseReviewRepository(db)
    assert await repo.notices(ALEX) == []
    assert len((await repo.notices(BEA))[0].refs) == 3


async def test_anonymous_reports_are_never_counted_or_stored(
    db: Database, reports: ReportService
) -> None:
    """Anonymous reports do not count towards a later contactable one, nor does an anonymous
    report reaching three set anything off; no notice names the resident's chat."""
    await report(reports, ALEX, START, anonymous=True)
    await report(reports, ALEX, START + timedelta(days=1), anonymous=True)
    contactable = await report(reports, ALEX, START + timedelta(days=2))
    assert contactable.case_review is None
    await report(reports, ALEX, START + timedelta(days=3))
    anonymous = await report(reports, ALEX, START + timedelta(days=4), anonymous=True)
    assert anonymous.case_review is None
    assert await CaseReviewRepository(db).notices(ALEX) == []
    assert case_reviews(await pending(db, START)) == []


async def test_told_once_and_again_only_after_three_new_reports(
    db: Database, reports: ReportService
) -> None:
    """The fourth and fifth reports bring no second notice; the sixth, three new ones, does."""
    done = [await report(reports, ALEX, START + timedelta(days=d)) for d in range(6)]
    assert [d.case_review is not None for d in done] == [False, False, True, False, False, True]
    notices = await CaseReviewRepository(db).notices(ALEX)
    assert [n.refs for n in notices] == [
        tuple(d.report.ref for d in done[:3]),
        tuple(d.report.ref for d in done[3:]),
    ]


async def test_a_report_made_long_after_its_incident_does_not_count(
    db: Database, reports: ReportService
) -> None:
    """A report made 40 days after the incident it tells of is outside the one-month rule."""
    await report(reports, ALEX, START)
    late = START + timedelta(days=45)
    await report(reports, ALEX, late, occurred_at=late - timedelta(days=40))
    third = await report(reports, ALEX, START + timedelta(days=50))
    assert third.case_review is None
    fourth = await report(reports, ALEX, START + timedelta(days=51))
    assert fourth.case_review is not None


async def test_a_report_closed_as_a_duplicate_counts_once(
    db: Database, reports: ReportService
) -> None:
    """The ASB team closes Alex's second report as a duplicate: the third is not the third."""
    await report(reports, ALEX, START)
    second = await report(reports, ALEX, START + timedelta(hours=1))
    routings = RoutingRepository(db)
    for routed in await routings.agencies(second.report.id):
        await routings.set_agency_state(
            second.report.id, routed.agency_id, "closed_duplicate", at=START + timedelta(hours=2)
        )
    third = await report(reports, ALEX, START + timedelta(days=1))
    assert third.case_review is None


async def test_the_hate_rule_tells_after_a_single_hate_incident(db: Database) -> None:
    """With the hate rule on, one contactable hate incident report is enough; off, it is not."""
    off = await report(
        ReportService(configured(), db, SECRET), ALEX, START, category="hate-incident"
    )
    assert off.case_review is None
    on = ReportService(configured(hate_rule=True), db, SECRET)
    met = await report(on, BEA, START, category="hate-incident")
    assert met.case_review is not None
    told = await OutboxRepository(db).get(met.case_review)
    assert told is not None
    assert "a single hate incident" in told.payload["text"]


async def test_switched_off_it_tells_nobody(db: Database) -> None:
    """``enabled = false``: three reports and no notice."""
    service = ReportService(configured(enabled=False), db, SECRET)
    done = [await report(service, ALEX, START + timedelta(days=d)) for d in range(3)]
    assert all(d.case_review is None for d in done)


async def test_retention_removes_notices_older_than_the_window(
    db: Database, reports: ReportService
) -> None:
    """A notice older than the window names only reports that no longer count: the retention
    job removes it, and keeps a newer one."""
    for day in range(3):
        await report(reports, ALEX, START + timedelta(days=day))
    for day in range(3):
        await report(reports, BEA, START + timedelta(days=100 + day))
    retention = RetentionService(configured(), db)
    counts = await retention.run(START + timedelta(days=2 + 184), drafts=False)
    assert counts.case_review_notices_removed == 1
    repo = CaseReviewRepository(db)
    assert await repo.notices(ALEX) == []
    assert len(await repo.notices(BEA)) == 1


def test_the_fixture_database_is_a_file(database_path: Path) -> None:
    """The tests here run on a real SQLite file (the shared fixture's)."""
    assert database_path.suffix == ".sqlite3"
