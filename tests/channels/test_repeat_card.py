"""The repeat-location line on the agency card: a report submitted where earlier reports (of
any category but the sensitive ones, within 50 m) were resolved before it came says so, "Third
report here since March (resolved before)", on each agency's card; reports stored and resolved
through the real submit and officers' paths on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.config import Config
from bot.officers.service import OfficerService
from bot.outbox.repeats import Repeat, ordinal, repeat_line
from bot.outbox.telegram.items import card_key
from bot.reporting.draft import Draft, Location
from bot.reporting.service import ReportService
from storage.db import Database
from storage.jsontext import loads_object
from storage.reports import Report
from storage.routings import RoutingRepository
from tests.support.configs import default_config

SPOT = (51.75270, -0.33940)  # St Peter's Street, St Albans
METRE = 1 / 111_195  # a metre of latitude, in degrees
SECRET = b"repeat-card-tests-key-0123456789"


@pytest.fixture
def config() -> Config:
    """The St Albans default configuration."""
    return default_config()


def _draft(category: str, north_m: float = 0, *, approximate: bool = False) -> Draft:
    lat, lon = SPOT
    where = Location(
        lat + north_m * METRE,
        lon,
        "Shared location",
        "inside",
        ward="St Peters",
        approximate=approximate,
    )
    answers: dict[str, Any] = {}
    return Draft(category=category, answers=answers, location=where, anonymous=True)


async def _submit(
    config: Config, db: Database, category: str, at: datetime, north_m: float = 0, **kw: Any
) -> Report:
    service = ReportService(config, db, SECRET)
    done = await service.submit(_draft(category, north_m, **kw), 700001, 700001, at)
    return done.report


async def _resolve(config: Config, db: Database, report: Report, at: datetime) -> None:
    officers = OfficerService(config, db)
    for agency_id in await _agencies(db, report):
        officer = config.agency(agency_id).officers[0]
        outcome = await officers.resolve(report.id, agency_id, officer, "Pat", "Cleared", at)
        assert outcome.changed, outcome


async def _agencies(db: Database, report: Report) -> list[str]:
    rows = await db.fetchall(
        "SELECT agency_id FROM report_agencies WHERE report_id = ? ORDER BY agency_id",
        (report.id,),
    )
    return [row[0] for row in rows]


async def _cards(db: Database, report: Report) -> list[str]:
    texts = []
    for agency_id in await _agencies(db, report):
        payload = await db.fetchvalue(
            "SELECT payload FROM outbox WHERE dedupe_key = ?", (card_key(report.id, agency_id),)
        )
        texts.append(str(loads_object(payload)["text"]))
    return texts


def _at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


async def test_a_spot_resolved_twice_before_says_third_report_since_march(
    config: Config, db: Database
) -> None:
    """Two earlier reports within 50 m, resolved before (a fly tip in March and graffiti in
    May): the third's cards say so. One still open, one 80 m away, and one resolved only after
    the new report came are not counted."""
    march = await _submit(config, db, "fly-tipping", _at(3, 2), north_m=20)
    await _resolve(config, db, march, _at(3, 4))
    may = await _submit(config, db, "graffiti", _at(5, 6), north_m=-30)
    await _resolve(config, db, may, _at(5, 9))
    await _submit(config, db, "fly-tipping", _at(2, 1), north_m=10)  # never resolved
    far = await _submit(config, db, "fly-tipping", _at(1, 5), north_m=80)
    await _resolve(config, db, far, _at(1, 6))
    late = await _submit(config, db, "fly-tipping", _at(5, 20), north_m=5)

    new = await _submit(config, db, "fly-tipping", _at(6, 1))
    await _resolve(config, db, late, _at(6, 2))  # after the new report came

    cards = await _cards(db, new)
    assert cards
    for text in cards:
        assert "\nThird report here since March (resolved before)\n" in text


async def test_a_first_report_here_has_no_line(config: Config, db: Database) -> None:
    """Nothing resolved here before: no repeat line."""
    new = await _submit(config, db, "fly-tipping", _at(6, 1))
    assert all("report here" not in text for text in await _cards(db, new))


async def test_the_year_is_named_when_it_is_not_this_year(config: Config, db: Database) -> None:
    """The earliest resolved report was in November of last year."""
    november = await _submit(config, db, "fly-tipping", _at(11, 10, 2025))
    await _resolve(config, db, november, _at(11, 12, 2025))
    new = await _submit(config, db, "graffiti", _at(2, 1), north_m=40)
    for text in await _cards(db, new):
        assert "Second report here since November 2025 (resolved before)" in text


async def test_a_sensitive_card_and_an_area_only_location_say_nothing(
    config: Config, db: Database
) -> None:
    """A hate incident's card in the team's chat carries no details, so no repeat line; a
    report placed only by an area (no spot) is not a repeat of anything."""
    earlier = await _submit(config, db, "fly-tipping", _at(3, 2))
    await _resolve(config, db, earlier, _at(3, 4))
    hate = await _submit(config, db, "hate-incident", _at(6, 1))
    area_only = await _submit(config, db, "fly-tipping", _at(6, 1), approximate=True)
    for report in (hate, area_only):
        assert all("report here" not in text for text in await _cards(db, report))


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (2, "Second"),
        (3, "Third"),
        (10, "Tenth"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (111, "111th"),
        (101, "101st"),
    ],
)
def test_ordinals_in_words_to_tenth_then_in_figures(n: int, words: str) -> None:
    """As a card says them."""
    assert ordinal(n) == words


def test_the_line_for_eleven_earlier_reports() -> None:
    """Eleven before: the twelfth, in figures."""
    line = repeat_line(Repeat(11, date(2026, 1, 3)), date(2026, 6, 1))
    assert line == "12th report here since January (resolved before)"


async def test_a_report_closed_as_a_duplicate_is_not_counted_again(
    config: Config, db: Database
) -> None:
    """The same fly tip reported twice, one resolved, the other closed as its duplicate: one
    earlier report here, not two."""
    first = await _submit(config, db, "fly-tipping", _at(3, 2))
    await _resolve(config, db, first, _at(3, 4))
    again = await _submit(config, db, "fly-tipping", _at(3, 2), north_m=10)
    for agency_id in await _agencies(db, again):
        await RoutingRepository(db).set_agency_state(
            again.id, agency_id, "closed_duplicate", at=_at(3, 3)
        )
    new = await _submit(config, db, "fly-tipping", _at(6, 1))
    for text in await _cards(db, new):
        assert "Second report here since March (resolved before)" in text


async def test_an_earlier_sensitive_report_is_not_told_to_another_agency(
    config: Config, db: Database
) -> None:
    """A hate incident resolved here by the police: the waste team's card for a fly tip here
    does not learn of it."""
    hate = await _submit(config, db, "hate-incident", _at(3, 2))
    await _resolve(config, db, hate, _at(3, 4))
    new = await _submit(config, db, "fly-tipping", _at(6, 1))
    assert all("report here" not in text for text in await _cards(db, new))
