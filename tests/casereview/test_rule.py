"""The case review threshold as a pure function: met at the count and not before, within the
window and the one-month rule, each incident once, the hate rule only when switched on, and
no report counted in two notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.casereview.rule import qualifies, reached
from bot.config import CaseReview
from storage.case_reviews import Complaint

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
RULE = CaseReview()  # the national threshold: three in 183 days, each within 31 days


def complaint(
    number: int,
    *,
    days_ago: float = 1,
    category: str = "asb",
    incident_days_before: float | None = None,
    duplicate: bool = False,
) -> Complaint:
    """Report ``number`` (id and reference), made ``days_ago``, its incident that long before."""
    made = NOW - timedelta(days=days_ago)
    occurred = None if incident_days_before is None else made - timedelta(incident_days_before)
    return Complaint(number, f"REF{number}", category, made, occurred, duplicate)


def test_the_threshold_is_met_at_the_third_report_and_not_before() -> None:
    """Two reports do not meet the national threshold; the third does, naming all three."""
    stream = [complaint(1, days_ago=50), complaint(2, days_ago=20), complaint(3, days_ago=0)]
    assert reached(RULE, stream[:1], NOW, latest=1) is None
    assert reached(RULE, stream[:2], NOW, latest=2) is None
    met = reached(RULE, stream, NOW, latest=3)
    assert met is not None
    assert met.refs == ("REF1", "REF2", "REF3")
    assert not met.by_hate_rule


def test_a_lower_local_threshold_is_met_sooner() -> None:
    """A partnership's count of two is met at the second report."""
    rule = CaseReview(count=2)
    assert reached(rule, [complaint(1)], NOW, latest=1) is None
    assert reached(rule, [complaint(1), complaint(2)], NOW, latest=2) is not None


def test_the_window_counts_reports_made_up_to_its_first_moment() -> None:
    """A report made exactly ``window_days`` ago still counts; one a minute older does not."""
    edge = complaint(1, days_ago=183)
    older = complaint(1, days_ago=183 + 1 / 1440)
    assert qualifies(RULE, edge, NOW)
    assert not qualifies(RULE, older, NOW)
    recent = [complaint(2, days_ago=10), complaint(3, days_ago=0)]
    assert reached(RULE, [edge, *recent], NOW, latest=3) is not None
    assert reached(RULE, [older, *recent], NOW, latest=3) is None


def test_the_one_month_rule_reads_the_incidents_date() -> None:
    """A report made 31 days after its incident counts; one made 32 days after does not; one
    with no incident date counts by when it was made."""
    assert qualifies(RULE, complaint(1, incident_days_before=31), NOW)
    assert not qualifies(RULE, complaint(1, incident_days_before=32), NOW)
    assert qualifies(RULE, complaint(1, incident_days_before=None), NOW)
    late = complaint(2, days_ago=5, incident_days_before=60)
    stream = [complaint(1, days_ago=30), late, complaint(3, days_ago=0)]
    assert reached(RULE, stream, NOW, latest=3) is None


def test_a_report_closed_as_a_duplicate_is_not_counted() -> None:
    """The same incident reported twice, one closed as a duplicate, counts once."""
    stream = [complaint(1, days_ago=9), complaint(2, days_ago=8, duplicate=True), complaint(3)]
    assert reached(RULE, stream, NOW, latest=3) is None
    assert reached(RULE, [*stream, complaint(4, days_ago=0)], NOW, latest=4) is not None


def test_only_the_configured_categories_count() -> None:
    """Fly tipping does not count towards an ASB threshold, nor does it set it off."""
    stream = [complaint(1), complaint(2, category="fly-tipping"), complaint(3)]
    assert reached(RULE, stream, NOW, latest=3) is None
    four = [complaint(1), complaint(2), complaint(3, category="fly-tipping")]
    assert reached(RULE, four, NOW, latest=3) is None


def test_a_hate_incident_alone_meets_the_threshold_only_with_the_hate_rule() -> None:
    """With the hate rule off a single hate incident is nothing; with it on, it is enough."""
    hate = [complaint(1, category="hate-incident", days_ago=0)]
    assert reached(RULE, hate, NOW, latest=1) is None
    met = reached(CaseReview(hate_rule=True), hate, NOW, latest=1)
    assert met is not None
    assert met.by_hate_rule
    assert met.refs == ("REF1",)
    late = [complaint(1, category="hate-incident", incident_days_before=40)]
    assert reached(CaseReview(hate_rule=True), late, NOW, latest=1) is None


def test_the_threshold_is_checked_only_for_the_report_just_made() -> None:
    """Three counting reports do not set it off when the one just made is not one of them."""
    stream = [complaint(1), complaint(2), complaint(3), complaint(4, category="graffiti")]
    assert reached(RULE, stream, NOW, latest=4) is None


def test_reports_named_in_a_notice_do_not_count_again() -> None:
    """After a notice for three, a fourth is not enough; three new ones are."""
    told = {"REF1", "REF2", "REF3"}
    stream = [complaint(n, days_ago=10 - n) for n in range(1, 7)]
    assert reached(RULE, stream[:4], NOW, latest=4, counted=told) is None
    assert reached(RULE, stream[:5], NOW, latest=5, counted=told) is None
    again = reached(RULE, stream, NOW, latest=6, counted=told)
    assert again is not None
    assert again.refs == ("REF4", "REF5", "REF6")


def test_nothing_is_met_when_the_case_review_is_switched_off() -> None:
    """``enabled = false`` meets no threshold."""
    stream = [complaint(1), complaint(2), complaint(3)]
    assert reached(CaseReview(enabled=False), stream, NOW, latest=3) is None
