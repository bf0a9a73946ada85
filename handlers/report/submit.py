"""The end of a report: changes from the review, possible duplicates, storing, and forgetting
an anonymous reporter."""

from __future__ import annotations

import logging

from telegram import ReplyKeyboardRemove, Update

from bot import buttons
from bot.context import BotContext
from bot.outbox.direct import send_now
from bot.outbox.telegram.sender import TelegramSender
from bot.reporting import texts
from handlers.clusters import look_for_clusters
from handlers.report.flow import (
    CATEGORY,
    CONTACT,
    DESCRIPTION,
    DUPLICATES,
    END,
    LOCATION,
    PHOTOS,
    WHEN,
    ack,
    draft_of,
    finish,
    go,
    next_step,
    pressed,
    send,
    stale,
)
from handlers.start import stale_button
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

# In the resident's data: the message last submitted from and its report (remember_submitted).
SUBMITTED = "report_submitted"


async def change_part(update: Update, context: BotContext) -> str | None:
    """Goes to the step of the part to change; the review follows it."""
    chosen = pressed(update, buttons.ChangePart)
    if chosen is None:
        await stale(update, context)
        return None
    await ack(update)
    part = chosen.part
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
    return await go(update, context, steps[part])


async def submit(update: Update, context: BotContext) -> str | int | None:
    """Offers open reports nearby as possible duplicates, else stores the report."""
    await ack(update)
    draft = draft_of(context)
    service = context.services.reports
    user = update.effective_user
    assert user is not None
    if await service.submitted_from(draft) is not None:  # tapped again after a restart
        return await _store(update, context, None)
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
    draft = draft_of(context)
    if pressed(update, buttons.NotDuplicate) is not None:
        await ack(update)
        return await _store(update, context, None)
    chosen = pressed(update, buttons.PickDuplicate)
    if chosen is None or chosen.report_id not in draft.duplicates:
        await stale(update, context)
        return None
    await ack(update)
    return await _store(update, context, chosen.report_id)


async def _store(update: Update, context: BotContext, existing: int | None) -> int:
    """Stores the report (or adds to an existing one) with its confirmation in the outbox,
    forgets the draft, then sends the confirmation at once (the dispatcher retries it if that
    fails); a draft already stored (Submit tapped again after a restart) is told its
    reference instead."""
    draft = draft_of(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    service = context.services.reports
    anonymous = bool(draft.anonymous)
    stored = await service.submitted_from(draft)
    if stored is not None:
        await finish(update, context)
        await send(update, context, texts.already_submitted(stored.ref), ReplyKeyboardRemove())
    else:
        now = utc_now()
        done = None
        if existing is not None:
            done = await service.add_to(existing, draft, user.id, chat.id, now)
        if done is None:
            done = await service.submit(draft, user.id, chat.id, now)
        context.services.wake_outbox()  # the alerts and the confirmation were committed with it
        if not anonymous:
            remember_submitted(update, context, done.report.id)
        await finish(update, context)  # the report is stored: the conversation is over
        if done.confirmation is not None:  # at once, not behind the agencies' queue
            outbox, sender = context.services.outbox, TelegramSender(context.bot)
            sent = await send_now(outbox, sender, done.confirmation)
            if sent and done.case_review is not None:  # the case review notice comes after it
                sent = await send_now(outbox, sender, done.case_review)
            if not sent:
                context.services.wake_outbox()
        # Clusters of its category, looked for beside the conversation (it is over).
        context.application.create_task(
            look_for_clusters(context.services, done.report.category), update=update
        )
    if anonymous:
        await forget_resident(context, user.id, chat.id)
    return END


def remember_submitted(update: Update, context: BotContext, report_id: int) -> None:
    """Keeps which report the pressed message (the review) was submitted as, so that a second
    press of it, once the conversation is over, is told the reference (see
    :func:`submitted_again`). Not for an anonymous report: nothing may link it to the resident."""
    assert context.user_data is not None
    query = update.callback_query
    if query is not None and query.message is not None:
        context.user_data[SUBMITTED] = {"message_id": query.message.message_id, "report": report_id}


async def submitted_again(update: Update, context: BotContext) -> None:
    """Submit pressed once the conversation is over: the reference, if the pressed message was
    submitted; otherwise the button is stale."""
    query = update.callback_query
    assert query is not None
    known = (context.user_data or {}).get(SUBMITTED)
    report = None
    if (
        isinstance(known, dict)
        and query.message is not None
        and known.get("message_id") == query.message.message_id
        and isinstance(known.get("report"), int)
    ):
        report = await context.services.reports.report_by_id(known["report"])
    if report is None:
        await stale_button(update, context)
        return
    await ack(update)
    await send(update, context, texts.already_submitted(report.ref))


async def forget_resident(context: BotContext, user_id: int, chat_id: int) -> None:
    """After an anonymous report: nothing in the database may hold the resident's id."""
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(chat_id)
    await context.services.persistence.purge_user(user_id)
