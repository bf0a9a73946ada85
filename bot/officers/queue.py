"""An agency's queue: its open reports, oldest first, as /queue shows them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from bot.config import Config
from bot.officers.texts import state_words
from bot.outbox.facts import PRIORITY_WORDS
from storage.routings import QueueEntry


def age(since: datetime, now: datetime) -> str:
    """How long ago, in the largest sensible unit."""
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def queue_text(config: Config, agency_id: str, entries: Sequence[QueueEntry], now: datetime) -> str:
    """An agency's open reports, oldest first, with age, priority, state and any overdue target."""
    agency = config.agency(agency_id)
    if not entries:
        return f"<b>{escape(agency.name)}</b>: no open reports."
    lines = [f"<b>{escape(agency.name)}</b>: {len(entries)} open, oldest first"]
    for entry in entries:
        report = entry.report
        category = config.category(report.category)
        name = category.name if category else report.category
        late = ""
        if entry.state == "sent" and entry.ack_by is not None and entry.ack_by < now:
            late = ", acknowledgement overdue"
        elif entry.resolve_by is not None and entry.resolve_by < now:
            late = ", resolution overdue"
        lines.append(
            f"• {escape(report.ref)}: {escape(name)}, {PRIORITY_WORDS[report.priority]}, "
            f"{age(report.created_at, now)} old, {state_words(entry.state)}{late}"
        )
    return "\n".join(lines)
