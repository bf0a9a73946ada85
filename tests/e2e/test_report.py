"""The report conversation end to end: each category's path, through the real bot and emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from tests.geo.reference import DISTRICT_FILE, geo_dir
from tests.support.flows import (
    HARPENDEN,
    HATFIELD,
    HEMEL,
    ST_ALBANS,
    WASTE_CHAT,
    finish,
    start_report,
    to_location,
)
from tests.support.harness import load, running_bot, write_config
from tests.support.residents import Resident
from tests.support.stored import stored_reports


async def test_fly_tipping_whole_path_with_hazard_vehicle_and_photo(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A fly-tipping report with every detail is stored, urgent, and listed for its reporter."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        reply = await sam.tap("No, nobody is in danger")
        assert reply["text"] == "What would you like to report?"
        reply = await sam.tap("Fly tipping", until="What has been dumped?")
        edited = await sam.toggle("Furniture or a mattress")
        assert "Chosen so far: 1" in edited["text"]
        assert "✓ Furniture or a mattress" in await sam.last_buttons()
        await sam.toggle("Asbestos, chemicals, needles or drums")
        await sam.tap("Done", until="Do not touch it")
        await sam.client.wait_for_message(
            sam.id, predicate=lambda m: "Roughly how much" in (m.get("text") or "")
        )
        await sam.tap("A small van load", until="What kind of land is it on?")
        await sam.tap("Road, pavement or verge", until="Did you see it being dumped?")
        await sam.tap("Yes", until="Did you see their vehicle?")
        await sam.say("AB12 CDE white Transit", until="willing to be a witness")
        reply = await sam.tap("Not sure", until="Where is it?")
        assert "Share my location" in str((await client.messages(sam.id))[-1])
        reply = await sam.pin(*ST_ALBANS, until="When did it happen")
        await sam.tap("Yesterday", until="Describe what you saw")
        await sam.say("A sofa & <b>drums</b> leaking by the bins", until="Photos help")
        await sam.photo(until="Photo 1 added")
        await sam.tap("Done with photos", until="Shall we keep you updated?")
        reply = await sam.tap("Keep me updated here", until="Please check your report")
        assert "A sofa &amp; &lt;b&gt;drums&lt;/b&gt;" not in reply["text"]  # shown as typed
        assert "A sofa & <b>drums</b> leaking by the bins" in reply["text"]
        assert "Photos: 1" in reply["text"]
        reply = await sam.tap("Submit report", until="Your reference")
        listing = await sam.say("/myreports", until="Your reports")
    ref = reply["text"].split("Your reference: ")[1].split(" ")[0]
    assert ref in listing["text"]
    rows = [
        (
            r.ref,
            r.category,
            r.priority,
            r.reporter_chat_id,
            r.anonymous,
            r.description,
            r.occurred_at,
            len(r.photos),
            r.answers,
        )
        for r in await stored_reports(config_path)
    ]
    assert len(rows) == 1
    stored_ref, category, priority, chat, anonymous, description, occurred, photos, answers = rows[
        0
    ]
    assert (stored_ref, category, priority, chat, anonymous) == (
        ref,
        "fly-tipping",
        "urgent",
        resident,
        0,
    )
    assert description == "A sofa & <b>drums</b> leaking by the bins"
    assert occurred is not None
    assert photos == 1
    assert answers == {
        "waste": ["furniture", "hazardous"],
        "amount": "small-van",
        "land": "road",
        "seen": "yes",
        "vehicle": "AB12 CDE white Transit",
        "witness": "not-sure",
    }


def _db_bytes(config_path: Path) -> bytes:
    folder = config_path.parent
    return b"".join(
        path.read_bytes() for path in folder.glob("safetybot.sqlite3*") if path.is_file()
    )


async def test_anonymous_graffiti_from_a_poster_link_keeps_no_telegram_id(
    client: EmulatorClient, config_path: Path
) -> None:
    """A deep link starts a graffiti report; a typed place is confirmed on a map; an anonymous
    report leaves the reporter's Telegram id nowhere in the database file or its WAL."""
    user = await client.create_user("Robin", user_id=777123456789)
    sam = Resident(client, user)
    async with running_bot(load(config_path)):
        await sam.say("/start report_graffiti", until="is anyone in danger")
        await sam.tap("No, nobody is in danger", until="Is it offensive?")
        await sam.tap("Yes, racist", until="What is it on?")
        await sam.tap("Bus shelter or street furniture", until="how big")
        await sam.tap("Up to the size of a door", until="Where is it?")
        venue = await sam.say("Harpenden")
        assert "venue" in venue or venue.get("location"), venue
        await sam.client.wait_for_message(
            sam.id, predicate=lambda m: "Is that the right place?" in (m.get("text") or "")
        )
        accepted = await sam.tap("Yes, that's right", until="Location:")
        assert "Harpenden" in accepted["text"]
        ref = await finish(sam, contact="Report anonymously")
        status = await sam.say(f"/status {ref.lower()}", until=ref)
        listing = await sam.say("/myreports")
    assert "received" in status["text"]
    assert "no reports with updates" in listing["text"]
    rows = [
        (r.category, r.priority, r.anonymous, r.reporter_chat_id)
        for r in await stored_reports(config_path)
    ]
    assert rows == [("graffiti", "urgent", 1, None)]
    raw = _db_bytes(config_path)
    assert raw, "the database files exist"
    for encoding in (
        b"777123456789",
        (777123456789).to_bytes(8, "big"),
        (777123456789).to_bytes(6, "big"),
    ):
        assert encoding not in raw


async def test_hate_incident_outside_is_accepted_and_marked_outside(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Police matters are county-wide: a hate incident in Hemel Hempstead is taken, marked
    outside."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        await sam.tap("No, nobody is in danger")
        intro = await sam.tap("Hate incident", until="need proof")
        assert "anyone else" in intro["text"]
        await sam.toggle("Verbal abuse or threats")
        await sam.tap("Done", until="Why do you think it was hate?")
        await sam.toggle("Religion or belief")
        await sam.toggle("Disability")
        await sam.tap("Done", until="Who is reporting?")
        await sam.tap("I am the victim", until="still happening")
        await sam.tap("No", until="Where is it?")
        accepted = await sam.pin(*HEMEL, until="Location:")
        assert "outside our area" in accepted["text"]
        await sam.tap("Now or just now", until="Describe")
        await sam.say("Shouted at outside the station", until="Photos help")
        await sam.tap("No photos", until="keep you updated")
        await sam.tap("Keep me updated here", until="phone number")
        await sam.say("No, thanks", until="Please check your report")
        done = await sam.tap("Submit report", until="Your reference")
    assert "report-it.org.uk" in done["text"]
    rows = [
        (r.category, r.outside_district, r.priority, r.answers)
        for r in await stored_reports(config_path)
    ]
    category, outside, priority, answers = rows[0]
    assert (category, outside, priority) == ("hate-incident", 1, "high")
    assert answers["motivation"] == ["religion", "disability"]


async def test_council_matter_outside_is_refused_naming_the_council(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Anti-social behaviour in Hemel Hempstead is not taken: Dacorum is named, nothing stored,
    and a pin inside the district then carries on."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Anti-social behaviour", ["+Noise", "Done", "It happened once"])
        refused = await sam.pin(*HEMEL)
        assert "Dacorum" in refused["text"]
        assert "outside our area" in refused["text"]
        again = await sam.pin(*HARPENDEN, until="When did it happen")
        del again
        ref = await finish(sam)
    rows = [(r.ref, r.outside_district) for r in await stored_reports(config_path)]
    assert rows == [(ref, 0)]


async def test_typed_postcodes_are_placed_exactly_without_a_geocoding_server(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Offline, a typed full postcode is shown back at its own position: Hatfield's is refused
    as Welwyn Hatfield's, one in St Albans is taken where the postcode is."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
        await sam.say("al9 5aa", until="Is that the right place?")
        refused = await sam.tap("Yes, that's right")
        assert "Welwyn Hatfield" in refused["text"]
        assert "outside our area" in refused["text"]
        await sam.say("Near AL1 3JE please", until="Is that the right place?")
        accepted = await sam.tap("Yes, that's right", until="Location:")
        assert "AL1 3JE" in accepted["text"]
        ref = await finish(sam)
    rows = [
        (r.ref, r.latitude, r.longitude, r.outside_district)
        for r in await stored_reports(config_path)
    ]
    assert rows == [(ref, 51.75336, -0.33612, 0)]


async def test_boundary_files_decide_exactly_and_name_the_ward(
    client: EmulatorClient, server_url_folder: tuple[str, Path], resident: int
) -> None:
    """With the ONS boundary files configured, Hatfield is refused as Welwyn Hatfield's and a
    pin in St Albans gets its ward."""
    reference = geo_dir()
    if not (reference / DISTRICT_FILE).is_file():
        pytest.skip(f"reference geography not found in {reference} (set SAFETYBOT_GEO_DIR)")
    url, folder = server_url_folder
    config = load(write_config(folder, url, boundaries=reference))
    sam = Resident(client, resident)
    async with running_bot(config):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
        refused = await sam.pin(*HATFIELD)
        accepted = await sam.pin(*ST_ALBANS, until="Location:")
        ref = await finish(sam)
    assert "Welwyn Hatfield" in refused["text"]
    assert "St Peters" in accepted["text"]
    stored = await stored_reports(folder / "config.toml")
    assert [(r.ref, r.ward) for r in stored] == [(ref, "St Peters")]


async def test_rogue_trader_with_phone_and_drug_dealing_paths(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A rogue-trader report takes the resident's own phone number from the contact button
    (not someone else's); a drug-dealing report takes a typed vehicle and an empty-looking
    description is asked again."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        await sam.tap("No, nobody is in danger")
        await sam.tap("Rogue traders and bogus callers", until="What happened?")
        await sam.toggle("Posing as utility, council or police")
        await sam.tap("Done", until="still there")
        await sam.tap("No", until="Who did they call on?")
        await sam.tap("A relative or neighbour", until="Where is it?")
        await sam.pin(*HARPENDEN, until="When did it happen")
        await sam.tap("Earlier today", until="Describe")
        await sam.say("Man said he was from the water board", until="Photos help")
        await sam.tap("No photos", until="keep you updated")
        await sam.tap("Keep me updated here", until="phone number")
        neighbour = {"phone_number": "+44 7700 900999", "first_name": "Neighbour", "user_id": 1}
        # A contact card of someone else: send_contact always shares the sender's own.
        other = await client._call("POST", f"/users/{sam.id}/send", {"contact": neighbour})
        refused = await client.wait_for_message(sam.id, after=int(other["seq"]))
        assert "your own number" in refused["text"]
        sent = await client.send_contact(sam.id, "+44 7700 900123", "Sam")
        review = await client.wait_for_message(
            sam.id,
            after=sent.seq,
            predicate=lambda m: "Please check your report" in (m.get("text") or ""),
        )
        assert "phone +44 7700 900123" in review["text"]
        first = await sam.tap("Submit report", until="Your reference")
        assert "0808 223 1133" in first["text"]

        await start_report(sam)
        await sam.tap("No, nobody is in danger")
        await sam.tap("Drug dealing", until="What did you see?")
        await sam.toggle("Dealing from a vehicle")
        await sam.tap("Done", until="first time")
        await sam.tap("No, it happens repeatedly", until="vehicle")
        await sam.say("Black hatchback, partial plate KX", until="Where is it?")
        await sam.pin(*ST_ALBANS, until="When did it happen")
        await sam.tap("Now or just now", until="Describe")
        empty = await sam.say("...")
        assert "no words in it" in empty["text"]
        await sam.say("Handing packets through the window", until="Photos help")
        await sam.tap("No photos", until="keep you updated")
        await sam.tap("Report anonymously", until="Please check your report")
        second = await sam.tap("Submit report", until="Your reference")
    assert "Crimestoppers" in second["text"]
    rows = [(r.category, r.contact_phone, r.anonymous) for r in await stored_reports(config_path)]
    assert rows == [("rogue-traders", "+44 7700 900123", 0), ("drug-dealing", None, 1)]


async def test_the_land_question_and_a_skipped_description_say_what_they_mean(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The fly-tipping land question is titled for the kind of land, not "Where is it?" like
    the location question, so a pin sent to it is plainly the wrong answer; a skipped
    description reads "none given" in the review and on the agency's card, never "None"."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        await sam.tap("No, nobody is in danger")
        await sam.tap("Fly tipping", until="What has been dumped?")
        await sam.toggle("Tyres")
        await sam.tap("Done", until="Roughly how much")
        land = await sam.tap("A car boot load", until="What kind of land")
        told = await sam.pin(*ST_ALBANS)
        asked_again = await client.wait_for_message(
            sam.id, predicate=lambda m: m["message_id"] > told["message_id"]
        )
        await sam.tap("Park or open space", until="Did you see it")
        where = await sam.tap("No", until="Share")
        await sam.pin(*ST_ALBANS, until="When did it happen")
        await sam.tap("Now or just now", until="Describe what you saw")
        await sam.tap("Skip", until="Photos help")
        await sam.tap("No photos", until="Shall we keep you updated?")
        review = await sam.tap("Keep me updated here", until="Please check your report")
        done = await sam.tap("Submit report", until="Your reference")
        ref = done["text"].split("Your reference: ")[1].split(" ")[0]
        card = await client.wait_for_message(
            WASTE_CHAT, predicate=lambda m: ref in (m.get("text") or "")
        )
    assert land["text"].startswith("What kind of land is it on?")
    assert where["text"].startswith("Where is it?")
    assert "one of the buttons" in told["text"]
    assert asked_again["text"].startswith("What kind of land is it on?")
    assert "Description: none given" in review["text"]
    assert "Description: none given" in card["text"]
    for shown in (review, card):
        assert "None" not in shown["text"]
