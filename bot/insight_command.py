"""``safetybot stats``, ``safetybot export`` and ``safetybot weekly``: the partnership's
statistics, its reports as CSV or Open311 service requests, and the admins' weekly picture,
from the command line.

The statistics are the admins' view, as anyone beyond one agency sees them (small counts of
sensitive categories hidden). An export streams the reports a batch at a time; one with
personal data (``--personal``) is allowed to an operator, and every export is audited: who ran
it, when, the period, the format and the count.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.config import LoadedConfig
from bot.exits import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from bot.geo import GeoDataError, Locator
from bot.geo.areas import AreaMap
from bot.insight import COMPARISONS, InsightService, Period, PeriodError, last_full_month
from bot.insight.export import EXPORT_FORMATS, Exporter, ExportFormat
from bot.insight.periods import parse_compare, parse_day
from bot.insight.tables import as_csv, as_json, as_text
from bot.insight.weekly import WeeklyService, week_of
from bot.insight.weekly import as_text as weekly_text
from storage.db import Database
from storage.exports import ExportRepository
from storage.timestamps import utc_now

STATS_FORMATS = ("text", "csv", "json")


def _period_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--from",
        dest="first",
        metavar="DATE",
        required=required,
        help="the first day, YYYY-MM-DD (included)"
        + ("" if required else "; default: the first of last month"),
    )
    parser.add_argument(
        "--to",
        dest="last",
        metavar="DATE",
        required=required,
        help="the last day, YYYY-MM-DD (included)"
        + ("" if required else "; default: the last of last month"),
    )


def add_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The ``stats`` and ``export`` commands and their options."""
    stats = commands.add_parser(
        "stats",
        parents=[common],
        help="the statistics of a period against the one before or a year before",
        description="Print the partnership's statistics for a period (both dates included, "
        "in the partnership's time zone) against the period before it or the same period a "
        "year before: reports by category, area and ward with the change in words and "
        "percent, each agency's response times, repeat locations and the monitoring of hate "
        "incidents. Small counts of sensitive categories are hidden, as [disclosure] says.",
    )
    _period_options(stats, required=False)
    stats.add_argument("--compare", choices=COMPARISONS, default="previous")
    stats.add_argument("--format", choices=STATS_FORMATS, default="text")
    export = commands.add_parser(
        "export",
        parents=[common],
        help="write a period's reports as CSV or Open311 service requests",
        description="Write the reports made in a period as CSV or as Open311 GeoReport v2 "
        "service requests (a JSON array). Without --personal there is no Telegram id, contact, "
        "free text, photo or point: the place is the area and ward, the time the day. Every "
        "export is recorded in the database's export audit.",
    )
    _period_options(export, required=True)
    export.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    export.add_argument(
        "--personal",
        action="store_true",
        help="include personal data (Telegram ids, contacts, descriptions, points, exact "
        "times); the export is audited with the operator's name",
    )
    export.add_argument(
        "--operator", help="who is exporting, for the audit (default: the system user)"
    )
    export.add_argument(
        "--output", type=Path, metavar="FILE", help="write here (default: standard output)"
    )
    weekly = commands.add_parser(
        "weekly",
        parents=[common],
        help="print the weekly picture the admins' chat gets",
        description="Print the weekly picture of a week, Monday to Sunday in the partnership's "
        "time zone: its reports by category against the usual (the last 8 weeks' average), "
        "each agency's open and overdue reports at the week's end, the clusters found and the "
        "week's resolved count. Small counts of sensitive categories are hidden, as "
        "[disclosure] says.",
    )
    weekly.add_argument(
        "--date",
        metavar="DATE",
        help="any day of the week wanted, YYYY-MM-DD (default: the last whole week)",
    )


def _period(args: argparse.Namespace, zone: ZoneInfo) -> Period:
    if args.first is None and args.last is None:
        return last_full_month(utc_now().astimezone(zone).date())
    if args.first is None or args.last is None:
        raise PeriodError("give both --from and --to, or neither")
    return Period(parse_day(args.first), parse_day(args.last))


def _areas(loaded: LoadedConfig) -> AreaMap:
    return AreaMap.from_config(loaded.config.areas, Locator.from_config(loaded.config.geography))


def run_stats(loaded: LoadedConfig, args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """``safetybot stats``: print the statistics; the exit status."""
    config = loaded.config
    try:
        period = _period(args, ZoneInfo(config.partnership.timezone))
        compare = parse_compare(args.compare)
        areas = _areas(loaded)
    except PeriodError as exc:
        print(f"safetybot stats: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GeoDataError as exc:
        print(f"{loaded.source}: a [geography] file cannot be used: {exc}", file=sys.stderr)
        return EXIT_USAGE
    database = config.storage.database
    if _missing(database):
        return EXIT_FAILURE

    async def compute() -> str:
        async with await Database.open(database) as db:
            stats = await InsightService(config, db, areas).statistics(
                period, compare, now=utc_now()
            )
        if args.format == "csv":
            return as_csv(stats)
        if args.format == "json":
            return as_json(stats)
        return as_text(stats, config.partnership.name)

    out.write(asyncio.run(compute()))
    return EXIT_OK


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def run_export(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    """``safetybot export``: write the reports, audit the export; the exit status."""
    config = loaded.config
    try:
        period = Period(parse_day(args.first), parse_day(args.last))
        areas = _areas(loaded)
    except PeriodError as exc:
        print(f"safetybot export: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GeoDataError as exc:
        print(f"{loaded.source}: a [geography] file cannot be used: {exc}", file=sys.stderr)
        return EXIT_USAGE
    database = config.storage.database
    if _missing(database):
        return EXIT_FAILURE
    operator = args.operator or getpass.getuser()
    fmt: ExportFormat = args.format
    exporter = Exporter(config, areas, personal=args.personal)
    zone = ZoneInfo(config.partnership.timezone)

    async def export(out: TextIO) -> int:
        async with await Database.open(database) as db:
            repository = ExportRepository(db)
            count = await exporter.write(fmt, repository.reports(*period.bounds(zone)), out)
            await repository.audit(
                at=utc_now(),
                operator=operator,
                first=period.first,
                last=period.last,
                format=fmt,
                personal=args.personal,
                count=count,
            )
            return count

    with _output(args.output) as out:
        count = asyncio.run(export(out))
    what = "with personal data" if args.personal else "without personal data"
    print(f"Exported {count} reports ({what}), audited as {operator}.", file=sys.stderr)
    return EXIT_OK


def _missing(database: Path) -> bool:
    """Whether the configured database is missing (said on stderr): nothing to read."""
    if database.exists():
        return False
    print(f"There is no database at {database}.", file=sys.stderr)
    return True


def run_weekly(loaded: LoadedConfig, args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """``safetybot weekly``: print the weekly picture; the exit status."""
    config = loaded.config
    try:
        day = None if args.date is None else parse_day(args.date)
    except PeriodError as exc:
        print(f"safetybot weekly: {exc}", file=sys.stderr)
        return EXIT_USAGE
    database = config.storage.database
    if _missing(database):
        return EXIT_FAILURE

    async def compute() -> str:
        async with await Database.open(database) as db:
            service = WeeklyService(config, db)
            week = service.last_week(utc_now()) if day is None else week_of(day)
            return weekly_text(await service.picture(week))

    out.write(asyncio.run(compute()))
    return EXIT_OK


__all__ = ["add_parsers", "run_export", "run_stats", "run_weekly"]
