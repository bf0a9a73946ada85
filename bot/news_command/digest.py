"""``safetybot digest [--from DATE --to DATE]``: print "You said, we did" for a period (both days
included; default: the last full calendar month in the partnership's time zone), the same draft
an admin gets from /digest, as Telegram HTML. Read from the database; nothing is sent."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import LoadedConfig
from bot.exits import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from bot.news.digest import DigestDrafter, Period
from storage.db import Database
from storage.timestamps import utc_now


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The ``digest`` command and its options."""
    digest = commands.add_parser(
        "digest",
        parents=[common],
        help='print "You said, we did" drafted from the reports resolved in a period',
        description='Print "You said, we did" as Telegram HTML: the reports resolved in the '
        "period counted by category and area (sensitive categories and small counts left "
        "out), and the notes officers allowed to be published. Both dates are included; "
        "without them, the last full calendar month.",
    )
    digest.add_argument("--from", dest="first", metavar="DATE", help="the first day, YYYY-MM-DD")
    digest.add_argument("--to", dest="last", metavar="DATE", help="the last day, YYYY-MM-DD")
    digest.add_argument(
        "--notes", action="store_true", help="print the chosen notes as a list first"
    )


def run(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    """Print the digest the options ask for; returns the exit status."""
    config = loaded.config
    try:
        if args.first is None and args.last is None:
            period = Period.last_full_month(utc_now(), config.partnership.timezone)
        elif args.first is None or args.last is None:
            raise ValueError("give both --from and --to, or neither (for last month)")
        else:
            period = Period.parse(args.first, args.last)
    except ValueError as exc:
        print(f"safetybot digest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    path = config.storage.database
    if not path.exists():
        print(f"There is no database at {path}: nothing has been resolved.", file=sys.stderr)
        return EXIT_FAILURE
    print(asyncio.run(_draft(loaded, period, notes=args.notes)))
    return EXIT_OK


async def _draft(loaded: LoadedConfig, period: Period, *, notes: bool) -> str:
    async with await Database.open(loaded.config.storage.database) as db:
        digest = await DigestDrafter(loaded.config, db).draft(period)
    return f"{digest.notes_html()}\n\n{digest.html()}" if notes else digest.html()
