"""The /broadcast conversation's steps: the item, its topics and target, the preview, then
send now, schedule or cancel. Every step checks that the sender is an admin (a forged or
forwarded button is refused server-side), and keeps the draft in the admin's user_data."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from telegram import Update
from telegram.constants import ParseMode

from bot import buttons
from bot.context import BotContext
from bot.news import texts
from bot.news.broadcasts import (
    COMMAND_LINE,
    MAX_PHOTO_BYTES,
    BroadcastRefused,
    Item,
)
from bot.news.when import parse_local_time
from handlers.broadcast import keyboards
from handlers.broadcast.common import (
    DRAFT,
    END,
    admin_only,
    draft_of,
    forget,
    item_of,
    pressed,
    say,
)

logger = logging.getLogger(__name__)

COMPOSE, TOPICS, TARGET, AREAS, POINT, RADIUS, DECIDE, SCHEDULE, CORRECT = (
    "compose",
    "topics",
    "target",
    "areas",
    "point",
    "radius",
    "decide",
    "schedule",
    "correct",
)


# -- the steps -------------------------------------------------------------------------------------


async def begin(update: Update, context: BotContext) -> str | int:
    """/broadcast: a fresh draft with its send token; asks for the item."""
    if not await admin_only(update, context):
        return END
    user_data = context.user_data
    assert user_data is not None
    user_data[DRAFT] = {"token": secrets.token_hex(8), "topics": [], "areas": []}
    await say(update, texts.COMPOSE)
    return COMPOSE


async def item_sent(update: Update, context: BotContext) -> str | int:
    """Stores the item's HTML (and photo) if Telegram would take it; asks for its topics."""
    if not await admin_only(update, context):
        return END
    message = update.effective_message
    assert message is not None
    draft = draft_of(context)
    if message.photo:
        largest = message.photo[-1]
        if (largest.file_size or 0) > MAX_PHOTO_BYTES:
            await say(update, texts.PHOTO_TOO_BIG)
            return COMPOSE
        draft["photo"], draft["html"] = largest.file_id, message.caption_html or ""
    elif message.text:
        draft["photo"], draft["html"] = None, message.text_html
    else:
        await say(update, texts.NOT_A_MESSAGE)
        return COMPOSE
    try:
        context.services.broadcasts.preview_parts(_with_any_topic(context, draft))
    except BroadcastRefused as refusal:
        await say(update, texts.refused(str(refusal)))
        return COMPOSE
    await say(update, texts.CHOOSE_TOPICS, keyboards.topics(context.services.config, []))
    return TOPICS


async def photo_as_file(update: Update, context: BotContext) -> str | int:
    """A picture sent as a file: refused kindly (too big, or please send it as a photo)."""
    if not await admin_only(update, context):
        return END
    message = update.effective_message
    assert message is not None
    size = message.document.file_size if message.document is not None else None
    await say(update, texts.PHOTO_TOO_BIG if (size or 0) > MAX_PHOTO_BYTES else texts.PHOTO_AS_FILE)
    return COMPOSE


async def not_an_item(update: Update, context: BotContext) -> str | int:
    """Anything else while the item is awaited: asks again."""
    if not await admin_only(update, context):
        return END
    await say(update, texts.NOT_A_MESSAGE)
    return COMPOSE


async def topic_toggled(update: Update, context: BotContext) -> str | int:
    """Ticks or unticks a topic; shows the topics again."""
    if not await admin_only(update, context):
        return END
    button = await pressed(update)
    config = context.services.config
    draft = draft_of(context)
    if isinstance(button, buttons.BroadcastTopic) and button.topic in {t.id for t in config.topics}:
        chosen: list[str] = draft.setdefault("topics", [])
        if button.topic in chosen:
            chosen.remove(button.topic)
        else:
            chosen.append(button.topic)
    query = update.callback_query
    assert query is not None
    await query.edit_message_reply_markup(keyboards.topics(config, draft.get("topics", [])))
    return TOPICS


async def topics_done(update: Update, context: BotContext) -> str | int:
    """With at least one topic: asks whom it is for."""
    if not await admin_only(update, context):
        return END
    await pressed(update)
    if not draft_of(context).get("topics"):
        await say(update, texts.NO_TOPIC)
        return TOPICS
    await say(update, texts.CHOOSE_TARGET, keyboards.target())
    return TARGET


async def target_chosen(update: Update, context: BotContext) -> str | int:
    """District: the preview; areas: asks which; a point: asks for its pin."""
    if not await admin_only(update, context):
        return END
    button = await pressed(update)
    if not isinstance(button, buttons.BroadcastTarget):
        return TARGET
    draft = draft_of(context)
    draft["target"] = button.choice
    if button.choice == "areas":
        draft["areas"] = []
        await say(update, texts.CHOOSE_AREAS, keyboards.areas(context.services.config, []))
        return AREAS
    if button.choice == "point":
        await say(update, texts.SEND_POINT)
        return POINT
    return await preview(update, context)


async def area_toggled(update: Update, context: BotContext) -> str | int:
    """Ticks or unticks an area; shows the areas again."""
    if not await admin_only(update, context):
        return END
    button = await pressed(update)
    config = context.services.config
    draft = draft_of(context)
    if isinstance(button, buttons.BroadcastArea) and button.area in {a.id for a in config.areas}:
        chosen: list[str] = draft.setdefault("areas", [])
        if button.area in chosen:
            chosen.remove(button.area)
        else:
            chosen.append(button.area)
    query = update.callback_query
    assert query is not None
    await query.edit_message_reply_markup(keyboards.areas(config, draft.get("areas", [])))
    return AREAS


async def areas_done(update: Update, context: BotContext) -> str | int:
    """With at least one area: the preview."""
    if not await admin_only(update, context):
        return END
    await pressed(update)
    if not draft_of(context).get("areas"):
        await say(update, texts.NO_AREA)
        return AREAS
    return await preview(update, context)


async def point_sent(update: Update, context: BotContext) -> str | int:
    """Stores the alert's point; asks for the radius."""
    if not await admin_only(update, context):
        return END
    message = update.effective_message
    assert message is not None
    if message.location is None:
        await say(update, texts.NOT_A_POINT)
        return POINT
    draft = draft_of(context)
    draft["latitude"], draft["longitude"] = message.location.latitude, message.location.longitude
    radii = context.services.config.news.near_me_radii_metres
    await say(update, texts.CHOOSE_RADIUS, keyboards.radii(radii))
    return RADIUS


async def not_a_point(update: Update, context: BotContext) -> str | int:
    """Anything but a pin while the point is awaited: asks again."""
    if not await admin_only(update, context):
        return END
    await say(update, texts.NOT_A_POINT)
    return POINT


async def radius_chosen(update: Update, context: BotContext) -> str | int:
    """Stores one of the offered radii; the preview."""
    if not await admin_only(update, context):
        return END
    button = await pressed(update)
    radii = context.services.config.news.near_me_radii_metres
    if not isinstance(button, buttons.BroadcastRadius) or button.metres not in radii:
        return RADIUS
    draft_of(context)["radius"] = button.metres
    return await preview(update, context)


async def preview(update: Update, context: BotContext) -> str | int:
    """Sends every part exactly as subscribers will get it, the reach, and the choices."""
    user = update.effective_user
    assert user is not None
    service = context.services.broadcasts
    item = item_of(draft_of(context), user.id)
    try:
        parts = service.preview_parts(item)
    except BroadcastRefused as refusal:
        await say(update, texts.refused(str(refusal)))
        return COMPOSE
    count = await service.count_recipients(item.topics, item.target)
    message = update.effective_message
    assert message is not None
    await say(update, texts.PREVIEW_HEAD)
    for part in parts:
        if part.photo is not None:
            await context.bot.send_photo(
                message.chat_id,
                str(part.photo.file_id),
                caption=part.html or None,
                parse_mode=ParseMode.HTML,
            )
        else:
            await context.bot.send_message(message.chat_id, part.html, parse_mode=ParseMode.HTML)
    await say(update, texts.reach(count) + texts.parts_note(len(parts)), keyboards.decision())
    return DECIDE


async def decided(update: Update, context: BotContext) -> str | int:
    """Send now (queued once, however often pressed), schedule (asks when) or cancel."""
    if not await admin_only(update, context):
        return END
    button = await pressed(update)
    if not isinstance(button, buttons.BroadcastDecision):
        return DECIDE
    if button.choice == "cancel":
        return await cancel(update, context)
    if button.choice == "schedule":
        await say(update, texts.ASK_TIME)
        return SCHEDULE
    return await _queue(update, context, at=None)


async def time_typed(update: Update, context: BotContext) -> str | int:
    """Schedules the item at the typed UK time (refusing the past and the clock change)."""
    if not await admin_only(update, context):
        return END
    message = update.effective_message
    assert message is not None
    service = context.services.broadcasts
    at = parse_local_time(
        message.text or "", now=service.now(), timezone=context.services.config.partnership.timezone
    )
    if at is None:
        await say(update, texts.TIME_UNREADABLE)
        return SCHEDULE
    return await _queue(update, context, at=at)


async def _queue(update: Update, context: BotContext, *, at: Any) -> str | int:
    user = update.effective_user
    assert user is not None
    draft = draft_of(context)
    service = context.services.broadcasts
    try:
        broadcast = await service.queue(item_of(draft, user.id), token=str(draft["token"]), at=at)
    except BroadcastRefused as refusal:
        await say(update, texts.refused(str(refusal)))
        return SCHEDULE if at is not None else DECIDE
    forget(context)
    if at is not None:
        await say(update, texts.scheduled(broadcast.id, f"{at:%A %d %B %Y, %H:%M}"))
        return END
    progress = await say(update, texts.SENDING)
    await service.set_progress_message(broadcast.id, progress.chat_id, progress.message_id)
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or Cancel: the draft is dropped; nothing is sent."""
    forget(context)
    await say(update, texts.CANCELLED)
    return END


async def timed_out(update: Update, context: BotContext) -> None:
    """The conversation timed out: the draft is dropped, the admin told."""
    forget(context)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.TIMED_OUT)


async def stale(update: Update, context: BotContext) -> str | None:
    """A button of an earlier step (or forged): answered, nothing changes."""
    if update.callback_query is not None:
        await update.callback_query.answer(texts.STALE)
    return None


def _with_any_topic(context: BotContext, draft: dict[str, Any]) -> Item:
    """The draft with a topic, to check its text and photo before topics are chosen."""
    first = context.services.config.topics[0].id
    user = draft.get("topics") or [first]
    return item_of({**draft, "topics": user}, COMMAND_LINE)
