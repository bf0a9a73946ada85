"""What an inline button means: a typed value per kind, written to and read from the
``callback_data`` Telegram carries back when it is pressed (1 to 64 bytes). No Telegram here.

A button carries the ids of what it names (category, question, option, report, agency, area),
never a position, so reordering the configuration never changes what a sent button means. Data
is ``v2:``, the kind's tag and its fields, joined by ``:``; numbers are in base 36, to leave
room for ids (``check-config`` measures the longest button an id can appear in: :func:`size`).
Version 1 is still read where its meaning is certain (the menu, the agency cards and their
follow-ups); its report buttons named positions, so they read as :class:`Legacy`.
"""

from __future__ import annotations

import hashlib
import re
import string
import typing
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, Literal, TypeAlias, TypeVar

LIMIT = 64
"""Telegram's limit on a button's data, in bytes."""
LARGEST_NUMBER = 2**31 - 1
"""The largest report or message id the length checks allow for (message ids are 32-bit)."""
VERSION = "v2"

_DIGITS = string.digits + string.ascii_lowercase
_ID = "[a-z0-9][a-z0-9_-]*"
_ID_RE = re.compile(_ID)
_NUMBER = {10: "0|[1-9][0-9]*", 36: "0|[1-9a-z][0-9a-z]*"}

MenuChoice: TypeAlias = Literal["report", "myreports", "news", "privacy", "help"]
Part: TypeAlias = Literal[
    "category", "answers", "location", "when", "description", "photos", "contact"
]
CardActionName: TypeAlias = Literal["ack", "res", "ref", "ask", "det"]
_T = TypeVar("_T")


class _Kind:
    """How one kind is written in one version: its prefix, and each field's type."""

    by_class: ClassVar[dict[type, list[_Kind]]] = {}
    all: ClassVar[list[_Kind]] = []

    def __init__(self, kind: type, prefix: str, base: int) -> None:
        self.kind, self.prefix, self.base = kind, prefix, base
        hints = typing.get_type_hints(kind)
        self.fields = [(f.name, hints[f.name]) for f in fields(kind)]
        self.compiled = re.compile(self.pattern({}))
        _Kind.by_class.setdefault(kind, []).append(self)
        _Kind.all.append(self)

    def pattern(self, fixed: dict[str, str]) -> str:
        """The regular expression of this kind's data, some fields fixed to a value."""
        assert set(fixed) <= {name for name, _ in self.fields}, fixed
        parts = [re.escape(self.prefix)]
        for name, hint in self.fields:
            known = fixed.get(name)
            parts.append(
                f"({re.escape(known) if known is not None else self._field_pattern(hint)})"
            )
        return ":".join(parts)

    def _field_pattern(self, hint: object) -> str:
        if hint is int:
            return _NUMBER[self.base]
        if hint is str:
            return _ID
        values = typing.get_args(hint)
        assert values, f"{self.kind.__name__}: fields are ids, numbers or words, not {hint}"
        return "|".join(re.escape(v) for v in values)

    def write(self, button: object) -> str:
        parts = [self.prefix]
        for name, hint in self.fields:
            value = getattr(button, name)
            parts.append(_number(value, self.base) if hint is int else str(value))
        return ":".join(parts)

    def read(self, data: str) -> Button | None:
        match = self.compiled.fullmatch(data)
        if match is None:
            return None
        values = [
            int(text, self.base) if hint is int else text
            for (_, hint), text in zip(self.fields, match.groups(), strict=True)
        ]
        return typing.cast(Button, self.kind(*values))


def _number(value: int, base: int) -> str:
    if value < 0:
        raise ValueError(f"button numbers are not negative: {value}")
    digits = ""
    while True:
        value, digit = divmod(value, base)
        digits = _DIGITS[digit] + digits
        if value == 0:
            return digits


def _tag(tag: str, *, v1: str | None = None) -> typing.Callable[[type[_T]], type[_T]]:
    """Register a kind under its tag (and the tag it had in version 1, if it is still read)."""

    def register(kind: type[_T]) -> type[_T]:
        _Kind(kind, f"{VERSION}:{tag}", 36)
        if v1 is not None:
            _Kind(kind, f"v1:{v1}", 10)
        return kind

    return register


# -- the main menu -------------------------------------------------------------------------------


@_tag("m", v1="menu")
@dataclass(frozen=True, slots=True)
class Menu:
    """A main-menu entry."""

    choice: MenuChoice


# -- the report conversation ----------------------------------------------------------------------


@_tag("r:emg", v1="r:emg")
@dataclass(frozen=True, slots=True)
class Emergency:
    """The answer to the danger question."""

    answer: Literal["yes", "no"]


@_tag("r:cat")
@dataclass(frozen=True, slots=True)
class PickCategory:
    """A category of incident."""

    category: str


@_tag("r:a")
@dataclass(frozen=True, slots=True)
class PickOption:
    """The option of a single-choice question."""

    category: str
    question: str
    option: str


@_tag("r:t")
@dataclass(frozen=True, slots=True)
class ToggleOption:
    """An option of a several-choice question, ticked or unticked."""

    category: str
    question: str
    option: str


@_tag("r:d")
@dataclass(frozen=True, slots=True)
class OptionsDone:
    """Done with a several-choice question."""

    category: str
    question: str


@_tag("r:s")
@dataclass(frozen=True, slots=True)
class SkipQuestion:
    """Skip an optional question."""

    category: str
    question: str


@_tag("r:place", v1="r:place")
@dataclass(frozen=True, slots=True)
class ConfirmPlace:
    """Whether the place found on the map is the right one."""

    answer: Literal["yes", "no"]


@_tag("r:area")
@dataclass(frozen=True, slots=True)
class PickArea:
    """A town or area, for a resident not sure exactly where (see :func:`area_code`)."""

    area: str


@_tag("r:when", v1="r:when")
@dataclass(frozen=True, slots=True)
class PickWhen:
    """When it happened, roughly, or another day to type."""

    choice: Literal["now", "today", "yesterday", "other"]


@_tag("r:skipdesc", v1="r:skipdesc")
@dataclass(frozen=True, slots=True)
class SkipDescription:
    """No description."""


@_tag("r:photos", v1="r:photos")
@dataclass(frozen=True, slots=True)
class PhotosDone:
    """Done with photos (or none)."""


@_tag("r:contact", v1="r:contact")
@dataclass(frozen=True, slots=True)
class PickContact:
    """Updates in this chat, or anonymous."""

    choice: Literal["updates", "anonymous"]


@_tag("r:edit", v1="r:edit")
@dataclass(frozen=True, slots=True)
class ChangePart:
    """Change a part of the report, from the review."""

    part: Part


@_tag("r:submit", v1="r:submit")
@dataclass(frozen=True, slots=True)
class Submit:
    """Submit the report."""


@_tag("r:dup", v1="r:dup")
@dataclass(frozen=True, slots=True)
class PickDuplicate:
    """The open report the resident's is the same as."""

    report_id: int


@_tag("r:new", v1="r:dup:new")
@dataclass(frozen=True, slots=True)
class NotDuplicate:
    """None of the open reports offered: the resident's is a new one."""


@_tag("r:resume", v1="r:resume")
@dataclass(frozen=True, slots=True)
class Resume:
    """Carry on with the report in progress, or start again."""

    choice: Literal["continue", "restart"]


@_tag("r:back", v1="r:back")
@dataclass(frozen=True, slots=True)
class Back:
    """Back to the previous step."""


@_tag("r:cancel", v1="r:cancel")
@dataclass(frozen=True, slots=True)
class Cancel:
    """Cancel the report."""


# -- the agencies' cards --------------------------------------------------------------------------


@_tag("o", v1="o")
@dataclass(frozen=True, slots=True)
class CardAction:
    """A button on a report's card in an agency's chat."""

    action: CardActionName
    report_id: int
    agency_id: str


@_tag("o:resn", v1="o:resn")
@dataclass(frozen=True, slots=True)
class ResolveNow:
    """Resolve the card's report without a note."""

    report_id: int
    agency_id: str
    card_id: int


@_tag("o:resw", v1="o:resw")
@dataclass(frozen=True, slots=True)
class WriteNote:
    """Resolve the card's report with a note for the reporter."""

    report_id: int
    agency_id: str
    card_id: int


@_tag("o:to")
@dataclass(frozen=True, slots=True)
class ReferTo:
    """Pass the card's report to another agency."""

    report_id: int
    agency_id: str
    card_id: int
    target: str


@_tag("o:reft", v1="o:reft")
@dataclass(frozen=True, slots=True)
class LegacyReferTo:
    """Version 1's referral button: the target's position in the referral list it offered."""

    report_id: int
    agency_id: str
    card_id: int
    index: int


# -- what is read back ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Legacy:
    """A report-conversation button of version 1, which named things by position: its meaning
    cannot be trusted, so the conversation asks its current step again."""

    data: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Data no version of the bot wrote (or a kind no longer made)."""

    data: str


Button: TypeAlias = (
    Menu
    | Emergency
    | PickCategory
    | PickOption
    | ToggleOption
    | OptionsDone
    | SkipQuestion
    | ConfirmPlace
    | PickArea
    | PickWhen
    | SkipDescription
    | PhotosDone
    | PickContact
    | ChangePart
    | Submit
    | PickDuplicate
    | NotDuplicate
    | Resume
    | Back
    | Cancel
    | CardAction
    | ResolveNow
    | WriteNote
    | ReferTo
    | LegacyReferTo
)
Pressed: TypeAlias = Button | Legacy | Unreadable


def encode(button: Button) -> str:
    """The button's data; ValueError if an id is not one, or if it would not fit Telegram's
    64 bytes (check-config makes sure configured ids always fit: see :func:`size`)."""
    kind = _Kind.by_class[type(button)][0]
    for name, hint in kind.fields:
        if hint is str and not _ID_RE.fullmatch(getattr(button, name)):
            raise ValueError(f"{type(button).__name__}.{name} is not an id: {button!r}")
    data = kind.write(button)
    if len(data.encode()) > LIMIT:
        raise ValueError(f"button data over {LIMIT} bytes: {data!r}")
    return data


def decode(data: str | None) -> Pressed:
    """What the pressed button means: a typed button, a :class:`Legacy` report-conversation
    button, or :class:`Unreadable`."""
    data = data or ""
    for kind in _Kind.all:
        if data.startswith(kind.prefix):
            found = kind.read(data)
            if found is not None:
                return found
    if data.startswith("v1:r:"):
        return Legacy(data)
    return Unreadable(data)


def pattern(*kinds: type[Button], **fixed: str) -> str:
    """A regular expression that matches the data of these kinds, in every version read; with
    ``fixed``, only the buttons whose fields have those values (such as one card action)."""
    versions = [k for kind in kinds for k in _Kind.by_class[kind]]
    return "^(?:" + "|".join(k.pattern(fixed) for k in versions) + ")$"


def exactly(button: Button) -> str:
    """A regular expression that matches this one button, in every version read."""
    written = [re.escape(k.write(button)) for k in _Kind.by_class[type(button)]]
    return "^(?:" + "|".join(written) + ")$"


def area_code(name: str) -> str:
    """The stable code of a town or area, from its name: areas come from a gazetteer (any
    name, any length), so their buttons carry a short digest rather than the name."""
    return hashlib.blake2s(name.encode(), digest_size=5).hexdigest()


def size(button: Button) -> int:
    """The bytes the button would need with its numbers (report and message ids) as large as
    allowed for: what check-config compares with :data:`LIMIT`."""
    kind = _Kind.by_class[type(button)][0]
    widest: dict[str, Any] = {name: LARGEST_NUMBER for name, hint in kind.fields if hint is int}
    return len(kind.write(replace(typing.cast(Any, button), **widest)).encode())
