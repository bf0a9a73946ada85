"""Wrong input at each step of a report: a short explanation, the same question, nothing lost."""

from __future__ import annotations

from pathlib import Path

from bot.emulator import EmulatorClient
from tests.support.configs import category_data, option_data, write_config_data
from tests.support.flows import HARPENDEN, ST_ALBANS, finish, start_report, to_location
from tests.support.harness import BOT_ID, config_data, load, running_bot, write_config
from tests.support.residents import Resident
from tests.support.stored import stored_events, stored_reports


async def _sticker_then(sam: Resident, explanation: str, question: str) -> None:
    """A sticker gets the explanation, then the same question again."""
    sent = await sam.client.send_media(sam.id, "sticker")
    said = await sam.client.wait_for_message(sam.id, after=sent.seq)
    assert explanation in said["text"], said["text"]
    again = await sam.client.wait_for_message(
        sam.id, after=sent.seq, predicate=lambda m: question in (m.get("text") or "")
    )
    assert again["message_id"] > said["message_id"]


async def test_a_sticker_at_every_step_is_explained_and_the_question_asked_again(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """At each step a sticker is answered, the step's question comes again, and the report
    still completes with everything given before."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        await _sticker_then(sam, "one of the buttons", "is anyone in danger")
        await sam.tap("No, nobody is in danger")
        await _sticker_then(sam, "one of the buttons", "What would you like to report?")
        await sam.tap("Graffiti", until="Is it offensive?")
        await _sticker_then(sam, "one of the buttons", "Is it offensive?")
        await sam.tap("No", until="What is it on?")
        await sam.tap("Council property", until="how big")
        await sam.tap("Smaller than an A4 sheet", until="Where is it?")
        await _sticker_then(sam, "send a location", "Where is it?")
        await sam.pin(*ST_ALBANS, until="When did it happen")
        await _sticker_then(sam, "one of the buttons", "When did it happen")
        await sam.tap("Another day", until="day/month/year")
        await _sticker_then(sam, "type your answer", "day/month/year")
        await sam.say("1/11", until="Describe what you saw")
        await _sticker_then(sam, "type your answer", "Describe what you saw")
        await sam.say("Tag on the wall", until="Photos help")
        await _sticker_then(sam, "send a photo", "Photos help")
        await sam.tap("No photos", until="keep you updated")
        await _sticker_then(sam, "one of the buttons", "keep you updated")
        review = await sam.tap("Keep me updated here", until="Please check your report")
        assert "Tag on the wall" in review["text"]
        assert "Smaller than an A4 sheet" in review["text"]
        await _sticker_then(sam, "one of the buttons", "Please check your report")
        await sam.tap("Submit report", until="Your reference")


async def test_wrong_values_are_refused_with_the_reason(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A pin at 0,0, 31/02, a future date, an enormous description and a photo sent as a file
    are each explained, and the right answer is then taken."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
        nowhere = await sam.pin(0.0, 0.0)
        assert "nowhere near" in nowhere["text"]
        not_found = await sam.say("Xyzzy Plugh Lane", until="couldn't find")
        assert "Xyzzy" in not_found["text"]
        await sam.pin(*HARPENDEN, until="When did it happen")
        await sam.tap("Another day", until="day/month/year")
        impossible = await sam.say("31/02/2026")
        assert "no 31/02/2026" in impossible["text"] or "no 31/2/2026" in impossible["text"]
        future = await sam.say("1/1/2099")
        assert "in the future" in future["text"]
        await sam.say("2/11", until="Describe")
        too_long = await sam.say("x" * 1500)
        assert "1,500 characters" in too_long["text"]
        assert "1,000" in too_long["text"]
        await sam.say("Spray paint on the bus shelter", until="Photos help")
        sent = await client.send_document(sam.id, b"\x89PNG fake", "wall.png", "image/png")
        as_file = await client.wait_for_message(sam.id, after=sent.seq)
        assert "as a photo" in as_file["text"]
        await sam.photo(until="Photo 1 added")
        await sam.tap("Done with photos", until="keep you updated")
        review = await sam.tap("Keep me updated here", until="Please check your report")
    assert "Spray paint on the bus shelter" in review["text"]
    assert "Photos: 1" in review["text"]


async def test_back_old_buttons_start_and_review_changes(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Back returns to the previous question, an old button is refused with the current
    question, /start mid-report keeps the report, and a change from the review returns to it."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
        await sam.pin(*ST_ALBANS, until="When did it happen")
        previous = await sam.tap("« Back", until="Where is it?")
        assert "Share my location" in previous["text"]
        await sam.pin(*HARPENDEN, until="When did it happen")
        pressed = await client.press(sam.id, None, "Council property")  # an earlier question
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
        assert "earlier question" in (answer.get("text") or "")
        await client.wait_for_message(
            sam.id, after=pressed.seq, predicate=lambda m: "When did it happen" in m["text"]
        )
        mid = await sam.say("/start")
        assert "middle of a report" in mid["text"]
        await sam.tap("Yesterday", until="Describe")
        await sam.say("Small tag", until="Photos help")
        await sam.tap("No photos", until="keep you updated")
        await sam.tap("Keep me updated here", until="Please check your report")
        await sam.tap("Change when", until="When did it happen")
        review = await sam.tap("Now or just now", until="Please check your report")
        assert "Now or just now" in review["text"]
        await sam.tap("Change what", until="What would you like to report?")
        await sam.tap("Fly tipping", until="What has been dumped?")
        await sam.toggle("Tyres")
        await sam.tap("Done", until="Roughly how much")
        await sam.tap("A single item or bag", until="What kind of land")
        await sam.tap("Private land", until="Did you see it")
        review = await sam.tap("No", until="Please check your report")
        assert "Fly tipping" in review["text"]
        assert "Tyres" in review["text"]
        assert "Small tag" in review["text"]  # kept through the change of category
        cancelled = await sam.tap("Cancel", until="cancelled")
    assert "nothing was sent" in cancelled["text"]
    assert await stored_reports(config_path) == []


async def test_danger_ends_with_999_advice_and_stores_nothing(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Saying someone is in danger gives the 999, text relay and BTP text options."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        advice = await sam.tap("Yes, call for help now")
        after = await sam.say("/status")
    assert "call 999" in advice["text"]
    assert "61016" in advice["text"]
    assert "18000" in advice["text"]
    assert "/status followed by the reference" in after["text"]


async def test_a_nearby_open_report_is_offered_and_can_be_followed(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A second resident reporting the same fly tipping is offered the first report, and
    choosing it adds their details to it and lists it in their /myreports."""
    first = Resident(client, resident)
    second = Resident(client, await client.create_user("Alex"))
    answers = ["+Tyres", "Done", "A car boot load", "Park or open space", "No"]
    async with running_bot(load(config_path)):
        await to_location(first, "Fly tipping", answers)
        await first.pin(*ST_ALBANS, until="When did it happen")
        ref = await finish(first)
        await to_location(second, "Fly tipping", answers)
        await second.pin(ST_ALBANS[0] + 0.0005, ST_ALBANS[1], until="When did it happen")
        await second.tap("Now or just now", until="Describe")
        await second.say("Six tyres by the gate", until="Photos help")
        await second.tap("No photos", until="keep you updated")
        await second.tap("Keep me updated here", until="Please check your report")
        offer = await second.tap("Submit report", until="Is it one of these?")
        assert ref in offer["text"]
        assert "56 m away" in offer["text"] or "55 m away" in offer["text"]
        done = await second.tap(f"It's {ref}", until="Your reference")
        listing = await second.say("/myreports", until="Your reports")
    assert f"added your details to report {ref}" in done["text"]
    assert ref in listing["text"]
    stored = await stored_reports(config_path)
    assert len(stored) == 1
    kinds = [event.kind for event in await stored_events(config_path, stored[0].id)]
    assert kinds == ["submitted", "same_reported"]


async def test_a_silent_report_is_put_aside_with_an_explanation(
    client: EmulatorClient, server_url_folder: tuple[str, Path], resident: int
) -> None:
    """After the configured silence the report is dropped and the resident is told why."""
    url, folder = server_url_folder
    config = load(write_config(folder, url, reporting={"timeout_minutes": 0.02}))
    sam = Resident(client, resident)
    async with running_bot(config):
        await start_report(sam)
        put_aside = await client.wait_for_message(
            sam.id, predicate=lambda m: "put aside" in (m.get("text") or ""), timeout=30
        )
        again = await sam.say("/report")
    assert "after 1 second without an answer" in put_aside["text"]
    assert "is anyone in danger" in again["text"]  # a new report, not a stale one


async def test_daily_limit_and_groups(
    client: EmulatorClient, server_url_folder: tuple[str, Path], resident: int
) -> None:
    """Past the daily limit a resident is told to come back tomorrow; in a group /report points
    to a private chat."""
    url, folder = server_url_folder
    config = load(write_config(folder, url, reporting={"daily_limit": 1}))
    sam = Resident(client, resident)
    group = await client.create_group("Street", members=[resident], bots=[BOT_ID])
    async with running_bot(config):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
        await sam.pin(*ST_ALBANS, until="When did it happen")
        ref = await finish(sam)
        limited = await sam.say("/report")
        sent = await client.send_command(sam.id, "report", chat_id=group)
        in_group = await client.wait_for_message(group, after=sent.seq)
    assert ref
    assert "most we take from one person in a day" in limited["text"]
    assert "private chat" in in_group["text"]


async def test_configured_texts_with_html_characters_are_sent_as_written(
    client: EmulatorClient, server_url_folder: tuple[str, Path], resident: int
) -> None:
    """An intro and a warning containing &, < and > reach the resident as written, not as a
    Telegram parse error."""
    url, folder = server_url_folder
    data = config_data(url)
    hate = category_data(data, "hate-incident")
    hate["intro"] = hate["intro"].replace(
        "You do not need proof.", "You do not need proof <or> evidence & names."
    )
    ongoing = option_data(hate, "ongoing", "yes")
    ongoing["warning"] = ongoing["warning"].replace(
        "Call 999 now.", "Call 999 now <b>& stay safe</b>."
    )
    path = write_config_data(folder, data)
    sam = Resident(client, resident)
    async with running_bot(load(path)):
        await start_report(sam)
        await sam.tap("No, nobody is in danger")
        intro = await sam.tap("Hate incident", until="need proof")
        await sam.toggle("Verbal abuse or threats")
        await sam.tap("Done", until="Why do you think")
        await sam.toggle("Disability")
        await sam.tap("Done", until="Who is reporting?")
        await sam.tap("I saw it happen", until="still happening")
        warning = await sam.tap("Yes, it is happening now", until="Call 999 now")
    assert "proof <or> evidence & names." in intro["text"]
    assert "Call 999 now <b>& stay safe</b>." in warning["text"]
