"""What the agencies' chats are sent when a reporter asks to be forgotten: their cards edited to
hold no details, and the pins and photos deleted while Telegram still allows it.

A bot may edit the text of its own messages with no time limit, but may delete a message only
within 48 hours of sending it (Bot API, ``deleteMessage``); older pins and photos stay, and the
resident is told so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.config import Agency, Category, Config
from bot.outbox.items import DELETE, EDIT, Outgoing
from bot.outbox.telegram.items import card, officer_buttons
from bot.routing.rules import route
from storage.reports import Report

DELETE_WITHIN = timedelta(hours=48)
"""How long after sending Telegram lets a bot delete its message."""


def may_delete(sent_at: datetime | None, now: datetime) -> bool:
    """Whether a message sent at ``sent_at`` can still be deleted at ``now`` (with a margin)."""
    return sent_at is not None and now - sent_at < DELETE_WITHIN - timedelta(minutes=10)


def kept_card(
    config: Config,
    report: Report,
    category: Category,
    agency: Agency,
    message_id: int,
    *,
    acknowledged: bool,
) -> Outgoing:
    """The card of a report kept open anonymously, rewritten from the anonymised report, with
    its buttons, so officers can still act on it."""
    routing = route(config, category, report.answers, report.ward, report.created_at)
    text = (
        card(config, report, category, agency, routing)
        + "\n\n<i>The reporter asked us to erase their details: this report stays open, "
        "anonymously, and they cannot be contacted.</i>"
    )
    payload = {
        "message_id": message_id,
        "text": text,
        "parse_mode": "HTML",
        "disable_web_page_preview": True,
        "reply_markup": officer_buttons(
            report, agency, sensitive=category.sensitive, acknowledged=acknowledged
        ),
    }
    return Outgoing(EDIT, str(agency.chat_id), payload, _key(report.id, agency.id, message_id))


def withdrawn_card(report: Report, category: Category, agency: Agency, message_id: int) -> Outgoing:
    """The card of a report its reporter withdrew: the reference and category only, no
    buttons."""
    text = (
        f"<b>Report {escape(report.ref)} ({escape(category.name.lower())}) was withdrawn</b> "
        "by the reporter, and its details were erased at their request. Nothing more is "
        "needed on it here."
    )
    payload = {"message_id": message_id, "text": text, "parse_mode": "HTML"}
    return Outgoing(EDIT, str(agency.chat_id), payload, _key(report.id, agency.id, message_id))


def erased_answer(report_ref: str, chat_id: str, message_id: int) -> Outgoing:
    """A reporter's relayed answer, replaced by a note that it was erased."""
    text = f"The reporter of {report_ref} asked us to erase their details; their answer is gone."
    payload = {"message_id": message_id, "text": text}
    return Outgoing(EDIT, chat_id, payload, f"erase:answer:{chat_id}:{message_id}")


def deletion(chat_id: str, message_id: int) -> Outgoing:
    """Delete a pin or photo the bot sent."""
    return Outgoing(
        DELETE, chat_id, {"message_id": message_id}, f"erase:del:{chat_id}:{message_id}"
    )


def _key(report_id: int, agency_id: str, message_id: int) -> str:
    return f"erase:{report_id}:{agency_id}:{message_id}"


# The outbox keys made for a report, whichever channel made them: the agencies' cards, pins and
# photos (telegram.items.card_key), e-mails and webhook calls (email.items, webhook.items), the
# reporter's confirmation and updates (telegram.reporter), reminders (outbox.reminders).
_REPORT_PREFIXES = ("alert", "email", "webhook", "submitted", "ack", "res", "ref", "reminder")


def report_key_patterns(report_id: int, event_ids: list[int]) -> list[str]:
    """SQL LIKE patterns matching every outbox key made for a report: those named by the report
    and the questions and answers relayed about it (named by their events)."""
    patterns = [f"{prefix}:{report_id}:%" for prefix in _REPORT_PREFIXES]
    patterns += [f"{prefix}:{event_id}" for event_id in event_ids for prefix in ("ask", "answer")]
    return patterns


def key_agency(dedupe_key: str | None) -> str | None:
    """The agency a report's card, e-mail or webhook key names (``kind:report:agency``)."""
    parts = (dedupe_key or "").split(":")
    return parts[2] if len(parts) >= 3 else None


def is_card_key(dedupe_key: str | None) -> bool:
    """Whether the key is a card's own (not its pin's or a photo's)."""
    parts = (dedupe_key or "").split(":")
    return len(parts) == 3 and parts[0] == "alert"
