"""The buttons of the report conversation.

Each button's data is written by the one codec, :mod:`bot.buttons`, and names what it stands
for by id (category, question, option, area, report), never by position in the configuration.

Keyboards that depend on nothing but their arguments are built once and reused: Telegram
objects are immutable, and building one costs a share of every step.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot import buttons
from bot.config import Category, Config, Question
from bot.privacy import texts as privacy_texts
from bot.reporting import texts


def _button(text: str, pressed: buttons.Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=buttons.encode(pressed))


def _with_back(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [*rows, [_button(texts.BACK, buttons.Back()), _button(texts.CANCEL, buttons.Cancel())]]
    )


@cache
def emergency() -> InlineKeyboardMarkup:
    """Yes / no to the danger question."""
    return InlineKeyboardMarkup(
        [
            [_button(texts.YES_DANGER, buttons.Emergency("yes"))],
            [_button(texts.NO_DANGER, buttons.Emergency("no"))],
            [_button(privacy_texts.PRIVACY_BUTTON, buttons.Menu("privacy"))],
            [_button(texts.CANCEL, buttons.Cancel())],
        ]
    )


def categories(config: Config) -> InlineKeyboardMarkup:
    """One button per category."""
    return _with_back([[_button(c.name, buttons.PickCategory(c.id))] for c in config.categories])


def question(category: Category, q: Question, chosen: Sequence[str] = ()) -> InlineKeyboardMarkup:
    """The options of a question (ticked when chosen, for several-choice questions)."""
    c_id, q_id = category.id, q.id
    rows: list[list[InlineKeyboardButton]] = []
    for option in q.options:
        if q.kind == "multi":
            label = ("✓ " if option.id in chosen else "") + option.label
            rows.append([_button(label, buttons.ToggleOption(c_id, q_id, option.id))])
        else:
            rows.append([_button(option.label, buttons.PickOption(c_id, q_id, option.id))])
    if q.kind == "multi":
        rows.append([_button(texts.DONE, buttons.OptionsDone(c_id, q_id))])
    if q.optional:
        rows.append([_button(texts.SKIP, buttons.SkipQuestion(c_id, q_id))])
    return _with_back(rows)


@cache
def location() -> ReplyKeyboardMarkup:
    """Share the phone's location, or say you are not sure; typing is always possible."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(texts.SHARE_LOCATION, request_location=True)],
            [KeyboardButton(texts.NOT_SURE)],
            [KeyboardButton(texts.BACK), KeyboardButton(texts.CANCEL)],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=texts.LOCATION_PLACEHOLDER,
    )


@cache
def confirm_place() -> InlineKeyboardMarkup:
    """Is the place found the right one?"""
    return InlineKeyboardMarkup(
        [
            [
                _button(texts.YES_RIGHT, buttons.ConfirmPlace("yes")),
                _button(texts.NO_RETRY, buttons.ConfirmPlace("no")),
            ]
        ]
    )


def areas(names: Sequence[str]) -> InlineKeyboardMarkup:
    """The district's towns and areas, two to a row."""
    row = [_button(name, buttons.PickArea(buttons.area_code(name))) for name in names]
    return _with_back([row[i : i + 2] for i in range(0, len(row), 2)])


@cache
def when() -> InlineKeyboardMarkup:
    """Now, today, yesterday or another day."""
    return _with_back(
        [
            [
                _button(texts.NOW, buttons.PickWhen("now")),
                _button(texts.TODAY, buttons.PickWhen("today")),
            ],
            [
                _button(texts.YESTERDAY, buttons.PickWhen("yesterday")),
                _button(texts.ANOTHER_DAY, buttons.PickWhen("other")),
            ],
        ]
    )


@cache
def back_only() -> InlineKeyboardMarkup:
    """Back and cancel, under a question answered by typing."""
    return _with_back([])


@cache
def skip_description() -> InlineKeyboardMarkup:
    """No description, or go back."""
    return _with_back([[_button(texts.SKIP, buttons.SkipDescription())]])


@cache
def photos(count: int) -> InlineKeyboardMarkup:
    """Done with photos, or none at all."""
    label = texts.PHOTOS_DONE if count else texts.NO_PHOTOS
    return _with_back([[_button(label, buttons.PhotosDone())]])


@cache
def contact() -> InlineKeyboardMarkup:
    """Updates or anonymity."""
    return _with_back(
        [
            [_button(texts.KEEP_UPDATED, buttons.PickContact("updates"))],
            [_button(texts.ANONYMOUS, buttons.PickContact("anonymous"))],
        ]
    )


@cache
def phone() -> ReplyKeyboardMarkup:
    """Share the phone number with Telegram's contact button, or decline."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(texts.SHARE_PHONE, request_contact=True)],
            [KeyboardButton(texts.NO_PHONE)],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


_PARTS: tuple[buttons.Part, ...] = (
    "category",
    "answers",
    "location",
    "when",
    "description",
    "photos",
    "contact",
)


@cache
def review(has_questions: bool) -> InlineKeyboardMarkup:
    """A Change button for each part, then submit or cancel."""
    parts = [p for p in _PARTS if has_questions or p != "answers"]
    row = [_button(texts.CHANGE_PART[part], buttons.ChangePart(part)) for part in parts]
    rows = [row[i : i + 2] for i in range(0, len(row), 2)]
    rows.append([_button(texts.SUBMIT, buttons.Submit())])
    rows.append([_button(texts.CANCEL, buttons.Cancel())])
    return InlineKeyboardMarkup(rows)


def duplicates(candidates: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per possible duplicate (report id, reference), and 'mine is new'."""
    rows = [
        [_button(texts.its_this_one(ref), buttons.PickDuplicate(report_id))]
        for report_id, ref in candidates
    ]
    rows.append([_button(texts.IS_NEW, buttons.NotDuplicate())])
    return InlineKeyboardMarkup(rows)


@cache
def resume() -> InlineKeyboardMarkup:
    """Carry on with the report in progress, or start again."""
    return InlineKeyboardMarkup(
        [
            [
                _button(texts.CONTINUE, buttons.Resume("continue")),
                _button(texts.START_AGAIN, buttons.Resume("restart")),
            ]
        ]
    )
