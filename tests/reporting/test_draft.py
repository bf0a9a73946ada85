"""The draft's copy, independent of the original wherever either could change, and its stored
JSON form: every field kept, other versions and malformed data refused."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.reporting.draft import Draft, Location, UnreadableDraft


def _full_draft() -> Draft:
    return Draft(
        step="review",
        category="graffiti",
        answers={"offensive": "no", "kinds": ["tag", "mural"], "skipped": None},
        location=Location(
            51.75,
            -0.34,
            "Shared location",
            "inside",
            ward="Cunningham",
            nearest_place="St Peter's Street",
            council="St Albans City and District Council",
            approximate=True,
        ),
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


def test_every_field_is_set_in_the_full_draft() -> None:
    """The round-trip tests below cover every field: none is left at its default."""
    draft, fresh = _full_draft(), Draft()
    unset = [
        f.name
        for f in dataclasses.fields(Draft)
        if getattr(draft, f.name) == getattr(fresh, f.name)
    ]
    assert unset == []
    assert all(getattr(draft.location, f.name) is not None for f in dataclasses.fields(Location))


def test_json_round_trip_keeps_every_field() -> None:
    """A draft written as JSON text and read back equals the original, field by field."""
    draft = _full_draft()
    back = Draft.from_json(json.loads(json.dumps(draft.to_json())))
    for item in dataclasses.fields(Draft):
        assert getattr(back, item.name) == getattr(draft, item.name), item.name
    assert back == draft
    assert back.occurred_at is not None
    assert back.occurred_at.utcoffset() is not None


def test_the_stored_form_is_versioned_with_times_in_utc() -> None:
    """Version 1, every field by name, a time given in another zone written in UTC."""
    draft = _full_draft()
    draft.occurred_at = datetime(2026, 6, 1, 13, 0, tzinfo=ZoneInfo("Europe/London"))
    stored = draft.to_json()
    assert stored["v"] == 1
    assert set(stored) == {"v"} | {item.name for item in dataclasses.fields(Draft)}
    assert stored["occurred_at"] == "2026-06-01T12:00:00+00:00"
    assert stored["location"]["verdict"] == "inside"
    assert Draft.from_json(stored).occurred_at == draft.occurred_at


def test_an_empty_draft_round_trips() -> None:
    """A new draft, all defaults and Nones, comes back the same."""
    assert Draft.from_json(json.loads(json.dumps(Draft().to_json()))) == Draft()


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    stored = _full_draft().to_json()
    change(stored)
    return stored


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        (_broken(lambda d: d.update(v=2)), "version 2"),
        (_broken(lambda d: d.pop("v")), "version None"),
        (_broken(lambda d: d.update(v=True)), "version True"),
        (_broken(lambda d: d.update(v="1")), "version '1'"),
        (_broken(lambda d: d.pop("photos")), "photos: missing"),
        (_broken(lambda d: d.update(photos="file-1")), "photos: expected list"),
        (_broken(lambda d: d.update(duplicates=[True])), "duplicates: expected a list of int"),
        (_broken(lambda d: d.update(reviewing=1)), "reviewing: expected bool"),
        (_broken(lambda d: d.update(answers={"kinds": [1]})), "answers: unexpected list"),
        (_broken(lambda d: d.update(step=3)), "step: expected str"),
        (_broken(lambda d: d["location"].update(verdict="nearby")), "unknown verdict"),
        (_broken(lambda d: d["location"].update(latitude="51.7")), "latitude: expected a number"),
        (_broken(lambda d: d["candidate"].pop("label")), "label: missing"),
        (_broken(lambda d: d.update(location=[51.7, -0.3])), "location: not a JSON object"),
        (_broken(lambda d: d.update(occurred_at="yesterday")), "not an ISO 8601 time"),
        (_broken(lambda d: d.update(occurred_at="2026-11-24T09:30:00")), "no time zone"),
    ],
)
def test_other_versions_and_malformed_drafts_are_refused(
    stored: dict[str, Any], reason: str
) -> None:
    """Anything but a well-formed version 1 is UnreadableDraft, naming what is wrong but
    nothing the resident wrote."""
    with pytest.raises(UnreadableDraft, match=re.escape(reason)) as raised:
        Draft.from_json(stored)
    for private in ("A tag on the bench", "+44 1727 000000", "Holywell Hill", "Cunningham"):
        assert private not in str(raised.value)


def test_a_draft_that_is_not_an_object_is_refused() -> None:
    """A list or a string where the draft should be is UnreadableDraft too."""
    for stored in ([1], "draft", None):
        with pytest.raises(UnreadableDraft, match="not a JSON object"):
            Draft.from_json(stored)  # type: ignore[arg-type]


def test_the_token_is_kept_and_one_stored_without_it_gets_a_fresh_one() -> None:
    """The token names the submission: it survives the round trip; a version 1 draft stored
    before tokens existed reads with a new random one; a token of another type is refused."""
    draft = _full_draft()
    assert Draft.from_json(draft.to_json()).token == draft.token
    older = draft.to_json()
    del older["token"]
    first, second = Draft.from_json(older), Draft.from_json(older)
    assert first.token != second.token
    assert len(first.token) == 16
    with pytest.raises(UnreadableDraft, match="token: expected str"):
        Draft.from_json({**draft.to_json(), "token": 7})
