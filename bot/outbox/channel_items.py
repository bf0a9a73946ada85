"""What an agency's e-mail address and webhook receive for a new report, as outbox items.

Domain code (no Telegram). The e-mail is plain text with the facts of the Telegram card; the
webhook body is an Open311 GeoReport v2 shaped service request. For a sensitive category
neither carries details: the reference, category, area and priority only.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Agency, Category, Config
from bot.outbox import facts
from bot.outbox.telegram.items import Outgoing
from bot.routing.rules import Routing
from storage.outbox import OutboxRepository
from storage.reports import Report

EMAIL = "email"
WEBHOOK = "webhook"
SENSITIVE_LINE = (
    "This is a sensitive report: its details are available to authorised officers "
    "in a private chat with the bot."
)


def channel_items(
    config: Config, report: Report, category: Category, routing: Routing
) -> list[Outgoing]:
    """The e-mails and webhook calls for a new report, for each routed agency that has them."""
    items: list[Outgoing] = []
    for agency_id in routing.agencies:
        agency = config.agency(agency_id)
        if agency.email is not None:
            items.append(email_item(config, report, category, agency, routing))
        if agency.webhook_url is not None:
            items.append(webhook_item(report, category, agency))
    return items


async def enqueue_channel_items(
    outbox: OutboxRepository,
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
) -> None:
    """Write :func:`channel_items` to the outbox (inside the caller's transaction)."""
    for item in channel_items(config, report, category, routing):
        await outbox.enqueue(
            item.kind, item.target, item.payload, dedupe_key=item.dedupe_key, now=report.created_at
        )


def email_item(
    config: Config, report: Report, category: Category, agency: Agency, routing: Routing
) -> Outgoing:
    """The e-mail to ``agency`` about a new report."""
    assert agency.email is not None
    priority = facts.PRIORITY_WORDS[report.priority]
    subject = f"{priority}: new {category.name.lower()} report {report.ref}"
    payload = {
        "to": agency.email,
        "subject": subject,
        "body": email_body(config, report, category, routing),
    }
    return Outgoing(EMAIL, agency.email, payload, f"email:{report.id}:{agency.id}")


def email_body(config: Config, report: Report, category: Category, routing: Routing) -> str:
    """The e-mail's plain text: the Telegram card's facts, or none for a sensitive category."""
    priority = facts.PRIORITY_WORDS[report.priority]
    head = [
        f"Reference: {report.ref}",
        f"Category: {category.name}",
        f"Area: {facts.area(report)}",
        f"Priority: {priority}",
    ]
    if category.sensitive:
        return "\n".join([*head, "", SENSITIVE_LINE, ""])
    zone = ZoneInfo(config.partnership.timezone)
    lines = [*head, ""]
    texts = {q.id: q.text for q in category.questions}
    lines += [f"{texts[qid]} {answer}" for qid, answer in facts.answers(report, category).items()]
    if report.occurred_at:
        lines.append(f"When: {report.occurred_at.astimezone(zone):%a %-d %b %Y %H:%M}")
    if report.latitude is not None and report.longitude is not None:
        lat, lon = report.latitude, report.longitude
        lines.append(f"Map: https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}")
    lines += facts.flags(report)
    if report.description:
        lines.append(f"Description: {report.description}")
    if report.photos:
        lines.append(f"Photos: {len(report.photos)} (with the alert in the team's Telegram chat)")
    lines.append("The reporter " + ("is anonymous." if report.anonymous else "can be updated."))
    lines.append(facts.targets(config, routing))
    return "\n".join(lines) + "\n"


def webhook_item(report: Report, category: Category, agency: Agency) -> Outgoing:
    """The signed webhook call to ``agency`` about a new report."""
    assert agency.webhook_url is not None
    payload = {
        "url": agency.webhook_url,
        "secret_env": agency.webhook_secret_env,
        "body": service_request(report, category),
    }
    return Outgoing(WEBHOOK, agency.webhook_url, payload, f"webhook:{report.id}:{agency.id}")


def service_request(report: Report, category: Category) -> dict[str, Any]:
    """An Open311 GeoReport v2 shaped service request; no details for a sensitive category
    (no description, no answers and no exact point: the area only)."""
    body: dict[str, Any] = {
        "service_request_id": report.ref,
        "service_code": category.id,
        "service_name": category.name,
        "status": "open",
        "priority": report.priority,
        "requested_datetime": report.created_at.astimezone(UTC).isoformat(),
        "address_string": facts.area(report),
    }
    if category.sensitive:
        return body
    if report.latitude is not None and report.longitude is not None:
        body["lat"] = report.latitude
        body["long"] = report.longitude
    if report.description:
        body["description"] = report.description
    body["attributes"] = facts.answers(report, category)
    return body
