"""The buttons of the report conversation, and what their callback data means.

Callback data is ``v1:r:<action>[:<arg>...]``: versioned, short (Telegram allows 64 bytes), and
built from indexes into the configuration rather than ids of unbounded length.

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

from bot.config import Category, Config, Question
from bot.reporting import texts

PREFIX = "v1:r:"


def data(action: str, *args: object) -> str:
    """Callback data for an action of this conversation."""
    return ":".join([PREFIX + action, *(str(a) for a in args)])


def pattern(action: str) -> str:
    """The regular expression that matches an action's callback data."""
    return f"^{PREFIX}{action}(:|$)"


def args(callback_data: str | None) -> list[str]:
    """The arguments of an action's callback data."""
    return (callback_data or "").split(":")[3:]


def _button(text: str, action: str, *arguments: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data(action, *arguments))


def _with_back(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [*rows, [_button(texts.BACK, "back"), _button(texts.CANCEL, "cancel")]]
    )


@cache
def emergency() -> InlineKeyboardMarkup:
    """Yes / no to the danger question."""
    return InlineKeyboardMarkup(
        [
            [_button(texts.YES_DANGER, "emg", "yes")],
            [_button(texts.NO_DANGER, "emg", "no")],
            [_button(texts.CANCEL, "cancel")],
        ]
    )


def categories(config: Config) -> InlineKeyboardMarkup:
    """One button per category."""
    return _with_back([[_button(c.name, "cat", i)] for i, c in enumerate(config.categories)])


def question(category: Category, q: Question, chosen: Sequence[str] = ()) -> InlineKeyboardMarkup:
    """The options of a question (ticked when chosen, for several-choice questions)."""
    index = category.questions.index(q)
    rows: list[list[InlineKeyboardButton]] = []
    for o_index, option in enumerate(q.options):
        if q.kind == "multi":
            label = ("✓ " if option.id in chosen else "") + option.label
            rows.append([_button(label, "t", index, o_index)])
        else:
            rows.append([_button(option.label, "a", index, o_index)])
    if q.kind == "multi":
        rows.append([_button(texts.DONE, "d", index)])
    if q.optional:
        rows.append([_button(texts.SKIP, "s", index)])
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
        input_field_placeholder="Street, postcode or place",
    )


@cache
def confirm_place() -> InlineKeyboardMarkup:
    """Is the place found the right one?"""
    return InlineKeyboardMarkup(
        [[_button(texts.YES_RIGHT, "place", "yes"), _button(texts.NO_RETRY, "place", "no")]]
    )


def areas(names: Sequence[str]) -> InlineKeyboardMarkup:
    """The district's towns and areas, two to a row."""
    buttons = [_button(name, "area", i) for i, name in enumerate(names)]
    return _with_back([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


@cache
def when() -> InlineKeyboardMarkup:
    """Now, today, yesterday or another day."""
    return _with_back(
        [
            [_button(texts.NOW, "when", "now"), _button(texts.TODAY, "when", "today")],
            [
                _button(texts.YESTERDAY, "when", "yesterday"),
                _button(texts.ANOTHER_DAY, "when", "other"),
            ],
        ]
    )


@cache
def back_only() -> InlineKeyboardMarkup:
    """Back and cancel, under a question answered by typing."""
    return _with_back([])


@cache
def skip(action: str) -> InlineKeyboardMarkup:
    """Skip this step, or go back."""
    return _with_back([[_button(texts.SKIP, action)]])


@cache
def photos(count: int) -> InlineKeyboardMarkup:
    """Done with photos, or none at all."""
    label = texts.PHOTOS_DONE if count else texts.NO_PHOTOS
    return _with_back([[_button(label, "photos")]])


@cache
def contact() -> InlineKeyboardMarkup:
    """Updates or anonymity."""
    return _with_back(
        [
            [_button(texts.KEEP_UPDATED, "contact", "updates")],
            [_button(texts.ANONYMOUS, "contact", "anonymous")],
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


REVIEW_PARTS = (
    ("category", "Change what"),
    ("answers", "Change answers"),
    ("location", "Change where"),
    ("when", "Change when"),
    ("description", "Change description"),
    ("photos", "Change photos"),
    ("contact", "Change contact"),
)


@cache
def review(has_questions: bool) -> InlineKeyboardMarkup:
    """A Change button for each part, then submit or cancel."""
    parts = [(p, label) for p, label in REVIEW_PARTS if has_questions or p != "answers"]
    buttons = [_button(label, "edit", part) for part, label in parts]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(texts.SUBMIT, "submit")])
    rows.append([_button(texts.CANCEL, "cancel")])
    return InlineKeyboardMarkup(rows)


def duplicates(candidates: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per possible duplicate (report id, reference), and 'mine is new'."""
    rows = [[_button(f"It's {ref}", "dup", report_id)] for report_id, ref in candidates]
    rows.append([_button(texts.IS_NEW, "dup", "new")])
    return InlineKeyboardMarkup(rows)


@cache
def resume() -> InlineKeyboardMarkup:
    """Carry on with the report in progress, or start again."""
    return InlineKeyboardMarkup(
        [
            [
                _button(texts.CONTINUE, "resume", "continue"),
                _button(texts.START_AGAIN, "resume", "restart"),
            ]
        ]
    )
