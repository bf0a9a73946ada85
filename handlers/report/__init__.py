"""The resident's report: danger first, category, its questions, where, when, description,
photos, contact, review, submit.

This module starts, resumes and times out a report and wires the conversation together. The
steps take their answers in :mod:`handlers.report.answers`, :mod:`handlers.report.where` and
:mod:`handlers.report.submit`; each stores what it was given in the draft and moves on with
``go`` (:mod:`handlers.report.flow`). Anything unexpected (a sticker, an old button, a command)
gets a short explanation and the same question again; nothing is lost and the bot never falls
silent.
"""

from __future__ import annotations

import logging
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

from bot import buttons
from bot import texts as general_texts
from bot.context import BotContext
from bot.privacy import texts as privacy_texts
from bot.reporting import texts
from bot.reporting.draft import Draft
from handlers import privacy
from handlers.report.answers import (
    category_chosen,
    contact_chosen,
    date_typed,
    description_skipped,
    description_typed,
    emergency_answer,
    option_chosen,
    option_toggled,
    options_done,
    phone_shared,
    phone_typed,
    photo_as_file,
    photo_sent,
    photos_done,
    question_skipped,
    question_typed,
    when_chosen,
)
from handlers.report.checkpoint import checkpoint
from handlers.report.flow import (
    AREA,
    ASK,
    CATEGORY,
    CONTACT,
    CONVERSATION,
    DESCRIPTION,
    DRAFT,
    DUPLICATES,
    EMERGENCY,
    END,
    LOCATION,
    PHONE,
    PHOTOS,
    PLACE,
    QUESTION,
    RESUME,
    REVIEW,
    WHEN,
    WHEN_DATE,
    ack,
    back,
    cancel,
    draft_of,
    finish,
    go,
    pressed,
    send,
    stale,
    unexpected,
)
from handlers.report.resume import ReportConversation
from handlers.report.submit import change_part, duplicate_chosen, submit, submitted_again
from handlers.report.where import area_chosen, location_shared, location_typed, place_confirmed
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


async def begin(update: Update, context: BotContext) -> str | int:
    """Starts a report (from /report, the menu or a poster's link); asks about danger first."""
    await ack(update)
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
    await ack(update)
    await checkpoint(update, context, CONVERSATION, RESUME)
    await ASK[RESUME](update, context, draft_of(context))
    return RESUME


async def resume_choice(update: Update, context: BotContext) -> str | int:
    """Carries on at the step the resident was at, or starts a new report."""
    choice = pressed(update, buttons.Resume)
    if choice is not None and choice.choice == "restart":
        return await begin(update, context)  # which answers the press
    await ack(update)
    draft = draft_of(context)
    return await go(update, context, draft.step or EMERGENCY, remember=False)


async def timed_out(update: object, context: BotContext) -> None:
    """Tells the resident their report was put aside after a silence."""
    if isinstance(update, Update):
        await finish(update, context)
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


async def command_mid_report(update: Update, context: BotContext) -> None:
    """/start or another command during a report: the report waits; ask again."""
    await send(update, context, texts.IN_PROGRESS_COMMAND)
    draft = draft_of(context)
    await ASK[(draft.step or EMERGENCY).partition(":")[0]](update, context, draft)


async def help_mid_report(update: Update, context: BotContext) -> None:
    """/help during a report: the help, then the current question again."""
    await send(update, context, general_texts.help_text(context.services.config))
    await command_mid_report(update, context)


async def privacy_mid_report(update: Update, context: BotContext) -> None:
    """/privacy or its button during a report: the notice, then the current question again."""
    await ack(update)
    await privacy.show_privacy(update, context)
    draft = draft_of(context)
    await ASK[(draft.step or EMERGENCY).partition(":")[0]](update, context, draft)


async def mydata_mid_report(update: Update, context: BotContext) -> None:
    """/mydata during a report: the file (the draft included), then the current question."""
    await privacy.my_data(update, context)
    draft = draft_of(context)
    await ASK[(draft.step or EMERGENCY).partition(":")[0]](update, context, draft)


async def forgetme_mid_report(update: Update, context: BotContext) -> None:
    """/forgetme during a report: finish or cancel it first; the current question again."""
    await send(update, context, privacy_texts.FINISH_REPORT_FIRST)
    draft = draft_of(context)
    await ASK[(draft.step or EMERGENCY).partition(":")[0]](update, context, draft)


def handlers(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The report conversation, and /report in groups."""
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND

    def button(kind: type[buttons.Button], callback: Any) -> CallbackQueryHandler[BotContext, Any]:
        return CallbackQueryHandler(callback, pattern=buttons.pattern(kind))

    menu_report = buttons.exactly(buttons.Menu("report"))

    with warnings.catch_warnings():
        # PTB warns that buttons are tracked per chat, not per message: intended here, as
        # every button is checked against the step the resident is at.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ReportConversation(
            conversation_timeout=timedelta(minutes=timeout_minutes),
            entry_points=[
                CommandHandler("report", begin, filters=private),
                CommandHandler("start", begin, filters=private & filters.Regex(r"^/start report")),
                CallbackQueryHandler(begin, pattern=menu_report),
            ],
            states={
                EMERGENCY: [button(buttons.Emergency, emergency_answer)],
                CATEGORY: [button(buttons.PickCategory, category_chosen)],
                QUESTION: [
                    button(buttons.PickOption, option_chosen),
                    button(buttons.ToggleOption, option_toggled),
                    button(buttons.OptionsDone, options_done),
                    button(buttons.SkipQuestion, question_skipped),
                    MessageHandler(text, question_typed),
                ],
                LOCATION: [
                    MessageHandler(filters.LOCATION, location_shared),
                    MessageHandler(text, location_typed),
                ],
                PLACE: [button(buttons.ConfirmPlace, place_confirmed)],
                AREA: [button(buttons.PickArea, area_chosen)],
                WHEN: [button(buttons.PickWhen, when_chosen)],
                WHEN_DATE: [MessageHandler(text, date_typed)],
                DESCRIPTION: [
                    MessageHandler(text, description_typed),
                    button(buttons.SkipDescription, description_skipped),
                ],
                PHOTOS: [
                    MessageHandler(filters.PHOTO, photo_sent),
                    MessageHandler(filters.Document.IMAGE, photo_as_file),
                    button(buttons.PhotosDone, photos_done),
                ],
                CONTACT: [button(buttons.PickContact, contact_chosen)],
                PHONE: [
                    MessageHandler(filters.CONTACT, phone_shared),
                    MessageHandler(text, phone_typed),
                ],
                REVIEW: [button(buttons.ChangePart, change_part), button(buttons.Submit, submit)],
                DUPLICATES: [
                    button(buttons.PickDuplicate, duplicate_chosen),
                    button(buttons.NotDuplicate, duplicate_chosen),
                ],
                RESUME: [button(buttons.Resume, resume_choice)],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                button(buttons.Cancel, cancel),
                button(buttons.Back, back),
                CommandHandler("report", offer_resume),
                CallbackQueryHandler(offer_resume, pattern=menu_report),
                CommandHandler("help", help_mid_report),
                CommandHandler("privacy", privacy_mid_report),
                CommandHandler("mydata", mydata_mid_report),
                CommandHandler("forgetme", forgetme_mid_report),
                CallbackQueryHandler(
                    privacy_mid_report, pattern=buttons.exactly(buttons.Menu("privacy"))
                ),
                MessageHandler(filters.COMMAND, command_mid_report),
                CallbackQueryHandler(stale),
                MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, unexpected),
            ],
            name=CONVERSATION,
            persistent=True,
        )
    return [
        conversation,
        # Submit pressed again once the report is stored and the conversation is over.
        CallbackQueryHandler(
            submitted_again, pattern=buttons.pattern(buttons.Submit, buttons.NotDuplicate)
        ),
        CommandHandler("report", in_group, filters=~private),
    ]
