"""``safetybot poster``: a printable A4 poster with the QR code of the link that starts a report.

The bot's username is given with ``--username``, or read from the Bot API (getMe) with the
token in ``SAFETYBOT_TOKEN`` at the configured ``[telegram] api_url``. The poster itself is drawn
by :mod:`bot.posters`, which knows nothing of Telegram.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import SecretStr
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.config import TOKEN_ENV, Category, LoadedConfig, read_token
from bot.exits import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Refused
from bot.posters import FORMATS, Format
from bot.posters.content import poster_for
from bot.posters.links import LinkError, report_link
from bot.telegram.request import AiohttpRequest


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The ``poster`` command and its options."""
    poster = commands.add_parser(
        "poster",
        parents=[common],
        help="make a printable A4 poster with a QR code that starts a report",
        description="Make a printable A4 poster: the partnership's name, what to report, a QR "
        "code of the bot's link that starts a report, the link in words, and what to do in an "
        f"emergency. The bot's username is given with --username, or asked of the Bot API "
        f"with the token in {TOKEN_ENV}.",
    )
    poster.add_argument(
        "--category",
        metavar="ID",
        help="a category's id: the poster is about it and its link starts a report of it "
        "(default: every category, and the link asks which)",
    )
    poster.add_argument(
        "--format",
        choices=FORMATS,
        help="pdf (for printing) or png (at 300 dpi); default: from --out's ending, else pdf",
    )
    poster.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="where to write it (default: poster-all.pdf or poster-<category>.pdf here)",
    )
    poster.add_argument(
        "--username",
        metavar="NAME",
        help=f"the bot's Telegram username (default: asked of the Bot API with {TOKEN_ENV})",
    )


def run(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    """Make the poster the options ask for; returns the exit status."""
    # Imported here, not at the top: matplotlib is for making posters, not for the running bot.
    from bot.posters.layout import LayoutError, render

    try:
        category = _category(loaded, args.category)
        fmt, out = _format_and_path(args.format, args.out, args.category)
        username = args.username if args.username is not None else _username(loaded)
        link = report_link(username, category)
        _write(out, render(poster_for(loaded.config, link, category), fmt))
    except (LinkError, LayoutError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except Refused as exc:
        print(exc, file=sys.stderr)
        return exc.status
    print(f"Wrote {out}: a {fmt.upper()} poster whose QR code opens {link.url}")
    return EXIT_OK


def _category(loaded: LoadedConfig, category_id: str | None) -> Category | None:
    if category_id is None:
        return None
    category = loaded.config.category(category_id)
    if category is None:
        known = ", ".join(c.id for c in loaded.config.categories)
        raise Refused(f"{loaded.source} has no category {category_id!r}; its categories: {known}")
    return category


def _format_and_path(
    fmt: Format | None, out: Path | None, category_id: str | None
) -> tuple[Format, Path]:
    suffix = out.suffix.lower().removeprefix(".") if out is not None else ""
    implied = next((f for f in FORMATS if f == suffix), None)
    if fmt is not None and implied is not None and fmt != implied:
        raise Refused(f"--format {fmt} does not match --out {out}: give one or make them agree")
    chosen = fmt or implied or "pdf"
    return chosen, out if out is not None else Path(f"poster-{category_id or 'all'}.{chosen}")


def _username(loaded: LoadedConfig) -> str:
    """The bot's username, from the Bot API's getMe with the token in the environment."""
    token = read_token()
    api_url = loaded.config.telegram.api_url
    if token is None:
        raise Refused(
            "Which bot is the poster for? Give its username with --username NAME, or set "
            f"{TOKEN_ENV} to the bot's token so that its username can be asked of the Bot API."
        )
    try:
        username = asyncio.run(_get_me(api_url, token))
    except InvalidToken:
        raise Refused(
            f"Telegram did not accept the token in {TOKEN_ENV}; give the bot's username with "
            "--username NAME instead."
        ) from None
    except TelegramError as exc:
        said = str(exc).replace(token.get_secret_value(), "<token>")
        raise Refused(
            f"Could not ask the Bot API at {api_url} for the bot's username ({said}); give it "
            "with --username NAME instead.",
            EXIT_FAILURE,
        ) from None
    if not username:
        raise Refused(
            f"The Bot API at {api_url} gave the bot no username; give it with --username."
        )
    return username


async def _get_me(api_url: str, token: SecretStr) -> str | None:
    bot = Bot(
        token.get_secret_value(),
        base_url=f"{api_url}/bot",
        base_file_url=f"{api_url}/file/bot",
        request=AiohttpRequest(connection_pool_size=1),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    async with bot:  # initialising the bot calls getMe
        name: str | None = bot.bot.username
    return name


def _write(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise Refused(f"Could not write {out}: {exc.strerror}", EXIT_FAILURE) from None
