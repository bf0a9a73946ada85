"""The queues /queue shows: an agency's open reports, oldest first, for its officers; and every
agency's, grouped by agency, for the partnership's admins, with a sensitive report shown by its
reference, area and priority only. Long queues are split into messages under a size limit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from bot.config import Config
from bot.officers import texts
from bot.outbox.facts import PRIORITY_WORDS, priority_in_sentence
from storage.routings import QueueEntry


def age(since: datetime, now: datetime) -> str:
    """How long ago, in the largest sensible unit."""
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def agency_queue(
    config: Config, agency_id: str, entries: Sequence[QueueEntry], now: datetime
) -> tuple[str, list[str]]:
    """An agency's open reports for its officers, oldest first, with age, priority, state and
    any overdue target: (heading, lines)."""
    agency = config.agency(agency_id)
    if not entries:
        return texts.queue_empty(agency.name), []
    heading = texts.queue_heading(agency.name, len(entries))
    return heading, [_line(config, entry, now) for entry in entries]


def partnership_queue(
    config: Config, entries: Sequence[tuple[str, QueueEntry]], now: datetime
) -> list[tuple[str, list[str]]]:
    """Every agency's open reports for the admins, in the configuration's order of agencies,
    each agency's oldest first: (heading, lines) per agency. ``entries`` pairs each open
    report with the agency it is open at."""
    blocks: list[tuple[str, list[str]]] = []
    for agency in config.agencies:
        mine = [entry for agency_id, entry in entries if agency_id == agency.id]
        mine.sort(key=lambda entry: (entry.report.created_at, entry.report.id))
        if not mine:
            blocks.append((texts.queue_empty(agency.name), []))
            continue
        heading = texts.queue_heading(agency.name, len(mine))
        blocks.append((heading, [_admin_line(config, entry, now) for entry in mine]))
    return blocks


def split(blocks: Iterable[tuple[str, Sequence[str]]], limit: int) -> list[str]:
    """The blocks (a heading and its lines) in order, as messages of at most ``limit``
    characters as Telegram counts them (UTF-16 code units), with a blank line between blocks.
    A line is never broken, a heading never ends a message, and a block carried over into the
    next message starts it with its heading marked as continued."""
    messages: list[list[str]] = []
    size = 0  # of the last message, its lines joined by newlines

    def start(first: str) -> None:
        nonlocal size
        messages.append([first])
        size = _size(first)

    def append(line: str) -> None:
        nonlocal size
        messages[-1].append(line)
        size += 1 + _size(line)

    for heading, lines in blocks:
        opening = _size(heading) + (1 + _size(lines[0]) if lines else 0)
        if not messages or size + 2 + opening > limit:
            start(heading)
        else:
            append("")
            append(heading)
        for line in lines:
            if size + 1 + _size(line) > limit:
                start(texts.queue_continued(heading))
            append(line)
    return ["\n".join(lines) for lines in messages]


def _size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _line(config: Config, entry: QueueEntry, now: datetime) -> str:
    """A report in its agency's queue: reference, category, priority, age, state, lateness."""
    report = entry.report
    category = config.category(report.category)
    name = category.name if category else report.category
    late = ""
    if entry.state == "sent" and entry.ack_by is not None and entry.ack_by < now:
        late = texts.QUEUE_ACK_OVERDUE
    elif entry.resolve_by is not None and entry.resolve_by < now:
        late = texts.QUEUE_RESOLUTION_OVERDUE
    return (
        f"• {escape(report.ref)}: {escape(name)}, {PRIORITY_WORDS[report.priority]}, "
        f"{age(report.created_at, now)} old, {texts.state_words(entry.state)}{late}"
    )


def _admin_line(config: Config, entry: QueueEntry, now: datetime) -> str:
    """A report in the admins' queue: as its agency sees it, or a sensitive one by its
    reference, area (the ward, never the place the resident gave) and priority only; so is one
    whose category the configuration no longer knows."""
    report = entry.report
    category = config.category(report.category)
    if category is not None and not category.sensitive:
        return _line(config, entry, now)
    return texts.queue_sensitive_line(
        report.ref, report.ward, priority_in_sentence(report.priority)
    )
