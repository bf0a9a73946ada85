"""What /stats says, as Telegram HTML: the table in ``<pre>`` blocks (aligned), every name
from config or data escaped, split into messages Telegram accepts."""

from __future__ import annotations

from html import escape

from bot.insight.model import Statistics
from bot.insight.tables import heading, sections

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text."""

STATS_REFUSED = (
    "The statistics are for the partnership's admins and its agencies' officers. "
    "To report something, send /report."
)
BAR_CAPTION = "Reports by category, period against period"
MAP_CAPTION = "Reports by area in the period"


def stats_usage(problem: str | None = None) -> str:
    """How to ask for a period, after what was wrong with the one asked for."""
    lines = [f"That period cannot be read: {escape(problem)}.", ""] if problem else []
    lines += [
        "Send /stats for last month against the month before, or give the first and the last "
        "day (both included), and optionally <code>last-year</code> to compare with the same "
        "days a year before:",
        "<code>/stats 2026-01-01 2026-03-31</code>",
        "<code>/stats 2026-01-01 2026-03-31 last-year</code>",
    ]
    return "\n".join(lines)


def stats_messages(stats: Statistics, partnership: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The statistics as HTML messages of at most ``limit`` characters: the heading, then each
    section's title and its aligned table, as many sections to a message as fit."""
    blocks = [f"<b>{escape(heading(stats, partnership))}</b>"]
    for title, body in sections(stats):
        block = f"<b>{escape(title)}</b>\n<pre>{escape(body)}</pre>"
        if len(block) > limit:  # a very long table (many wards): its lines over messages
            block = _shortened(title, body, limit)
        blocks.append(block)
    messages: list[str] = []
    for block in blocks:
        if messages and len(messages[-1]) + 2 + len(block) <= limit:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages


def _shortened(title: str, body: str, limit: int) -> str:
    kept: list[str] = []
    head = f"<b>{escape(title)}</b>\n<pre>"
    for line in body.splitlines():
        if len(head) + len(escape("\n".join([*kept, line, "..."]))) + len("</pre>") > limit:
            kept.append("...")
            break
        kept.append(line)
    return head + escape("\n".join(kept)) + "</pre>"
