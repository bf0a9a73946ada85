"""The report conversation's common paths, step by step, as a resident takes them.

Each helper drives the real bot through the emulator and checks only that the bot reached the
next step; the tests make their own assertions on what was said and stored.
"""

from __future__ import annotations

from typing import Any

from bot.emulator import EmulatorClient

from .residents import Message, Resident

# Inside the district: St Peter's Street, St Albans; Harpenden High Street.
ST_ALBANS = (51.7527, -0.3394)
HARPENDEN = (51.8160, -0.3560)
# Outside: Hemel Hempstead town centre (Dacorum); Hatfield town centre (Welwyn Hatfield).
HEMEL = (51.7526, -0.4692)
HATFIELD = (51.7636, -0.2259)

# The waste team's chat in the St Albans default, where fly-tipping cards arrive.
WASTE_CHAT = -1001000000001


def reference_in(message: Message) -> str:
    """The report reference the bot gave in a "Your reference: ..." message."""
    return str(message["text"].split("Your reference: ")[1].split(" ")[0])


async def start_report(sam: Resident) -> None:
    """Send /report and check the bot asks first whether anyone is in danger."""
    reply = await sam.say("/report")
    assert "is anyone in danger" in reply["text"]


async def to_location(sam: Resident, category: str, answers: list[str]) -> None:
    """From /report to the location question, tapping single-choice answers in order
    (an answer written ``"+Option"`` ticks that option of a several-choice question)."""
    await start_report(sam)
    await sam.tap("No, nobody is in danger")
    await sam.tap(category)
    for answer in answers:
        if answer.startswith("+"):
            await sam.toggle(answer[1:])
        else:
            await sam.tap(answer)
    await sam.client.wait_for_message(
        sam.id,
        predicate=lambda m: (
            "Where is it?" in (m.get("text") or "") and "Share" in (m.get("text") or "")
        ),
    )


async def finish(sam: Resident, contact: str = "Keep me updated here") -> str:
    """From the when question to the submitted reference: now, no description, no photos, the
    given contact choice, submit."""
    await sam.tap("Now or just now", until="Describe what you saw")
    await sam.tap("Skip", until="Photos help")
    await sam.tap("No photos", until="Shall we keep you updated?")
    await sam.tap(contact, until="Please check your report")
    done = await sam.tap("Submit report", until="Your reference")
    return reference_in(done)


async def anonymous_hate_incident(sam: Resident, description: str) -> str:
    """An anonymous hate-incident report in St Albans, from /report to its reference."""
    await to_location(
        sam,
        "Hate incident",
        ["+Verbal abuse or threats", "Done", "+Disability", "Done", "I saw it happen", "No"],
    )
    await sam.pin(*ST_ALBANS, until="When did it happen")
    await sam.tap("Now or just now", until="Describe")
    await sam.say(description, until="Photos help")
    await sam.tap("No photos", until="keep you updated")
    await sam.tap("Report anonymously", until="Please check your report")
    done = await sam.tap("Submit report", until="Your reference")
    return reference_in(done)


async def fly_tipping(client: EmulatorClient, sam: Resident) -> tuple[str, dict[str, Any]]:
    """A fly-tipping report in St Albans from /report to its reference, and the card the
    waste team's chat received for it."""
    await to_location(
        sam, "Fly tipping", ["+Tyres", "Done", "A car boot load", "Park or open space", "No"]
    )
    await sam.pin(*ST_ALBANS, until="When did it happen")
    ref = await finish(sam)
    card = await client.wait_for_message(
        WASTE_CHAT, predicate=lambda m: ref in (m.get("text") or "")
    )
    return ref, card
