"""What the report conversation says, in plain short English. HTML; user text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.config import Config, Question
from bot.config.questions import applies, describe
from bot.outbox.facts import NO_DESCRIPTION
from bot.reporting.draft import Draft, Location

EMERGENCY_QUESTION = "<b>First: is anyone in danger, or is a crime happening right now?</b>"
YES_DANGER = "Yes, call for help now"
NO_DANGER = "No, nobody is in danger"

EMERGENCY_ADVICE = (
    "<b>Please call 999 now.</b>\n\n"
    "• Deaf, hard of hearing or speech-impaired: text 999 if you have registered with "
    "emergencySMS (text 'register' to 999), or call 18000 through Relay UK.\n"
    "• On a train or at a station: text British Transport Police on 61016 (999 in an "
    "emergency).\n"
    "• When the danger has passed, you can report here with /report, or call 101.\n\n"
    "Nothing has been sent from this chat."
)

CHOOSE_CATEGORY = "What would you like to report?"
BACK = "« Back"
CANCEL = "Cancel"
SKIP = "Skip"
DONE = "Done"
SHARE_LOCATION = "Share my location"
NOT_SURE = "I'm not sure exactly"
YES_RIGHT = "Yes, that's right"
NO_RETRY = "No, try again"
NOW = "Now or just now"
TODAY = "Earlier today"
YESTERDAY = "Yesterday"
ANOTHER_DAY = "Another day"
NO_PHOTOS = "No photos"
PHOTOS_DONE = "Done with photos"
KEEP_UPDATED = "Keep me updated here"
ANONYMOUS = "Report anonymously"
SHARE_PHONE = "Share my phone number"
NO_PHONE = "No, thanks"
SUBMIT = "Submit report"
IS_NEW = "No, mine is a new one"
CONTINUE = "Carry on with it"
START_AGAIN = "Start again"


def said(text: str) -> str:
    """Text from the configuration, as a message."""
    return escape(text)


def warning(text: str) -> str:
    """A warning from the configuration, in bold."""
    return f"<b>{escape(text)}</b>"


def question_prompt(question: Question, chosen: Sequence[str] = ()) -> str:
    """A category question, with its help and how to answer."""
    lines = [f"<b>{escape(question.text)}</b>"]
    if question.help:
        lines.append(escape(question.help))
    if question.kind == "multi":
        lines.append("Tap all that apply, then Done.")
        if chosen:
            lines.append(f"Chosen so far: {len(chosen)}.")
    elif question.kind == "text":
        limit = f"up to {question.max_length} characters"
        lines.append(
            f"Type your answer ({limit})" + (", or tap Skip." if question.optional else ".")
        )
    return "\n".join(lines)


def location_prompt(config: Config) -> str:
    """How to give the location."""
    return (
        "<b>Where is it?</b>\n"
        f"Tap <b>{SHARE_LOCATION}</b> if you are there now, or send a pin (paperclip, "
        "then Location), or type a street and town, a postcode or a place, for example "
        "<i>Holywell Hill, St Albans</i>, <i>AL1 3JE</i> or <i>London Colney</i>. If you don't "
        "know exactly, tap "
        f"<b>{NOT_SURE}</b>.\n"
        f"We deal with {escape(config.partnership.area_name)}."
    )


def location_found(found: str) -> str:
    """A typed place was found: ask the resident to confirm it."""
    return f"I found: <b>{escape(found)}</b>. Is that the right place?"


def location_not_found(typed: str) -> str:
    """Nothing matched what the resident typed."""
    return (
        f"I couldn't find <i>{escape(typed[:100])}</i>. Try a street name with the town, a "
        f"postcode, or a nearby landmark; or send a pin; or tap <b>{NOT_SURE}</b>."
    )


def location_outside(council: str | None) -> str:
    """A council matter outside the district: say who covers it, store nothing."""
    who = escape(council) if council else "the local council for that area"
    return (
        f"That place is outside our area: it is covered by <b>{who}</b>, so please report it "
        "to them. Nothing has been sent.\n\nIf the pin is in the wrong place, send the "
        "location again."
    )


def location_implausible() -> str:
    """A pin at 0,0, in the sea or far away."""
    return (
        "That location is nowhere near our area; perhaps the phone's GPS had not found you "
        "yet. Please send the location again, or type a street or postcode."
    )


def location_accepted(location: Location) -> str:
    """What the bot understood of the location."""
    parts = [f"Location: <b>{escape(location.label)}</b>"]
    if location.nearest_place and location.nearest_place != location.label:
        parts.append(f"near {escape(location.nearest_place)}")
    if location.ward:
        parts.append(f"({escape(location.ward)})")
    text = " ".join(parts) + "."
    if location.verdict == "edge":
        text += " It is near the edge of our area, so the team will check who covers it."
    if location.verdict == "outside":
        text += " It is just outside our area; the police cover the whole county, so we take it."
    return text


AREA_PROMPT = "Which town or area is it in, roughly?"

WHEN_PROMPT = "<b>When did it happen, or when did you see it?</b>"
WHEN_DATE_PROMPT = "Type the date as day/month/year, for example 24/11/2026."


def description_prompt(max_chars: int) -> str:
    """Ask for the free-text description."""
    return (
        "<b>Describe what you saw.</b> Anything that helps the team: what, how much, "
        f"exactly where, who (descriptions, not guesses). Up to {max_chars:,} characters, or "
        f"tap {SKIP}."
    )


def description_too_long(length: int, max_chars: int) -> str:
    """A description over the limit: nothing is cut, the resident shortens it."""
    return (
        f"That is {length:,} characters; the limit is {max_chars:,}, so the team can read it "
        "quickly. Please send a shorter version (your message was not saved)."
    )


DESCRIPTION_EMPTY = f"That message has no words in it. Please describe what you saw, or tap {SKIP}."


def photos_prompt(max_photos: int) -> str:
    """Ask for photos."""
    return (
        f"<b>Photos help.</b> Send up to {max_photos} (as photos, not files), then tap "
        f"{PHOTOS_DONE}. Or tap {NO_PHOTOS}. Only take photos if it is safe to do so."
    )


def photo_added(count: int, max_photos: int) -> str:
    """A photo arrived."""
    if count >= max_photos:
        return f"Photo {count} of {max_photos} added; that's the most we take."
    return f"Photo {count} added. Send another, or tap {PHOTOS_DONE}."


PHOTO_AS_FILE = (
    "That came as a file. Please send it as a photo instead: tap the paperclip, choose the "
    "picture from the gallery, and send it without 'as file'."
)


def contact_prompt() -> str:
    """Ask whether the resident wants updates or anonymity."""
    return (
        "<b>Shall we keep you updated?</b>\n"
        f"• <b>{KEEP_UPDATED}</b>: the team can tell you what they did and ask you a question "
        "through this chat. They never see your Telegram name or number.\n"
        f"• <b>{ANONYMOUS}</b>: we keep nothing that identifies you. You will get a "
        "reference but no updates, and nobody can ask you anything."
    )


PHONE_PROMPT = (
    "Would you like to give a phone number so the team can call you back? It is optional."
)


def review(config: Config, draft: Draft, zone: ZoneInfo) -> str:
    """The summary before submitting, each part labelled as its Change button is."""
    category = config.category(draft.category or "")
    lines = ["<b>Please check your report</b>", ""]
    lines.append(f"<b>What:</b> {escape(category.name) if category else '?'}")
    if category:
        for question in category.questions:
            if question.id in draft.answers and applies(question, draft.answers):
                answer = describe(question, draft.answers[question.id])
                lines.append(f"<b>{escape(question.text)}</b> {escape(answer)}")
    if draft.location:
        lines.append(
            f"<b>Where:</b> {location_accepted(draft.location).removeprefix('Location: ')}"
        )
    lines.append(f"<b>When:</b> {escape(draft.occurred_label or '?')}")
    lines.append(f"<b>Description:</b> {escape(draft.description or NO_DESCRIPTION)}")
    lines.append(f"<b>Photos:</b> {len(draft.photos)}")
    if draft.anonymous:
        lines.append("<b>Contact:</b> anonymous, no updates")
    else:
        phone = f", phone {escape(draft.phone)}" if draft.phone else ""
        lines.append(f"<b>Contact:</b> updates in this chat{phone}")
    lines += ["", "Tap a button to change a part, or submit."]
    return "\n".join(lines)


def duplicates_prompt(candidates: Sequence[tuple[str, str, int]]) -> str:
    """Offer open reports nearby of the same kind: (reference, when, metres away)."""
    lines = ["<b>Is it one of these?</b> They were reported nearby recently and are open:"]
    for ref, when, metres in candidates:
        lines.append(f"• {escape(ref)}: reported {escape(when)}, about {metres} m away")
    lines.append(
        "If it is, tap it: your details are added to that report and you follow it. "
        "Otherwise tap the last button."
    )
    return "\n".join(lines)


def already_submitted(ref: str) -> str:
    """Submit tapped again for a report already stored."""
    return (
        f"This report was already sent: its reference is <b>{escape(ref)}</b>. "
        "Send /report to make a new one."
    )


CANCELLED = "Report cancelled; nothing was sent or kept. Send /report to start again."


def timed_out(minutes: float) -> str:
    """A report in progress was put aside after a silence."""
    seconds = round(minutes * 60)
    silence = f"{minutes:g} minutes" if minutes >= 1 else f"{seconds} second" + "s" * (seconds != 1)
    return (
        f"Your report was put aside after {silence} without an answer, and nothing was sent. "
        "Send /report to start again."
    )


NOT_RESUMED = (
    "Sorry, the report you were making could not be resumed, and nothing was sent. "
    "Send /report to start again."
)
IN_PROGRESS = "You have a report in progress. Carry on with it, or start again?"
IN_PROGRESS_COMMAND = (
    "You are in the middle of a report. Answer the question above, or send /cancel to stop."
)


def daily_limit(limit: int) -> str:
    """A resident over the daily report limit."""
    return (
        f"You have sent {limit} reports today, the most we take from one person in a day. "
        "Please try again tomorrow. If anyone is in danger call 999, otherwise 101."
    )


def expected_buttons() -> str:
    """Something other than a button tap arrived where buttons were offered."""
    return "Please answer with one of the buttons under the question."


def expected_location() -> str:
    """Something other than a location or typed place arrived."""
    return (
        f"Please send a location (tap {SHARE_LOCATION}, or send a pin), type a street, postcode "
        f"or place, or tap {NOT_SURE}."
    )


def expected_text() -> str:
    """Something other than text arrived where text was asked."""
    return "Please type your answer as a message."


def expected_photo() -> str:
    """Something other than a photo arrived at the photo step."""
    return f"Please send a photo, or tap {PHOTOS_DONE} or {NO_PHOTOS}."


def stale_button() -> str:
    """A button from an earlier question."""
    return "That button belongs to an earlier question. Here is the current one."


def status_line(ref: str, category: str, state: str, created: datetime, zone: ZoneInfo) -> str:
    """One report in /myreports."""
    return (
        f"<b>{escape(ref)}</b>: {escape(category)}, {escape(state)} "
        f"(reported {created.astimezone(zone):%-d %b %Y})"
    )


STATE_WORDS = {
    "received": "received, waiting for the team",
    "acknowledged": "picked up by the team",
    "in_progress": "being dealt with",
    "resolved": "resolved",
    "closed": "closed",
}


# -- said by the steps ---------------------------------------------------------------------------

LOCATION_PLACEHOLDER = "Street, postcode or place"
SHARED_LOCATION = "Shared location"
CHANGE_PART = {
    "category": "Change what",
    "answers": "Change answers",
    "location": "Change where",
    "when": "Change when",
    "description": "Change description",
    "photos": "Change photos",
    "contact": "Change contact",
}
TICK_ONE = "Tick at least one, or tap Skip if there is one."
OWN_NUMBER = "Please share your own number with the button, or tap No, thanks."
NOT_A_PHONE = "That doesn't look like a phone number. Tap a button, or type the number."
TAP_PHONE_BUTTON = "Please tap a button: share your number, or No, thanks."
THANK_YOU = "Thank you."


def its_this_one(ref: str) -> str:
    """The button that says the resident's report is this open one."""
    return f"It's {ref}"


def answer_too_long(length: int, max_length: int) -> str:
    """A typed answer over the question's limit."""
    return f"That is {length} characters; please keep it to {max_length}."


# -- /myreports and /status ----------------------------------------------------------------------

NO_REPORTS = (
    "You have no reports with updates in this chat. Anonymous reports are not listed: "
    "check one with /status and its reference. Send /report to make one."
)
YOUR_REPORTS = "<b>Your reports</b>"
STATUS_OF_ONE = "\nSend /status and a reference for one report."
STATUS_HOW = "Send /status followed by the reference, for example /status K7M-4QR."


def no_such_report(ref: str) -> str:
    """/status with a reference no report has."""
    return f"No report has the reference {ref}. Please check it."


def state_only(ref: str, state: str) -> str:
    """/status for someone else's report: its state and nothing more."""
    return f"Report {ref}: {state}."


def where_line(location_text: str) -> str:
    """The place, under a reporter's own /status line."""
    return f"\nWhere: {escape(location_text)}"
