"""The /news message's screens (topics, areas, quiet hours) and the near-me keyboards.

Every button names what it changes by id, through the one codec (:mod:`bot.buttons`), and the
current choice is read from the database at each press: a button from before a restart means
what it meant.
"""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import buttons
from bot.config import Config
from bot.context import BotContext
from bot.news import describe
from bot.news.subscriptions import Choice, quiet_label, quiet_options

logger = logging.getLogger(__name__)


def _button(text: str, pressed: buttons.Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=buttons.encode(pressed))


def _ticked(text: str, ticked: bool) -> str:
    return (describe.TICK if ticked else "") + text


def topics_keyboard(choice: Choice, config: Config) -> InlineKeyboardMarkup:
    """A button per topic (ticked when chosen), then areas, quiet hours and stop."""
    rows = [
        [_button(_ticked(t.name, t.id in choice.topics), buttons.NewsTopic(t.id))]
        for t in config.topics
    ]
    areas = describe.AREAS_BUTTON.format(describe.areas_summary(choice))
    hours = describe.QUIET_BUTTON.format(describe.quiet_summary(choice, config))
    rows += [
        [_button(areas, buttons.NewsScreen("areas"))],
        [_button(hours, buttons.NewsScreen("quiet"))],
        [_button(describe.STOP_ALL, buttons.NewsStop())],
    ]
    return InlineKeyboardMarkup(rows)


def areas_keyboard(choice: Choice, config: Config) -> InlineKeyboardMarkup:
    """The whole district, each area (ticked when chosen), near me, and back."""
    whole = not choice.areas
    chosen = set(choice.areas) if choice.near is None else set()
    rows = [[_button(_ticked(describe.WHOLE_DISTRICT, whole), buttons.NewsWholeDistrict())]]
    rows += [
        [_button(_ticked(a.name, a.id in chosen), buttons.NewsArea(a.id))] for a in config.areas
    ]
    rows += [
        [_button(describe.near_me_label(choice), buttons.NewsNearMe())],
        [_button(describe.BACK, buttons.NewsScreen("topics"))],
    ]
    return InlineKeyboardMarkup(rows)


def quiet_keyboard(choice: Choice, config: Config) -> InlineKeyboardMarkup:
    """Each quiet-hours option (the one chosen ticked), and back."""
    rows = [
        [
            _button(
                _ticked(quiet_label(option, config), option.stored == choice.quiet_hours),
                buttons.NewsQuiet(option.id),
            )
        ]
        for option in quiet_options(config)
    ]
    rows.append([_button(describe.BACK, buttons.NewsScreen("topics"))])
    return InlineKeyboardMarkup(rows)


def radius_keyboard(
    latitude: float, longitude: float, radii: tuple[int, ...]
) -> InlineKeyboardMarkup:
    """The configured radii around the place sent, two a row, and back to the areas."""
    row_of = [
        _button(describe.radius_label(r), buttons.radius_button(r, latitude, longitude))
        for r in radii
    ]
    rows = [row_of[i : i + 2] for i in range(0, len(row_of), 2)]
    rows.append([_button(describe.BACK, buttons.NewsScreen("topics"))])
    return InlineKeyboardMarkup(rows)


def location_keyboard() -> ReplyKeyboardMarkup:
    """The reply keyboard that shares the phone's location in one tap."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(describe.SEND_LOCATION, request_location=True)], [describe.CANCEL]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def screen(
    name: buttons.NewsScreenName, choice: Choice, config: Config, *, changed: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of one screen."""
    if name == "areas":
        return describe.areas_screen(choice, config, changed=changed), areas_keyboard(
            choice, config
        )
    if name == "quiet":
        return describe.quiet_screen(choice, config, changed=changed), quiet_keyboard(
            choice, config
        )
    return describe.topics_screen(choice, config, changed=changed), topics_keyboard(choice, config)


async def send_screen(
    chat_id: int, context: BotContext, name: buttons.NewsScreenName, *, changed: bool = False
) -> Message:
    """Send a screen as a new message."""
    choice = await context.services.subscriptions.current(chat_id)
    text, keyboard = screen(name, choice, context.services.config, changed=changed)
    return await context.bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def edit_screen(
    update: Update,
    context: BotContext,
    name: buttons.NewsScreenName,
    choice: Choice,
    *,
    changed: bool,
    lead: str | None = None,
) -> None:
    """Edit the pressed message into a screen (with a line before it, if given); a message
    that can no longer be edited gets the screen as a new message instead."""
    query = update.callback_query
    assert query is not None
    text, keyboard = screen(name, choice, context.services.config, changed=changed)
    if lead is not None:
        text = f"{lead}\n\n{text}"
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return  # the same choice pressed again: the message already says it
        logger.info("a news message could not be edited (%s); sending it anew", error.message)
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_message(
            chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
