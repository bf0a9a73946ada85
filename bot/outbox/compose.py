"""What every channel sends about a report, composed from the stored report, in one place.

Domain code (no Telegram). Features call these inside the transaction that stores the change,
so what leaves the bot is written with it; they compose nothing themselves. The items are
listed in the order they are enqueued (and so sent to each target): every agency's Telegram
alert (card, pin, photos), then the e-mails and webhook calls. Their dedupe keys name the
report and the agency, so an item is written once however often it is composed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.config import Category, Config
from bot.outbox.email.items import email_item
from bot.outbox.items import Outgoing
from bot.outbox.telegram.items import alerts
from bot.outbox.webhook.items import webhook_item
from bot.routing.rules import Routing
from storage.outbox import OutboxRepository
from storage.reports import Report


def new_report_items(
    config: Config, report: Report, category: Category, routing: Routing
) -> list[Outgoing]:
    """Everything the routed agencies receive for a new report, on every channel, in order."""
    items = alerts(config, report, category, routing)
    for agency_id in routing.agencies:
        agency = config.agency(agency_id)
        if agency.email is not None:
            items.append(email_item(config, report, category, agency, routing))
        if agency.webhook_url is not None:
            items.append(webhook_item(report, category, agency))
    return items


def referral_items(
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    agencies: tuple[str, ...],
) -> list[Outgoing]:
    """What the agencies a report is referred to receive: their Telegram alert only.

    (An agency's e-mail address or webhook hears nothing of a referral; that is today's
    behaviour, kept here, and a known gap.)
    """
    return alerts(config, report, category, routing, agencies)


async def enqueue_new_report(
    outbox: OutboxRepository,
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    *,
    now: datetime,
) -> None:
    """Write :func:`new_report_items` to the outbox, inside the caller's transaction."""
    await enqueue(outbox, new_report_items(config, report, category, routing), now=now)


async def enqueue_referral(
    outbox: OutboxRepository,
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    agencies: tuple[str, ...],
    *,
    now: datetime,
) -> None:
    """Write :func:`referral_items` to the outbox, inside the caller's transaction."""
    items = referral_items(config, report, category, routing, agencies)
    await enqueue(outbox, items, now=now)


async def enqueue(outbox: OutboxRepository, items: Iterable[Outgoing], *, now: datetime) -> None:
    """Write ``items`` to the outbox in order (an item whose key is already there is skipped)."""
    for item in items:
        await outbox.enqueue(
            item.kind, item.target, item.payload, dedupe_key=item.dedupe_key, now=now
        )
