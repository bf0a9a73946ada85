"""The draft's copy: independent of the original wherever either could change."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime

from bot.reporting.draft import Draft, Location


def _full_draft() -> Draft:
    return Draft(
        step="review",
        category="graffiti",
        answers={"offensive": "no", "kinds": ["tag", "mural"], "skipped": None},
        location=Location(51.75, -0.34, "Shared location", "inside", ward="Cunningham"),
        candidate=Location(51.76, -0.33, "Holywell Hill", "edge"),
        occurred_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        occurred_label="Now",
        description="A tag on the bench",
        photos=["file-1"],
        anonymous=False,
        phone="+44 1727 000000",
        history=["emergency", "category"],
        reviewing=True,
        duplicates=[12],
    )


def test_a_deep_copy_equals_the_draft_and_shares_nothing_mutable() -> None:
    """Every field is copied; no list or dict (nor a list inside the answers) is shared."""
    draft = _full_draft()
    copied = copy.deepcopy({"report_draft": draft})["report_draft"]
    assert copied == draft
    for item in dataclasses.fields(Draft):
        value = getattr(draft, item.name)
        if isinstance(value, list | dict):
            assert getattr(copied, item.name) is not value, item.name
    assert copied.answers["kinds"] is not draft.answers["kinds"]


def test_changing_the_copy_leaves_the_draft_alone() -> None:
    """The copy PTB stores does not move when the resident's draft changes afterwards."""
    draft = _full_draft()
    copied = copy.deepcopy(draft)
    draft.answers["kinds"].append("sticker")  # type: ignore[union-attr]
    draft.photos.append("file-2")
    draft.remember("when")
    draft.duplicates.clear()
    draft.step = "when"
    assert copied == _full_draft()
