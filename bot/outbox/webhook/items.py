"""What an agency's webhook receives for a new report, or one referred to it: an Open311
service request.

Domain code (no Telegram). The body is an Open311 GeoReport v2 shaped service request; for a
sensitive category it carries the reference, category, area and priority only. A referral says
so in GeoReport's own fields: ``agency_responsible`` names the agency it was referred to and
``status_notes`` the agency that referred it.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from bot.config import Agency, Category
from bot.outbox import facts
from bot.outbox.items import WEBHOOK, Outgoing
from storage.reports import Report


def webhook_item(
    report: Report, category: Category, agency: Agency, *, referred_by: Agency | None = None
) -> Outgoing:
    """The signed webhook call to ``agency`` about a new report, or one ``referred_by``
    another agency (it must have a URL)."""
    assert agency.webhook_url is not None
    body = service_request(report, category)
    if referred_by is not None:
        body["agency_responsible"] = agency.name
        body["status_notes"] = f"Referred by {referred_by.name}."
    payload = {
        "url": agency.webhook_url,
        "secret_env": agency.webhook_secret_env,
        "body": body,
    }
    return Outgoing(WEBHOOK, agency.webhook_url, payload, f"{WEBHOOK}:{report.id}:{agency.id}")


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
