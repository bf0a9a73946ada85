"""The ``safetybot`` command: run the bot, check a configuration, back up the database, make a
poster, send news and draft "You said, we did", print the statistics, export the reports, list
the audit log, and try it all in the sandbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr
from telegram.error import InvalidToken, NetworkError

from bot import audit_command, insight_command, news_command, poster_command
from bot.config import (
    TOKEN_ENV,
    ConfigError,
    LoadedConfig,
    config_warnings,
    load_config,
    read_token,
)
from bot.exits import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from bot.geo import GeoDataError, Locator
from bot.geo.areas import AreaMap
from bot.sandbox import DEFAULT_PORT
from storage.db import backup_database

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    def config_option(parser: argparse.ArgumentParser, default: object) -> None:
        parser.add_argument(
            "--config",
            metavar="PATH",
            default=default,
            help="the configuration file (default: ./config.toml if present, else the built-in "
            "St Albans City & District configuration)",
        )

    # Given before or after the command: a command's own option must not reset the other.
    common = argparse.ArgumentParser(add_help=False)
    config_option(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="safetybot", description="A Telegram bot for a Community Safety Partnership."
    )
    config_option(parser, None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        parents=[common],
        help="run the bot (token from SAFETYBOT_TOKEN)",
        description=f"Run the bot. The token comes from the environment variable {TOKEN_ENV}.",
    )
    commands.add_parser(
        "check-config",
        parents=[common],
        help="check a configuration and the data files it names (gazetteer, postcodes, "
        "boundaries): prints ok (after any warnings), or lists every problem and exits 2",
    )
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="copy the database consistently, even while the bot runs",
    )
    backup.add_argument("path", type=Path, help="where to write the copy")
    poster_command.add_parser(commands, common)
    news_command.add_parsers(commands, common)
    audit_command.add_parser(commands, common)
    insight_command.add_parsers(commands, common)
    sandbox = commands.add_parser(
        "sandbox",
        parents=[common],
        help="try the bot in a web page, with no token and no internet",
        description="Run the bot against an emulated Telegram on this machine, with a web page "
        "to chat as a resident, an officer or an admin. State is kept in ./safetybot-sandbox/ "
        "(beside the --config file when one is given).",
    )
    sandbox.add_argument("--port", type=int, default=DEFAULT_PORT, help="the page's port")
    sandbox.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)"
    )
    sandbox.add_argument("--fresh", action="store_true", help="start again from empty chats")
    sandbox.add_argument(
        "--demo",
        action="store_true",
        help="on a new (or --fresh) sandbox, seed a fortnight of demo reports before the bot "
        "starts; ignored when the sandbox already has state",
    )
    sandbox.add_argument(
        "--no-browser", action="store_true", help="do not open the page in a browser"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``safetybot`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The job queue's scheduler logs every job added and removed: one per conversation step.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        loaded = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if args.command == "check-config":
        return _check_config(loaded)
    if args.command == "backup":
        return _backup(loaded, args.path)
    if args.command == "poster":
        return poster_command.run(loaded, args)
    if args.command in news_command.COMMANDS:
        return news_command.run(loaded, args)
    if args.command == "audit":
        return audit_command.run(loaded, args)
    if args.command == "sandbox":
        return _sandbox(loaded, args)
    if args.command == "stats":
        return insight_command.run_stats(loaded, args)
    if args.command == "export":
        return insight_command.run_export(loaded, args)
    if args.command == "weekly":
        return insight_command.run_weekly(loaded, args)
    return _run(loaded)


def _data_files_readable(loaded: LoadedConfig) -> AreaMap | None:
    """The areas, when the data files the config names can be read and its areas placed on
    them; if not, None, having said why on stderr."""
    try:
        locator = Locator.from_config(loaded.config.geography)
        return AreaMap.from_config(loaded.config.areas, locator)
    except GeoDataError as exc:
        print(_geo_problem(loaded, exc), file=sys.stderr)
    except ConfigError as exc:
        print(ConfigError(loaded.source, exc.problems), file=sys.stderr)
    return None


def _check_config(loaded: LoadedConfig) -> int:
    areas = _data_files_readable(loaded)
    if areas is None:
        return EXIT_USAGE
    for warning in [*config_warnings(loaded.config), *areas.warnings()]:
        print(f"{loaded.source}: warning: {warning}", file=sys.stderr)
    print("ok")
    return EXIT_OK


def _sandbox(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    if _data_files_readable(loaded) is None:  # the same problems as check-config, first
        return EXIT_USAGE
    # Imported here: its web server, templates and SMTP catcher are no part of the other commands.
    from bot.sandbox.service import SandboxOptions, run_sandbox

    options = SandboxOptions(
        config=args.config,
        port=args.port,
        host=args.host,
        fresh=args.fresh,
        demo=args.demo,
        open_browser=not args.no_browser,
    )
    return run_sandbox(loaded, options)


def _geo_problem(loaded: LoadedConfig, exc: GeoDataError) -> str:
    return f"{loaded.source}: a [geography] file cannot be used:\n  - {exc.source}: {exc.problem}"


def _backup(loaded: LoadedConfig, dest: Path) -> int:
    source = loaded.config.storage.database
    if not source.exists():
        print(f"There is no database at {source} to back up.", file=sys.stderr)
        return EXIT_FAILURE
    asyncio.run(backup_database(source, dest))
    print(f"Backed up {source} to {dest}")
    return EXIT_OK


def _run(loaded: LoadedConfig) -> int:
    token = read_token()
    if token is None:
        print(
            f"No bot token. Set {TOKEN_ENV} to the token @BotFather gave you, then run again.\n"
            "To try the bot without Telegram or a token, run: safetybot sandbox",
            file=sys.stderr,
        )
        return EXIT_USAGE
    logger.info("Configuration: %s; database: %s", loaded.source, loaded.config.storage.database)
    try:
        asyncio.run(_serve_until_signalled(loaded, token))
    except InvalidToken:
        print(f"Telegram did not accept the token in {TOKEN_ENV}.", file=sys.stderr)
        return EXIT_USAGE
    except GeoDataError as exc:
        print(_geo_problem(loaded, exc), file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:  # an area whose wards, places or file the geography lacks
        print(ConfigError(loaded.source, exc.problems), file=sys.stderr)
        return EXIT_USAGE
    except NetworkError as exc:
        api_url = loaded.config.telegram.api_url
        print(f"Could not reach the Bot API at {api_url}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


async def _serve_until_signalled(loaded: LoadedConfig, token: SecretStr) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    # Imported here: the bot's handlers, Telegram library and charts are no part of the other
    # commands (an export, say, keeps its memory small without them).
    from bot.runner import serve

    await serve(loaded.config, token, stop)
