"""The report a resident is building, kept in one typed object until it is submitted.

Between updates the draft is stored as versioned JSON (:meth:`Draft.to_json`), never pickled,
so the stored form does not depend on where this class lives. Version 1::

    {"v": 1, "step": "location", "category": "graffiti",
     "answers": {"kinds": ["tag"], "offensive": "no", "where": null},
     "location": {"latitude": 51.75, "longitude": -0.34, "label": "Shared location",
                  "verdict": "inside", "ward": "Cunningham", "nearest_place": null,
                  "council": null, "approximate": false},
     "candidate": null, "occurred_at": "2026-11-24T09:30:00+00:00", "occurred_label": "Now",
     "description": "...", "photos": ["file-id"], "anonymous": false, "phone": null,
     "history": ["emergency", "category"], "reviewing": false, "duplicates": [12],
     "token": "9f2c41d07a5be383"}

``token`` is random, made with the draft, and stored with the report submitted from it, so a
second tap on Submit (after a restart, say) finds that report instead of storing another. A
version 1 draft stored before tokens existed gets a fresh one when read.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, get_args

from bot.config.questions import Answer
from bot.geo import Verdict

VERSION = 1
_VERDICTS: frozenset[str] = frozenset(get_args(Verdict))


class UnreadableDraft(ValueError):
    """A stored draft that this version cannot read: of another version, or malformed. The
    message names what is wrong, never what the resident wrote."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where it happened, and what the geography made of it."""

    latitude: float
    longitude: float
    label: str  # what the resident gave: "Shared location", a place found, an area
    verdict: Verdict
    ward: str | None = None
    nearest_place: str | None = None
    council: str | None = None
    approximate: bool = False  # the resident chose an area, not a point

    def to_json(self) -> dict[str, Any]:
        """The location as JSON-ready data (part of the draft's stored form)."""
        return {
            "latitude": self.latitude,
            "longitude": self.longitude,
            "label": self.label,
            "verdict": self.verdict,
            "ward": self.ward,
            "nearest_place": self.nearest_place,
            "council": self.council,
            "approximate": self.approximate,
        }

    @classmethod
    def from_json(cls, data: object) -> Location:
        """The location :meth:`to_json` gave; :class:`UnreadableDraft` if it is not one."""
        fields = _mapping(data, "location")
        verdict = _get(fields, "verdict", str)
        if verdict not in _VERDICTS:
            raise UnreadableDraft(f"location: unknown verdict {verdict!r}")
        return cls(
            latitude=_number(fields, "latitude"),
            longitude=_number(fields, "longitude"),
            label=_get(fields, "label", str),
            verdict=verdict,  # checked against Verdict just above
            ward=_optional(fields, "ward", str),
            nearest_place=_optional(fields, "nearest_place", str),
            council=_optional(fields, "council", str),
            approximate=_get(fields, "approximate", bool),
        )


@dataclass(slots=True)
class Draft:
    """Everything gathered so far; stored with the conversation, written to the database on
    submit only."""

    step: str | None = None  # the step being asked now: a state, or "question:<id>"
    category: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    location: Location | None = None
    candidate: Location | None = None  # a typed place found, waiting for the resident's yes
    occurred_at: datetime | None = None  # UTC
    occurred_label: str | None = None  # "Now", "Yesterday", "Tuesday 24 November 2026"
    description: str | None = None
    photos: list[str] = field(default_factory=list)  # Telegram file ids
    anonymous: bool | None = None
    phone: str | None = None
    history: list[str] = field(default_factory=list)  # steps passed, for Back
    reviewing: bool = False  # every step is answered: changes return to the review
    duplicates: list[int] = field(default_factory=list)  # report ids offered as the same
    # Names the submission (see the module's docstring); not part of what the draft says, so
    # two drafts with the same answers are equal.
    token: str = field(default_factory=lambda: secrets.token_hex(8), compare=False)

    # What the bot's persistence calls this kind of value in its stored JSON.
    STORED_AS: ClassVar[str] = "draft"

    def __deepcopy__(self, memo: dict[int, object]) -> Draft:
        """A copy with its own lists and answers; locations, times and strings are immutable
        and shared. PTB copies the resident's data after every update, and the generic deep
        copy of a dataclass costs several times more."""
        answers = {k: list(v) if isinstance(v, list) else v for k, v in self.answers.items()}
        return replace(
            self,
            answers=answers,
            photos=list(self.photos),
            history=list(self.history),
            duplicates=list(self.duplicates),
        )

    def to_json(self) -> dict[str, Any]:
        """The draft as JSON-ready data, version :data:`VERSION`; times in ISO 8601, UTC."""
        return {
            "v": VERSION,
            "step": self.step,
            "category": self.category,
            "answers": {k: list(v) if isinstance(v, list) else v for k, v in self.answers.items()},
            "location": None if self.location is None else self.location.to_json(),
            "candidate": None if self.candidate is None else self.candidate.to_json(),
            "occurred_at": _utc_text(self.occurred_at),
            "occurred_label": self.occurred_label,
            "description": self.description,
            "photos": list(self.photos),
            "anonymous": self.anonymous,
            "phone": self.phone,
            "history": list(self.history),
            "reviewing": self.reviewing,
            "duplicates": list(self.duplicates),
            "token": self.token,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        """The draft :meth:`to_json` gave. Raises :class:`UnreadableDraft` for another version
        or anything malformed, so that a caller can start the resident afresh."""
        fields = _mapping(data, "draft")
        version = fields.get("v")
        if version != VERSION or isinstance(version, bool):
            raise UnreadableDraft(f"draft of version {version!r}; this bot reads {VERSION}")
        location, candidate = fields.get("location"), fields.get("candidate")
        draft = cls(
            step=_optional(fields, "step", str),
            category=_optional(fields, "category", str),
            answers=_answers(fields),
            location=None if location is None else Location.from_json(location),
            candidate=None if candidate is None else Location.from_json(candidate),
            occurred_at=_utc_time(_optional(fields, "occurred_at", str)),
            occurred_label=_optional(fields, "occurred_label", str),
            description=_optional(fields, "description", str),
            photos=_list_of(fields, "photos", str),
            anonymous=_optional(fields, "anonymous", bool),
            phone=_optional(fields, "phone", str),
            history=_list_of(fields, "history", str),
            reviewing=_get(fields, "reviewing", bool),
            duplicates=_list_of(fields, "duplicates", int),
        )
        if fields.get("token") is not None:  # else stored before tokens: keep the fresh one
            draft.token = _get(fields, "token", str)
        return draft

    def remember(self, step: str) -> None:
        """Note a step as passed, so Back can return to it."""
        if not self.history or self.history[-1] != step:
            self.history.append(step)

    @property
    def question(self) -> str | None:
        """The id of the category question being asked now, if a question is."""
        state, _, question_id = (self.step or "").partition(":")
        return question_id if state == "question" else None

    def back(self) -> str | None:
        """The step before the current one, forgetting it; None at the first step."""
        return self.history.pop() if self.history else None


# -- reading the stored form, checking every part ------------------------------------------------


def _mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise UnreadableDraft(f"{what}: not a JSON object but {type(data).__name__}")
    return data


def _present(fields: Mapping[str, Any], name: str) -> object:
    if name not in fields:
        raise UnreadableDraft(f"{name}: missing")
    return fields[name]


def _is(value: object, kind: type[Any]) -> bool:
    """JSON's types, strictly: a bool is not an int here."""
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))


def _get(fields: Mapping[str, Any], name: str, kind: type[Any]) -> Any:
    value = _present(fields, name)
    if not _is(value, kind):
        raise UnreadableDraft(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _optional(fields: Mapping[str, Any], name: str, kind: type[Any]) -> Any:
    return None if _present(fields, name) is None else _get(fields, name, kind)


def _number(fields: Mapping[str, Any], name: str) -> float:
    value = _present(fields, name)
    if not (_is(value, int) or _is(value, float)):
        raise UnreadableDraft(f"{name}: expected a number, got {type(value).__name__}")
    return float(value)  # type: ignore[arg-type]  # an int or a float, checked just above


def _list_of(fields: Mapping[str, Any], name: str, kind: type[Any]) -> list[Any]:
    items = _get(fields, name, list)
    if not all(_is(item, kind) for item in items):
        raise UnreadableDraft(f"{name}: expected a list of {kind.__name__}")
    return list(items)


def _answers(fields: Mapping[str, Any]) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for key, value in _get(fields, "answers", dict).items():
        if isinstance(value, list) and all(_is(item, str) for item in value):
            answers[key] = list(value)
        elif value is None or _is(value, str):
            answers[key] = value
        else:
            raise UnreadableDraft(f"answers: unexpected {type(value).__name__}")
    return answers


def _utc_text(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _utc_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UnreadableDraft("occurred_at: not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise UnreadableDraft("occurred_at: no time zone")
    return moment.astimezone(UTC)
