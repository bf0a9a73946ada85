"""Residents' data rights through the emulator: the privacy notice offered before a report asks
anything, /mydata's file, and /forgetme both ways, after which the database file and its WAL
hold the resident's Telegram id in no form."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from storage.db import Database
from tests.support.flows import ST_ALBANS, WASTE_CHAT, reference_in, start_report, to_location
from tests.support.harness import load, running_bot
from tests.support.residents import Resident
from tests.support.stored import stored_reports

WASTE_OFFICER = 910001
SAM = 777123456789  # an id with no chance of appearing in the file by accident
DESCRIPTION = "Sofa dumped behind number 12, Sam Jones of Holywell Hill saw it"
VEHICLE = "ZZ99 ZZZ red Transit"
QUESTION = "Is it blocking the path?"
ANSWER = "Yes, half of it, ring me on 07700 900123"


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "") or text in (m.get("caption") or "")


def id_forms(number: int) -> list[bytes]:
    """The Telegram id as SQLite may hold it: decimal text, and big-endian integers of the
    widths SQLite's record format uses (6 bytes for ids this large, and 8)."""
    return [str(number).encode(), number.to_bytes(6, "big"), number.to_bytes(8, "big")]


def database_bytes(config_path: Path) -> bytes:
    """The database file and its WAL, read as bytes."""
    folder = config_path.parent
    files = [folder / "safetybot.sqlite3", folder / "safetybot.sqlite3-wal"]
    return b"".join(path.read_bytes() for path in files if path.exists())


async def _report_with_everything(client: EmulatorClient, sam: Resident) -> tuple[str, dict]:
    """A contactable fly-tipping report with a typed answer, a pin, a description and a photo;
    its reference and the waste team's card."""
    await start_report(sam)
    await sam.tap("No, nobody is in danger", until="What would you like to report?")
    await sam.tap("Fly tipping", until="What has been dumped?")
    await sam.toggle("Tyres")
    await sam.tap("Done", until="Roughly how much")
    await sam.tap("A car boot load", until="What kind of land")
    await sam.tap("Park or open space", until="Did you see it being dumped?")
    await sam.tap("Yes", until="Did you see their vehicle?")
    await sam.say(VEHICLE, until="willing to be a witness")
    await sam.tap("Not sure", until="Where is it?")
    await sam.pin(*ST_ALBANS, until="When did it happen")
    await sam.tap("Now or just now", until="Describe what you saw")
    await sam.say(DESCRIPTION, until="Photos help")
    await sam.photo(until="Photo 1 added")
    await sam.tap("Done with photos", until="Shall we keep you updated?")
    await sam.tap("Keep me updated here", until="Please check your report")
    ref = reference_in(await sam.tap("Submit report", until="Your reference"))
    card = await client.wait_for_message(WASTE_CHAT, predicate=_has(ref))
    await client.wait_for_message(WASTE_CHAT, predicate=_has(f"{ref} photo 1"))
    return ref, card


async def _acknowledge_ask_and_answer(client: EmulatorClient, sam: Resident, card: dict) -> None:
    """The waste officer acknowledges, asks a question; Sam answers it."""
    pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Acknowledge", card["message_id"])
    await client.wait_for_message(sam.id, after=pressed.seq, predicate=_has("picked it up"))
    pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Ask the reporter", card["message_id"])
    prompt = await client.wait_for_message(
        WASTE_CHAT, after=pressed.seq, predicate=_has("Question for the reporter")
    )
    sent = await client.send_text(
        WASTE_OFFICER, QUESTION, WASTE_CHAT, reply_to=prompt["message_id"]
    )
    asked = await client.wait_for_message(
        sam.id, after=sent.seq, predicate=_has("asks about your report")
    )
    answered = await client.send_text(sam.id, ANSWER, reply_to=asked["message_id"])
    await client.wait_for_message(WASTE_CHAT, after=answered.seq, predicate=_has("answers"))
    await client.wait_for_message(sam.id, after=answered.seq)


async def _forget(client: EmulatorClient, sam: Resident, choice: str) -> tuple[dict, int]:
    """/forgetme, then the choice; the edited prompt saying what was erased, and the event
    seq of the press."""
    prompt = await sam.say("/forgetme", until="Erase your data")
    assert choice in buttons(prompt)
    pressed = await client.press(sam.id, None, choice, prompt["message_id"])
    done = await client.wait_for_edit(sam.id, prompt["message_id"], after=pressed.seq)
    return done, pressed.seq


async def test_privacy_is_offered_before_a_report_asks_anything(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A report's first message links the privacy notice; the link shows it and then the same
    question again, and /privacy says the configured facts."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        first = (await client.bot_messages(sam.id))[-1]
        notice = await sam.tap("How we use your data", until="Your data: what we keep")
        again = await client.wait_for_message(
            sam.id, predicate=_has("is anyone in danger"), after=0
        )
        await sam.say("/cancel")
        direct = await sam.say("/privacy", until="Your data: what we keep")
    assert "how we use it" in first["text"]
    assert buttons(first)[:3] == [
        "Yes, call for help now",
        "No, nobody is in danger",
        "How we use your data",
    ]
    assert again["message_id"] >= first["message_id"]
    for text in (notice["text"], direct["text"]):
        assert "St Albans City & District Council" in text
        assert "Article 6(1)(e)" in text
        assert "Article 9(2)(g)" in text
        assert "Article 10" in text
        assert "Schedule 1" in text
        assert "ico.org.uk" in text
        assert "0303 123 1113" in text
        assert "anonymised 365 days" in text
        assert "after 90 days" in text
        assert "/mydata" in text
        assert "/forgetme" in text


async def test_mydata_holds_the_residents_data_and_nobody_elses(
    client: EmulatorClient, config_path: Path
) -> None:
    """/mydata's file holds the resident's report, its events without the officer, the question
    and answer; another resident's report is not in it."""
    sam = Resident(client, await client.create_user("Sam", user_id=SAM))
    alex = Resident(client, await client.create_user("Alex", user_id=777000000042))
    async with running_bot(load(config_path)):
        ref, card = await _report_with_everything(client, sam)
        await _acknowledge_ask_and_answer(client, sam, card)
        await to_location(
            alex, "Fly tipping", ["+Tyres", "Done", "A car boot load", "Park or open space", "No"]
        )
        await alex.pin(51.7600, -0.3300, until="When did it happen")
        await alex.tap("Now or just now", until="Describe what you saw")
        await alex.say("Alex's own words about the mattress", until="Photos help")
        await alex.tap("No photos", until="Shall we keep you updated?")
        await alex.tap("Keep me updated here", until="Please check your report")
        await alex.tap("Submit report", until="Your reference")
        sent = await client.send_command(sam.id, "mydata")
        reply = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=lambda m: "document" in m
        )
        raw = await client.file_bytes(reply["document"]["file_id"])
    held = json.loads(raw)
    text = raw.decode()
    assert reply["document"]["file_name"] == "my-data.json"
    (report,) = held["your_reports"]
    assert report["reference"] == ref
    assert report["description"] == DESCRIPTION
    assert VEHICLE in json.dumps(report["answers"])
    assert report["photos"] == 1
    assert report["latitude"] is not None
    kinds = [e["what"] for e in report["events"]]
    assert kinds[:2] == ["submitted", "acknowledged"]
    asked = next(e for e in report["events"] if e["what"] == "asked")
    answered = next(e for e in report["events"] if e["what"] == "answered")
    assert asked["question"] == QUESTION
    assert asked["agency"] == "St Albans District Council, Waste Enforcement"
    assert answered["answer"] == ANSWER
    assert held["your_telegram_chat"] == SAM
    assert "Alex" not in text
    assert "mattress" not in text
    assert "777000000042" not in text
    assert str(WASTE_OFFICER) not in text
    assert "Officer" not in text


async def test_forgetme_keeping_the_report_open_leaves_no_trace_of_the_id(
    client: EmulatorClient, config_path: Path
) -> None:
    """Kept open anonymously: the report loses its chat, texts, photos, point and exact time,
    the card is rewritten with its buttons, the pin and photo are deleted, and the id is in
    neither the database file nor its WAL."""
    sam = Resident(client, await client.create_user("Sam", user_id=SAM))
    async with running_bot(load(config_path)):
        ref, card = await _report_with_everything(client, sam)
        await _acknowledge_ask_and_answer(client, sam, card)
        assert any(form in database_bytes(config_path) for form in id_forms(SAM))
        done, seq = await _forget(client, sam, "Keep them open anonymously and erase")
        edited = await client.wait_for_edit(WASTE_CHAT, card["message_id"], after=seq)
        await client.wait_for_event(
            lambda e: e["type"] == "message_deleted" and e.get("chat_id") == WASTE_CHAT,
            after=seq,
        )
        after = await sam.say("/myreports")
    assert "Copies already e-mailed" not in done["text"]  # the waste team has its chat only
    assert "Kept open anonymously" in done["text"]
    assert ref in done["text"]
    assert "asked us to erase their details" in edited["text"]
    assert DESCRIPTION not in edited["text"]
    assert "Open the map" not in edited["text"]
    assert "Resolve" in buttons(edited)
    assert ref not in after["text"]
    (report,) = await stored_reports(config_path)
    assert (report.ref, report.reporter_chat_id, report.anonymous) == (ref, None, True)
    assert (report.description, report.photos, report.latitude) == ("", (), None)
    assert report.location_text is None
    assert report.contact_phone is None
    assert "vehicle" not in report.answers
    assert report.answers["amount"] == "car-boot"
    assert report.created_at.astimezone(ZoneInfo("Europe/London")).time() == time(0)
    raw = database_bytes(config_path)
    for form in id_forms(SAM):
        assert form not in raw
    for text in (DESCRIPTION, VEHICLE, ANSWER):
        assert text.encode() not in raw


async def test_forgetme_withdrawing_deletes_the_report_and_tells_the_team(
    client: EmulatorClient, config_path: Path
) -> None:
    """Withdrawn: the report is gone, the card says it was withdrawn and has no buttons, the
    audit holds the reference and counts but not the id, and the file holds no trace of it."""
    sam = Resident(client, await client.create_user("Sam", user_id=SAM))
    async with running_bot(load(config_path)):
        ref, card = await _report_with_everything(client, sam)
        done, seq = await _forget(client, sam, "Withdraw my open reports and erase")
        edited = await client.wait_for_edit(WASTE_CHAT, card["message_id"], after=seq)
    assert f"Withdrawn: {ref}" in done["text"]
    assert "was withdrawn" in edited["text"]
    assert buttons(edited) == []
    assert await stored_reports(config_path) == []
    async with await Database.open(config_path.parent / "safetybot.sqlite3") as db:
        rows = await db.fetchall("SELECT actor, action, report_ref, detail FROM audit_log")
    erasures = [row for row in rows if row["action"] == "erasure"]
    assert len(erasures) == 1
    assert erasures[0]["actor"] == "resident"
    detail = json.loads(erasures[0]["detail"])
    assert detail["references"]["withdrawn"] == [ref]
    assert detail["counts"]["withdrawn"] == 1
    raw = database_bytes(config_path)
    for form in id_forms(SAM):
        assert form not in raw
    assert DESCRIPTION.encode() not in raw


async def test_mydata_and_forgetme_during_a_report(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """During a report /mydata includes the report in progress and the question is asked
    again; /forgetme asks to finish or cancel the report first and erases nothing."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        await sam.tap("No, nobody is in danger", until="What would you like to report?")
        await sam.tap("Graffiti", until="Is it offensive?")
        sent = await client.send_command(sam.id, "mydata")
        file = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=lambda m: "document" in m
        )
        asked_again = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=_has("Is it offensive?")
        )
        refused = await sam.say("/forgetme", until="finish or /cancel")
        still = await sam.tap("Yes, racist", until="What is it on?")
        held = json.loads(await client.file_bytes(file["document"]["file_id"]))
    assert held["report_in_progress"]["category"] == "graffiti"
    assert asked_again["message_id"] > file["message_id"]
    assert "Erase" not in " ".join(buttons(refused))
    assert "What is it on?" in still["text"]
