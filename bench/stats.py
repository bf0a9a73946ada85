"""The statistics over a busy district: synthetic reports (seeded) spread over three years,
written straight into a SQLite file through storage; then the time from request to the
finished table for a year against the year before, measured in this process (goal: under a
second), the charts' time apart, where the table's time goes (each aggregate query timed
alone), and the peak memory of ``safetybot export`` over all of it, run as a child process
(goal: peak RSS under 150 MB: it streams).

Run: ``python bench/stats.py [--reports 1000000] [--folder DIR] [--repeat 3]``. An existing
database in the folder with the same number of reports is reused.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import tomli_w

from bot.config import Config, config_from_data, default_config_data
from bot.geo import Locator
from bot.geo.areas import AreaMap
from bot.insight import InsightService, Period
from bot.insight.charts import area_map, bar_chart
from bot.insight.tables import as_text
from storage.bulk import BulkReport, BulkRouting, insert_reports
from storage.db import Database
from storage.stats import StatsRepository

SEED = 20260601
FIRST_DAY = date(2023, 1, 1)
DAYS = 3 * 365
# The district's bounding box (west, south, east, north), as in the geography's README.
BOX = (-0.44058, 51.68759, -0.24158, 51.84961)
WEIGHTS = {"fly-tipping": 40, "graffiti": 15, "asb": 30, "hate-incident": 3}


def _reports(config: Config, areas: AreaMap, count: int) -> Iterator[BulkReport]:
    rng = random.Random(SEED)
    categories = [c for c in config.categories]
    weights = [WEIGHTS.get(c.id, 4) for c in categories]
    area_ids = list(areas.ids)
    wards = [w for a in config.areas for w in (a.wards or ())]
    start = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC)
    # A few hundred spots that people report again and again (a lay-by, an underpass).
    hotspots = [(rng.uniform(BOX[1], BOX[3]), rng.uniform(BOX[0], BOX[2])) for _ in range(300)]
    for i in range(count):
        category = rng.choices(categories, weights)[0]
        at = start + timedelta(seconds=rng.randrange(DAYS * 86400))
        roll = rng.random()
        if roll < 0.1:
            point = None
        elif roll < 0.2:
            point = rng.choice(hotspots)
        else:
            point = (rng.uniform(BOX[1], BOX[3]), rng.uniform(BOX[0], BOX[2]))
        acked = at + timedelta(minutes=int(rng.expovariate(1 / 300)))
        resolved = (
            acked + timedelta(hours=int(rng.expovariate(1 / 72))) if rng.random() < 0.8 else None
        )
        routing = BulkRouting(
            category.agencies[0],
            ack_by=at + timedelta(hours=category.acknowledge_within_hours),
            resolve_by=at + timedelta(days=category.resolve_within_days),
            acknowledged_at=acked if rng.random() < 0.95 else None,
            resolved_at=resolved,
        )
        answers: dict[str, object] = {}
        if category.id == "hate-incident":
            answers = {
                "motivation": rng.sample(
                    ["race", "religion", "disability", "sexual-orientation"], 1
                ),
                "reporter": rng.choice(["victim", "witness", "for-someone"]),
            }
        yield BulkReport(
            ref=f"B{i:09d}",
            category=category.id,
            created_at=at,
            answers=answers,
            area_id=rng.choice(area_ids) if point else None,
            ward=rng.choice(wards) if point else None,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            description="Synthetic report" if rng.random() < 0.5 else "",
            reporter_chat_id=100_000_000 + i if rng.random() < 0.6 else None,
            routings=(routing,),
        )


async def _fill(config: Config, areas: AreaMap, path: Path, count: int) -> None:
    async with await Database.open(path) as db:
        have = int(await db.fetchvalue("SELECT COUNT(*) FROM reports"))
        if have == count:
            print(f"reusing {path} ({count:,} reports)")
            return
        if have:
            raise SystemExit(f"{path} holds {have:,} reports, not {count:,}: use another --folder")
        started = time.perf_counter()
        await insert_reports(db, _reports(config, areas, count))
        await db.checkpoint()
        print(f"wrote {count:,} reports in {time.perf_counter() - started:.1f} s")


async def _table(config: Config, areas: AreaMap, path: Path, repeat: int) -> None:
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    now = datetime(2026, 1, 15, tzinfo=UTC)
    async with await Database.open(path) as db:
        service = InsightService(config, db, areas)
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            stats = await service.statistics(year, "previous", now=now)
            text = as_text(stats, config.partnership.name)
            runs.append(time.perf_counter() - started)
    print(
        f"table, 2025 against 2024: first {runs[0]:.3f} s, median {statistics.median(runs):.3f} s"
        f" (goal < 1 s); {stats.categories.total.after.count if stats.categories.total else 0:,}"
        f" reports in 2025, {len(text.splitlines())} lines"
    )
    started = time.perf_counter()
    bars = bar_chart(stats)
    middle = time.perf_counter()
    drawn = area_map(stats, areas)
    ended = time.perf_counter()
    print(
        f"charts: bar {middle - started:.3f} s ({len(bars) // 1024} KB),"
        f" map {ended - middle:.3f} s ({len(drawn) // 1024} KB)"
    )


async def _breakdown(config: Config, path: Path) -> None:
    """Where the table's time goes: each of storage's aggregates over both years, timed alone."""
    sensitive = [c.id for c in config.categories if c.sensitive]
    question = config.insight.motivation_question
    now = datetime(2026, 1, 15, tzinfo=UTC)
    years = [
        (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
        (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)),
    ]
    async with await Database.open(path) as db:
        repo = StatsRepository(db)
        queries: dict[str, Callable[[datetime, datetime], Awaitable[object]]] = {
            "counts by category": lambda a, b: repo.counts("category", a, b),
            "counts by area": lambda a, b: repo.counts("area_id", a, b),
            "counts by ward": lambda a, b: repo.counts("ward", a, b),
            "sensitive by area": lambda a, b: repo.counts_in("area_id", a, b, categories=sensitive),
            "sensitive by ward": lambda a, b: repo.counts_in("ward", a, b, categories=sensitive),
            "repeat locations": lambda a, b: repo.repeat_spots(a, b, at_least=3),
            "time to answer": lambda a, b: repo.durations(a, b, finished=False),
            "time to resolve": lambda a, b: repo.durations(a, b, finished=True),
            "within target": lambda a, b: repo.target_tallies(a, b, now=now),
            "motivations": lambda a, b: repo.answer_counts(
                a, b, categories=sensitive, question=question
            ),
        }
        print("where the time goes (each query, one year, median of both years):")
        for name, query in queries.items():
            runs = []
            for start, end in years:
                started = time.perf_counter()
                await query(start, end)
                runs.append(time.perf_counter() - started)
            print(f"  {name:<20} {statistics.median(runs):.3f} s")


_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
code = os.waitstatus_to_exitcode(status)
print(usage.ru_maxrss)
sys.exit(code)
"""


def _export_rss(config_path: Path, fmt: str) -> None:
    """Run the export as its own process and read that child's peak RSS (wait4's rusage)."""
    started = time.perf_counter()
    command = [
        sys.executable,
        "-m",
        "bot",
        "export",
        "--from",
        FIRST_DAY.isoformat(),
        "--to",
        (FIRST_DAY + timedelta(days=DAYS)).isoformat(),
        "--format",
        fmt,
        "--output",
        os.devnull,
        "--operator",
        "bench",
        "--config",
        str(config_path),
    ]
    # Linux keeps a process's peak RSS across exec, so the export is started by a small
    # launcher process, not forked from this one (which holds the areas and the statistics).
    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], capture_output=True, text=True, check=False
    )
    if launched.returncode:
        raise SystemExit(launched.stderr)
    peak_kb = int(launched.stdout.split()[-1])
    said = launched.stderr.strip()
    print(
        f"export {fmt}: {time.perf_counter() - started:.1f} s, peak RSS"
        f" {peak_kb / 1024:.0f} MB (goal < 150 MB); {said.splitlines()[-1]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, help="where the database is kept (default: temp)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the table")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="safetybot-stats-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = default_config_data()
    data["storage"]["database"] = "stats.sqlite3"
    config_path = folder / "config.toml"
    config_path.write_bytes(tomli_w.dumps(data).encode())
    config = config_from_data(data, base_dir=folder)
    areas = AreaMap.from_config(config.areas, Locator.from_config(config.geography))
    path = config.storage.database
    asyncio.run(_fill(config, areas, path, args.reports))
    print(f"database: {path.stat().st_size / 2**20:.0f} MB")
    asyncio.run(_table(config, areas, path, args.repeat))
    asyncio.run(_breakdown(config, path))
    for fmt in ("csv", "open311"):
        _export_rss(config_path, fmt)


if __name__ == "__main__":
    main()
