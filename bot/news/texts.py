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


# The /broadcast conversation (admins only)

COMPOSE = (
    "<b>New broadcast.</b> Send the item as an ordinary message, formatted with Telegram's "
    "bold, italic and links, with a photo if you like (the text as its caption). "
    "/cancel stops."
)
NOT_A_MESSAGE = "Please send the item as a text message, or a photo with a caption."
PHOTO_AS_FILE = "Please send the picture as a photo, not as a file."
PHOTO_TOO_BIG = (
    "That photo is over 10 MB, more than Telegram accepts from a bot. Please send a smaller one."
)
CHOOSE_TOPICS = "Which topics is it about? Tick one or more, then press Done."
NO_TOPIC = "Tick at least one topic first."
CHOOSE_TARGET = "Who should receive it?"
CHOOSE_AREAS = "Which areas? Tick one or more, then press Done."
NO_AREA = "Tick at least one area first."
SEND_POINT = "Send the place of the urgent alert as a location pin (📎, then Location)."
NOT_A_POINT = "Please send a location pin (📎, then Location), or /cancel."
CHOOSE_RADIUS = "How far around that point?"
PREVIEW_HEAD = "<b>Preview</b>: the next message(s) are exactly what subscribers will get."
ASK_TIME = (
    "When should it go? Type a time in UK time, for example "
    '"tomorrow 09:00", "today 18:30" or "2026-12-03 18:30".'
)
TIME_UNREADABLE = (
    'I could not read that time. Try "tomorrow 09:00", "today 18:30" or "2026-12-03 18:30".'
)
CANCELLED = "Broadcast cancelled. Nothing was sent."
TIMED_OUT = "The broadcast you were writing timed out; nothing was sent. /broadcast starts again."
STALE = "That button belongs to an earlier step."
SENDING = "Sending… this message will show the progress."
ADMINS_ONLY = "Only the partnership's admins can do that."
ASK_CORRECTION = (
    "Send the corrected text. Every copy already delivered will be edited to it. /cancel stops."
)
NO_BROADCASTS = "No broadcasts yet. /broadcast writes one."
LIST_HEAD = "<b>Recent broadcasts</b>"
WITHDRAW_SURE = (
    "Withdraw broadcast {id}? Every delivered copy will be deleted from subscribers' chats."
)


def reach(count: int) -> str:
    """How many chats the item will reach."""
    return f"It will reach <b>{count}</b> subscriber{'s' if count != 1 else ''}."


def parts_note(count: int) -> str:
    """How many messages each subscriber gets, when more than one."""
    return "" if count == 1 else f" Each gets {count} messages."


def scheduled(broadcast_id: int, at_local: str) -> str:
    """The item is scheduled."""
    return f"Broadcast {broadcast_id} is scheduled for {at_local} (UK time). /broadcasts lists it."


def refused(reason: str) -> str:
    """The service's reason for refusing, for the admin."""
    return f"Sorry, that cannot be done: {reason}"


def corrected(broadcast_id: int) -> str:
    """The correction is on its way."""
    return f"Broadcast {broadcast_id} corrected: every delivered copy is being edited."


def withdrawn(broadcast_id: int) -> str:
    """The withdrawal is on its way."""
    return f"Broadcast {broadcast_id} withdrawn: every delivered copy is being deleted."


def cancelled_item(broadcast_id: int) -> str:
    """A queued or scheduled item was cancelled."""
    return f"Broadcast {broadcast_id} cancelled; it will not be sent."
