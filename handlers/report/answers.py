"""The report steps that take answers: danger, category, the category questions, when, the
description, photos, contact and phone."""

from __future__ import annotations

import logging
import re

from telegram import ReplyKeyboardRemove, Update

from bot import buttons
from bot.config import Option, Question, questions
from bot.context import BotContext
from bot.reporting import texts
from bot.reporting.when import DateProblem, parse_date, quick
from handlers.report import keyboards as kb
from handlers.report.checkpoint import checkpoint
from handlers.report.flow import (
    CATEGORY,
    CONTACT,
    CONVERSATION,
    DESCRIPTION,
    EMERGENCY,
    END,
    PHONE,
    PHOTOS,
    QUESTION,
    WHEN,
    WHEN_DATE,
    ack,
    button_of,
    category_of,
    draft_of,
    finish,
    go,
    pressed,
    send,
    stale,
    then,
    unexpected,
    zone_of,
)
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")


async def emergency_answer(update: Update, context: BotContext) -> str | int:
    """Stores nothing; danger ends with 999 advice, otherwise asks the category."""
    await ack(update)
    answer = pressed(update, buttons.Emergency)
    if answer is not None and answer.answer == "yes":
        await finish(update, context)
        await send(update, context, texts.EMERGENCY_ADVICE)
        return END
    return await then(update, context, EMERGENCY)


async def category_chosen(update: Update, context: BotContext) -> str | None:
    """Stores the category (a new one clears earlier answers); asks its first question."""
    chosen = pressed(update, buttons.PickCategory)
    category = context.services.config.category(chosen.category) if chosen else None
    if category is None:
        await stale(update, context)
        return None
    await ack(update)
    draft = draft_of(context)
    if draft.category != category.id:
        draft.category, draft.answers = category.id, {}
    if category.intro:
        await send(update, context, texts.said(category.intro))
    return await then(update, context, CATEGORY)


_QUESTION_BUTTONS = (
    buttons.PickOption,
    buttons.ToggleOption,
    buttons.OptionsDone,
    buttons.SkipQuestion,
)


def _current_question(update: Update, context: BotContext) -> Question | None:
    """The question a button belongs to, if it is the one being asked now."""
    draft = draft_of(context)
    found = button_of(update)
    if (
        not isinstance(found, _QUESTION_BUTTONS)
        or draft.category is None
        or found.category != draft.category
    ):
        return None
    if found.question != draft.question:
        return None
    return questions.question(category_of(context, draft), found.question)


def _pressed_option(update: Update, context: BotContext) -> tuple[Question, Option] | None:
    """The question and option a button names, if that question is the one asked now."""
    question = _current_question(update, context)
    found = button_of(update)
    if question is None or not isinstance(found, (buttons.PickOption, buttons.ToggleOption)):
        return None
    option = next((o for o in question.options if o.id == found.option), None)
    return None if option is None else (question, option)


async def option_chosen(update: Update, context: BotContext) -> str | None:
    """Stores a single-choice answer (with its warning, if any); asks what comes next."""
    pressed = _pressed_option(update, context)
    if pressed is None:
        await stale(update, context)
        return None
    await ack(update)
    question, option = pressed
    draft = draft_of(context)
    draft.answers[question.id] = option.id
    questions.prune(category_of(context, draft), draft.answers)
    if option.warning:
        await send(update, context, texts.warning(option.warning))
    return await then(update, context, f"{QUESTION}:{question.id}")


async def option_toggled(update: Update, context: BotContext) -> str | None:
    """Ticks or unticks an option of a several-choice question; shows the ticks."""
    pressed = _pressed_option(update, context)
    if pressed is None:
        await stale(update, context)
        return None
    await ack(update)
    question, option = pressed
    draft = draft_of(context)
    current = draft.answers.get(question.id)
    chosen = list(current) if isinstance(current, list) else []
    chosen = [c for c in chosen if c != option.id] if option.id in chosen else [*chosen, option.id]
    draft.answers[question.id] = chosen
    await checkpoint(update, context, CONVERSATION, QUESTION)
    query = update.callback_query
    assert query is not None
    if query.message is not None:
        markup = kb.question(category_of(context, draft), question, chosen)
        await query.edit_message_text(
            texts.question_prompt(question, chosen), parse_mode="HTML", reply_markup=markup
        )
    return None


async def options_done(update: Update, context: BotContext) -> str | None:
    """Closes a several-choice question (at least one ticked); warns where needed."""
    question = _current_question(update, context)
    if question is None:
        await stale(update, context)
        return None
    draft = draft_of(context)
    chosen = draft.answers.get(question.id)
    if not chosen:
        await ack(update, texts.TICK_ONE)
        return None
    await ack(update)
    for option in questions.chosen_options(question, chosen):
        if option.warning:
            await send(update, context, texts.warning(option.warning))
    questions.prune(category_of(context, draft), draft.answers)
    return await then(update, context, f"{QUESTION}:{question.id}")


async def question_skipped(update: Update, context: BotContext) -> str | None:
    """Stores 'skipped' for an optional question; asks what comes next."""
    question = _current_question(update, context)
    if question is None or not question.optional:
        await stale(update, context)
        return None
    await ack(update)
    draft = draft_of(context)
    draft.answers[question.id] = None
    questions.prune(category_of(context, draft), draft.answers)
    return await then(update, context, f"{QUESTION}:{question.id}")


async def question_typed(update: Update, context: BotContext) -> str | None:
    """Stores a typed answer to a text question; asks what comes next."""
    draft = draft_of(context)
    category = category_of(context, draft)
    question = questions.question(category, draft.question)
    message = update.effective_message
    assert question is not None
    assert message is not None
    assert message.text is not None
    if question.kind != "text":
        await unexpected(update, context)
        return None
    text = message.text.strip()
    if len(text) > question.max_length:
        await send(update, context, texts.answer_too_long(len(text), question.max_length))
        return None
    draft.answers[question.id] = text
    return await then(update, context, f"{QUESTION}:{question.id}")


async def when_chosen(update: Update, context: BotContext) -> str | None:
    """Stores now / today / yesterday, or asks for a typed date."""
    when = pressed(update, buttons.PickWhen)
    if when is None:
        await stale(update, context)
        return None
    await ack(update)
    if when.choice == "other":
        return await go(update, context, WHEN_DATE)
    moment = quick(when.choice, utc_now(), zone_of(context))
    draft = draft_of(context)
    draft.occurred_at, draft.occurred_label = moment.at, moment.label
    return await then(update, context, WHEN)


async def date_typed(update: Update, context: BotContext) -> str | None:
    """Stores a typed date if the calendar and the limits allow it."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    max_age = context.services.config.reporting.max_age_days
    try:
        moment = parse_date(message.text, utc_now(), zone_of(context), max_age)
    except DateProblem as problem:
        await send(update, context, str(problem))
        return None
    draft = draft_of(context)
    draft.occurred_at, draft.occurred_label = moment.at, moment.label
    return await then(update, context, WHEN_DATE)


async def description_typed(update: Update, context: BotContext) -> str | None:
    """Stores the description unless it is too long (then explains; nothing is cut)."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    text = message.text.strip()
    limit = context.services.config.reporting.description_max_chars
    if len(text) > limit:
        await send(update, context, texts.description_too_long(len(text), limit))
        return None
    if not text.strip(". -_"):
        await send(update, context, texts.DESCRIPTION_EMPTY, kb.skip_description())
        return None
    draft_of(context).description = text
    return await then(update, context, DESCRIPTION)


async def description_skipped(update: Update, context: BotContext) -> str:
    """Stores no description; asks for photos."""
    await ack(update)
    draft_of(context).description = None
    return await then(update, context, DESCRIPTION)


async def photo_sent(update: Update, context: BotContext) -> str | None:
    """Adds a photo; moves on when the most allowed have come."""
    message = update.effective_message
    assert message is not None
    assert message.photo
    draft = draft_of(context)
    limit = context.services.config.reporting.max_photos
    if len(draft.photos) >= limit:
        return await then(update, context, PHOTOS)
    draft.photos.append(message.photo[-1].file_id)
    count = len(draft.photos)
    if count >= limit:
        await send(update, context, texts.photo_added(count, limit))
        return await then(update, context, PHOTOS)
    await checkpoint(update, context, CONVERSATION, PHOTOS)
    await send(update, context, texts.photo_added(count, limit), kb.photos(count))
    return None


async def photo_as_file(update: Update, context: BotContext) -> None:
    """Explains that photos must come as photos, not files."""
    await send(update, context, texts.PHOTO_AS_FILE, kb.photos(len(draft_of(context).photos)))


async def photos_done(update: Update, context: BotContext) -> str:
    """Closes the photos step; asks about contact."""
    await ack(update)
    return await then(update, context, PHOTOS)


async def contact_chosen(update: Update, context: BotContext) -> str | None:
    """Stores updates-or-anonymous; asks for a phone number where the category allows it."""
    choice = pressed(update, buttons.PickContact)
    if choice is None:
        await stale(update, context)
        return None
    await ack(update)
    draft = draft_of(context)
    draft.anonymous = choice.choice == "anonymous"
    if draft.anonymous:
        draft.phone = None
    return await then(update, context, CONTACT)


async def phone_shared(update: Update, context: BotContext) -> str | None:
    """Stores the resident's own number from the contact button; asks for the review."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert message.contact is not None
    assert user is not None
    if message.contact.user_id != user.id:
        await send(update, context, texts.OWN_NUMBER)
        return None
    draft_of(context).phone = message.contact.phone_number
    await send(update, context, texts.THANK_YOU, ReplyKeyboardRemove())
    return await then(update, context, PHONE)


async def phone_typed(update: Update, context: BotContext) -> str | None:
    """Takes No, thanks or a typed UK-style number; asks for the review."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    text = message.text.strip()
    draft = draft_of(context)
    if text == texts.NO_PHONE:
        draft.phone = None
    elif _PHONE.match(text):
        draft.phone = text
    else:
        await send(update, context, texts.NOT_A_PHONE)
        return None
    await send(update, context, texts.THANK_YOU, ReplyKeyboardRemove())
    return await then(update, context, PHONE)
