"""The end of a report: changes from the review, possible duplicates, storing, and forgetting
an anonymous reporter."""

from __future__ import annotations

import logging

from telegram import ReplyKeyboardRemove, Update

from bot import buttons
from bot.context import BotContext
from bot.reporting import texts
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
    category_of,
    draft_of,
    finish,
    go,
    next_step,
    pressed,
    send,
    stale,
)
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


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
    context.services.wake_outbox()  # the agencies' alerts were committed with the report
    anonymous = bool(draft.anonymous)
    await finish(update, context)  # the report is stored: the conversation is over
    await send(
        update,
        context,
        texts.submitted(report.ref, category, anonymous, context.services.config, followed),
        ReplyKeyboardRemove(),
    )
    if anonymous:
        await forget_resident(context, user.id, chat.id)
    return END


async def forget_resident(context: BotContext, user_id: int, chat_id: int) -> None:
    """After an anonymous report: nothing in the database may hold the resident's id."""
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(chat_id)
    await context.services.persistence.purge_user(user_id)
