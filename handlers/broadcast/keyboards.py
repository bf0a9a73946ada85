"""The /broadcast conversation's keyboards: every button carries ids, never positions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import buttons
from bot.config import Config
from storage.broadcasts import Broadcast


def _button(text: str, button: buttons.Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=buttons.encode(button))


def topics(config: Config, ticked: Iterable[str]) -> InlineKeyboardMarkup:
    """The topics, ticked ones marked, and Done."""
    chosen = set(ticked)
    rows = [
        [_button(("✅ " if t.id in chosen else "▫️ ") + t.name, buttons.BroadcastTopic(t.id))]
        for t in config.topics
    ]
    rows.append([_button("Done", buttons.BroadcastChosen("topics"))])
    return InlineKeyboardMarkup(rows)


def target() -> InlineKeyboardMarkup:
    """Whole district, some areas, or near a point (an urgent alert)."""
    return InlineKeyboardMarkup(
        [
            [_button("The whole district", buttons.BroadcastTarget("district"))],
            [_button("Some areas", buttons.BroadcastTarget("areas"))],
            [_button("⚠️ Urgent: near a place", buttons.BroadcastTarget("point"))],
        ]
    )


def areas(config: Config, ticked: Iterable[str]) -> InlineKeyboardMarkup:
    """The areas, ticked ones marked, and Done."""
    chosen = set(ticked)
    rows = [
        [_button(("✅ " if a.id in chosen else "▫️ ") + a.name, buttons.BroadcastArea(a.id))]
        for a in config.areas
    ]
    rows.append([_button("Done", buttons.BroadcastChosen("areas"))])
    return InlineKeyboardMarkup(rows)


def radii(choices: Sequence[int]) -> InlineKeyboardMarkup:
    """The radii the partnership offers."""
    return InlineKeyboardMarkup(
        [[_button(_distance(m), buttons.BroadcastRadius(m)) for m in choices]]
    )


def decision() -> InlineKeyboardMarkup:
    """Send now, schedule, or cancel."""
    return InlineKeyboardMarkup(
        [
            [_button("Send now", buttons.BroadcastDecision("now"))],
            [_button("Schedule", buttons.BroadcastDecision("schedule"))],
            [_button("Cancel", buttons.BroadcastDecision("cancel"))],
        ]
    )


def manage(broadcast: Broadcast) -> InlineKeyboardMarkup | None:
    """What can be done to a listed item: cancel it, or correct or withdraw it."""
    if broadcast.state in ("queued", "scheduled"):
        row = [_button(f"Cancel {broadcast.id}", buttons.BroadcastManage("cancel", broadcast.id))]
    elif broadcast.state in ("sending", "done") and broadcast.withdrawn_at is None:
        row = [
            _button(f"Correct {broadcast.id}", buttons.BroadcastManage("correct", broadcast.id)),
            _button(f"Withdraw {broadcast.id}", buttons.BroadcastManage("withdraw", broadcast.id)),
        ]
    else:
        return None
    return InlineKeyboardMarkup([row])


def withdraw_sure(broadcast_id: int) -> InlineKeyboardMarkup:
    """Confirm a withdrawal."""
    return InlineKeyboardMarkup(
        [[_button("Yes, withdraw it", buttons.BroadcastManage("sure", broadcast_id))]]
    )


def _distance(metres: int) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres} m"
