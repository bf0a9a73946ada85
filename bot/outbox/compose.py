"""What every channel sends about a report, composed from the stored report, in one place.

Domain code (no Telegram). Features call these inside the transaction that stores the change,
so what leaves the bot is written with it; they compose nothing themselves. The items are
listed in the order they are enqueued (and so sent to each target): every agency's Telegram
alert (card, pin, photos), then the e-mails and webhook calls; a referral reaches the same
channels of the agencies it is referred to. Their dedupe keys name the report and the agency,
so an item is written once however often it is composed. The resident's confirmation is
written by :func:`enqueue_confirmation`, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.config import Agency, Category, Config
from bot.outbox.email.items import email_item
from bot.outbox.items import Outgoing
from bot.outbox.repeats import Repeat
from bot.outbox.telegram import reporter
from bot.outbox.telegram.items import alerts
from bot.outbox.webhook.items import webhook_item
from bot.routing.rules import Routing
from storage.outbox import DEFAULT_LEASE, OutboxRepository
from storage.reports import Report


def new_report_items(
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    *,
    repeat: Repeat | None = None,
) -> list[Outgoing]:
    """Everything the routed agencies receive for a new report, on every channel, in order
    (with ``repeat``, the cards say the spot was reported and resolved before)."""
    items = alerts(config, report, category, routing, repeat=repeat)
    return items + other_channels(config, report, category, routing, routing.agencies)


def referral_items(
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    agencies: tuple[str, ...],
    *,
    referred_by: str | None = None,
) -> list[Outgoing]:
    """What the agencies a report is referred to receive, on every channel they have, as for
    a new report: the Telegram alert, then the e-mail and webhook call, which name the agency
    ``referred_by`` (when given) as the one that referred it."""
    items = alerts(config, report, category, routing, agencies)
    referrer = None if referred_by is None else config.agency(referred_by)
    return items + other_channels(config, report, category, routing, agencies, referrer)


def other_channels(
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    agencies: tuple[str, ...],
    referred_by: Agency | None = None,
) -> list[Outgoing]:
    """The e-mails and webhook calls of ``agencies`` (those that have them), in order."""
    items: list[Outgoing] = []
    for agency_id in agencies:
        agency = config.agency(agency_id)
        if agency.email is not None:
            items.append(
                email_item(config, report, category, agency, routing, referred_by=referred_by)
            )
        if agency.webhook_url is not None:
            items.append(webhook_item(report, category, agency, referred_by=referred_by))
    return items


async def enqueue_new_report(
    outbox: OutboxRepository,
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    *,
    now: datetime,
    repeat: Repeat | None = None,
) -> None:
    """Write :func:`new_report_items` to the outbox, inside the caller's transaction."""
    items = new_report_items(config, report, category, routing, repeat=repeat)
    await enqueue(outbox, items, now=now)


async def enqueue_confirmation(
    outbox: OutboxRepository,
    report: Report,
    category: Category,
    chat_id: int,
    draft_token: str,
    *,
    anonymous: bool,
    followed: bool = False,
    now: datetime,
) -> int:
    """Write the reporter's confirmation (:func:`bot.outbox.telegram.reporter.submitted`) to
    the outbox, inside the caller's transaction (the one that stores the report); return its
    id. It is due a lease later: the caller sends it at once after the commit
    (:func:`bot.outbox.direct.send_now`), so that it does not wait behind the agencies' items,
    and the dispatcher sends it only if that attempt fails or never happens."""
    item = reporter.submitted(
        report, category, chat_id, draft_token, anonymous=anonymous, followed=followed
    )
    return await outbox.enqueue(
        item.kind,
        item.target,
        item.payload,
        dedupe_key=item.dedupe_key,
        now=now,
        not_before=now + DEFAULT_LEASE,
        erase_target=item.erase_target,
    )


async def enqueue_referral(
    outbox: OutboxRepository,
    config: Config,
    report: Report,
    category: Category,
    routing: Routing,
    agencies: tuple[str, ...],
    *,
    referred_by: str | None = None,
    now: datetime,
) -> None:
    """Write :func:`referral_items` to the outbox, inside the caller's transaction."""
    items = referral_items(config, report, category, routing, agencies, referred_by=referred_by)
    await enqueue(outbox, items, now=now)


async def enqueue(outbox: OutboxRepository, items: Iterable[Outgoing], *, now: datetime) -> None:
    """Write ``items`` to the outbox in order (an item whose key is already there is skipped)."""
    for item in items:
        await outbox.enqueue(
            item.kind,
            item.target,
            item.payload,
            dedupe_key=item.dedupe_key,
            now=now,
            erase_target=item.erase_target,
        )
