"""The report a resident is building, kept in one typed object until it is submitted."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.config.questions import Answer
from bot.geo import Verdict


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
