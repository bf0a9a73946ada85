"""The kinds of button, each a typed value registered under its tag (and its version 1 tag
where that is still read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from bot.buttons.codec import tag

MenuChoice: TypeAlias = Literal["report", "myreports", "news", "privacy", "help"]
Part: TypeAlias = Literal[
    "category", "answers", "location", "when", "description", "photos", "contact"
]
CardActionName: TypeAlias = Literal["ack", "res", "ref", "ask", "det"]
NewsScreenName: TypeAlias = Literal["topics", "areas", "quiet"]


# -- the main menu -------------------------------------------------------------------------------


@tag("m", v1="menu")
@dataclass(frozen=True, slots=True)
class Menu:
    """A main-menu entry."""

    choice: MenuChoice


# -- the report conversation ----------------------------------------------------------------------


@tag("r:emg", v1="r:emg")
@dataclass(frozen=True, slots=True)
class Emergency:
    """The answer to the danger question."""

    answer: Literal["yes", "no"]


@tag("r:cat")
@dataclass(frozen=True, slots=True)
class PickCategory:
    """A category of incident."""

    category: str


@tag("r:a")
@dataclass(frozen=True, slots=True)
class PickOption:
    """The option of a single-choice question."""

    category: str
    question: str
    option: str


@tag("r:t")
@dataclass(frozen=True, slots=True)
class ToggleOption:
    """An option of a several-choice question, ticked or unticked."""

    category: str
    question: str
    option: str


@tag("r:d")
@dataclass(frozen=True, slots=True)
class OptionsDone:
    """Done with a several-choice question."""

    category: str
    question: str


@tag("r:s")
@dataclass(frozen=True, slots=True)
class SkipQuestion:
    """Skip an optional question."""

    category: str
    question: str


@tag("r:place", v1="r:place")
@dataclass(frozen=True, slots=True)
class ConfirmPlace:
    """Whether the place found on the map is the right one."""

    answer: Literal["yes", "no"]


@tag("r:area")
@dataclass(frozen=True, slots=True)
class PickArea:
    """A town or area, for a resident not sure exactly where (see :func:`area_code`)."""

    area: str


@tag("r:when", v1="r:when")
@dataclass(frozen=True, slots=True)
class PickWhen:
    """When it happened, roughly, or another day to type."""

    choice: Literal["now", "today", "yesterday", "other"]


@tag("r:skipdesc", v1="r:skipdesc")
@dataclass(frozen=True, slots=True)
class SkipDescription:
    """No description."""


@tag("r:photos", v1="r:photos")
@dataclass(frozen=True, slots=True)
class PhotosDone:
    """Done with photos (or none)."""


@tag("r:contact", v1="r:contact")
@dataclass(frozen=True, slots=True)
class PickContact:
    """Updates in this chat, or anonymous."""

    choice: Literal["updates", "anonymous"]


@tag("r:edit", v1="r:edit")
@dataclass(frozen=True, slots=True)
class ChangePart:
    """Change a part of the report, from the review."""

    part: Part


@tag("r:submit", v1="r:submit")
@dataclass(frozen=True, slots=True)
class Submit:
    """Submit the report."""


@tag("r:dup", v1="r:dup")
@dataclass(frozen=True, slots=True)
class PickDuplicate:
    """The open report the resident's is the same as."""

    report_id: int


@tag("r:new", v1="r:dup:new")
@dataclass(frozen=True, slots=True)
class NotDuplicate:
    """None of the open reports offered: the resident's is a new one."""


@tag("r:resume", v1="r:resume")
@dataclass(frozen=True, slots=True)
class Resume:
    """Carry on with the report in progress, or start again."""

    choice: Literal["continue", "restart"]


@tag("r:back", v1="r:back")
@dataclass(frozen=True, slots=True)
class Back:
    """Back to the previous step."""


@tag("r:cancel", v1="r:cancel")
@dataclass(frozen=True, slots=True)
class Cancel:
    """Cancel the report."""


# -- the agencies' cards --------------------------------------------------------------------------


@tag("o", v1="o")
@dataclass(frozen=True, slots=True)
class CardAction:
    """A button on a report's card in an agency's chat."""

    action: CardActionName
    report_id: int
    agency_id: str


@tag("o:resn", v1="o:resn")
@dataclass(frozen=True, slots=True)
class ResolveNow:
    """Resolve the card's report without a note."""

    report_id: int
    agency_id: str
    card_id: int


@tag("o:resw", v1="o:resw")
@dataclass(frozen=True, slots=True)
class WriteNote:
    """Resolve the card's report with a note for the reporter."""

    report_id: int
    agency_id: str
    card_id: int


@tag("o:resp")
@dataclass(frozen=True, slots=True)
class WritePublishableNote:
    """Resolve the card's report with a note for the reporter that may also be published in
    the partnership's news (no names or addresses)."""

    report_id: int
    agency_id: str
    card_id: int


@tag("o:to")
@dataclass(frozen=True, slots=True)
class ReferTo:
    """Pass the card's report to another agency."""

    report_id: int
    agency_id: str
    card_id: int
    target: str


@tag("o:reft", v1="o:reft")
@dataclass(frozen=True, slots=True)
class LegacyReferTo:
    """Version 1's referral button: the target's position in the referral list it offered."""

    report_id: int
    agency_id: str
    card_id: int
    index: int


# -- news: a subscriber's choices (/news) ------------------------------------------------------


@tag("n:s")
@dataclass(frozen=True, slots=True)
class NewsScreen:
    """Show one screen of the /news message: topics, areas or quiet hours."""

    screen: NewsScreenName


@tag("n:t")
@dataclass(frozen=True, slots=True)
class NewsTopic:
    """Turn a topic on or off."""

    topic: str


@tag("n:a")
@dataclass(frozen=True, slots=True)
class NewsArea:
    """Add or remove an area."""

    area: str


@tag("n:all")
@dataclass(frozen=True, slots=True)
class NewsWholeDistrict:
    """News for the whole district."""


@tag("n:near")
@dataclass(frozen=True, slots=True)
class NewsNearMe:
    """News near a place: asks for a location."""


@tag("n:r")
@dataclass(frozen=True, slots=True)
class NewsRadius:
    """News within a radius of the place the subscriber sent; the place travels with the
    button (see :func:`bot.buttons.near_point`), so it works after a restart."""

    radius_m: int
    latitude: int
    longitude: int


@tag("n:q")
@dataclass(frozen=True, slots=True)
class NewsQuiet:
    """A choice of quiet hours, by its id (``default``, ``off``, or hours as ``2200-0700``)."""

    option: str


@tag("n:stop")
@dataclass(frozen=True, slots=True)
class NewsStop:
    """Stop all news and delete the subscriber."""


# -- residents' data -----------------------------------------------------------------------------


@tag("p:forget")
@dataclass(frozen=True, slots=True)
class ForgetMe:
    """The answer to /forgetme: withdraw open reports, keep them open anonymously, erase (with
    no open reports), or cancel."""

    choice: Literal["withdraw", "keep", "erase", "cancel"]


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


# -- broadcasts (admins) --------------------------------------------------------------------------


@tag("b:t")
@dataclass(frozen=True, slots=True)
class BroadcastTopic:
    """A topic of the item being composed, ticked or unticked."""

    topic: str


@tag("b:a")
@dataclass(frozen=True, slots=True)
class BroadcastArea:
    """An area of the item being composed, ticked or unticked."""

    area: str


@tag("b:done")
@dataclass(frozen=True, slots=True)
class BroadcastChosen:
    """Done choosing the item's topics or areas."""

    what: Literal["topics", "areas"]


@tag("b:to")
@dataclass(frozen=True, slots=True)
class BroadcastTarget:
    """Whom the item is for: the whole district, some areas, or near a point (urgent)."""

    choice: Literal["district", "areas", "point"]


@tag("b:r")
@dataclass(frozen=True, slots=True)
class BroadcastRadius:
    """The radius around the point, in metres."""

    metres: int


@tag("b:go")
@dataclass(frozen=True, slots=True)
class BroadcastDecision:
    """After the preview: send now, schedule, or cancel."""

    choice: Literal["now", "schedule", "cancel"]


@tag("b:m")
@dataclass(frozen=True, slots=True)
class BroadcastManage:
    """From /broadcasts: correct, withdraw (ask, then confirmed) or cancel a stored item."""

    action: Literal["correct", "withdraw", "sure", "cancel"]
    broadcast_id: int


@tag("b:dg")
@dataclass(frozen=True, slots=True)
class BroadcastDigest:
    """Under a /digest draft: compose a broadcast from it. The period's days (``YYYYMMDD``)
    are carried, so the draft is made again from the stored reports, after a restart too."""

    first: str
    last: str


# -- emerging clusters ---------------------------------------------------------------------------


ClusterActionName: TypeAlias = Literal["ack", "mute", "list"]


@tag("cl")
@dataclass(frozen=True, slots=True)
class ClusterAction:
    """Under a cluster's announcement: acknowledge it, mute its area and category for
    ``days``, or list its reports (``days`` is 0 but for a mute)."""

    action: ClusterActionName
    cluster_id: int
    days: int


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
    | WritePublishableNote
    | ReferTo
    | LegacyReferTo
    | ForgetMe
    | NewsScreen
    | NewsTopic
    | NewsArea
    | NewsWholeDistrict
    | NewsNearMe
    | NewsRadius
    | NewsQuiet
    | NewsStop
    | BroadcastTopic
    | BroadcastArea
    | BroadcastChosen
    | BroadcastTarget
    | BroadcastRadius
    | BroadcastDecision
    | BroadcastManage
    | BroadcastDigest
    | ClusterAction
)
Pressed: TypeAlias = Button | Legacy | Unreadable
