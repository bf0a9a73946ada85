"""The buttons on a report's alert card in an agency's group chat: acknowledge, resolve, refer
and (for a sensitive report) its details in a private chat. Every press is checked at the
moment it happens (the officers' service decides who may act)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot import buttons
from bot.context import BotContext
from bot.officers import texts
from bot.officers.service import Outcome
from handlers.officer import callbacks
from storage.reports import Report
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


async def acknowledge(update: Update, context: BotContext) -> None:
    """Marks the report acknowledged by the officer's agency and updates the card in place."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, _ = callbacks.parts(update)
    services = context.services
    outcome = await services.officers.acknowledge(
        report_id, agency_id, user.id, user.first_name, utc_now()
    )
    if await _refuse_or_moved(update, outcome):
        return
    await query.answer(texts.ACKNOWLEDGED)
    services.wake_outbox()
    assert outcome.report is not None
    buttons = services.officers.acknowledged_buttons(outcome.report, agency_id)
    await _stamp_card(
        context,
        query.message.chat.id,
        query.message if isinstance(query.message, Message) else None,
        texts.acknowledged_line(user.first_name, _when(context)),
        InlineKeyboardMarkup.de_json(buttons, context.bot),
    )


async def resolve_options(update: Update, context: BotContext) -> None:
    """Offers to resolve with or without a note for the reporter."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, _ = callbacks.parts(update)
    if await authorised(update, context, "resolve") is None:
        return
    await query.answer()
    card_id = query.message.message_id

    def choice(text: str, with_note: bool) -> list[InlineKeyboardButton]:
        data = callbacks.resolve_choice(report_id, agency_id, card_id, with_note=with_note)
        return [InlineKeyboardButton(text, callback_data=data)]

    markup = InlineKeyboardMarkup(
        [choice(texts.RESOLVE_WITHOUT_NOTE, False), choice(texts.RESOLVE_WITH_NOTE, True)]
    )
    await context.bot.send_message(
        query.message.chat.id,
        texts.RESOLVE_QUESTION,
        reply_markup=markup,
        reply_to_message_id=card_id,
    )


async def resolve_now(update: Update, context: BotContext) -> None:
    """Resolves without a note."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, button = callbacks.parts(update)
    card_id = callbacks.card_id(button)
    await resolve(context, query.message.chat.id, report_id, agency_id, card_id, user, None)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.delete()


async def resolve(
    context: BotContext,
    chat_id: int,
    report_id: int,
    agency_id: str,
    card_id: int,
    user: User,
    note: str | None,
) -> Outcome:
    """Resolve the report for the agency with the officer's note, if any; if that changed it,
    take the card's buttons away and say so under the card."""
    outcome = await context.services.officers.resolve(
        report_id, agency_id, user.id, user.first_name, note, utc_now()
    )
    if outcome.allowed and outcome.changed:
        context.services.wake_outbox()
        line = texts.resolved_line(user.first_name, _when(context), note)
        await _close_card(context, chat_id, card_id, line)
    return outcome


async def refer_options(update: Update, context: BotContext) -> None:
    """Lists the agencies this report may be passed to."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, _ = callbacks.parts(update)
    report = await authorised(update, context, "refer")
    if report is None:
        return
    targets = context.services.officers.referral_targets(report, agency_id)
    if not targets:
        await query.answer(texts.CANNOT_REFER, show_alert=True)
        return
    await query.answer()
    card_id = query.message.message_id
    rows = [
        [
            InlineKeyboardButton(
                context.services.config.agency(target).name,
                callback_data=callbacks.referral_choice(report_id, agency_id, card_id, target),
            )
        ]
        for target in targets
    ]
    await context.bot.send_message(
        query.message.chat.id,
        texts.REFER_QUESTION,
        reply_markup=InlineKeyboardMarkup(rows),
        reply_to_message_id=card_id,
    )


async def refer_to(update: Update, context: BotContext) -> None:
    """Passes the report to the chosen agency."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, button = callbacks.parts(update)
    card_id = callbacks.card_id(button)
    officers = context.services.officers
    target: str | None
    if isinstance(button, buttons.LegacyReferTo):
        # A choice sent before the button codec names the team by its place in the list.
        target = await officers.referral_choice(report_id, agency_id, button.index)
    else:
        assert isinstance(button, buttons.ReferTo)
        target = button.target
    if target is None:
        await query.answer(texts.STALE_CHOICE, show_alert=True)
        return
    outcome = await officers.refer(
        report_id, agency_id, target, user.id, user.first_name, utc_now()
    )
    if await _refuse_or_moved(update, outcome):
        return
    context.services.wake_outbox()
    await query.answer(texts.REFERRED)
    name = context.services.config.agency(target).name
    line = texts.referred_line(name, user.first_name, _when(context))
    await _close_card(context, query.message.chat.id, card_id, line)
    if isinstance(query.message, Message):
        await query.message.delete()


async def details(update: Update, context: BotContext) -> None:
    """Sends a sensitive report's details to the officer's private chat with the bot."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    report_id, agency_id, _ = callbacks.parts(update)
    officers = context.services.officers
    report = await authorised(update, context, "details")
    if report is None:
        return
    text = officers.full_card(report, agency_id)
    try:
        await context.bot.send_message(
            user.id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )
    except (Forbidden, BadRequest):
        await query.answer(texts.start_private_chat(context.bot.username), show_alert=True)
        return
    await officers.details_viewed(report_id, agency_id, user.id, utc_now())
    await query.answer(texts.DETAILS_SENT)


async def authorised(update: Update, context: BotContext, action: str) -> Report | None:
    """The report a card button names, if the presser may act on it for that agency now;
    otherwise the press is answered with a refusal and None returned."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    report_id, agency_id, _ = callbacks.parts(update)
    report = await context.services.officers.authorised(
        report_id, agency_id, user.id, action, utc_now()
    )
    if report is None:
        await query.answer(texts.REFUSED, show_alert=True)
    return report


async def _refuse_or_moved(update: Update, outcome: Outcome) -> bool:
    """Answer a refused press or one on a report that has moved on; True if answered."""
    query = update.callback_query
    assert query is not None
    if not outcome.allowed:
        await query.answer(texts.REFUSED, show_alert=True)
        return True
    if not outcome.changed:
        await query.answer(texts.already(outcome.state), show_alert=True)
        return True
    return False


async def _stamp_card(
    context: BotContext, chat_id: int, message: Message | None, line: str, markup: Any
) -> None:
    """Add a line to the card (who did what, when) and set its buttons."""
    if message is None:
        return
    try:
        await context.bot.edit_message_text(
            f"{message.text_html}\n\n{line}",
            chat_id=chat_id,
            message_id=message.message_id,
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
            reply_markup=markup,
        )
    except BadRequest as exc:  # the card was deleted, or already shows this
        logger.warning("Could not update an alert card: %s", exc)


async def _close_card(context: BotContext, chat_id: int, card_id: int, line: str) -> None:
    """Take the card's buttons away (its report is done here) and reply to it with a line."""
    try:
        await context.bot.edit_message_reply_markup(chat_id, card_id)
        await context.bot.send_message(
            chat_id, line, parse_mode=ParseMode.HTML, reply_to_message_id=card_id
        )
    except BadRequest as exc:
        logger.warning("Could not update an alert card: %s", exc)


def _when(context: BotContext) -> str:
    return texts.when(utc_now(), context.services.config.partnership.timezone)
