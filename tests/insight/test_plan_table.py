"""The partnership plan's own table, "The Partnership's Performance in 2008/09", reproduced
from stored reports: recorded crime from April to December 2007 against the same months of
2008, a category per crime type plus "other crime", "All crime" their total."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import config_from_data, default_config_data
from bot.insight import InsightService, Period
from storage.db import Database
from tests.insight.conftest import NOW, areas_of, local, report, store

PLAN_TABLE = Path(__file__).resolve().parents[2].parent / "shared" / "plan_performance_2008.csv"


def _plan_rows() -> list[dict[str, str]]:
    if not PLAN_TABLE.exists():
        pytest.skip(f"the plan's table is not beside this clone ({PLAN_TABLE.name} in ../shared)")
    lines = [
        line for line in PLAN_TABLE.read_text(encoding="utf-8").splitlines() if line[:1] != "#"
    ]
    return list(csv.DictReader(lines))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _plan_config(types: list[str]) -> Any:
    data = default_config_data()
    data["categories"] = [
        {"id": _slug(name), "name": name, "description": name, "agencies": ["herts-police-snt"]}
        for name in [*types, "Other crime"]
    ]
    data["routes"] = []
    data["case_review"] = {"enabled": False}  # the plan's crime types hold no ASB category
    data["insight"] = {"noun": "crimes", "noun_singular": "crime", "total_name": "All crime"}
    return config_from_data(data, base_dir=Path("."))


def _days(first: date, count: int) -> list[Any]:
    """``count`` times spread over April to December of a year, the first at local midnight
    of 1 April and the last a minute before midnight on 31 December (both days included)."""
    last = date(first.year, 12, 31)
    span = (last - first).days
    times = []
    for i in range(count):
        day = first + timedelta(days=span * i // max(count - 1, 1))
        if i == 0:
            times.append(local(day.year, day.month, day.day, 0, 0))
        elif i == count - 1:
            times.append(local(day.year, day.month, day.day, 23, 59))
        else:
            times.append(local(day.year, day.month, day.day, 9 + i % 12))
    return times


async def test_the_plan_table_word_for_word(db: Database) -> None:
    """Every row of the plan's table, its counts and its change, as the plan wrote it, with
    "1 fewer crime" where it wrote "1 less crime"; and "all crime was down 4.8%"."""
    rows = _plan_rows()
    total, *types = rows
    config = _plan_config([row["crime_type"] for row in types])
    counts = {
        _slug(r["crime_type"]): (int(r["apr_dec_2007"]), int(r["apr_dec_2008"])) for r in types
    }
    other = (
        int(total["apr_dec_2007"]) - sum(c[0] for c in counts.values()),
        int(total["apr_dec_2008"]) - sum(c[1] for c in counts.values()),
    )
    counts["other-crime"] = other
    fixtures = []
    for category, (earlier, later) in counts.items():
        fixtures += [report(category, at) for at in _days(date(2007, 4, 1), earlier)]
        fixtures += [report(category, at) for at in _days(date(2008, 4, 1), later)]
    # Just outside both periods: the night before 1 April and the first minute of January.
    for year in (2007, 2008):
        fixtures.append(report("robbery", local(year, 3, 31, 23, 59)))
        fixtures.append(report("robbery", local(year + 1, 1, 1, 0, 0)))
    await store(db, fixtures)

    stats = await InsightService(config, db, areas_of(config)).statistics(
        Period(date(2008, 4, 1), date(2008, 12, 31)), "last-year", now=NOW
    )

    assert stats.compared == Period(date(2007, 4, 1), date(2007, 12, 31))
    got = {row.name: row for row in stats.categories.rows}
    for expected in types:
        row = got[expected["crime_type"]]
        assert row.before.text(5) == f"{int(expected['apr_dec_2007']):,}"
        assert row.after.text(5) == f"{int(expected['apr_dec_2008']):,}"
        assert row.words == expected["as_the_plan_wrote_it"].replace(
            "1 less crime", "1 fewer crime"
        )
    whole = stats.categories.total
    assert whole is not None
    assert (whole.name, whole.before.text(5), whole.after.text(5)) == (
        "All crime",
        "7,215",
        "6,872",
    )
    assert whole.words == total["as_the_plan_wrote_it"] == "343 fewer crimes"
    assert whole.percent == "down 4.8%"
    assert got["Burglary dwelling"].percent == "up 25.5%"
    assert got["Robbery"].words == "1 fewer crime"
