"""``safetybot stats`` in its three formats and ``safetybot export`` in its two, run as the
command is, on a real database: without personal data nothing identifies a resident; with
``--personal`` the export is audited."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import default_config_text
from storage.db import Database
from tests.insight.conftest import local, report, store
from tests.insight.test_statistics import _fixture

CHAT_ID = 555000111
PHONE = "07700 900123"
DESCRIPTION = "Left outside number 12 by the man from the blue house"
PLACE = "12 Example Street"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the default config and a database of the statistics' fixture, plus a
    report carrying personal data."""
    where = tmp_path_factory.mktemp("commands")
    (where / "config.toml").write_text(default_config_text())

    async def fill() -> None:
        async with await Database.open(where / "safetybot.sqlite3") as db:
            await store(db, _fixture())
            personal = report(
                "fly-tipping",
                local(2026, 3, 25, 14, 5),
                area="st-albans-city",
                ward="Verulam",
                point=(51.7520, -0.3390),
                chat_id=CHAT_ID,
                description=DESCRIPTION,
                answers={"waste": ["furniture"], "vehicle": "AB12 CDE"},
            )
            await store(db, [personal])
            await db.execute(
                "UPDATE reports SET contact_phone = ?, location_text = ?"
                " WHERE reporter_chat_id = ?",
                (PHONE, PLACE, CHAT_ID),
            )

    asyncio.run(fill())
    return where


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--config", str(folder / "config.toml")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_stats_as_text_csv_and_json(folder: Path) -> None:
    """The same figures three ways, as anyone beyond one agency sees them (small counts of
    sensitive categories hidden)."""
    period = ("--from", "2026-03-01", "--to", "2026-03-31")
    text = _run(folder, "stats", *period)
    assert text.returncode == 0, text.stderr
    (line,) = [x for x in text.stdout.splitlines() if x.startswith("Fly tipping ")]
    assert line.split()[2:] == ["10", "13", "3", "more", "reports", "up", "30.0%"]
    assert "fewer than 5" in text.stdout

    as_csv = _run(folder, "stats", *period, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    tipping = next(r for r in rows if r["section"] == "By category" and r["name"] == "Fly tipping")
    assert (tipping["earlier"], tipping["later"], tipping["change"]) == (
        "10",
        "13",
        "3 more reports",
    )
    hate = next(r for r in rows if r["name"] == "Hate incident")
    assert (hate["later"], hate["change"]) == ("fewer than 5", "not shown")
    waste = next(r for r in rows if r["section"] == "Response" and "Waste" in r["name"])
    assert (waste["acknowledge_median_minutes"], waste["acknowledge_p90_minutes"]) == ("30", "100")

    as_json = _run(folder, "stats", *period, "--format", "json", "--compare", "last-year")
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert document["compared"] == {"from": "2025-03-01", "to": "2025-03-31", "as": "last-year"}
    rows_json = {r["key"]: r for r in document["categories"]["rows"]}
    assert rows_json["fly-tipping"]["later"] == {"count": 13}
    assert rows_json["fly-tipping"]["percent"] == "new"
    assert rows_json["hate-incident"]["later"] == {"count": None, "shown_as": "fewer than 5"}


def test_stats_with_a_mistyped_date_says_so(folder: Path) -> None:
    """A date that cannot be read: exit 2 and why."""
    result = _run(folder, "stats", "--from", "2026-03-01", "--to", "31/03/2026")
    assert result.returncode == 2
    assert "'31/03/2026' is not a date written as YYYY-MM-DD" in result.stderr


def _audit(folder: Path) -> list[tuple[str, str, str, str, int, int]]:
    with sqlite3.connect(folder / "safetybot.sqlite3") as conn:
        return list(
            conn.execute(
                "SELECT operator, period_from, period_to, format, personal, report_count"
                " FROM export_audit ORDER BY id"
            )
        )


def test_exports_without_personal_data(folder: Path, tmp_path: Path) -> None:
    """CSV and Open311: every report of March, and nothing of the resident: no Telegram id,
    phone, description, typed place, typed answer or point; the place is the area and ward,
    the time the day."""
    period = ("--from", "2026-03-01", "--to", "2026-03-31")
    out_csv, out_json = tmp_path / "march.csv", tmp_path / "march.json"
    done = _run(folder, "export", *period, "--output", str(out_csv), "--operator", "ops")
    assert done.returncode == 0, done.stderr
    done = _run(folder, "export", *period, "--format", "open311", "--output", str(out_json))
    assert done.returncode == 0, done.stderr
    for path in (out_csv, out_json):
        written = path.read_text(encoding="utf-8")
        for secret in (str(CHAT_ID), PHONE, DESCRIPTION, PLACE, "AB12 CDE", "51.752", "-0.339"):
            assert secret not in written, (path.name, secret)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert len(rows) == 26
    mine = next(r for r in rows if r["ward"] == "Verulam")
    assert (mine["day"], mine["area"], mine["agencies"]) == ("2026-03-25", "St Albans city", "")
    assert json.loads(mine["answers"]) == {"waste": ["furniture"]}
    requests = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(requests) == 26
    request = next(r for r in requests if r["address"] == "Verulam, St Albans city")
    assert request["requested_datetime"] == "2026-03-25T00:00:00+00:00"
    assert request["service_code"] == "fly-tipping"
    assert request["status"] == "open"
    assert "lat" not in request
    assert ("ops", "2026-03-01", "2026-03-31", "csv", 0, 26) in _audit(folder)


def test_an_export_with_personal_data_is_audited(folder: Path, tmp_path: Path) -> None:
    """--personal writes the resident's details, and one audit line: who, the period, the
    format, how many."""
    out = tmp_path / "personal.json"
    done = _run(
        folder,
        "export",
        "--from",
        "2026-03-25",
        "--to",
        "2026-03-25",
        "--format",
        "open311",
        "--personal",
        "--operator",
        "Priya Shah",
        "--output",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    (request,) = json.loads(out.read_text(encoding="utf-8"))
    assert request["description"] == DESCRIPTION
    assert request["reporter"]["telegram_chat_id"] == CHAT_ID
    assert (request["lat"], request["long"]) == (51.752, -0.339)
    assert _audit(folder)[-1] == ("Priya Shah", "2026-03-25", "2026-03-25", "open311", 1, 1)
    assert "audited as Priya Shah" in done.stderr
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    listed = _run(folder, "audit", "--from", today, "--to", today)
    assert listed.returncode == 0, listed.stderr
    (entry,) = [x for x in listed.stdout.splitlines() if "\toperator:Priya Shah\texport\t" in x]
    assert json.loads(entry.split("\t")[-1]) == {
        "format": "open311",
        "from": "2026-03-25",
        "personal": True,
        "reports": 1,
        "to": "2026-03-25",
    }
