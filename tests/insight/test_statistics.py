"""Each statistic against a fixture computed by hand: February 2026 against March 2026 in
St Albans (British Summer Time begins on 29 March), with the shipped configuration."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.insight import InsightService, Period
from bot.insight.model import Statistics
from storage.bulk import BulkRouting
from storage.db import Database
from tests.insight.conftest import NOW, areas_of, config, local, report, store

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
SPOT = (51.8155, -0.3540)
OTHER_SPOT = (51.7500, -0.3300)


def _fixture() -> list:
    """Feb: fly-tipping 10, graffiti 4, ASB 6, rogue traders 1, drug dealing 2.
    Mar: fly-tipping 12, graffiti 4, hate 3, ASB 5, rogue traders 1."""
    found = []
    feb = [local(2026, 2, 1, 0, 0), local(2026, 2, 28, 23, 59)]
    feb += [local(2026, 2, d) for d in range(2, 10)]
    found += [report("fly-tipping", at, area="harpenden", ward="Harpenden East") for at in feb]
    # March's first minute, its last (in summer time) and ten between.
    mar = [local(2026, 3, 1, 0, 0), local(2026, 3, 31, 23, 30)]
    for i, at in enumerate([local(2026, 3, d) for d in range(2, 12)]):
        if i < 5:  # five answered by the council's waste team within a 30-minute target
            delay = [10, 20, 30, 40, 100][i]
            resolved = {0: timedelta(days=1), 1: timedelta(days=3)}.get(i)
            routing = BulkRouting(
                "sadc-waste",
                ack_by=at + timedelta(minutes=30),
                resolve_by=at + timedelta(days=2),
                acknowledged_at=at + timedelta(minutes=delay),
                resolved_at=at + resolved if resolved else None,
            )
            point = SPOT if i < 3 else None
            found.append(
                report(
                    "fly-tipping",
                    at,
                    area="harpenden",
                    ward="Harpenden East",
                    routings=[routing],
                    point=point,
                )
            )
        else:
            found.append(report("fly-tipping", at, area="harpenden", ward="Harpenden East"))
    found += [report("fly-tipping", at, area="harpenden", ward="Harpenden East") for at in mar]
    for month in (2, 3):
        found += [
            report("graffiti", local(2026, month, d), area="london-colney", point=OTHER_SPOT)
            for d in (3, 4)
        ]
        found += [report("graffiti", local(2026, month, d), area="london-colney") for d in (5, 6)]
        found.append(report("rogue-traders", local(2026, month, 7), area="colney-heath"))
    found += [report("asb", local(2026, 2, d), area="harpenden") for d in range(10, 16)]
    found += [report("asb", local(2026, 3, d), area="harpenden") for d in range(12, 17)]
    found += [report("drug-dealing", local(2026, 2, d), area="redbourn") for d in (1, 2)]
    hate = BulkRouting("herts-police-hate")
    for motivation, reporter in (
        (["race"], "victim"),
        (["race", "religion"], "witness"),
        (["disability"], "victim"),
    ):
        found.append(
            report(
                "hate-incident",
                local(2026, 3, 20),
                area="redbourn",
                answers={"motivation": motivation, "reporter": reporter, "what": ["verbal"]},
                routings=[hate],
            )
        )
    # Outside both months: a minute before February, and 1 April at midnight.
    found.append(report("fly-tipping", local(2026, 1, 31, 23, 59)))
    found.append(report("fly-tipping", local(2026, 4, 1, 0, 0)))
    return found


@pytest.fixture
async def admin_view(db: Database) -> Statistics:
    await store(db, _fixture())
    return await InsightService(config(), db, areas_of()).statistics(MARCH, "previous", now=NOW)


def _rows(stats_rows: object) -> dict[str, tuple[str, str, str, str]]:
    return {
        r.key: (r.before.text(5), r.after.text(5), r.words, r.percent)
        for r in stats_rows  # type: ignore[attr-defined]
    }


async def test_categories_against_the_month_before_with_small_counts_hidden(
    admin_view: Statistics,
) -> None:
    """The whole months compared (March against February), every count by hand; the hate
    incidents' 3 and the drug dealing's 2 are hidden, and in each month the next smallest
    count (rogue traders, 1) is withheld so the total cannot give them away."""
    assert admin_view.compared == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert admin_view.suppressed
    assert _rows(admin_view.categories.rows) == {
        "fly-tipping": ("10", "12", "2 more reports", "up 20.0%"),
        "graffiti": ("4", "4", "no change", "no change"),
        "hate-incident": ("0", "fewer than 5", "not shown", "not shown"),
        "asb": ("6", "5", "1 fewer report", "down 16.7%"),
        "rogue-traders": ("withheld", "withheld", "not shown", "not shown"),
        "drug-dealing": ("fewer than 5", "0", "not shown", "not shown"),
    }
    total = admin_view.categories.total
    assert total is not None
    assert (total.before.text(5), total.after.text(5), total.words, total.percent) == (
        "23",
        "25",
        "2 more reports",
        "up 8.7%",
    )


async def test_areas_and_wards(admin_view: Statistics) -> None:
    """By area in config order; Redbourn's reports are all sensitive, so its small count is
    hidden and the next smallest (Colney Heath's 1) withheld. By the 2023 wards."""
    rows = _rows(admin_view.areas.rows)
    assert rows["harpenden"][:2] == ("16", "17")
    assert rows["london-colney"][:3] == ("4", "4", "no change")
    assert rows["redbourn"][:2] == ("fewer than 5", "fewer than 5")
    assert rows["colney-heath"][:2] == ("withheld", "withheld")
    assert rows["st-albans-city"][:3] == ("0", "0", "no change")
    assert "" not in rows  # every report has an area: no "No area" row
    assert admin_view.wards is not None
    assert admin_view.wards.title == "By ward (2023 wards)"
    wards = _rows(admin_view.wards.rows)
    assert wards["Harpenden East"][:3] == ("10", "12", "2 more reports")
    assert wards[""][:2] == ("13", "13")


async def test_response_median_p90_and_share_within_target(admin_view: Statistics) -> None:
    """Acknowledged after 10, 20, 30, 40 and 100 minutes against 30: median 30 min, 90th
    percentile 100 min, 3 of 5 in time. Resolved after 1 and 3 days of 5, the others still
    open past their 2-day target: median 2 days, p90 3 days, 1 of 5 in time."""
    waste = next(r for r in admin_view.responses if r.agency_id == "sadc-waste")
    assert waste.routed == 5
    assert (waste.acknowledge.median_minutes, waste.acknowledge.p90_minutes) == (30, 100)
    assert (waste.acknowledge.within, waste.acknowledge.judged) == (3, 5)
    assert waste.acknowledge.share_within == pytest.approx(0.6)
    assert (waste.resolve.median_minutes, waste.resolve.p90_minutes) == (2880, 4320)
    assert (waste.resolve.done, waste.resolve.within, waste.resolve.judged) == (2, 1, 5)
    hate = next(r for r in admin_view.responses if r.agency_id == "herts-police-hate")
    assert (hate.routed, hate.acknowledge.done, hate.acknowledge.median_minutes) == (3, 0, None)
    assert hate.acknowledge.judged == 0  # no target set: nothing to judge


async def test_repeat_locations(admin_view: Statistics) -> None:
    """Three reports at one spot in March make a repeat location, given by its area only; two
    at another spot do not."""
    assert [(r.area, r.spots, r.reports, r.most) for r in admin_view.repeats] == [
        ("Harpenden", 1, 3, 3)
    ]


async def test_hate_incidents_hidden_beyond_the_police(admin_view: Statistics) -> None:
    """Motivation and who reported: every count below 5 is hidden from the partnership, and
    the total of who reported is hidden as the category's count is."""
    motivation, reporters = admin_view.breakdowns
    assert motivation.title == "Perceived motivation"
    assert {label: cell.text(5) for label, cell in motivation.rows} == {
        "Race or ethnicity": "fewer than 5",
        "Religion or belief": "fewer than 5",
        "Sexual orientation": "0",
        "Disability": "fewer than 5",
        "Transgender identity": "0",
        "Something else, or not sure": "0",
    }
    assert reporters.total is not None
    assert reporters.total.text(5) == "fewer than 5"


async def test_the_handling_agency_sees_its_own_counts(db: Database) -> None:
    """The hate crime unit sees only the reports routed to it, every count shown."""
    await store(db, _fixture())
    stats = await InsightService(config(), db, areas_of()).statistics(
        MARCH, "previous", now=NOW, agency="herts-police-hate"
    )
    assert not stats.suppressed
    rows = _rows(stats.categories.rows)
    assert rows["hate-incident"] == ("0", "3", "3 more reports", "new")
    assert rows["fly-tipping"][:2] == ("0", "0")
    motivation, reporters = stats.breakdowns
    assert {label: cell.text(5) for label, cell in motivation.rows if cell.count} == {
        "Race or ethnicity": "2",
        "Religion or belief": "1",
        "Disability": "1",
    }
    assert {label: cell.text(5) for label, cell in reporters.rows} == {
        "I am the victim": "2",
        "I saw it happen": "1",
        "I am reporting for someone else": "0",
    }
    assert reporters.total is not None
    assert reporters.total.text(5) == "3"
    assert [r.agency_id for r in stats.responses] == ["herts-police-hate"]


async def test_against_the_same_period_a_year_before(db: Database) -> None:
    """Last year: March 2025, none then, so every March 2026 count is new."""
    await store(db, _fixture())
    await store(db, [report("graffiti", local(2025, 3, 31, 23, 59))])
    stats = await InsightService(config(), db, areas_of()).statistics(MARCH, "last-year", now=NOW)
    assert stats.compared == Period(date(2025, 3, 1), date(2025, 3, 31))
    rows = _rows(stats.categories.rows)
    assert rows["fly-tipping"] == ("0", "12", "12 more reports", "new")
    assert rows["graffiti"] == ("1", "4", "3 more reports", "up 300.0%")
