"""The officers' side: the buttons on a report's alert card in an agency's group chat, the notes
and questions officers type in reply, /queue, and the reporter's answers relayed back.

Every action is checked at the moment it happens (bot.officers.service decides who may act). Notes
and questions are typed as replies to a prompt from the bot that carries the report's
reference, so nothing depends on conversation state and a restart loses nothing.
"""

from __future__ import annotations

import logging
import re
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import buttons
from bot import texts as general_texts
from bot.context import BotContext
from bot.officers.service import ASKS_MARK, STATE_WORDS, Outcome, queue_text
from bot.outbox.telegram.items import officer_buttons
from handlers.start import not_understood
from storage.reports import Report
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

REFUSED = "Sorry, only officers of the team this report was sent to can act on it."
# The marker a prompt carries, so the officer's reply can be matched to its report and card.
_MARKER = re.compile(r"\[ref (\d+)/([a-z0-9_-]+)/(\d+)\]")
NOTE_PROMPT = "Note for the reporter"
QUESTION_PROMPT = "Question for the reporter"


_OfficerButton = (
    buttons.CardAction
    | buttons.ResolveNow
    | buttons.WriteNote
    | buttons.ReferTo
    | buttons.LegacyReferTo
)
_OFFICER_BUTTONS = (
    buttons.CardAction,
    buttons.ResolveNow,
    buttons.WriteNote,
    buttons.ReferTo,
    buttons.LegacyReferTo,
)


def _parts(update: Update) -> tuple[int, str, _OfficerButton]:
    """The report id and the agency id an officer button names, and the whole button (its
    handler's pattern matched one of the officer kinds)."""
    query = update.callback_query
    assert query is not None
    pressed = buttons.decode(query.data)
    assert isinstance(pressed, _OFFICER_BUTTONS)
    return pressed.report_id, pressed.agency_id, pressed


def _card_id(pressed: _OfficerButton) -> int:
    """The alert card a follow-up button (resolve, refer) belongs to."""
    assert not isinstance(pressed, buttons.CardAction)
    return pressed.card_id


async def _stale_target(update: Update, context: BotContext) -> bool:
    """Answer a button naming an agency that is no longer configured, or a report that no
    longer exists, as stale; True if answered."""
    query = update.callback_query
    assert query is not None
    pressed = buttons.decode(query.data)
    assert isinstance(pressed, _OFFICER_BUTTONS)
    known = {a.id for a in context.services.config.agencies}
    named = {pressed.agency_id} | (
        {pressed.target} if isinstance(pressed, buttons.ReferTo) else set()
    )
    if named <= known and await context.services.reports.report_exists(pressed.report_id):
        return False
    await query.answer(general_texts.stale_button())
    return True


def _card(action: buttons.CardActionName) -> str:
    """The pattern of one of the card's own buttons."""
    return buttons.pattern(buttons.CardAction, action=action)


def _checked(callback: Any) -> Any:
    """The callback, run only if the button's agencies and report still exist."""

    async def checked(update: Update, context: BotContext) -> None:
        if not await _stale_target(update, context):
            await callback(update, context)

    return checked


def _state_words(outcome: Outcome) -> str:
    """The agency's state after an action, in words."""
    return STATE_WORDS.get(outcome.state or "", outcome.state or "unknown")


async def _refuse_or_moved(update: Update, outcome: Outcome) -> bool:
    """Answer a refused press or one on a report that has moved on; True if answered."""
    query = update.callback_query
    assert query is not None
    if not outcome.allowed:
        await query.answer(REFUSED, show_alert=True)
        return True
    if not outcome.changed:
        await query.answer(f"This report is already {_state_words(outcome)}.", show_alert=True)
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


def _when(context: BotContext) -> str:
    zone = ZoneInfo(context.services.config.partnership.timezone)
    return f"{utc_now().astimezone(zone):%a %-d %b %H:%M}"


async def acknowledge(update: Update, context: BotContext) -> None:
    """Marks the report acknowledged by the officer's agency and updates the card in place."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, _ = _parts(update)
    services = context.services
    outcome = await services.officers.acknowledge(
        report_id, agency_id, user.id, user.first_name, utc_now()
    )
    if await _refuse_or_moved(update, outcome):
        return
    await query.answer("Acknowledged. The reporter has been told.")
    services.wake_outbox()
    report = outcome.report
    assert report is not None
    category = services.config.category(report.category)
    buttons = officer_buttons(
        report,
        services.config.agency(agency_id),
        sensitive=bool(category and category.sensitive),
        acknowledged=True,
    )
    line = f"✔ Acknowledged by {escape(user.first_name)}, {_when(context)}."
    await _stamp_card(
        context,
        query.message.chat.id,
        query.message if isinstance(query.message, Message) else None,
        line,
        InlineKeyboardMarkup.de_json(buttons, context.bot),
    )


async def resolve_options(update: Update, context: BotContext) -> None:
    """Offers to resolve with or without a note for the reporter."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, _ = _parts(update)
    if await _authorised(update, context, "resolve") is None:
        return
    await query.answer()
    card_id = query.message.message_id
    now = buttons.encode(buttons.ResolveNow(report_id, agency_id, card_id))
    note = buttons.encode(buttons.WriteNote(report_id, agency_id, card_id))
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Resolve without a note", callback_data=now)],
            [InlineKeyboardButton("Write a note for the reporter", callback_data=note)],
        ]
    )
    await context.bot.send_message(
        query.message.chat.id,
        "Resolve this report?",
        reply_markup=markup,
        reply_to_message_id=card_id,
    )


async def resolve_now(update: Update, context: BotContext) -> None:
    """Resolves without a note."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, pressed = _parts(update)
    card_id = _card_id(pressed)
    await _resolve(context, query.message.chat.id, report_id, agency_id, card_id, user, None)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.delete()


async def note_prompt(update: Update, context: BotContext) -> None:
    """Asks the officer to reply with the note (the prompt carries the report's marker)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, pressed = _parts(update)
    card_id = _card_id(pressed)
    if await _authorised(update, context, "resolve") is None:
        return
    await query.answer()
    await _prompt(
        context,
        query.message.chat.id,
        f"{NOTE_PROMPT} [ref {report_id}/{agency_id}/{card_id}]",
        "It is sent as you write it.",
        placeholder="Note for the reporter",
    )


async def _prompt(
    context: BotContext, chat_id: int, head: str, tail: str, *, placeholder: str
) -> None:
    """Ask the officer to reply with text; ``head`` carries the prompt and its marker."""
    await context.bot.send_message(
        chat_id,
        f"{head}: reply to this message with it. {tail}",
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder),
    )


async def _resolve(
    context: BotContext,
    chat_id: int,
    report_id: int,
    agency_id: str,
    card_id: int,
    user: User,
    note: str | None,
) -> Outcome:
    outcome = await context.services.officers.resolve(
        report_id, agency_id, user.id, user.first_name, note, utc_now()
    )
    if outcome.allowed and outcome.changed:
        context.services.wake_outbox()
        line = f"✔ Resolved by {escape(user.first_name)}, {_when(context)}."
        if note:
            line += f" Note: {escape(note)}"
        await _close_card(context, chat_id, card_id, line)
    return outcome


async def _close_card(context: BotContext, chat_id: int, card_id: int, line: str) -> None:
    """Take the card's buttons away (its report is done here) and reply to it with a line."""
    try:
        await context.bot.edit_message_reply_markup(chat_id, card_id)
        await context.bot.send_message(
            chat_id, line, parse_mode=ParseMode.HTML, reply_to_message_id=card_id
        )
    except BadRequest as exc:
        logger.warning("Could not update an alert card: %s", exc)


async def _authorised(update: Update, context: BotContext, action: str) -> Report | None:
    """The report a card button names, if the presser may act on it for that agency now;
    otherwise the press is answered with a refusal and None returned."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    report_id, agency_id, _ = _parts(update)
    report = await context.services.officers.authorised(
        report_id, agency_id, user.id, action, utc_now()
    )
    if report is None:
        await query.answer(REFUSED, show_alert=True)
    return report


async def refer_options(update: Update, context: BotContext) -> None:
    """Lists the agencies this report may be passed to."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, _ = _parts(update)
    officers = context.services.officers
    report = await _authorised(update, context, "refer")
    if report is None:
        return
    targets = officers.referral_targets(report, agency_id)
    if not targets:
        await query.answer("This kind of report cannot be passed to another team.", show_alert=True)
        return
    await query.answer()
    card_id = query.message.message_id
    rows = [
        [
            InlineKeyboardButton(
                context.services.config.agency(target).name,
                callback_data=buttons.encode(
                    buttons.ReferTo(report_id, agency_id, card_id, target)
                ),
            )
        ]
        for target in targets
    ]
    await context.bot.send_message(
        query.message.chat.id,
        "Pass this report to which team?",
        reply_markup=InlineKeyboardMarkup(rows),
        reply_to_message_id=card_id,
    )


async def refer_to(update: Update, context: BotContext) -> None:
    """Passes the report to the chosen agency."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, pressed = _parts(update)
    card_id = _card_id(pressed)
    officers = context.services.officers
    if isinstance(pressed, buttons.LegacyReferTo):
        target = await officers.referral_choice(report_id, agency_id, pressed.index)
    else:
        assert isinstance(pressed, buttons.ReferTo)
        target = pressed.target
    if target is None:
        await query.answer("That choice is out of date.", show_alert=True)
        return
    outcome = await officers.refer(
        report_id, agency_id, target, user.id, user.first_name, utc_now()
    )
    if await _refuse_or_moved(update, outcome):
        return
    context.services.wake_outbox()
    await query.answer("Passed on. The reporter has been told.")
    name = context.services.config.agency(target).name
    line = f"➜ Passed to {escape(name)} by {escape(user.first_name)}, {_when(context)}."
    await _close_card(context, query.message.chat.id, card_id, line)
    if isinstance(query.message, Message):
        await query.message.delete()


async def question_prompt(update: Update, context: BotContext) -> None:
    """Asks the officer to reply with the question (anonymous reporters cannot be asked)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    report_id, agency_id, _ = _parts(update)
    report = await _authorised(update, context, "ask")
    if report is None:
        return
    if report.reporter_chat_id is None:
        await query.answer(
            "This reporter is anonymous, so they cannot be asked anything.", show_alert=True
        )
        return
    await query.answer()
    await _prompt(
        context,
        query.message.chat.id,
        f"{QUESTION_PROMPT} [ref {report_id}/{agency_id}/{query.message.message_id}]",
        "The reporter will not see who you are, and you will not see who they are.",
        placeholder="Your question",
    )


async def typed_reply(update: Update, context: BotContext) -> None:
    """An officer's reply to a note or question prompt: resolve with the note, or relay the
    question to the reporter."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    prompt = message.reply_to_message
    if prompt is None or prompt.from_user is None or prompt.from_user.id != context.bot.id:
        return
    found = _MARKER.search(prompt.text or "")
    if found is None:
        return
    report_id, agency_id, card_id = int(found[1]), found[2], int(found[3])
    text = message.text.strip()[:1000]
    if (prompt.text or "").startswith(NOTE_PROMPT):
        outcome = await _resolve(
            context, message.chat.id, report_id, agency_id, card_id, user, text
        )
        answer = "Resolved; the reporter has your note." if outcome.changed else None
    else:
        outcome = await context.services.officers.ask(
            report_id, agency_id, user.id, text, utc_now()
        )
        if outcome.changed:
            context.services.wake_outbox()
        answer = "Your question was sent to the reporter." if outcome.changed else None
    if not outcome.allowed:
        answer = REFUSED
    elif answer is None:
        answer = f"Nothing was sent: this report is {_state_words(outcome)}."
    await message.reply_text(answer)


async def details(update: Update, context: BotContext) -> None:
    """Sends a sensitive report's details to the officer's private chat with the bot."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    report_id, agency_id, _ = _parts(update)
    services = context.services
    report = await _authorised(update, context, "details")
    if report is None:
        return
    text = services.officers.full_card(report, agency_id)
    try:
        await context.bot.send_message(
            user.id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )
    except (Forbidden, BadRequest):
        await query.answer(
            f"Start a private chat with me first (t.me/{context.bot.username}), then tap again.",
            show_alert=True,
        )
        return
    await services.officers.details_viewed(report_id, agency_id, user.id, utc_now())
    await query.answer("Sent to your private chat with me.")


async def reporter_answer(update: Update, context: BotContext) -> None:
    """A reporter's reply to an officer's question, relayed to the agency as the bot's text."""
    message = update.effective_message
    if message is None or message.text is None or message.reply_to_message is None:
        return
    prompt = message.reply_to_message.text or ""
    found = re.search(rf"{ASKS_MARK} ([0-9A-Z]{{3}}-[0-9A-Z]{{3}})", prompt)
    if found is None:
        await not_understood(update, context)  # a reply to something else: never silence
        return
    relayed = await context.services.officers.relay_answer(
        found[1], message.chat.id, message.text.strip()[:1000], utc_now()
    )
    if relayed:
        context.services.wake_outbox()
        await message.reply_text("Thank you: your answer was passed to the team.")
    else:
        await message.reply_text("Sorry, that question can no longer be answered here.")


async def queue(update: Update, context: BotContext) -> None:
    """Lists the agency's open reports: in its group chat, or privately for its officers."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    officers = context.services.officers
    in_group = officers.agency_of_chat(chat.id)
    agencies = [in_group] if in_group else await officers.agencies_of(user.id)
    if not agencies:
        await message.reply_text("/queue is for the teams that receive reports.")
        return
    now = utc_now()
    texts = [
        queue_text(
            context.services.config, agency, await officers.reports.open_for_agency(agency), now
        )
        for agency in agencies
    ]
    await message.reply_text("\n\n".join(texts), parse_mode=ParseMode.HTML)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The alert card's buttons, the typed notes and questions, the reporter's answers, /queue."""
    groups = filters.ChatType.GROUPS
    replies = filters.REPLY & filters.TEXT & ~filters.COMMAND
    return [
        CallbackQueryHandler(_checked(acknowledge), pattern=_card("ack")),
        CallbackQueryHandler(_checked(resolve_options), pattern=_card("res")),
        CallbackQueryHandler(_checked(resolve_now), pattern=buttons.pattern(buttons.ResolveNow)),
        CallbackQueryHandler(_checked(note_prompt), pattern=buttons.pattern(buttons.WriteNote)),
        CallbackQueryHandler(_checked(refer_options), pattern=_card("ref")),
        CallbackQueryHandler(
            _checked(refer_to), pattern=buttons.pattern(buttons.ReferTo, buttons.LegacyReferTo)
        ),
        CallbackQueryHandler(_checked(question_prompt), pattern=_card("ask")),
        CallbackQueryHandler(_checked(details), pattern=_card("det")),
        MessageHandler(groups & replies, typed_reply),
        MessageHandler(filters.ChatType.PRIVATE & replies, reporter_answer),
        CommandHandler("queue", queue),
    ]
