"""The words of broadcasts the admin reads: progress, summaries, refusals, the list."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.news.parts import HtmlRejected, parse
from storage.broadcasts import Broadcast, BroadcastSummary

LONDON = ZoneInfo("Europe/London")

STATE_NAMES = {
    "queued": "queued",
    "scheduled": "scheduled",
    "sending": "sending",
    "done": "sent",
    "cancelled": "cancelled",
}


def progress_text(broadcast: Broadcast, summary: BroadcastSummary, *, final: bool) -> str:
    """The admin's progress message (HTML): sent so far, or the summary at the end."""
    done = summary.sent + summary.blocked + summary.failed
    if final:
        head = f"<b>Broadcast {broadcast.id} finished.</b>"
    else:
        head = f"<b>Broadcast {broadcast.id} sending:</b> {done} of {summary.total}"
    return (
        f"{head}\n"
        f"Delivered: {summary.sent}\n"
        f"Unsubscribed because they blocked the bot: {summary.blocked}\n"
        f"Failed: {summary.failed}"
    )


def list_line(broadcast: Broadcast, summary: BroadcastSummary, *, timezone: ZoneInfo) -> str:
    """One broadcast in the admin's list (HTML), with its figures."""
    when = broadcast.scheduled_for or broadcast.created_at
    state = STATE_NAMES[broadcast.state]
    if broadcast.withdrawn_at is not None:
        state = "withdrawn"
    elif broadcast.revision:
        state += f", corrected ({broadcast.revision})"
    preview = html.escape(_plain_start(broadcast.html))
    urgent = " ⚠️ urgent" if broadcast.urgent else ""
    return (
        f"<b>{broadcast.id}</b> · {when.astimezone(timezone):%d %b %H:%M} · {state}{urgent}\n"
        f"{preview}\n"
        f"Delivered {summary.sent}, blocked {summary.blocked}, failed {summary.failed}"
        + (f", waiting {summary.pending}" if summary.pending else "")
    )


def _plain_start(text: str, length: int = 60) -> str:
    try:
        plain = parse(text).text
    except HtmlRejected:
        plain = text
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1] + "…"
