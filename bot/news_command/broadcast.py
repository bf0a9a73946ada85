"""``safetybot broadcast FILE`` and ``safetybot broadcasts``: news from the command line.

``broadcast`` reads a Markdown file, converts it to Telegram's HTML (:mod:`bot.news.markdown`),
checks its topics and areas against the configuration, and then:

- ``--dry-run``: prints the messages each subscriber would get and how many would get them;
  stores nothing;
- otherwise hands the item to the bot running on the same database (it picks it up within
  seconds and alone decides the sending rate), and shows a progress bar until it is sent; with
  no bot running it says so and queues nothing (an item for later, ``--at``, is queued with a
  warning: it goes out if a bot runs then);
- ``--standalone``: sends from this command itself, and refuses while a bot is running on
  the same database (two senders on one token would break Telegram's limits).

``broadcasts`` lists recent and scheduled items with their figures; ``--cancel ID`` cancels
one that has not started. Bad input exits 2, with the reason; a refusal to act exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Config, LoadedConfig
from bot.exits import EXIT_FAILURE, EXIT_OK, Refused
from bot.news.broadcasts import (
    COMMAND_LINE,
    Areas,
    BroadcastRefused,
    BroadcastService,
    District,
    Item,
    Part,
    Photo,
    check_send_time,
)
from bot.news.heartbeat import running_bot
from bot.news.markdown import to_telegram_html
from bot.news.parts import parse
from bot.news_command.progress import follow
from storage.db import Database
from storage.timestamps import utc_now


def add_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The ``broadcast`` and ``broadcasts`` commands and their options."""
    send = commands.add_parser(
        "broadcast",
        parents=[common],
        help="send news written in Markdown to subscribers, through the running bot",
        description="Convert a Markdown file to Telegram's HTML and hand it to the bot running "
        "on the same database, which sends it to the subscribers of its topics (and areas); "
        "a progress bar follows the sending. With no bot running it says so.",
    )
    send.add_argument("file", type=Path, help="the Markdown file")
    send.add_argument(
        "--topic", action="append", required=True, metavar="ID", help="a topic id (repeatable)"
    )
    send.add_argument(
        "--area",
        action="append",
        metavar="ID",
        help="an area id (repeatable; default: the whole district)",
    )
    send.add_argument(
        "--at",
        metavar="TIME",
        help="send later: 'YYYY-MM-DD HH:MM', the partnership's local time unless it names "
        "an offset",
    )
    send.add_argument("--urgent", action="store_true", help="an urgent alert: ahead of other news")
    send.add_argument(
        "--dry-run",
        action="store_true",
        help="print the messages and how many subscribers they would reach; store nothing",
    )
    send.add_argument(
        "--standalone",
        action="store_true",
        help="send from this command (token from SAFETYBOT_TOKEN); refused while a bot runs "
        "on the same database",
    )
    send.add_argument("--photo", type=Path, metavar="FILE", help="a photo to send first")
    listing = commands.add_parser(
        "broadcasts",
        parents=[common],
        help="list recent and scheduled broadcasts with their figures, or cancel one",
    )
    listing.add_argument(
        "--cancel", type=int, metavar="ID", help="cancel a broadcast that has not started"
    )


@dataclass(frozen=True, slots=True)
class _Request:
    """What ``broadcast`` was asked to do, checked."""

    item: Item
    at: datetime | None
    dry_run: bool
    standalone: bool


def run_broadcast(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    """``safetybot broadcast``; returns the exit status."""
    try:
        request = _request(loaded.config, args)
        return asyncio.run(_broadcast(loaded, request))
    except Refused as exc:
        print(exc, file=sys.stderr)
        return exc.status


def run_broadcasts(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    """``safetybot broadcasts``; returns the exit status."""
    path = loaded.config.storage.database
    if not path.exists():
        print(f"There is no database at {path}: nothing has been broadcast.", file=sys.stderr)
        return EXIT_FAILURE
    try:
        return asyncio.run(_broadcasts(loaded.config, args.cancel))
    except Refused as exc:
        print(exc, file=sys.stderr)
        return exc.status


def _request(config: Config, args: argparse.Namespace) -> _Request:
    """The item and options, or :class:`Refused` naming what is wrong."""
    if args.dry_run and args.standalone:
        raise Refused("--dry-run sends nothing and --standalone sends: choose one.")
    topics = tuple(dict.fromkeys(args.topic))
    _known("topic", topics, [t.id for t in config.topics])
    areas = tuple(dict.fromkeys(args.area or ()))
    _known("area", areas, [a.id for a in config.areas])
    markdown = _read_text(args.file)
    photo = Photo(data=_read_bytes(args.photo)) if args.photo is not None else None
    at = _time(args.at, config.partnership.timezone) if args.at is not None else None
    if at is not None and args.standalone:
        raise Refused("--standalone sends now; to send later, leave --at to the running bot.")
    item = Item(
        html=to_telegram_html(markdown),
        topics=topics,
        target=Areas(areas) if areas else District(),
        author=COMMAND_LINE,
        photo=photo,
        urgent=args.urgent,
    )
    return _Request(item, at, args.dry_run, args.standalone)


def _known(kind: str, given: tuple[str, ...], known: list[str]) -> None:
    unknown = [g for g in given if g not in known]
    if unknown:
        names = ", ".join(known) or "none configured"
        raise Refused(f"Unknown {kind}: {', '.join(unknown)}. The {kind}s are: {names}.")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Refused(f"{path} is not UTF-8 text: save it as UTF-8 Markdown.") from None
    except OSError as exc:
        raise Refused(f"Could not read {path}: {exc.strerror}") from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Refused(f"Could not read the photo {path}: {exc.strerror}") from None


def _time(text: str, timezone: str) -> datetime:
    """--at as an aware time: local in the partnership's zone unless it names an offset."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refused(f"--at {text!r} is not a time written like '2026-12-24 09:00'.") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=ZoneInfo(timezone))


async def _broadcast(loaded: LoadedConfig, request: _Request) -> int:
    path = loaded.config.storage.database
    if request.dry_run and not path.exists():
        # No bot has run here yet, so nobody has subscribed; look in an empty database
        # rather than make one where the bot's belongs.
        with tempfile.TemporaryDirectory() as folder:
            async with await Database.open(Path(folder) / "dry-run.sqlite3") as db:
                return await _on(loaded.config, db, request, path)
    async with await Database.open(path) as db:
        return await _on(loaded.config, db, request, path)


async def _on(config: Config, db: Database, request: _Request, path: Path) -> int:
    """Preview, send or queue the item over the open database (the bot's at ``path``)."""
    service = BroadcastService(config, db)
    try:
        parts = service.preview_parts(request.item)
        if request.at is not None:
            check_send_time(request.at, now=utc_now())
    except BroadcastRefused as exc:
        raise Refused(str(exc)) from None
    reach = await service.count_recipients(request.item.topics, request.item.target)
    if request.dry_run:
        _print_parts(parts, reach)
        return EXIT_OK
    beat = await running_bot(db, utc_now())
    if request.standalone:
        if beat is not None:
            raise Refused(
                f"A bot is running on {path} (process {beat.pid}): it sends the news. "
                "Run the command without --standalone to hand the item to it.",
                EXIT_FAILURE,
            )
        from bot.news_command.standalone import send_standalone

        return await send_standalone(config, db, service, request.item)
    if beat is None and request.at is None:
        raise Refused(
            f"No bot is running on {path}, so nothing would send this now; nothing was "
            "queued. Start the bot (safetybot run), or send with --standalone.",
            EXIT_FAILURE,
        )
    try:
        broadcast = await service.queue(request.item, token=uuid.uuid4().hex, at=request.at)
    except BroadcastRefused as exc:
        raise Refused(str(exc)) from None
    if request.at is None:
        print(f"Broadcast {broadcast.id} is queued for the running bot ({reach} subscribers).")
        return await follow(db, service, broadcast.id)
    local = request.at.astimezone(ZoneInfo(config.partnership.timezone))
    print(
        f"Broadcast {broadcast.id} is scheduled for {local:%a %-d %b %Y %H:%M} "
        f"(it would reach {reach} subscribers now)."
    )
    if beat is None:
        print(
            f"Warning: no bot is running on {path} now; it is sent only if one runs then.",
            file=sys.stderr,
        )
    return EXIT_OK


def _print_parts(parts: list[Part], reach: int) -> None:
    """The messages each subscriber would get, and how many would get them."""
    count = len(parts)
    for number, part in enumerate(parts, start=1):
        label = " (a photo, with this caption)" if part.photo is not None else ""
        print(f"--- message {number} of {count}{label} ---")
        print(part.html)
    print(f"--- it would reach {reach} subscriber{'s' if reach != 1 else ''} now ---")


async def _broadcasts(config: Config, cancel: int | None) -> int:
    async with await Database.open(config.storage.database) as db:
        service = BroadcastService(config, db)
        if cancel is not None:
            if await service.get(cancel) is None:
                raise Refused(f"There is no broadcast {cancel}: see safetybot broadcasts.")
            try:
                cancelled = await service.cancel(cancel, actor=COMMAND_LINE)
            except BroadcastRefused as exc:
                raise Refused(str(exc)) from None
            print(f"Broadcast {cancelled.id} is cancelled.")
            return EXIT_OK
        overviews = await service.list()
    if not overviews:
        print("No broadcasts yet.")
        return EXIT_OK
    zone = ZoneInfo(config.partnership.timezone)
    for overview in overviews:
        b, figures = overview.broadcast, overview.summary
        when = b.scheduled_for if b.state == "scheduled" else b.started_at or b.created_at
        assert when is not None
        title = parse(b.html).text.strip().split("\n")[0][:50] or "(a photo)"
        aimed = (
            ", ".join(b.area_ids)
            if b.area_ids
            else "the district"
            if b.target != "point"
            else "a point"
        )
        flags = " urgent" if b.urgent else ""
        withdrawn = " withdrawn" if b.withdrawn_at is not None else ""
        print(
            f"{b.id:>4}  {b.state:<9}{flags}{withdrawn}  {when.astimezone(zone):%Y-%m-%d %H:%M}  "
            f"{title}  [{', '.join(b.topics)}; {aimed}]  delivered {figures.sent}, "
            f"blocked {figures.blocked}, failed {figures.failed}, pending {figures.pending}"
        )
    return EXIT_OK
