"""What an agency's group chat receives for a new report: the card, the pin and the photos.

Domain code (no Telegram imports): it returns outbox items (kind, target, payload) that the
dispatcher sends. A sensitive report's card carries the reference, category, area and priority
only; its details go to an authorised officer in a private chat.
"""

from __future__ import annotations

from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot import buttons
from bot.config import Agency, Category, Config
from bot.outbox import facts
from bot.outbox.items import LOCATION, MESSAGE, PHOTO, Outgoing
from bot.outbox.repeats import Repeat, repeat_line
from bot.routing.rules import Routing
from storage.reports import Report

ACK = "Acknowledge"
RESOLVE = "Resolve"
REFER = "Refer"
ASK = "Ask the reporter"
DETAILS = "Details (private)"


def card_key(report_id: int, agency_id: str) -> str:
    """The outbox key of a report's card for an agency (its pin and photos extend it): the
    officers' buttons find the card the agency was sent by it."""
    return f"alert:{report_id}:{agency_id}"


def officer_buttons(
    report: Report, agency: Agency, *, sensitive: bool, acknowledged: bool = False
) -> dict[str, Any]:
    """The card's buttons, as a Bot API inline keyboard: Acknowledge until it is, then the
    rest; a sensitive card also offers its details in a private chat."""

    def button(text: str, action: buttons.CardActionName) -> dict[str, str]:
        pressed = buttons.CardAction(action, report.id, agency.id)
        return {"text": text, "callback_data": buttons.encode(pressed)}

    rows = [] if acknowledged else [[button(ACK, "ack")]]
    rows.append([button(RESOLVE, "res"), button(REFER, "ref")])
    rows.append([button(ASK, "ask")] + ([button(DETAILS, "det")] if sensitive else []))
    return {"inline_keyboard": rows}


def card(
    config: Config,
    report: Report,
    category: Category,
    agency: Agency,
    routing: Routing,
    *,
    full: bool = False,
    repeat: Repeat | None = None,
) -> str:
    """The alert text for one agency (HTML, with everything from residents escaped); a
    sensitive report's card carries no details unless ``full`` (for a private chat). A
    ``repeat`` (earlier reports at the spot, resolved before this one came) is a line under
    the map link."""
    zone = ZoneInfo(config.partnership.timezone)
    head = (
        f"<b>{facts.PRIORITY_WORDS[report.priority]}: new {escape(category.name.lower())} report "
        f"{escape(report.ref)}</b>"
    )
    due = facts.targets(config, routing)
    flags = facts.flags(report)
    if category.sensitive and not full:
        lines = [
            head,
            f"Area: {escape(facts.area(report))}",
            *flags,
            due,
            "Sensitive: the details go to officers in a private chat with the bot.",
        ]
        return "\n".join(lines)
    lines = [head]
    texts = {q.id: q.text for q in category.questions}
    for question_id, answer in facts.answers(report, category).items():
        lines.append(f"{escape(texts[question_id])} <b>{escape(answer)}</b>")
    if report.occurred_at:
        lines.append(f"When: {report.occurred_at.astimezone(zone):%a %-d %b %Y %H:%M}")
    lines.append(f"Where: {escape(facts.area(report))}")
    if report.latitude is not None and report.longitude is not None:
        lat, lon = report.latitude, report.longitude
        link = f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}"
        lines.append(f'<a href="{escape(link)}">Open the map</a>')
    if repeat is not None:
        lines.append(escape(repeat_line(repeat, report.created_at.astimezone(zone).date())))
    lines += flags
    lines.append(f"Description: {escape(report.description or facts.NO_DESCRIPTION)}")
    if report.photos:
        lines.append(f"Photos: {len(report.photos)} (below)")
    lines.append("The reporter " + ("is anonymous." if report.anonymous else "can be updated."))
    lines.append(due)
    return "\n".join(lines)


def alerts(
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    agencies: tuple[str, ...] | None = None,
    *,
    repeat: Repeat | None = None,
) -> list[Outgoing]:
    """Everything the agencies' chats receive for a new report (or, with ``agencies``, for a
    report referred to them), in order; ``repeat`` as :func:`card` says it."""
    items: list[Outgoing] = []
    for agency_id in agencies if agencies is not None else routing.agencies:
        agency = config.agency(agency_id)
        target = str(agency.chat_id)
        key = card_key(report.id, agency.id)
        payload = {
            "text": card(config, report, category, agency, routing, repeat=repeat),
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
            "reply_markup": officer_buttons(report, agency, sensitive=category.sensitive),
        }
        items.append(Outgoing(MESSAGE, target, payload, key))
        if category.sensitive:
            continue
        if report.latitude is not None and report.longitude is not None:
            where = {"latitude": report.latitude, "longitude": report.longitude}
            items.append(Outgoing(LOCATION, target, where, f"{key}:pin"))
        for index, file_id in enumerate(report.photos):
            photo = {"file_id": file_id, "caption": f"{report.ref} photo {index + 1}"}
            items.append(Outgoing(PHOTO, target, photo, f"{key}:photo:{index}"))
    return items
