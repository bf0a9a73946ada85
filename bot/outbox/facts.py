"""The facts of a report in plain words, shared by every channel's items and the reminders."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import Category, Config, questions
from bot.routing.rules import Routing
from storage.reports import Report

# Each priority in words: as a heading (a card, an e-mail's subject, a list of reports) and
# within a sentence ("fly tipping, high priority" in a reminder). URGENT shouts in both.
_PRIORITIES = {
    "low": ("Low", "low"),
    "normal": ("Normal", "normal"),
    "high": ("HIGH", "high"),
    "urgent": ("URGENT", "URGENT"),
}
PRIORITY_WORDS = {priority: heading for priority, (heading, _) in _PRIORITIES.items()}
# A description the resident skipped, wherever a report is shown (the review, card, e-mail).
NO_DESCRIPTION = "none given"


def priority_in_sentence(priority: str) -> str:
    """The priority as a reminder says it mid-sentence; an unknown one as it is stored."""
    words = _PRIORITIES.get(priority)
    return priority if words is None else words[1]


def area(report: Report) -> str:
    """Where the report is, as the resident and the ward name it."""
    parts = [p for p in (report.location_text, report.ward) if p]
    return ", ".join(parts) or "not given"


def answers(report: Report, category: Category) -> dict[str, str]:
    """The resident's answers in words, by question id, in the category's order."""
    return {
        question.id: questions.describe(question, report.answers[question.id])
        for question in category.questions
        if question.id in report.answers
    }


def flags(report: Report) -> list[str]:
    """What the agency must check about the location."""
    found = []
    if report.outside_district:
        found.append("Outside the district.")
    if report.needs_location_check:
        found.append("Near the district's edge: please confirm it is ours.")
    return found


def targets(config: Config, routing: Routing) -> str:
    """The response targets in the partnership's time zone."""
    zone = ZoneInfo(config.partnership.timezone)
    return (
        f"Acknowledge by {routing.acknowledge_by.astimezone(zone):%a %-d %b %H:%M}; "
        f"resolve by {routing.resolve_by.astimezone(zone):%a %-d %b %H:%M}."
    )
