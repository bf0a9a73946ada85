"""The ``safetybot audit`` command: the audit log between two dates, one entry a line.

Dates are the partnership's local days, both included. The database is opened as the bot opens
it (migrations applied), so the command works beside a running bot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.config import LoadedConfig
from bot.exits import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from storage.audit import AuditEntry, AuditRepository
from storage.db import Database


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date as YYYY-MM-DD, got {text!r}") from None


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The ``audit`` command and its options."""
    audit = commands.add_parser(
        "audit",
        parents=[common],
        help="list the audit log: officers' and admins' actions (news items included), exports, "
        "erasures, retention",
        description="List the audit log between two dates (local days, both included): who "
        "did what, when, and to which report. Erasures are listed by references and counts "
        "only.",
    )
    audit.add_argument("--from", dest="since", type=_day, required=True, metavar="DATE")
    audit.add_argument("--to", dest="until", type=_day, required=True, metavar="DATE")


def run(loaded: LoadedConfig, args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the entries (to ``out``, standard output by default); exit status."""
    out = out or sys.stdout
    if args.until < args.since:
        print("--to is before --from.", file=sys.stderr)
        return EXIT_USAGE
    database = loaded.config.storage.database
    if not database.exists():
        print(f"There is no database at {database}.", file=sys.stderr)
        return EXIT_FAILURE
    zone = ZoneInfo(loaded.config.partnership.timezone)
    since = datetime.combine(args.since, time(0), tzinfo=zone).astimezone(UTC)
    until = datetime.combine(args.until + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    entries = asyncio.run(_entries(loaded, since, until))
    for entry in entries:
        print(line(entry, zone), file=out)
    if not entries:
        print(f"No audited actions from {args.since} to {args.until}.", file=out)
    return EXIT_OK


async def _entries(loaded: LoadedConfig, since: datetime, until: datetime) -> list[AuditEntry]:
    async with await Database.open(loaded.config.storage.database) as db:
        return await AuditRepository(db).between(since, until)


def line(entry: AuditEntry, zone: ZoneInfo) -> str:
    """One entry: local time, actor, action, report reference, details."""
    when = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    detail = json.dumps(dict(entry.detail), ensure_ascii=False, sort_keys=True)
    return "\t".join([when, entry.actor, entry.action, entry.report_ref or "-", detail])
