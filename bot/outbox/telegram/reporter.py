"""What a reporter (and anyone following their report) receives in their private chat: the
confirmation with the reference, news of the report's status, and an officer's question; and
what the agency receives back, the answer.

Domain code (no Telegram imports): each function returns outbox items that the services
enqueue in the transaction of the change they announce. The confirmation is HTML; the rest is
plain text, no parse mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.config import Agency, Category
from bot.outbox.items import MESSAGE, Outgoing
from storage.reports import Report

# Part of every question relayed to a reporter. Before replies were matched by message id, the
# reporter's answer was matched by this phrase; the officers' legacy reader still looks for it.
ASKS_MARK = "asks about your report"


def submitted(
    report: Report,
    category: Category,
    chat_id: int,
    draft_token: str,
    *,
    anonymous: bool,
    followed: bool = False,
) -> Outgoing:
    """The confirmation to the resident who submitted (or, ``followed``, added their details to)
    ``report`` from the draft ``draft_token``. It also takes away any reply keyboard left from
    the conversation. An anonymous reporter's chat is erased from the outbox once it is sent."""
    payload = {
        "text": confirmation(report.ref, category, anonymous, followed),
        "parse_mode": "HTML",
        "reply_markup": {"remove_keyboard": True},
    }
    key = f"submitted:{report.id}:{draft_token}"
    return Outgoing(MESSAGE, str(chat_id), payload, key, erase_target=anonymous)


def confirmation(ref: str, category: Category, anonymous: bool, followed: bool = False) -> str:
    """The confirmation: the reference, what happens next, the response targets (HTML)."""
    hours = category.acknowledge_within_hours
    days = category.resolve_within_days
    what = "added your details to report" if followed else "received your report"
    lines = [
        f"<b>Thank you. We have {what} {escape(ref)}.</b>",
        f"Your reference: <b>{escape(ref)}</b> (say it as {' '.join(ref.replace('-', ''))}).",
        "",
        f"What happens next: it goes to the team that deals with {escape(category.name.lower())}. "
        f"They aim to pick it up within {hours} hours and to resolve it within {days} days.",
    ]
    if anonymous:
        lines.append(
            "You reported anonymously: we kept nothing that identifies you, so we cannot send "
            "you updates. You can check its state any time with /status and the reference."
        )
    else:
        lines.append("We will tell you here when something happens. /myreports lists yours.")
    if category.signpost:
        lines += ["", escape(category.signpost)]
    lines += ["", "If anyone is in danger, call 999."]
    return "\n".join(lines)


def acknowledged(report: Report, agency: Agency, chats: Sequence[int]) -> list[Outgoing]:
    """The agency has picked the report up."""
    text = (
        f"Update on your report {report.ref}: {agency.name} has picked it up. "
        "We will tell you here when there is more news."
    )
    return _to_each(chats, text, f"ack:{report.id}:{agency.id}")


def resolved(
    report: Report, agency: Agency, note: str | None, chats: Sequence[int]
) -> list[Outgoing]:
    """The agency has resolved the report, with the officer's note if they wrote one."""
    text = f"Update on your report {report.ref}: {agency.name} has resolved it."
    if note:
        text += f"\nTheir note: {note}"
    return _to_each(chats, text, f"res:{report.id}:{agency.id}")


def referred(
    report: Report, agency_id: str, target: Agency, chats: Sequence[int]
) -> list[Outgoing]:
    """Agency ``agency_id`` has passed the report to ``target``."""
    text = f"Update on your report {report.ref}: it has been passed to {target.name}."
    return _to_each(chats, text, f"ref:{report.id}:{agency_id}:{target.id}")


def question(report: Report, agency: Agency, asked: str, event_id: int) -> Outgoing:
    """An officer's question (event ``event_id``) relayed to the reporter, as the bot's text."""
    assert report.reporter_chat_id is not None, "an anonymous reporter cannot be asked"
    return Outgoing(
        "message",
        str(report.reporter_chat_id),
        {"text": asking(report.ref, agency.name, asked)},
        f"ask:{event_id}",
    )


def answer(report: Report, agency: Agency, answered: str, event_id: int) -> Outgoing:
    """The reporter's answer (event ``event_id``) relayed to the agency's chat as the bot's text."""
    return Outgoing(
        "message",
        str(agency.chat_id),
        {"text": f"The reporter of {report.ref} answers:\n{answered}"},
        f"answer:{event_id}",
    )


def asking(ref: str, agency: str, asked: str) -> str:
    """The question relayed to a reporter (plain text); replying to it answers."""
    return (
        f"{agency} {ASKS_MARK} {ref}:\n{asked}\n\n"
        "Reply to this message to answer; the team will not see your name or number."
    )


def _to_each(chats: Sequence[int], text: str, key: str) -> list[Outgoing]:
    """The same news for each chat, each once (the key names the change and the chat)."""
    return [Outgoing("message", str(chat), {"text": text}, f"{key}:{chat}") for chat in chats]
