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
import typing
from dataclasses import replace
from typing import Any

from bot.buttons.codec import ID_RE, LARGEST_NUMBER, LIMIT, VERSION, Kind
from bot.buttons.kinds import (
    Back,
    BroadcastArea,
    BroadcastChosen,
    BroadcastDecision,
    BroadcastDigest,
    BroadcastManage,
    BroadcastRadius,
    BroadcastTarget,
    BroadcastTopic,
    Button,
    Cancel,
    CardAction,
    CardActionName,
    ChangePart,
    ClusterAction,
    ClusterActionName,
    ConfirmPlace,
    Emergency,
    ForgetMe,
    Legacy,
    LegacyReferTo,
    Menu,
    MenuChoice,
    NewsArea,
    NewsNearMe,
    NewsQuiet,
    NewsRadius,
    NewsScreen,
    NewsScreenName,
    NewsStop,
    NewsTopic,
    NewsWholeDistrict,
    NotDuplicate,
    OptionsDone,
    Part,
    PhotosDone,
    PickArea,
    PickCategory,
    PickContact,
    PickDuplicate,
    PickOption,
    PickWhen,
    Pressed,
    ReferTo,
    ResolveNow,
    Resume,
    SkipDescription,
    SkipQuestion,
    Submit,
    ToggleOption,
    Unreadable,
    WriteNote,
    WritePublishableNote,
)


def encode(button: Button) -> str:
    """The button's data; ValueError if an id is not one, or if it would not fit Telegram's
    64 bytes (check-config makes sure configured ids always fit: see :func:`size`)."""
    kind = Kind.by_class[type(button)][0]
    for name, hint in kind.fields:
        if hint is str and not ID_RE.fullmatch(getattr(button, name)):
            raise ValueError(f"{type(button).__name__}.{name} is not an id: {button!r}")
    data = kind.write(button)
    if len(data.encode()) > LIMIT:
        raise ValueError(f"button data over {LIMIT} bytes: {data!r}")
    return data


def decode(data: str | None) -> Pressed:
    """What the pressed button means: a typed button, a :class:`Legacy` report-conversation
    button, or :class:`Unreadable`."""
    data = data or ""
    for kind in Kind.all:
        if data.startswith(kind.prefix):
            found = kind.read(data)
            if found is not None:
                return typing.cast(Button, found)
    if data.startswith("v1:r:"):
        return Legacy(data)
    return Unreadable(data)


def pattern(*kinds: type[Button], **fixed: str) -> str:
    """A regular expression that matches the data of these kinds, in every version read; with
    ``fixed``, only the buttons whose fields have those values (such as one card action)."""
    versions = [k for kind in kinds for k in Kind.by_class[kind]]
    return "^(?:" + "|".join(k.pattern(fixed) for k in versions) + r")\Z"


def exactly(button: Button) -> str:
    """A regular expression that matches this one button, in every version read."""
    written = [re.escape(k.write(button)) for k in Kind.by_class[type(button)]]
    return "^(?:" + "|".join(written) + r")\Z"


def area_code(name: str) -> str:
    """The stable code of a town or area, from its name: areas come from a gazetteer (any
    name, any length), so their buttons carry a short digest rather than the name."""
    return hashlib.blake2s(name.encode(), digest_size=5).hexdigest()


_COORDINATE_SCALE = 100_000  # about a metre


def radius_button(radius_m: int, latitude: float, longitude: float) -> NewsRadius:
    """The button of a near-me radius around a place: degrees as whole numbers (about a metre
    apart), offset to be positive."""
    return NewsRadius(
        radius_m,
        round((latitude + 90) * _COORDINATE_SCALE),
        round((longitude + 180) * _COORDINATE_SCALE),
    )


def near_point(button: NewsRadius) -> tuple[float, float] | None:
    """The place a radius button carries, as latitude and longitude; None if it is no place
    on Earth (forged data)."""
    latitude = button.latitude / _COORDINATE_SCALE - 90
    longitude = button.longitude / _COORDINATE_SCALE - 180
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def size(button: Button) -> int:
    """The bytes the button would need with its numbers (report and message ids) as large as
    allowed for: what check-config compares with :data:`LIMIT`."""
    kind = Kind.by_class[type(button)][0]
    widest: dict[str, Any] = {name: LARGEST_NUMBER for name, hint in kind.fields if hint is int}
    return len(kind.write(replace(typing.cast(Any, button), **widest)).encode())


__all__ = [
    "LARGEST_NUMBER",
    "LIMIT",
    "VERSION",
    "Back",
    "BroadcastArea",
    "BroadcastChosen",
    "BroadcastDecision",
    "BroadcastDigest",
    "BroadcastManage",
    "BroadcastRadius",
    "BroadcastTarget",
    "BroadcastTopic",
    "Button",
    "Cancel",
    "CardAction",
    "CardActionName",
    "ChangePart",
    "ClusterAction",
    "ClusterActionName",
    "ConfirmPlace",
    "Emergency",
    "ForgetMe",
    "Legacy",
    "LegacyReferTo",
    "Menu",
    "MenuChoice",
    "NewsArea",
    "NewsNearMe",
    "NewsQuiet",
    "NewsRadius",
    "NewsScreen",
    "NewsScreenName",
    "NewsStop",
    "NewsTopic",
    "NewsWholeDistrict",
    "NotDuplicate",
    "OptionsDone",
    "Part",
    "PhotosDone",
    "PickArea",
    "PickCategory",
    "PickContact",
    "PickDuplicate",
    "PickOption",
    "PickWhen",
    "Pressed",
    "ReferTo",
    "ResolveNow",
    "Resume",
    "SkipDescription",
    "SkipQuestion",
    "Submit",
    "ToggleOption",
    "Unreadable",
    "WriteNote",
    "WritePublishableNote",
    "area_code",
    "decode",
    "encode",
    "exactly",
    "near_point",
    "pattern",
    "radius_button",
    "size",
]
