"""The case review threshold as a pure function over one resident's own reports.

A report counts (qualifies) when it is in a counted category, was made within the window
(``window_days`` back from now), was made within ``report_within_days`` of the incident (its
``occurred_at``; a report without one counts by when it was made), and was not closed as a
duplicate of another report. A report the resident added to someone else's ("the same as this
one") is not theirs and is not in the list at all, so no incident counts twice.

Each notice names the reports that reached it, and a report named once is never counted again:
a resident is told again only when ``count`` new qualifying reports (or, with the hate rule, one
new hate incident) reach the threshold after the last notice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import CaseReview
from storage.case_reviews import Complaint


@dataclass(frozen=True, slots=True)
class Reached:
    """The threshold is met: the reports that met it, oldest first, and whether it was met by
    the hate rule (a single hate incident) rather than the count."""

    complaints: tuple[Complaint, ...]
    by_hate_rule: bool

    @property
    def refs(self) -> tuple[str, ...]:
        """The references of the reports that met the threshold."""
        return tuple(c.ref for c in self.complaints)


def window_start(rule: CaseReview, now: datetime) -> datetime:
    """The earliest moment a report may have been made to count now."""
    return now - timedelta(days=rule.window_days)


def qualifies(rule: CaseReview, complaint: Complaint, now: datetime) -> bool:
    """Whether this report counts towards the threshold now."""
    if complaint.duplicate or not rule.counts(complaint.category):
        return False
    if not window_start(rule, now) <= complaint.made_at <= now:
        return False
    incident = complaint.occurred_at or complaint.made_at
    return complaint.made_at - incident <= timedelta(days=rule.report_within_days)


def reached(
    rule: CaseReview,
    complaints: Sequence[Complaint],
    now: datetime,
    *,
    latest: int,
    counted: Collection[str] = (),
) -> Reached | None:
    """Whether the report ``latest`` (a report id, just made) brings this resident's own
    ``complaints`` to the threshold; ``counted`` are the references named in earlier notices,
    which do not count again. None when the rule is off, when the latest report does not itself
    count, or when the threshold is not met."""
    if not rule.enabled:
        return None
    fresh = [c for c in complaints if c.ref not in counted and qualifies(rule, c, now)]
    newest = next((c for c in fresh if c.report_id == latest), None)
    if newest is None:
        return None
    if rule.is_hate(newest.category):
        return Reached((newest,), by_hate_rule=True)
    if len(fresh) >= rule.count:
        return Reached(tuple(fresh), by_hate_rule=False)
    return None
