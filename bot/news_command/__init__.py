"""News from the command line: ``safetybot digest`` ("You said, we did" from the database,
:mod:`.digest`), ``safetybot broadcast FILE`` and ``safetybot broadcasts`` (:mod:`.broadcast`,
following a send with :mod:`.progress`, or sending without the bot with :mod:`.standalone`)."""

from __future__ import annotations

import argparse

from bot.config import LoadedConfig
from bot.news_command import broadcast, digest

COMMANDS = ("digest", "broadcast", "broadcasts")


def add_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The news commands and their options."""
    digest.add_parser(commands, common)
    broadcast.add_parsers(commands, common)


def run(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    """Run the news command ``args.command`` (one of :data:`COMMANDS`); the exit status."""
    if args.command == "digest":
        return digest.run(loaded, args)
    if args.command == "broadcast":
        return broadcast.run_broadcast(loaded, args)
    return broadcast.run_broadcasts(loaded, args)
