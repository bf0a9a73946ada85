"""The report conversation's steps and how to move between them: the draft, the order of the
steps, and the question each step asks.

``go`` saves the next state before asking its question, so a restarted bot resumes exactly
where the resident was. The handlers that take the answers are in :mod:`handlers.report`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from telegram import Message, ReplyKeyboardRemove, Update
from telegram.constants import ParseMode
from telegram.ext import ConversationHandler

from bot import buttons
from bot.config import Category, questions
from bot.context import BotContext
from bot.privacy import texts as privacy_texts
from bot.reporting import texts
from bot.reporting.draft import Draft
from handlers.report import keyboards as kb
from handlers.report.checkpoint import checkpoint

logger = logging.getLogger(__name__)

CONVERSATION = "report"
DRAFT = "report_draft"

EMERGENCY, CATEGORY, QUESTION, LOCATION, PLACE, AREA = (
    "emergency",
    "category",
    "question",
    "location",
    "place",
    "area",
)
WHEN, WHEN_DATE, DESCRIPTION, PHOTOS, CONTACT, PHONE = (
    "when",
    "when_date",
    "description",
    "photos",
    "contact",
    "phone",
)
REVIEW, DUPLICATES, RESUME = "review", "duplicates", "resume"
END = ConversationHandler.END
# Steps that Back does not return to: confirmations and follow-ups of another step.
_TRANSIENT = {PLACE, WHEN_DATE, DUPLICATES, RESUME, AREA}
_Kind = TypeVar("_Kind", bound=buttons.Button)


# -- the draft and moving between steps ---------------------------------------------------------


def draft_of(context: BotContext) -> Draft:
    """The resident's draft (a new one if there is none)."""
    assert context.user_data is not None
    draft = context.user_data.get(DRAFT)
    if not isinstance(draft, Draft):
        draft = Draft()
        context.user_data[DRAFT] = draft
    return draft


def button_of(update: Update) -> buttons.Pressed:
    """What the button pressed means."""
    query = update.callback_query
    return buttons.decode(query.data if query is not None else None)


def pressed(update: Update, kind: type[_Kind]) -> _Kind | None:
    """The button pressed, if it is one of this kind."""
    found = button_of(update)
    return found if isinstance(found, kind) else None


def category_of(context: BotContext, draft: Draft) -> Category:
    category = context.services.config.category(draft.category or "")
    assert category is not None, "steps after the category step need a category"
    return category


def zone_of(context: BotContext) -> ZoneInfo:
    return ZoneInfo(context.services.config.partnership.timezone)


async def go(update: Update, context: BotContext, step: str, *, remember: bool = True) -> str:
    """Save ``step`` as the conversation's state, then ask its question."""
    draft = draft_of(context)
    if remember and draft.step and draft.step != step and _state(draft.step) not in _TRANSIENT:
        draft.remember(draft.step)
    draft.step = step
    state = _state(step)
    await checkpoint(update, context, CONVERSATION, state)
    await ASK[state](update, context, draft)
    return state


def _state(step: str) -> str:
    return step.partition(":")[0]


def next_step(context: BotContext, draft: Draft, done: str) -> str:
    """The step after ``done``: the natural order, or back to the review once there."""
    config = context.services.config
    state = _state(done)
    category = config.category(draft.category or "")
    if state == EMERGENCY:
        return CATEGORY if category is None else next_step(context, draft, CATEGORY)
    assert category is not None
    if state in (CATEGORY, QUESTION):
        if state == CATEGORY:
            upcoming = questions.first_question(category, draft.answers)
        else:
            upcoming = questions.next_question(category, draft.answers, done.partition(":")[2])
        while draft.reviewing and upcoming is not None and upcoming.id in draft.answers:
            upcoming = questions.next_question(category, draft.answers, upcoming.id)
        if upcoming is not None:
            return f"{QUESTION}:{upcoming.id}"
        return REVIEW if draft.reviewing else LOCATION
    if state == CONTACT:
        return PHONE if category.allow_phone and not draft.anonymous else REVIEW
    if draft.reviewing or state == PHONE:
        return REVIEW
    order = {LOCATION: WHEN, PLACE: WHEN, AREA: WHEN, WHEN: DESCRIPTION, WHEN_DATE: DESCRIPTION}
    order |= {DESCRIPTION: PHOTOS, PHOTOS: CONTACT}
    return order[state]


async def send(update: Update, context: BotContext, text: str, markup: Any = None) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(
        chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


# -- asking each step's question -----------------------------------------------------------------


async def ask_emergency(update: Update, context: BotContext, draft: Draft) -> None:
    """The danger question comes before everything."""
    question = f"{texts.EMERGENCY_QUESTION}\n\n{privacy_texts.report_privacy_line()}"
    await send(update, context, question, kb.emergency())


async def ask_category(update: Update, context: BotContext, draft: Draft) -> None:
    """What kind of incident."""
    await send(update, context, texts.CHOOSE_CATEGORY, kb.categories(context.services.config))


async def ask_question(update: Update, context: BotContext, draft: Draft) -> None:
    """The category question being asked."""
    category = category_of(context, draft)
    question = questions.question(category, draft.question)
    assert question is not None
    answer = draft.answers.get(question.id)
    chosen = answer if isinstance(answer, list) else []
    markup = kb.question(category, question, chosen)
    await send(update, context, texts.question_prompt(question, chosen), markup)


async def ask_location(update: Update, context: BotContext, draft: Draft) -> None:
    """Where: a pin, a typed place, or not sure."""
    await send(update, context, texts.location_prompt(context.services.config), kb.location())


async def ask_place(update: Update, context: BotContext, draft: Draft) -> None:
    """Show the place found on the map and ask if it is right."""
    candidate = draft.candidate
    assert candidate is not None
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_venue(
        chat.id,
        latitude=candidate.latitude,
        longitude=candidate.longitude,
        title=candidate.label[:100],
        address=candidate.nearest_place or context.services.config.partnership.area_name,
        reply_markup=ReplyKeyboardRemove(),
    )
    await send(update, context, texts.location_found(candidate.label), kb.confirm_place())


async def ask_area(update: Update, context: BotContext, draft: Draft) -> None:
    """Which town or area, roughly."""
    names = [area.name for area in context.services.locator.areas()]
    await send(update, context, texts.AREA_PROMPT, kb.areas(names))


async def ask_when(update: Update, context: BotContext, draft: Draft) -> None:
    """When it happened."""
    await send(update, context, texts.WHEN_PROMPT, kb.when())


async def ask_when_date(update: Update, context: BotContext, draft: Draft) -> None:
    """Which day, typed."""
    await send(update, context, texts.WHEN_DATE_PROMPT, kb.back_only())


async def ask_description(update: Update, context: BotContext, draft: Draft) -> None:
    """What they saw, in their words."""
    limit = context.services.config.reporting.description_max_chars
    await send(update, context, texts.description_prompt(limit), kb.skip_description())


async def ask_photos(update: Update, context: BotContext, draft: Draft) -> None:
    """Up to the configured number of photos."""
    limit = context.services.config.reporting.max_photos
    await send(update, context, texts.photos_prompt(limit), kb.photos(len(draft.photos)))


async def ask_contact(update: Update, context: BotContext, draft: Draft) -> None:
    """Updates in this chat, or anonymous."""
    await send(update, context, texts.contact_prompt(), kb.contact())


async def ask_phone(update: Update, context: BotContext, draft: Draft) -> None:
    """An optional phone number, by Telegram's contact button."""
    await send(update, context, texts.PHONE_PROMPT, kb.phone())


async def ask_review(update: Update, context: BotContext, draft: Draft) -> None:
    """The whole report, with a Change button for each part."""
    draft.reviewing = True
    has_questions = bool(category_of(context, draft).questions)
    text = texts.review(context.services.config, draft, zone_of(context))
    await send(update, context, text, kb.review(has_questions))


async def ask_duplicates(update: Update, context: BotContext, draft: Draft) -> None:
    """Is it one of the open reports nearby?"""
    zone = zone_of(context)
    nearby = await context.services.reports.offered(draft)
    rows = [
        (n.report.ref, f"{n.report.created_at.astimezone(zone):%-d %b}", n.metres) for n in nearby
    ]
    markup = kb.duplicates([(n.report.id, n.report.ref) for n in nearby])
    await send(update, context, texts.duplicates_prompt(rows), markup)


async def ask_resume(update: Update, context: BotContext, draft: Draft) -> None:
    """A report is in progress: carry on or start again."""
    await send(update, context, texts.IN_PROGRESS, kb.resume())


ASK: dict[str, Callable[[Update, BotContext, Draft], Awaitable[None]]] = {
    EMERGENCY: ask_emergency,
    CATEGORY: ask_category,
    QUESTION: ask_question,
    LOCATION: ask_location,
    PLACE: ask_place,
    AREA: ask_area,
    WHEN: ask_when,
    WHEN_DATE: ask_when_date,
    DESCRIPTION: ask_description,
    PHOTOS: ask_photos,
    CONTACT: ask_contact,
    PHONE: ask_phone,
    REVIEW: ask_review,
    DUPLICATES: ask_duplicates,
    RESUME: ask_resume,
}


async def ack(update: Update, text: str | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text)


async def then(update: Update, context: BotContext, done: str) -> str:
    draft = draft_of(context)
    return await go(update, context, next_step(context, draft, done))


async def cancel(update: Update, context: BotContext) -> int:
    """Drops the draft and ends the conversation."""
    await ack(update)
    await finish(update, context)
    await send(update, context, texts.CANCELLED, ReplyKeyboardRemove())
    return END


async def finish(update: Update, context: BotContext) -> int:
    """Forgets the draft and saves the conversation as ended, before the bot says so."""
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    await checkpoint(update, context, CONVERSATION, END)
    return END


async def back(update: Update, context: BotContext) -> str:
    """Returns to the previous step (or asks the first one again)."""
    await ack(update)
    draft = draft_of(context)
    previous = draft.back() or draft.step or EMERGENCY
    return await go(update, context, previous, remember=False)


_EXPECTS = {
    LOCATION: texts.expected_location,
    WHEN_DATE: texts.expected_text,
    DESCRIPTION: texts.expected_text,
    PHOTOS: texts.expected_photo,
}


async def unexpected(update: Update, context: BotContext) -> None:
    """Something the current step cannot use: say what it needs and ask again."""
    draft = draft_of(context)
    state = (draft.step or EMERGENCY).partition(":")[0]
    explain = _EXPECTS.get(state, texts.expected_buttons)
    if state == QUESTION and draft.category is not None:
        question = questions.question(category_of(context, draft), draft.question)
        if question is not None and question.kind == "text":
            explain = texts.expected_text
    message = texts.TAP_PHONE_BUTTON if state == PHONE else None
    await send(update, context, message or explain())
    await ASK[state](update, context, draft)


async def stale(update: Update, context: BotContext) -> None:
    """A button from an earlier question: say so and ask the current one again."""
    await ack(update, texts.stale_button())
    draft = draft_of(context)
    state = (draft.step or EMERGENCY).partition(":")[0]
    await ASK[state](update, context, draft)
