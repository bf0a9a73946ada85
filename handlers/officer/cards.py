"""The buttons on a report's alert card in an agency's group chat: acknowledge, resolve, refer
and (for a sensitive report) its details in a private chat. Every press has been checked when
these run (:func:`handlers.officer.callbacks.checked`: who pressed it, on which message, and
whether its action still applies); each acts on the card the database holds for the report and
the agency, and answers the press once."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot import buttons
from bot.context import BotContext
from bot.officers import texts
from bot.officers.presses import Card, Verdict
from bot.officers.service import Outcome
from handlers.officer import callbacks
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


async def acknowledge(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Marks the report acknowledged by the officer's agency and updates the card in place."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    assert verdict.card is not None
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
    keyboard = services.officers.acknowledged_buttons(outcome.report, agency_id)
    await _stamp_card(
        context,
        verdict.card,
        query.message if isinstance(query.message, Message) else None,
        texts.acknowledged_line(user.first_name, _when(context)),
        InlineKeyboardMarkup.de_json(keyboard, context.bot),
    )


async def resolve_options(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Offers to resolve without a note, with a note for the reporter only (the default), or
    (but for a sensitive report) with a note that may also be published in the news."""
    query = update.callback_query
    assert query is not None
    assert verdict.card is not None
    report_id, agency_id, _ = callbacks.parts(update)
    await query.answer()
    card = verdict.card

    def choice(text: str, note: callbacks.NoteChoice) -> list[InlineKeyboardButton]:
        data = callbacks.resolve_choice(report_id, agency_id, card.message_id, note)
        return [InlineKeyboardButton(text, callback_data=data)]

    rows = [choice(texts.RESOLVE_WITHOUT_NOTE, "none"), choice(texts.RESOLVE_WITH_NOTE, "internal")]
    assert verdict.report is not None
    public = context.services.officers.may_publish_notes(verdict.report)
    if public:  # a sensitive report's notes are never published: not offered
        rows.append(choice(texts.RESOLVE_WITH_PUBLISHABLE_NOTE, "publishable"))
    await context.bot.send_message(
        card.chat_id,
        texts.RESOLVE_QUESTION if public else texts.RESOLVE_QUESTION_SENSITIVE,
        reply_markup=InlineKeyboardMarkup(rows),
        reply_to_message_id=card.message_id,
    )


async def resolve_now(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Resolves without a note, then takes the question it answered away."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    assert verdict.card is not None
    report_id, agency_id, _ = callbacks.parts(update)
    outcome = await resolve(context, verdict.card, report_id, agency_id, user, None)
    if await _refuse_or_moved(update, outcome):
        return
    await query.answer(texts.RESOLVED)
    await _take_prompt_away(context, update, verdict)


async def resolve(
    context: BotContext,
    card: Card,
    report_id: int,
    agency_id: str,
    user: User,
    note: str | None,
    *,
    publishable: bool = False,
) -> Outcome:
    """Resolve the report for the agency with the officer's note, if any (``publishable``: the
    officer chose that it may be published); if that changed it, take the card's buttons away
    and say so under the card."""
    outcome = await context.services.officers.resolve(
        report_id, agency_id, user.id, user.first_name, note, utc_now(), publishable=publishable
    )
    if outcome.allowed and outcome.changed:
        context.services.wake_outbox()
        line = texts.resolved_line(user.first_name, _when(context), note, publishable=publishable)
        await _close_card(context, card, line)
    return outcome


async def refer_options(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Lists the agencies this report may be passed to."""
    query = update.callback_query
    assert query is not None
    assert verdict.report is not None
    assert verdict.card is not None
    report_id, agency_id, _ = callbacks.parts(update)
    targets = context.services.officers.referral_targets(verdict.report, agency_id)
    if not targets:
        await query.answer(texts.CANNOT_REFER, show_alert=True)
        return
    await query.answer()
    card = verdict.card
    rows = [
        [
            InlineKeyboardButton(
                context.services.config.agency(target).name,
                callback_data=callbacks.referral_choice(
                    report_id, agency_id, card.message_id, target
                ),
            )
        ]
        for target in targets
    ]
    await context.bot.send_message(
        card.chat_id,
        texts.REFER_QUESTION,
        reply_markup=InlineKeyboardMarkup(rows),
        reply_to_message_id=card.message_id,
    )


async def refer_to(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Passes the report to the chosen agency, then takes the list it was chosen from away."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    assert verdict.card is not None
    report_id, agency_id, button = callbacks.parts(update)
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
    await _close_card(context, verdict.card, line)
    await _take_prompt_away(context, update, verdict)


async def details(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Sends a sensitive report's details to the officer's private chat with the bot."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    assert verdict.report is not None
    report_id, agency_id, _ = callbacks.parts(update)
    officers = context.services.officers
    text = officers.full_card(verdict.report, agency_id)
    try:
        await context.bot.send_message(
            user.id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )
    except (Forbidden, BadRequest):
        await query.answer(texts.start_private_chat(context.bot.username), show_alert=True)
        return
    await officers.details_viewed(report_id, agency_id, user.id, utc_now())
    await query.answer(texts.DETAILS_SENT)


async def _refuse_or_moved(update: Update, outcome: Outcome) -> bool:
    """Answer a press the action refused, or one on a report that moved on since it was
    checked (another officer was quicker); True if answered."""
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
    context: BotContext, card: Card, message: Message | None, line: str, markup: Any
) -> None:
    """Add a line to the card (who did what, when) and set its buttons; ``message`` is the
    card as the press carried it (the check made sure it is the card)."""
    if message is None:
        return
    try:
        await context.bot.edit_message_text(
            f"{message.text_html}\n\n{line}",
            chat_id=card.chat_id,
            message_id=card.message_id,
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
            reply_markup=markup,
        )
    except BadRequest as exc:  # the card was deleted, or already shows this
        logger.warning("Could not update an alert card: %s", exc)


async def _close_card(context: BotContext, card: Card, line: str) -> None:
    """Take the card's buttons away (its report is done here) and reply to it with a line."""
    try:
        await context.bot.edit_message_reply_markup(card.chat_id, card.message_id)
        await context.bot.send_message(
            card.chat_id, line, parse_mode=ParseMode.HTML, reply_to_message_id=card.message_id
        )
    except BadRequest as exc:
        logger.warning("Could not update an alert card: %s", exc)


async def _take_prompt_away(context: BotContext, update: Update, verdict: Verdict) -> None:
    """Delete the prompt under the card whose button was answered (only ever a prompt the
    check found replying to the card); one already gone is no error."""
    query = update.callback_query
    if not verdict.prompt or query is None or query.message is None:
        return
    try:
        await context.bot.delete_message(query.message.chat.id, query.message.message_id)
    except BadRequest as exc:  # deleted already (a second press, or by hand), or too old
        logger.info("A prompt under an alert card was not deleted: %s", exc)


def _when(context: BotContext) -> str:
    return texts.when(utc_now(), context.services.config.partnership.timezone)
