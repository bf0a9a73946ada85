"""The button-data codec: every kind round-trips, fits Telegram's 64 bytes, keeps its wire
format, reads version 1 where its meaning is certain, and reads nothing else as a button."""

from __future__ import annotations

import re
import typing

import pytest

from bot import buttons as b

LONG = "x" * 32  # the longest id the configuration allows

EXAMPLES: list[tuple[b.Button, str]] = [
    (b.Menu("report"), "v2:m:report"),
    (b.Emergency("yes"), "v2:r:emg:yes"),
    (b.PickCategory("fly-tipping"), "v2:r:cat:fly-tipping"),
    (b.PickOption("fly-tipping", "amount", "car-boot"), "v2:r:a:fly-tipping:amount:car-boot"),
    (b.ToggleOption("fly-tipping", "waste", "tyres"), "v2:r:t:fly-tipping:waste:tyres"),
    (b.OptionsDone("fly-tipping", "waste"), "v2:r:d:fly-tipping:waste"),
    (b.SkipQuestion("asb", "vehicle"), "v2:r:s:asb:vehicle"),
    (b.ConfirmPlace("no"), "v2:r:place:no"),
    (b.PickArea(b.area_code("Harpenden")), "v2:r:area:e88593399f"),
    (b.PickWhen("yesterday"), "v2:r:when:yesterday"),
    (b.SkipDescription(), "v2:r:skipdesc"),
    (b.PhotosDone(), "v2:r:photos"),
    (b.PickContact("anonymous"), "v2:r:contact:anonymous"),
    (b.ChangePart("location"), "v2:r:edit:location"),
    (b.Submit(), "v2:r:submit"),
    (b.PickDuplicate(35), "v2:r:dup:z"),
    (b.NotDuplicate(), "v2:r:new"),
    (b.Resume("restart"), "v2:r:resume:restart"),
    (b.Back(), "v2:r:back"),
    (b.Cancel(), "v2:r:cancel"),
    (b.ForgetMe("keep"), "v2:p:forget:keep"),
    (b.CardAction("ack", 36, "sadc-waste"), "v2:o:ack:10:sadc-waste"),
    (b.ResolveNow(7, "sadc-waste", 1000), "v2:o:resn:7:sadc-waste:rs"),
    (b.WriteNote(7, "sadc-waste", 1000), "v2:o:resw:7:sadc-waste:rs"),
    (b.WritePublishableNote(7, "sadc-waste", 1000), "v2:o:resp:7:sadc-waste:rs"),
    (b.ReferTo(7, "sadc-waste", 1000, "btp"), "v2:o:to:7:sadc-waste:rs:btp"),
    (b.NewsScreen("areas"), "v2:n:s:areas"),
    (b.NewsTopic("scam-alerts"), "v2:n:t:scam-alerts"),
    (b.NewsArea("harpenden"), "v2:n:a:harpenden"),
    (b.NewsWholeDistrict(), "v2:n:all"),
    (b.NewsNearMe(), "v2:n:near"),
    (b.radius_button(2000, 51.7527, -0.3394), "v2:n:r:1jk:8ftpi:ap2p8"),
    (b.NewsQuiet("2200-0700"), "v2:n:q:2200-0700"),
    (b.NewsStop(), "v2:n:stop"),
    (b.BroadcastTopic("newsletter"), "v2:b:t:newsletter"),
    (b.BroadcastArea("harpenden"), "v2:b:a:harpenden"),
    (b.BroadcastChosen("topics"), "v2:b:done:topics"),
    (b.BroadcastTarget("point"), "v2:b:to:point"),
    (b.BroadcastRadius(1000), "v2:b:r:rs"),
    (b.BroadcastDecision("now"), "v2:b:go:now"),
    (b.BroadcastManage("sure", 36), "v2:b:m:sure:10"),
    (b.BroadcastDigest("20261101", "20261130"), "v2:b:dg:20261101:20261130"),
    (b.ClusterAction("mute", 42, 28), "v2:cl:mute:16:s"),
]
# Version 1's referral button is read, never written: version 2 names the target agency.
WRITTEN = set(typing.get_args(b.Button)) - {b.LegacyReferTo}


def test_the_examples_cover_every_kind_written() -> None:
    """A kind added to the codec without an example here fails this test."""
    assert {type(button) for button, _ in EXAMPLES} == WRITTEN


@pytest.mark.parametrize(("button", "data"), EXAMPLES, ids=lambda x: type(x).__name__)
def test_every_kind_round_trips_in_its_pinned_wire_format(button: b.Button, data: str) -> None:
    """Buttons already sent must keep their meaning: the text written is fixed, and reads back
    as the same value."""
    assert b.encode(button) == data
    assert b.decode(data) == button
    assert 1 <= len(data.encode()) <= b.LIMIT


@pytest.mark.parametrize(("button", "data"), EXAMPLES, ids=lambda x: type(x).__name__)
def test_each_kinds_pattern_matches_its_own_buttons_only(button: b.Button, data: str) -> None:
    """The handler pattern of a kind takes that kind's data and no other kind's."""
    for other, _ in EXAMPLES:
        matched = re.match(b.pattern(type(other)), data) is not None
        assert matched == (type(other) is type(button)), (type(other).__name__, data)


@pytest.mark.parametrize(("button", "data"), EXAMPLES, ids=lambda x: type(x).__name__)
def test_a_pattern_takes_no_data_with_anything_after_it(button: b.Button, data: str) -> None:
    """Data with a trailing newline (which ``$`` would let through) matches no handler's
    pattern, as it decodes as no button: a handler never runs on data it cannot read."""
    assert re.match(b.pattern(type(button)), data + "\n") is None
    assert re.match(b.exactly(button), data + "\n") is None
    assert isinstance(b.decode(data + "\n"), b.Unreadable | b.Legacy)


@pytest.mark.parametrize(
    ("data", "meaning"),
    [
        ("v1:o:ack:12:sadc-waste", b.CardAction("ack", 12, "sadc-waste")),
        ("v1:o:det:105:herts-police-hate", b.CardAction("det", 105, "herts-police-hate")),
        ("v1:o:resn:12:sadc-waste:4431", b.ResolveNow(12, "sadc-waste", 4431)),
        ("v1:o:resw:12:sadc-waste:4431", b.WriteNote(12, "sadc-waste", 4431)),
        ("v1:o:reft:12:sadc-waste:4431:2", b.LegacyReferTo(12, "sadc-waste", 4431, 2)),
        ("v1:menu:myreports", b.Menu("myreports")),
        ("v1:r:emg:no", b.Emergency("no")),
        ("v1:r:dup:12", b.PickDuplicate(12)),
        ("v1:r:dup:new", b.NotDuplicate()),
        ("v1:r:edit:photos", b.ChangePart("photos")),
        ("v1:r:back", b.Back()),
    ],
)
def test_version_1_is_read_where_its_meaning_is_certain(data: str, meaning: b.Button) -> None:
    """Cards already in agency chats, menus, and buttons that named no position keep working:
    version 1 wrote numbers in decimal, and its handler patterns still match."""
    assert b.decode(data) == meaning
    assert re.match(b.pattern(type(meaning)), data)


@pytest.mark.parametrize(
    "data",
    ["v1:r:cat:0", "v1:r:a:0:1", "v1:r:t:1:2", "v1:r:d:0", "v1:r:s:2", "v1:r:area:3", "v1:r:x"],
)
def test_version_1_report_buttons_with_positions_are_legacy(data: str) -> None:
    """A report button that named a category, question, option or area by its position is
    never read as today's: no report kind's pattern takes it."""
    assert b.decode(data) == b.Legacy(data)
    for kind in WRITTEN:
        assert re.match(b.pattern(kind), data) is None, kind.__name__


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "hello",
        "v0:gone",
        "v3:m:help",
        "v2:m:settings",
        "v2:r:cat:",
        "v2:r:cat:Fly-Tipping",
        "v2:r:a:fly-tipping:amount",
        "v2:r:a:fly-tipping:amount:car-boot:extra",
        "v2:o:ack:-1:sadc-waste",
        "v2:o:ack:01:sadc-waste",
        "v2:o:ack:7:sadc waste",
        "v2:o:ok:7:sadc-waste",
        "v1:o:ack:7",
        "v1:menu:",
    ],
)
def test_anything_else_is_unreadable(data: str | None) -> None:
    """Garbage, unknown versions and kinds, malformed fields: Unreadable, never a button."""
    assert b.decode(data) == b.Unreadable(data or "")


def test_the_longest_ids_do_not_fit_an_option_button() -> None:
    """Three 32-character ids make an option button over 64 bytes: encode refuses it, and
    size tells check-config by how much."""
    too_long = b.PickOption(LONG, LONG, LONG)
    assert b.size(too_long) == len(f"v2:r:a:{LONG}:{LONG}:{LONG}") > b.LIMIT
    with pytest.raises(ValueError, match="64 bytes"):
        b.encode(too_long)
    fits = b.PickOption("c" * 20, "q" * 20, "o" * 15)
    assert b.size(fits) == b.LIMIT
    assert len(b.encode(fits)) == b.LIMIT


def test_card_buttons_fit_with_the_largest_numbers_and_longest_agency_id() -> None:
    """A card's buttons carry one agency id: they always fit, whatever the report and message
    ids grow to (up to 2**31 - 1)."""
    largest = b.LARGEST_NUMBER
    for button in (
        b.CardAction("ack", largest, LONG),
        b.ResolveNow(largest, LONG, largest),
        b.WriteNote(largest, LONG, largest),
        b.WritePublishableNote(largest, LONG, largest),
    ):
        assert b.size(button) <= b.LIMIT
        assert b.decode(b.encode(button)) == button
    assert b.size(b.ReferTo(0, LONG, 0, "t" * 9)) == b.LIMIT


def test_encode_refuses_what_is_not_an_id_or_a_count() -> None:
    """A field that could break the format (a colon, a capital) or a negative number raises."""
    for bad in (b.PickCategory("a:b"), b.PickCategory("Graffiti"), b.PickDuplicate(-1)):
        with pytest.raises(ValueError, match=r"not an id|not negative"):
            b.encode(bad)


def test_exactly_matches_one_button_in_both_versions() -> None:
    """The menu's Report entry is recognised as written today and by version 1, and nothing
    else is."""
    regex = b.exactly(b.Menu("report"))
    assert re.match(regex, "v2:m:report")
    assert re.match(regex, "v1:menu:report")
    assert not re.match(regex, "v2:m:report:x")
    assert not re.match(regex, "v2:m:help")


def test_one_card_action_pattern_takes_only_that_action() -> None:
    """Patterns can fix a field: the Acknowledge handler takes ack buttons of both versions."""
    regex = b.pattern(b.CardAction, action="ack")
    assert re.match(regex, "v2:o:ack:1:sadc-waste")
    assert re.match(regex, "v1:o:ack:1:sadc-waste")
    assert not re.match(regex, "v2:o:det:1:sadc-waste")


def test_area_codes_are_stable_short_and_distinct() -> None:
    """An area button names its area by a digest of the name: the same in every release and
    whatever the gazetteer's order, and short whatever the name's length."""
    assert b.area_code("St Albans") == "6a3f9398c3"
    assert b.area_code("Harpenden") != b.area_code("St Albans")
    assert len(b.area_code("A very long name of a place " * 10)) == 10


@pytest.mark.parametrize(("latitude", "longitude"), [(51.7527, -0.3394), (-89.9, 179.9), (0, 0)])
def test_a_radius_button_carries_its_place_to_about_a_metre(
    latitude: float, longitude: float
) -> None:
    """The place read back is within a hundred-thousandth of a degree of the place sent."""
    button = b.decode(b.encode(b.radius_button(500, latitude, longitude)))
    assert isinstance(button, b.NewsRadius)
    place = b.near_point(button)
    assert place is not None
    assert abs(place[0] - latitude) < 1e-5
    assert abs(place[1] - longitude) < 1e-5


def test_a_radius_button_off_the_earth_is_no_place() -> None:
    """Forged numbers beyond the poles read as no place."""
    assert b.near_point(b.NewsRadius(500, 90 * 100_000 * 3, 0)) is None
