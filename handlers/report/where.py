"""The report steps that take the location: a shared pin, a typed place confirmed on a map, or
a town or area when the resident is not sure exactly."""

from __future__ import annotations

import logging

from telegram import ReplyKeyboardRemove, Update

from bot import buttons
from bot.context import BotContext
from bot.reporting import texts
from bot.reporting.draft import Location
from handlers.report.flow import (
    AREA,
    LOCATION,
    PLACE,
    ack,
    back,
    cancel,
    category_of,
    draft_of,
    go,
    pressed,
    send,
    stale,
    then,
)

logger = logging.getLogger(__name__)


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
    return await then(update, context, LOCATION)


async def location_shared(update: Update, context: BotContext) -> str | None:
    """Stores a shared pin if it is in the area; asks when."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    point = message.location
    return await _accept_point(
        update, context, point.latitude, point.longitude, texts.SHARED_LOCATION
    )


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
    draft = draft_of(context)
    candidate = draft.candidate
    answer = pressed(update, buttons.ConfirmPlace)
    if candidate is None and answer is not None and answer.answer == "yes":
        await stale(update, context)
        return None
    await ack(update)
    if candidate is None or answer is None or answer.answer != "yes":
        return await go(update, context, LOCATION, remember=False)
    return await _accept_point(
        update, context, candidate.latitude, candidate.longitude, candidate.label
    )


async def area_chosen(update: Update, context: BotContext) -> str | None:
    """Takes the town or area picked when the resident is not sure exactly."""
    chosen = pressed(update, buttons.PickArea)
    areas = context.services.locator.areas()
    area = next((a for a in areas if chosen and buttons.area_code(a.name) == chosen.area), None)
    if area is None:
        await stale(update, context)
        return None
    await ack(update)
    return await _accept_point(
        update, context, area.latitude, area.longitude, area.name, approximate=True
    )
