"""What an agency's e-mail address receives for a new report, or one referred to it, as an
outbox item.

Domain code (no Telegram). The e-mail is plain text with the facts of the Telegram card; for
a sensitive category it carries the reference, category, area and priority only. A referral
says so, and which agency referred it, in its subject and first line.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import Agency, Category, Config
from bot.outbox import facts
from bot.outbox.items import EMAIL, Outgoing
from bot.routing.rules import Routing
from storage.reports import Report

SENSITIVE_LINE = (
    "This is a sensitive report: its details are available to authorised officers "
    "in a private chat with the bot."
)


def email_item(
    config: Config,
    report: Report,
    category: Category,
    agency: Agency,
    routing: Routing,
    *,
    referred_by: Agency | None = None,
) -> Outgoing:
    """The e-mail to ``agency`` about a new report, or one ``referred_by`` another agency
    (the agency must have an address)."""
    assert agency.email is not None
    priority = facts.PRIORITY_WORDS[report.priority]
    what = f"{category.name.lower()} report {report.ref}"
    if referred_by is None:
        subject = f"{priority}: new {what}"
    else:
        subject = f"{priority}: {what} referred by {referred_by.name}"
    payload = {
        "to": agency.email,
        "subject": subject,
        "body": email_body(config, report, category, routing, referred_by=referred_by),
    }
    return Outgoing(EMAIL, agency.email, payload, f"{EMAIL}:{report.id}:{agency.id}")


def email_body(
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    *,
    referred_by: Agency | None = None,
) -> str:
    """The e-mail's plain text: the Telegram card's facts, or none for a sensitive category;
    a referral's first line names the agency that referred it."""
    priority = facts.PRIORITY_WORDS[report.priority]
    head = [] if referred_by is None else [referral_line(referred_by), ""]
    head += [
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
    lines.append(f"Description: {report.description or facts.NO_DESCRIPTION}")
    if report.photos:
        lines.append(f"Photos: {len(report.photos)} (with the alert in the team's Telegram chat)")
    lines.append("The reporter " + ("is anonymous." if report.anonymous else "can be updated."))
    lines.append(facts.targets(config, routing))
    return "\n".join(lines) + "\n"


def referral_line(referred_by: Agency) -> str:
    """The first line of a referred report's e-mail."""
    return f"{referred_by.name} has referred this report to you."
