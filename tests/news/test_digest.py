""" "You said, we did": the period in local days, the counts by category and area (sensitive
categories never, small counts left out), and only the notes officers allowed to be published,
drafted from reports resolved through the officers' service on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.config import Config, default_config_text, parse_config
from bot.news.digest import (
    CountLine,
    Digest,
    DigestDrafter,
    Period,
    chosen_notes,
    count_lines,
)
from storage.db import Database
from storage.reports import ReportRepository
from storage.resolutions import PublishableNote, ResolutionRepository, ResolvedCount
from tests.support.resolved import Resolved, resolve_reports

CONFIG: Config = parse_config(default_config_text(), base_dir=Path("."))
LONDON = "Europe/London"
HARP = "harpenden"
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def _at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "safetybot.sqlite3")
    try:
        yield database
    finally:
        await database.close()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 2, 12, tzinfo=UTC), NOVEMBER),
        (datetime(2027, 1, 1, 0, 30, tzinfo=UTC), Period(date(2026, 12, 1), date(2026, 12, 31))),
        # 23:30 UTC on 31 May is already 1 June in London (BST): May is the last full month.
        (datetime(2026, 5, 31, 23, 30, tzinfo=UTC), Period(date(2026, 5, 1), date(2026, 5, 31))),
    ],
)
def test_the_default_period_is_the_last_full_calendar_month_in_london(
    now: datetime, expected: Period
) -> None:
    """The last whole month before now, as the partnership's clock reads it."""
    assert Period.last_full_month(now, LONDON) == expected


def test_a_period_runs_from_local_midnight_to_the_midnight_after_its_last_day() -> None:
    """In summer time the period starts an hour before midnight UTC; it ends the midnight
    after its last day, so that day is included."""
    start, end = Period(date(2026, 7, 1), date(2026, 7, 31)).bounds(LONDON)
    assert start == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert end == datetime(2026, 7, 31, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "words"),
    [
        (NOVEMBER, "November 2026"),
        (Period(date(2026, 11, 1), date(2026, 11, 15)), "1 to 15 November 2026"),
        (Period(date(2026, 10, 28), date(2026, 11, 3)), "28 October to 3 November 2026"),
        (Period(date(2025, 12, 1), date(2026, 1, 31)), "1 December 2025 to 31 January 2026"),
        (Period(date(2026, 11, 5), date(2026, 11, 5)), "5 November 2026"),
    ],
)
def test_a_period_in_words(period: Period, words: str) -> None:
    """A heading names a whole month by its name, other periods by their days."""
    assert period.words() == words


def test_a_period_cannot_end_before_it_starts() -> None:
    """The days are checked when the period is made."""
    with pytest.raises(ValueError, match="ends on or after"):
        Period(date(2026, 11, 30), date(2026, 11, 1))


async def test_the_digest_of_stored_resolutions(db: Database) -> None:
    """Hand-computed: five fly tips in London Colney in November are counted; two in Harpenden
    (one with an internal note), three graffiti reports (each below the threshold of five) and
    five hate incidents (sensitive) are not; one fly tip resolved in October and one at 00:30
    on 1 December (London) fall outside; only the notes officers allowed to be published
    appear, never a hate incident's, the Harpenden one as "the district"; nothing names a
    reference, a description, a street or a ward."""
    fly = [Resolved("fly-tipping", _at(day), area="london-colney") for day in (2, 5, 9, 12, 20)]
    fly.append(
        Resolved(
            "fly-tipping", _at(30, 14), "Bags cleared from the verge & <checked>", True, area=HARP
        )
    )
    graffiti = [Resolved("graffiti", _at(day)) for day in (3, 4)]
    graffiti.append(Resolved("graffiti", _at(6), "Tag cleaned off the underpass wall", True))
    hate = [Resolved("hate-incident", _at(day)) for day in (7, 8, 10, 11)]
    hate.append(Resolved("hate-incident", _at(13), "Offender spoken to by officers", True))
    outside = [
        Resolved("fly-tipping", _at(31, month=10), "October's, must not appear", True),
        Resolved("fly-tipping", datetime(2026, 12, 1, 0, 30, tzinfo=UTC), "December's", True),
    ]
    internal = [
        Resolved("fly-tipping", _at(15), "Spoke to Mr Jones at number 12", False, area=HARP)
    ]
    refs = await resolve_reports(CONFIG, db, fly + graffiti + hate + outside + internal)

    digest = await DigestDrafter(CONFIG, db).draft(NOVEMBER)
    html = digest.html()

    assert [(line.category.id, line.areas) for line in digest.lines] == [
        ("fly-tipping", (("London Colney", 5),))
    ]
    assert "• 5 fly tips cleared in London Colney\n" in html
    assert [(n.category, n.area, n.text) for n in digest.notes] == [
        ("Graffiti", None, "Tag cleaned off the underpass wall"),
        ("Fly tipping", None, "Bags cleared from the verge & <checked>"),
    ]
    assert "Bags cleared from the verge &amp; &lt;checked&gt;" in html
    assert "<i>Graffiti, the district</i>" in html
    assert "<i>Fly tipping, the district</i>" in html
    assert html.startswith("<b>You said, we did: November 2026</b>")
    for hidden in (
        "raffiti report",
        "ate incident",
        "Offender",
        "October",
        "December",
        "Mr Jones",
        "Sofa",
        "Acacia",
        "Marshalswick",
        "Harpenden",
        *refs,
    ):
        assert hidden not in html
        assert hidden not in digest.notes_html()


async def test_a_period_with_nothing_to_tell(db: Database) -> None:
    """Too few resolutions to count and no note: the draft says so, and nothing else."""
    await resolve_reports(CONFIG, db, [Resolved("asb", _at(4)), Resolved("asb", _at(5))])
    digest = await DigestDrafter(CONFIG, db).draft(NOVEMBER)
    assert digest.empty
    assert "Too few reports were resolved in November 2026" in digest.html()
    assert "No officer chose" in digest.notes_html()


def test_counts_by_area_show_only_the_areas_above_the_threshold() -> None:
    """The total is the sum of the areas shown: an area's two fly tips are left out and cannot
    be worked out from it; reports in no known area come last as "elsewhere"."""
    counts = [
        ResolvedCount("fly-tipping", "st-albans-city", 8),
        ResolvedCount("fly-tipping", "london-colney", 6),
        ResolvedCount("fly-tipping", "harpenden", 2),
        ResolvedCount("fly-tipping", None, 3),
        ResolvedCount("fly-tipping", "an-area-since-removed", 2),
        ResolvedCount("hate-incident", "st-albans-city", 40),
        ResolvedCount("graffiti", "redbourn", 5),
        ResolvedCount("a-category-since-removed", "redbourn", 50),
    ]
    lines = count_lines(CONFIG, counts, threshold=5)
    html_lines = [line for line in _digest_html(lines).split("\n") if line.startswith("•")]
    assert html_lines == [
        "• 19 fly tips cleared in St Albans city (8), London Colney (6) and elsewhere in the "
        "district (5)",
        "• 5 graffiti reports cleaned off in Redbourn",
    ]


def test_a_note_names_its_area_only_where_that_count_is_shown() -> None:
    """A note from an area whose count is shown names it; one from an area left out says
    "the district"; a sensitive category's note is dropped."""
    lines = count_lines(CONFIG, [ResolvedCount("fly-tipping", "london-colney", 6)], threshold=5)
    at = _at(3)
    notes = [
        PublishableNote("fly-tipping", "london-colney", "Cleared", at),
        PublishableNote("fly-tipping", "redbourn", "Cleared too", at),
        PublishableNote("hate-incident", "london-colney", "Never", at),
    ]
    assert [(n.area, n.text) for n in chosen_notes(CONFIG, notes, lines)] == [
        ("London Colney", "Cleared"),
        (None, "Cleared too"),
    ]


def _digest_html(lines: list[CountLine]) -> str:
    return Digest(NOVEMBER, tuple(lines), (), 5).html()


async def test_a_sensitive_note_is_never_stored_as_publishable(db: Database) -> None:
    """Even a forged "may be published" press on a hate incident stores its note as internal."""
    await resolve_reports(
        CONFIG, db, [Resolved("hate-incident", _at(3), "Offender spoken to", publishable=True)]
    )
    (report,) = await ReportRepository(db).latest(limit=5)
    assert await ResolutionRepository(db).publishable(report.id, "herts-police-hate") is False
