"""A subscriber's choice of news in plain words, and the other words of the /news screens.

HTML for Telegram: everything from the configuration is escaped. No Telegram imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.config import Config
from bot.news.quiet import hours_for
from bot.news.subscriptions import Choice

TITLE = "<b>News and alerts</b>"
TICK = "✓ "
AREAS_BUTTON = "Areas: {}"
QUIET_BUTTON = "Quiet hours: {}"
WHOLE_DISTRICT = "The whole district"
NEAR_ME = "📍 Near me"
BACK = "« Back to topics"
STOP_ALL = "Stop all news"
SEND_LOCATION = "📍 Send my location"
CANCEL = "Cancel"


def joined(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; with a comma before the last "and" when an item has
    its own "and" or comma, so that each stays readable."""
    if len(items) <= 1:
        return "".join(items)
    serial = any(" and " in item or "," in item for item in items)
    return ", ".join(items[:-1]) + (", and " if serial else " and ") + items[-1]


def distance(metres: int) -> str:
    """500 m, 1 km, 1.5 km."""
    if metres < 1000:
        return f"{metres} m"
    return f"{metres / 1000:g} km"


def where(choice: Choice, config: Config) -> str:
    """The areas of a choice, as they end "for ..." (escaped)."""
    names = {area.id: area.name for area in config.areas}
    areas = joined([escape(names[a]) for a in choice.areas])
    if choice.near is not None:
        return f"within {distance(choice.near.radius_m)} of the place you pinned ({areas})"
    if choice.areas:
        return areas
    return f"the whole of {escape(config.partnership.area_name)}"


def quiet(choice: Choice, config: Config) -> str:
    """When news arrives silently, in a sentence."""
    hours = hours_for(choice.quiet_hours, config)
    if hours is None:
        return "News arrives with a sound at any hour."
    sentence = f"News between {hours.start:%H:%M} and {hours.end:%H:%M} arrives silently."
    if config.news.urgent_overrides_quiet_hours:
        sentence += " Urgent alerts still ring."
    return sentence


def receiving(choice: Choice, config: Config, *, changed: bool) -> str:
    """What the chat receives: "You will now receive: ..." after a change, else "You receive"."""
    if not choice.receives_news:
        return "You will now receive no news." if changed else "You receive no news yet."
    names = {topic.id: topic.name for topic in config.topics}
    topics = joined([escape(names[t]) for t in choice.topics])
    opening = "You will now receive" if changed else "You receive"
    return f"{opening}: {topics}, for {where(choice, config)}. {quiet(choice, config)}"


def topics_screen(choice: Choice, config: Config, *, changed: bool) -> str:
    """The /news message: the topics explained, and what the chat receives."""
    lines = [TITLE, "", "Tap a topic to turn it on or off:"]
    lines += [
        f"• <b>{escape(t.name)}</b>" + (f": {escape(t.description)}" if t.description else "")
        for t in config.topics
    ]
    lines += ["", receiving(choice, config, changed=changed)]
    if not choice.receives_news:
        lines += ["", "Choose a topic below to start. /stop ends all news at any time."]
    return "\n".join(lines)


def areas_screen(choice: Choice, config: Config, *, changed: bool) -> str:
    """The areas screen: how to choose, and what the chat receives."""
    return "\n".join(
        [
            TITLE,
            "",
            "Choose the areas you want news for: tick one or more, the whole district, or "
            "news near a place you pin.",
            "",
            receiving(choice, config, changed=changed),
        ]
    )


def quiet_screen(choice: Choice, config: Config, *, changed: bool) -> str:
    """The quiet-hours screen."""
    return "\n".join(
        [
            TITLE,
            "",
            "News sent in your quiet hours arrives without a sound or vibration.",
            "",
            receiving(choice, config, changed=changed),
        ]
    )


def areas_summary(choice: Choice) -> str:
    """The areas on the topics screen's button (no HTML: button text)."""
    if choice.near is not None:
        return f"near me, {distance(choice.near.radius_m)}"
    if choice.areas:
        return f"{len(choice.areas)} chosen" if len(choice.areas) > 1 else "1 chosen"
    return "the whole district"


def quiet_summary(choice: Choice, config: Config) -> str:
    """The quiet hours on the topics screen's button."""
    hours = hours_for(choice.quiet_hours, config)
    return str(hours) if hours is not None else "none"


def near_me_label(choice: Choice) -> str:
    """The near-me button, ticked with its radius when chosen."""
    if choice.near is None:
        return NEAR_ME
    return f"{TICK}{NEAR_ME} ({distance(choice.near.radius_m)})"


ASK_LOCATION = (
    "Send the place you want news around: tap “📍 Send my location” below, or attach a "
    "location or a venue (📎, then Location). Send /cancel to leave your choice as it is."
)
NOT_A_LOCATION = (
    "That is not a location. Tap “📍 Send my location” below, or attach a location or a venue "
    "(📎, then Location); /cancel leaves your choice as it is."
)
LOCATION_RECEIVED = "Thank you, I have the place."
ASK_RADIUS = "How far around that place do you want news from?"
UNCHANGED = "Your news choices are as they were."
NEAR_ME_CANCELLED = f"{UNCHANGED} Send /news to see them."
NEAR_ME_TIMED_OUT = "No location came, so your news choices are as they were."
OUTSIDE_AREAS = (
    "That place is outside the areas we send news for, so nothing changed. Choose areas "
    "instead, or pin a place in the district."
)
STALE_CHOICE = "That choice is no longer offered. Here are your choices as they are now."


def stopped(had_news: bool) -> str:
    """The answer to /stop or "Stop all news"."""
    if not had_news:
        return (
            "You had no news subscription, so there was nothing to stop. Send /news to choose some."
        )
    return (
        "Done: you will receive no more news from us, and your news choices are deleted. "
        "Send /news if you want news again."
    )


def private_chat_only(bot_username: str) -> str:
    """The answer to /news or /stop in a group: news is chosen in a private chat."""
    return (
        "News is chosen in a private chat with me, one person at a time. "
        f"Open https://t.me/{escape(bot_username)}?start=news to choose yours."
    )


def radius_label(metres: int) -> str:
    """A radius button."""
    return f"Within {distance(metres)}"
