"""What officers read from the bot: the answers to their presses, the prompts for a note or a
question, the lines stamped on a card, the queue's words. HTML where a line embeds a name."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

# An agency's state for a report, in the officers' words (the resident's words for the
# report's overall status are the reporting flow's own).
AGENCY_STATE_WORDS = {
    "sent": "waiting to be acknowledged",
    "acknowledged": "acknowledged",
    "in_progress": "in progress",
    "resolved": "resolved",
    "referred": "referred to another agency",
    "closed_not_ours": "closed: not ours",
    "closed_duplicate": "closed: a duplicate",
    "closed_no_action": "closed: no further action",
}

REFUSED = "Sorry, only officers of the team this report was sent to can act on it."
WRONG_CARD = "That button does not belong to this message, so nothing was done."
RESOLVED = "Resolved. The reporter has been told."
ACKNOWLEDGED = "Acknowledged. The reporter has been told."
RESOLVE_QUESTION = (
    "Resolve this report? A note goes to the reporter only, unless you choose that it may also "
    "be published in the partnership's news."
)
RESOLVE_QUESTION_SENSITIVE = "Resolve this report? A note goes to the reporter only."
RESOLVE_WITHOUT_NOTE = "Resolve without a note"
RESOLVE_WITH_NOTE = "Write a note for the reporter"
RESOLVE_WITH_PUBLISHABLE_NOTE = "Write a note that may be published (no names or addresses)"
CANNOT_REFER = "This kind of report cannot be passed to another team."
REFER_QUESTION = "Pass this report to which team?"
STALE_CHOICE = "That choice is out of date."
REFERRED = "Passed on. The reporter has been told."
ANONYMOUS = "This reporter is anonymous, so they cannot be asked anything."
NOTE_PROMPT = "Note for the reporter: reply to this message with it. It is sent as you write it."
PUBLISHABLE_NOTE_PROMPT = (
    "Note for the reporter, which may also be published in the partnership's news: reply to "
    "this message with it. Write no names or addresses."
)
NOTE_PLACEHOLDER = "Note for the reporter"
QUESTION_PROMPT = (
    "Question for the reporter: reply to this message with it. "
    "The reporter will not see who you are, and you will not see who they are."
)
QUESTION_PLACEHOLDER = "Your question"
RESOLVED_WITH_NOTE = "Resolved; the reporter has your note."
QUESTION_SENT = "Your question was sent to the reporter."
DETAILS_SENT = "Sent to your private chat with me."
ANSWER_PASSED = "Thank you: your answer was passed to the team."
ANSWER_TOO_LATE = "Sorry, that question can no longer be answered here."
QUEUE_NOT_FOR_YOU = "/queue is for the teams that receive reports."
QUEUE_IN_PRIVATE = "Send /queue to me in a private chat to see every team's open reports."
QUEUE_ACK_OVERDUE = ", acknowledgement overdue"
QUEUE_RESOLUTION_OVERDUE = ", resolution overdue"


def state_words(state: str | None) -> str:
    """An agency's state for a report, in words."""
    return AGENCY_STATE_WORDS.get(state or "", state or "unknown")


def already(state: str | None) -> str:
    """A press on a report that has moved on."""
    return f"This report is already {state_words(state)}."


def refused(refusal: str, state: str | None) -> str:
    """The answer to a press that is refused: not the presser's to make, not made on the card
    it belongs to, or made when the report's part here is over."""
    if refusal == "wrong_card":
        return WRONG_CARD
    if refusal == "finished":
        return already(state)
    return REFUSED


def nothing_sent(state: str | None) -> str:
    """A note or question typed for a report that has moved on."""
    return f"Nothing was sent: this report is {state_words(state)}."


def start_private_chat(bot_username: str | None) -> str:
    """A details press by an officer who has not yet started a private chat with the bot."""
    return f"Start a private chat with me first (t.me/{bot_username}), then tap again."


def when(now: datetime, timezone: str) -> str:
    """A moment as stamped on a card, in the partnership's time zone."""
    return f"{now.astimezone(ZoneInfo(timezone)):%a %-d %b %H:%M}"


def acknowledged_line(officer: str, at: str) -> str:
    """The line an acknowledgement adds to the card (HTML)."""
    return f"✔ Acknowledged by {escape(officer)}, {at}."


def resolved_line(officer: str, at: str, note: str | None, *, publishable: bool = False) -> str:
    """The reply a resolution puts under the card (HTML): who, when, and the note, saying
    whether it may be published."""
    line = f"✔ Resolved by {escape(officer)}, {at}."
    if note:
        kind = "Note (may be published)" if publishable else "Note"
        line += f" {kind}: {escape(note)}"
    return line


def referred_line(target: str, officer: str, at: str) -> str:
    """The reply a referral puts under the card (HTML)."""
    return f"➜ Passed to {escape(target)} by {escape(officer)}, {at}."


def queue_heading(agency: str, count: int) -> str:
    """The heading of an agency's open reports in /queue (HTML)."""
    return f"<b>{escape(agency)}</b>: {count} open, oldest first"


def queue_empty(agency: str) -> str:
    """An agency with no open reports, in /queue (HTML)."""
    return f"<b>{escape(agency)}</b>: no open reports."


def queue_continued(heading: str) -> str:
    """A queue heading repeated at the top of the next message."""
    return f"{heading} (continued)"


def queue_sensitive_line(ref: str, ward: str | None, priority: str) -> str:
    """A sensitive report in the admins' /queue: its reference, area and priority only (HTML)."""
    return f"• {escape(ref)}: sensitive, {escape(ward or 'area not known')}, {priority} priority"
