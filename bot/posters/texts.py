"""What a poster says: short, plain English that reads from across a room.

The partnership's name, the categories and their notes come from the configuration; these
are the words around them. Nothing here is HTML: the page is drawn, not marked up.
"""

from __future__ import annotations

HEADLINE = "Report it on Telegram"
WHAT_TO_REPORT = "You can report:"
ONE_CATEGORY = "Seen it? Report it:"
SCAN = "Scan the code with your phone's camera"
OR_OPEN = "or open this link:"
HOW_IT_WORKS = "It takes about a minute. You can report anonymously."
EMERGENCY = "In an emergency call 999"
BULLET = "\u2022"  # a bullet point


def title(partnership: str, category: str | None) -> str:
    """The PDF's title, as a viewer shows it."""
    return f"{partnership}: {category}" if category else f"{partnership}: {HEADLINE}"
