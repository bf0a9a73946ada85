"""The deep link a poster carries: ``t.me/<bot>?start=report`` or ``...?start=report_<category>``.

Telegram passes the ``start`` parameter to the bot as the argument of ``/start``; it allows
only the characters ``A-Z a-z 0-9 _ -`` and at most 64 of them (core.telegram.org/bots/features,
"Deep linking"). Category ids as the config accepts them (``bot.config.Identifier``: lower case,
digits, ``_`` and ``-``, at most 32) always fit; the link refuses anything else all the same, by
name, so that a poster can never carry a link that Telegram would cut or drop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import Category

# The prefix the report conversation's entry point recognises (handlers/report).
REPORT_START = "report"
START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Telegram usernames: 5 to 32 letters, digits and underscores, starting with a letter (some
# older ones are shorter, so four is accepted).
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


class LinkError(ValueError):
    """A link a poster cannot carry; the message says why, for the person making it."""


@dataclass(frozen=True, slots=True)
class DeepLink:
    """A link that opens the bot and starts a report."""

    username: str
    start: str

    @property
    def url(self) -> str:
        """The address the QR code holds: a phone's camera opens it in Telegram."""
        return f"https://t.me/{self.username}?start={self.start}"

    @property
    def in_words(self) -> str:
        """The address as printed for typing: without the scheme, which browsers add."""
        return f"t.me/{self.username}?start={self.start}"


def bot_username(text: str) -> str:
    """A bot's username as given (``@`` allowed in front), checked; raises LinkError."""
    name = text.strip().removeprefix("@")
    if not USERNAME.fullmatch(name):
        raise LinkError(
            f"{text!r} is not a Telegram username: 4 to 32 letters, digits and underscores, "
            "starting with a letter (for example stalbans_safety_bot)"
        )
    return name


def start_parameter(category_id: str | None) -> str:
    """What ``/start`` receives: ``report``, or ``report_<category id>``; raises LinkError."""
    if category_id is None:
        return REPORT_START
    parameter = f"{REPORT_START}_{category_id}"
    if not START_PARAMETER.fullmatch(parameter):
        raise LinkError(
            f"category id {category_id!r} cannot go in a Telegram link: the link's start "
            f"parameter {parameter!r} may hold only letters, digits, _ and -, and at most 64 "
            "characters; shorten or rename the category's id"
        )
    return parameter


def report_link(username: str, category: Category | None = None) -> DeepLink:
    """The link that starts a report (of this category, when one is given)."""
    return DeepLink(
        bot_username(username), start_parameter(None if category is None else category.id)
    )
