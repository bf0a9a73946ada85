"""The resident's report: danger first, category, its questions, where, when, description,
photos, contact, review, submit.

Each handler stores what it was given in the draft and moves on with ``go``. Anything
unexpected (a sticker, an old button, a command) gets a short explanation and the same
question again; nothing is lost and the bot never falls silent.
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import timedelta
from typing import Any

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import texts as general_texts
from bot.app import BotContext
from bot.config import Option, Question
from bot.reporting import questions, texts
from bot.reporting.draft import Draft, Location
from bot.reporting.service import utc_now
from bot.reporting.when import DateProblem, parse_date, quick
from handlers import report_keyboards as kb
from handlers.common import checkpoint
from handlers.report_flow import (
    AREA,
    ASK,
    CATEGORY,
    CONTACT,
    CONVERSATION,
    DESCRIPTION,
    DRAFT,
    DUPLICATES,
    EMERGENCY,
    LOCATION,
    PHONE,
    PHOTOS,
    PLACE,
    QUESTION,
    RESUME,
    REVIEW,
    WHEN,
    WHEN_DATE,
    category_of,
    draft_of,
    go,
    next_step,
    send,
    zone_of,
)

logger = logging.getLogger(__name__)

END = ConversationHandler.END
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")


async def _ack(update: Update, text: str | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text)


async def _then(update: Update, context: BotContext, done: str) -> str:
    draft = draft_of(context)
    return await go(update, context, next_step(context, draft, done))


# -- starting, resuming, cancelling -------------------------------------------------------------


async def begin(update: Update, context: BotContext) -> str | int:
    """Starts a report (from /report, the menu or a poster's link); asks about danger first."""
    await _ack(update)
    user = update.effective_user
    assert user is not None
    assert context.user_data is not None
    if await context.services.reports.over_daily_limit(user.id, utc_now()):
        await send(
            update, context, texts.daily_limit(context.services.config.reporting.daily_limit)
        )
        return END
    preset = None
    if context.args and context.args[0].startswith("report_"):
        wanted = context.args[0].removeprefix("report_")
        preset = wanted if context.services.config.category(wanted) else None
    context.user_data[DRAFT] = Draft(category=preset)
    return await go(update, context, EMERGENCY, remember=False)


async def offer_resume(update: Update, context: BotContext) -> str:
    """/report or the menu during a report: carry on, or start again (the step is kept)."""
    await _ack(update)
    await checkpoint(update, context, CONVERSATION, RESUME)
    await ASK[RESUME](update, context, draft_of(context))
    return RESUME


async def resume_choice(update: Update, context: BotContext) -> str | int:
    """Carries on at the step the resident was at, or starts a new report."""
    await _ack(update)
    choice = kb.args(update.callback_query.data if update.callback_query else None)
    if choice == ["restart"]:
        return await begin(update, context)
    draft = draft_of(context)
    return await go(update, context, draft.step or EMERGENCY, remember=False)


async def cancel(update: Update, context: BotContext) -> int:
    """Drops the draft and ends the conversation."""
    await _ack(update)
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    await send(update, context, texts.CANCELLED, ReplyKeyboardRemove())
    return END


async def back(update: Update, context: BotContext) -> str:
    """Returns to the previous step (or asks the first one again)."""
    await _ack(update)
    draft = draft_of(context)
    previous = draft.back() or draft.step or EMERGENCY
    return await go(update, context, previous, remember=False)


async def timed_out(update: object, context: BotContext) -> None:
    """Tells the resident their report was put aside after a silence."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    if isinstance(update, Update) and update.effective_chat is not None:
        minutes = context.services.config.reporting.timeout_minutes
        await context.bot.send_message(
            update.effective_chat.id,
            texts.timed_out(minutes),
            reply_markup=ReplyKeyboardRemove(),
        )


async def in_group(update: Update, context: BotContext) -> None:
    """Reports are made in private: a link to the private chat."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            general_texts.private_chat_only(context.bot.username)
        )


# -- the steps ------------------------------------------------------------------------------------


async def emergency_answer(update: Update, context: BotContext) -> str | int:
    """Stores nothing; danger ends with 999 advice, otherwise asks the category."""
    await _ack(update)
    if kb.args(update.callback_query.data if update.callback_query else None) == ["yes"]:
        assert context.user_data is not None
        context.user_data.pop(DRAFT, None)
        await send(update, context, texts.EMERGENCY_ADVICE)
        return END
    return await _then(update, context, EMERGENCY)


async def category_chosen(update: Update, context: BotContext) -> str | None:
    """Stores the category (a new one clears earlier answers); asks its first question."""
    await _ack(update)
    config = context.services.config
    (index,) = kb.args(update.callback_query.data if update.callback_query else None) or ["x"]
    if not index.isdigit() or int(index) >= len(config.categories):
        await stale(update, context)
        return None
    category = config.categories[int(index)]
    draft = draft_of(context)
    if draft.category != category.id:
        draft.category, draft.answers = category.id, {}
    if category.intro:
        await send(update, context, texts.said(category.intro))
    return await _then(update, context, CATEGORY)


def _current_question(update: Update, context: BotContext) -> tuple[Question, list[str]] | None:
    """The question a button belongs to, if it is the one being asked now."""
    draft = draft_of(context)
    arguments = kb.args(update.callback_query.data if update.callback_query else None)
    if not arguments or not arguments[0].isdigit() or draft.category is None:
        return None
    category = category_of(context, draft)
    index = int(arguments[0])
    if index >= len(category.questions) or category.questions[index].id != draft.question:
        return None
    return category.questions[index], arguments[1:]


def _pressed_option(update: Update, context: BotContext) -> tuple[Question, Option] | None:
    """The question and option a button names, if that question is the one asked now."""
    found = _current_question(update, context)
    if found is None or not found[1] or not found[1][0].isdigit():
        return None
    question, (o_index, *_) = found
    if int(o_index) >= len(question.options):
        return None
    return question, question.options[int(o_index)]


async def option_chosen(update: Update, context: BotContext) -> str | None:
    """Stores a single-choice answer (with its warning, if any); asks what comes next."""
    pressed = _pressed_option(update, context)
    if pressed is None:
        await stale(update, context)
        return None
    await _ack(update)
    question, option = pressed
    draft = draft_of(context)
    draft.answers[question.id] = option.id
    questions.prune(category_of(context, draft), draft.answers)
    if option.warning:
        await send(update, context, texts.warning(option.warning))
    return await _then(update, context, f"{QUESTION}:{question.id}")


async def option_toggled(update: Update, context: BotContext) -> str | None:
    """Ticks or unticks an option of a several-choice question; shows the ticks."""
    pressed = _pressed_option(update, context)
    if pressed is None:
        await stale(update, context)
        return None
    await _ack(update)
    question, option = pressed
    draft = draft_of(context)
    current = draft.answers.get(question.id)
    chosen = list(current) if isinstance(current, list) else []
    chosen = [c for c in chosen if c != option.id] if option.id in chosen else [*chosen, option.id]
    draft.answers[question.id] = chosen
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
    found = _current_question(update, context)
    if found is None:
        await stale(update, context)
        return None
    question, _ = found
    draft = draft_of(context)
    chosen = draft.answers.get(question.id)
    if not chosen:
        await _ack(update, "Tick at least one, or tap Skip if there is one.")
        return None
    await _ack(update)
    for option in questions.chosen_options(question, chosen):
        if option.warning:
            await send(update, context, texts.warning(option.warning))
    questions.prune(category_of(context, draft), draft.answers)
    return await _then(update, context, f"{QUESTION}:{question.id}")


async def question_skipped(update: Update, context: BotContext) -> str | None:
    """Stores 'skipped' for an optional question; asks what comes next."""
    found = _current_question(update, context)
    if found is None or not found[0].optional:
        await stale(update, context)
        return None
    await _ack(update)
    question, _ = found
    draft = draft_of(context)
    draft.answers[question.id] = None
    questions.prune(category_of(context, draft), draft.answers)
    return await _then(update, context, f"{QUESTION}:{question.id}")


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
        await send(
            update,
            context,
            f"That is {len(text)} characters; please keep it to {question.max_length}.",
        )
        return None
    draft.answers[question.id] = text
    return await _then(update, context, f"{QUESTION}:{question.id}")


# -- where --------------------------------------------------------------------------------------


async def _accept_point(
    update: Update,
    context: BotContext,
    latitude: float,
    longitude: float,
    label: str,
    *,
    approximate: bool = False,
) -> str | None:
    """Takes a point if the district (or, for county-wide matters, the county) covers it."""
    locator = context.services.locator
    draft = draft_of(context)
    if not locator.is_plausible(latitude, longitude):
        await send(update, context, texts.location_implausible())
        return None if draft.step == LOCATION else await go(update, context, LOCATION)
    placement = locator.locate(latitude, longitude)
    category = category_of(context, draft)
    if placement.verdict == "outside" and not category.county_wide:
        await send(update, context, texts.location_outside(placement.council))
        return None if draft.step == LOCATION else await go(update, context, LOCATION)
    draft.location = Location(
        latitude=latitude,
        longitude=longitude,
        label=label,
        verdict="inside" if approximate else placement.verdict,
        ward=placement.ward,
        nearest_place=placement.nearest_place,
        council=placement.council,
        approximate=approximate,
    )
    draft.candidate = None
    await send(update, context, texts.location_accepted(draft.location), ReplyKeyboardRemove())
    return await _then(update, context, LOCATION)


async def location_shared(update: Update, context: BotContext) -> str | None:
    """Stores a shared pin if it is in the area; asks when."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    point = message.location
    return await _accept_point(update, context, point.latitude, point.longitude, "Shared location")


async def location_typed(update: Update, context: BotContext) -> str | int | None:
    """Looks up a typed street, postcode or place; shows it for confirmation."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    text = message.text.strip()
    if text == texts.NOT_SURE:
        return await go(update, context, AREA)
    if text == texts.BACK:
        return await back(update, context)
    if text == texts.CANCEL:
        return await cancel(update, context)
    if len(text) > 200:
        await send(update, context, texts.location_not_found(text))
        return None
    found = await context.services.geocoder.search(text, limit=1)
    if not found:
        await send(update, context, texts.location_not_found(text))
        return None
    place = found[0]
    draft = draft_of(context)
    draft.candidate = Location(
        latitude=place.latitude,
        longitude=place.longitude,
        label=place.display_name,
        verdict="edge",  # decided when confirmed
    )
    return await go(update, context, PLACE)


async def place_confirmed(update: Update, context: BotContext) -> str | None:
    """Takes the place found, or asks for the location again."""
    await _ack(update)
    draft = draft_of(context)
    candidate = draft.candidate
    if kb.args(update.callback_query.data if update.callback_query else None) != ["yes"]:
        return await go(update, context, LOCATION, remember=False)
    if candidate is None:
        await stale(update, context)
        return None
    return await _accept_point(
        update, context, candidate.latitude, candidate.longitude, candidate.label
    )


async def area_chosen(update: Update, context: BotContext) -> str | None:
    """Takes the town or area picked when the resident is not sure exactly."""
    await _ack(update)
    areas = context.services.locator.areas()
    (index,) = kb.args(update.callback_query.data if update.callback_query else None) or ["x"]
    if not index.isdigit() or int(index) >= len(areas):
        await stale(update, context)
        return None
    area = areas[int(index)]
    return await _accept_point(
        update, context, area.latitude, area.longitude, area.name, approximate=True
    )


# -- when, what, photos, contact ----------------------------------------------------------------


async def when_chosen(update: Update, context: BotContext) -> str | None:
    """Stores now / today / yesterday, or asks for a typed date."""
    await _ack(update)
    (choice,) = kb.args(update.callback_query.data if update.callback_query else None) or ["x"]
    if choice == "other":
        return await go(update, context, WHEN_DATE)
    if choice not in ("now", "today", "yesterday"):
        await stale(update, context)
        return None
    moment = quick(choice, utc_now(), zone_of(context))
    draft = draft_of(context)
    draft.occurred_at, draft.occurred_label = moment.at, moment.label
    return await _then(update, context, WHEN)


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
    return await _then(update, context, WHEN_DATE)


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
    draft_of(context).description = text
    return await _then(update, context, DESCRIPTION)


async def description_skipped(update: Update, context: BotContext) -> str:
    """Stores no description; asks for photos."""
    await _ack(update)
    draft_of(context).description = None
    return await _then(update, context, DESCRIPTION)


async def photo_sent(update: Update, context: BotContext) -> str | None:
    """Adds a photo; moves on when the most allowed have come."""
    message = update.effective_message
    assert message is not None
    assert message.photo
    draft = draft_of(context)
    limit = context.services.config.reporting.max_photos
    if len(draft.photos) >= limit:
        return await _then(update, context, PHOTOS)
    draft.photos.append(message.photo[-1].file_id)
    count = len(draft.photos)
    if count >= limit:
        await send(update, context, texts.photo_added(count, limit))
        return await _then(update, context, PHOTOS)
    await checkpoint(update, context, CONVERSATION, PHOTOS)
    await send(update, context, texts.photo_added(count, limit), kb.photos(count))
    return None


async def photo_as_file(update: Update, context: BotContext) -> None:
    """Explains that photos must come as photos, not files."""
    await send(update, context, texts.PHOTO_AS_FILE, kb.photos(len(draft_of(context).photos)))


async def photos_done(update: Update, context: BotContext) -> str:
    """Closes the photos step; asks about contact."""
    await _ack(update)
    return await _then(update, context, PHOTOS)


async def contact_chosen(update: Update, context: BotContext) -> str | None:
    """Stores updates-or-anonymous; asks for a phone number where the category allows it."""
    await _ack(update)
    (choice,) = kb.args(update.callback_query.data if update.callback_query else None) or ["x"]
    if choice not in ("updates", "anonymous"):
        await stale(update, context)
        return None
    draft = draft_of(context)
    draft.anonymous = choice == "anonymous"
    if draft.anonymous:
        draft.phone = None
    return await _then(update, context, CONTACT)


async def phone_shared(update: Update, context: BotContext) -> str | None:
    """Stores the resident's own number from the contact button; asks for the review."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert message.contact is not None
    assert user is not None
    if message.contact.user_id != user.id:
        await send(
            update, context, "Please share your own number with the button, or tap No, thanks."
        )
        return None
    draft_of(context).phone = message.contact.phone_number
    await send(update, context, "Thank you.", ReplyKeyboardRemove())
    return await _then(update, context, PHONE)


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
        await send(
            update,
            context,
            "That doesn't look like a phone number. Tap a button, or type the number.",
        )
        return None
    await send(update, context, "Thank you.", ReplyKeyboardRemove())
    return await _then(update, context, PHONE)


# -- review and submit --------------------------------------------------------------------------


async def change_part(update: Update, context: BotContext) -> str | None:
    """Goes to the step of the part to change; the review follows it."""
    await _ack(update)
    (part,) = kb.args(update.callback_query.data if update.callback_query else None) or ["x"]
    draft = draft_of(context)
    draft.reviewing = True
    if part == "category":
        return await go(update, context, CATEGORY)
    if part == "answers":
        draft.answers = {}
        return await go(update, context, next_step(context, draft, CATEGORY))
    if part == "photos":
        draft.photos = []
    steps = {"location": LOCATION, "when": WHEN, "description": DESCRIPTION}
    steps |= {"photos": PHOTOS, "contact": CONTACT}
    if part not in steps:
        await stale(update, context)
        return None
    return await go(update, context, steps[part])


async def submit(update: Update, context: BotContext) -> str | int | None:
    """Offers open reports nearby as possible duplicates, else stores the report."""
    await _ack(update)
    draft = draft_of(context)
    service = context.services.reports
    user = update.effective_user
    assert user is not None
    if await service.over_daily_limit(user.id, utc_now()):
        await send(
            update, context, texts.daily_limit(context.services.config.reporting.daily_limit)
        )
        return None
    nearby = await service.possible_duplicates(draft, utc_now())
    if nearby:
        draft.duplicates = [n.report.id for n in nearby]
        return await go(update, context, DUPLICATES)
    return await _store(update, context, None)


async def duplicate_chosen(update: Update, context: BotContext) -> str | int | None:
    """Adds the details to the chosen report, or stores a new one."""
    await _ack(update)
    (choice,) = kb.args(update.callback_query.data if update.callback_query else None) or ["x"]
    draft = draft_of(context)
    if choice == "new":
        return await _store(update, context, None)
    if not choice.isdigit() or int(choice) not in draft.duplicates:
        await stale(update, context)
        return None
    return await _store(update, context, int(choice))


async def _store(update: Update, context: BotContext, existing: int | None) -> int:
    """Stores the report (or adds to an existing one), confirms it, and forgets the draft."""
    draft = draft_of(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    service = context.services.reports
    category = category_of(context, draft)
    now = utc_now()
    report = None
    if existing is not None:
        report = await service.add_to(existing, draft, user.id, chat.id, now)
    followed = report is not None
    if report is None:
        report = await service.submit(draft, user.id, chat.id, now)
    anonymous = bool(draft.anonymous)
    await send(
        update,
        context,
        texts.submitted(report.ref, category, anonymous, context.services.config, followed),
        ReplyKeyboardRemove(),
    )
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    if anonymous:
        await forget_resident(context, user.id, chat.id)
    return END


async def forget_resident(context: BotContext, user_id: int, chat_id: int) -> None:
    """After an anonymous report: nothing in the database may hold the resident's id."""
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(chat_id)
    await context.services.persistence.purge_user(user_id)


# -- the unexpected -----------------------------------------------------------------------------

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
    message = "Please tap a button: share your number, or No, thanks." if state == PHONE else None
    await send(update, context, message or explain())
    await ASK[state](update, context, draft)


async def stale(update: Update, context: BotContext) -> None:
    """A button from an earlier question: say so and ask the current one again."""
    await _ack(update, texts.stale_button())
    draft = draft_of(context)
    state = (draft.step or EMERGENCY).partition(":")[0]
    await ASK[state](update, context, draft)


async def command_mid_report(update: Update, context: BotContext) -> None:
    """/start or another command during a report: the report waits; ask again."""
    await send(update, context, texts.IN_PROGRESS_COMMAND)
    draft = draft_of(context)
    await ASK[(draft.step or EMERGENCY).partition(":")[0]](update, context, draft)


async def help_mid_report(update: Update, context: BotContext) -> None:
    """/help during a report: the help, then the current question again."""
    await send(update, context, general_texts.help_text(context.services.config))
    await command_mid_report(update, context)


def handlers(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The report conversation, and /report in groups."""
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND

    def button(action: str, callback: Any) -> CallbackQueryHandler[BotContext, Any]:
        return CallbackQueryHandler(callback, pattern=kb.pattern(action))

    with warnings.catch_warnings():
        # PTB warns that buttons are tracked per chat, not per message: intended here, as
        # every button is checked against the step the resident is at.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[
                CommandHandler("report", begin, filters=private),
                CommandHandler("start", begin, filters=private & filters.Regex(r"^/start report")),
                CallbackQueryHandler(begin, pattern=r"^v1:menu:report$"),
            ],
            states={
                EMERGENCY: [button("emg", emergency_answer)],
                CATEGORY: [button("cat", category_chosen)],
                QUESTION: [
                    button("a", option_chosen),
                    button("t", option_toggled),
                    button("d", options_done),
                    button("s", question_skipped),
                    MessageHandler(text, question_typed),
                ],
                LOCATION: [
                    MessageHandler(filters.LOCATION, location_shared),
                    MessageHandler(text, location_typed),
                ],
                PLACE: [button("place", place_confirmed)],
                AREA: [button("area", area_chosen)],
                WHEN: [button("when", when_chosen)],
                WHEN_DATE: [MessageHandler(text, date_typed)],
                DESCRIPTION: [
                    MessageHandler(text, description_typed),
                    button("skipdesc", description_skipped),
                ],
                PHOTOS: [
                    MessageHandler(filters.PHOTO, photo_sent),
                    MessageHandler(filters.Document.IMAGE, photo_as_file),
                    button("photos", photos_done),
                ],
                CONTACT: [button("contact", contact_chosen)],
                PHONE: [
                    MessageHandler(filters.CONTACT, phone_shared),
                    MessageHandler(text, phone_typed),
                ],
                REVIEW: [button("edit", change_part), button("submit", submit)],
                DUPLICATES: [button("dup", duplicate_chosen)],
                RESUME: [button("resume", resume_choice)],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                button("cancel", cancel),
                button("back", back),
                CommandHandler("report", offer_resume),
                CallbackQueryHandler(offer_resume, pattern=r"^v1:menu:report$"),
                CommandHandler("help", help_mid_report),
                MessageHandler(filters.COMMAND, command_mid_report),
                CallbackQueryHandler(stale),
                MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, unexpected),
            ],
            name=CONVERSATION,
            persistent=True,
            conversation_timeout=timedelta(minutes=timeout_minutes),
        )
    return [
        conversation,
        CommandHandler("report", in_group, filters=~private),
    ]
