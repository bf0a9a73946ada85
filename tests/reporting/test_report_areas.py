"""Every report has its area: migration 0009 on a database written before it, the start-up pass
that places the reports it holds (in batches), and the pass again when the areas change."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Area, Config
from bot.geo import Locator
from bot.geo.areas import AreaMap
from bot.reporting.areas import place_reports
from storage.db import Database
from storage.report_areas import ReportAreaRepository
from storage.reports import NewReport, ReportRepository
from tests.support.configs import default_config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFEST = json.loads((FIXTURES / "pre_house_plan.json").read_text())
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HARPENDEN = (51.8160, -0.3560)
HATFIELD = (51.7630, -0.2260)
SQUARE = {  # St Albans city centre, where the fixture's three reports are (the Clock Tower)
    "type": "Polygon",
    "coordinates": [
        [[-0.345, 51.748], [-0.333, 51.748], [-0.333, 51.756], [-0.345, 51.756], [-0.345, 51.748]]
    ],
}


@pytest.fixture(scope="module")
def config() -> Config:
    return default_config()


@pytest.fixture(scope="module")
def locator(config: Config) -> Locator:
    return Locator.from_config(config.geography)


@pytest.fixture(scope="module")
def areas(config: Config, locator: Locator) -> AreaMap:
    return AreaMap.from_config(config.areas, locator)


@pytest.fixture
async def old_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A copy of the database written before the areas, opened (and so migrated)."""
    path = tmp_path / "safetybot.sqlite3"
    shutil.copyfile(FIXTURES / MANIFEST["database"], path)
    db = await Database.open(path)
    try:
        yield db
    finally:
        await db.close()


async def _areas_by_ref(db: Database) -> dict[str, str | None]:
    reports = await ReportRepository(db).latest(limit=100)
    return {report.ref: report.area_id for report in reports}


async def _add(db: Database, ref: str, point: tuple[float, float] | None, outside: bool) -> None:
    await ReportRepository(db).create(
        NewReport(
            ref=ref,
            category="fly-tipping",
            created_at=NOW,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            outside_district=outside,
        ),
        actor="test",
    )


async def test_the_old_reports_get_their_area_once(old_db: Database, areas: AreaMap) -> None:
    """After the migration the fixture's reports have no area; the pass gives each the area
    of its point, remembers the areas' fingerprint, and a second pass changes nothing."""
    before = await _areas_by_ref(old_db)
    assert len(before) == 3
    assert set(before.values()) == {None}
    assert await place_reports(old_db, areas) == 3
    assert set((await _areas_by_ref(old_db)).values()) == {"st-albans-city"}
    assert await ReportAreaRepository(old_db).fingerprint() == areas.fingerprint
    assert await place_reports(old_db, areas) == 0


async def test_a_report_outside_or_without_a_point_has_no_area(
    old_db: Database, areas: AreaMap
) -> None:
    """In batches of two: a report in Harpenden gets Harpenden; one outside the district (a
    hate incident accepted county-wide) and one with no point get none."""
    await _add(old_db, "HRP-001", HARPENDEN, outside=False)
    await _add(old_db, "HAT-001", HATFIELD, outside=True)
    await _add(old_db, "NOW-HER", None, outside=False)
    assert await place_reports(old_db, areas, batch=2) == 4
    found = await _areas_by_ref(old_db)
    assert (found["HRP-001"], found["HAT-001"], found["NOW-HER"]) == ("harpenden", None, None)


async def test_changed_areas_place_every_report_again(
    old_db: Database, areas: AreaMap, locator: Locator, tmp_path: Path
) -> None:
    """When the configured areas change, every report is placed again, even those that had an
    area; a report whose point is now in no area loses it."""
    await _add(old_db, "HRP-001", HARPENDEN, outside=False)
    await place_reports(old_db, areas)
    (tmp_path / "centre.geojson").write_text(json.dumps(SQUARE), encoding="utf-8")
    centre_only = AreaMap.from_config(
        [Area(id="centre", name="City centre", boundary=tmp_path / "centre.geojson")], locator
    )
    assert centre_only.fingerprint != areas.fingerprint
    assert await place_reports(old_db, centre_only) == 4
    found = await _areas_by_ref(old_db)
    assert found.pop("HRP-001") is None
    assert set(found.values()) == {"centre"}
    assert await ReportAreaRepository(old_db).fingerprint() == centre_only.fingerprint
