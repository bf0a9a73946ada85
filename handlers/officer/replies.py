"""Typed replies: an officer's note or question, typed as a reply to the bot's prompt in the
agency chat, and a reporter's answer, typed as a reply to the question the bot relayed. A reply
is matched by the message it replies to, so nothing depends on conversation state or on the
prompt's words, and a restart loses nothing."""

from __future__ import annotations

from typing import Literal

from telegram import ForceReply, Update
from telegram.ext import filters

from bot import buttons
from bot.context import BotContext
from bot.officers import texts
from bot.officers.presses import Card, Verdict
from handlers.officer import callbacks
from handlers.officer.cards import resolve
from handlers.start import not_understood
from storage.timestamps import utc_now

# A typed reply (not a command): in a group, an officer's; in a private chat, a reporter's.
TYPED_REPLY = filters.REPLY & filters.TEXT & ~filters.COMMAND


async def note_prompt(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Asks the officer to reply with the note that resolves the report, remembering whether
    they chose one that may be published."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    assert verdict.card is not None
    report_id, agency_id, button = callbacks.parts(update)
    await query.answer()
    publishable = isinstance(button, buttons.WritePublishableNote)
    await _prompt(
        context, "note", verdict.card, report_id, agency_id, user.id, publishable=publishable
    )


async def question_prompt(update: Update, context: BotContext, verdict: Verdict) -> None:
    """Asks the officer to reply with the question (anonymous reporters cannot be asked)."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    assert verdict.report is not None
    assert verdict.card is not None
    report_id, agency_id, _ = callbacks.parts(update)
    if verdict.report.reporter_chat_id is None:
        await query.answer(texts.ANONYMOUS, show_alert=True)
        return
    await query.answer()
    await _prompt(context, "question", verdict.card, report_id, agency_id, user.id)


async def typed_reply(update: Update, context: BotContext) -> None:
    """An officer's reply to a note or question prompt: resolve with the note, or relay the
    question to the reporter."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    replied = message.reply_to_message
    if replied is None:
        return
    from_bot = replied.from_user is not None and replied.from_user.id == context.bot.id
    prompt = await context.services.officers.replies.officer_prompt(
        message.chat.id, replied.message_id, replied.text or "", from_bot=from_bot
    )
    if prompt is None or prompt.card_message_id is None:
        return
    text = message.text.strip()[:1000]
    report_id, agency_id = prompt.report_id, prompt.agency_id
    if prompt.purpose == "note":
        officers = context.services.officers
        card = await officers.card_of(report_id, agency_id)
        if card is None:  # not recorded as sent yet: the one the prompt was offered under
            card = Card(message.chat.id, prompt.card_message_id)
        outcome = await resolve(
            context, card, report_id, agency_id, user, text, publishable=prompt.publishable
        )
        answer = texts.RESOLVED_WITH_NOTE if outcome.changed else None
    else:
        outcome = await context.services.officers.ask(
            report_id, agency_id, user.id, text, utc_now()
        )
        if outcome.changed:
            context.services.wake_outbox()
        answer = texts.QUESTION_SENT if outcome.changed else None
    if not outcome.allowed:
        answer = texts.REFUSED
    elif answer is None:
        answer = texts.nothing_sent(outcome.state)
    await message.reply_text(answer)


async def reporter_answer(update: Update, context: BotContext) -> None:
    """A reporter's reply to an officer's question, relayed to the agency as the bot's text."""
    message = update.effective_message
    if message is None or message.text is None or message.reply_to_message is None:
        return
    replied = message.reply_to_message
    from_bot = replied.from_user is not None and replied.from_user.id == context.bot.id
    officers = context.services.officers
    prompt = await officers.replies.reporter_prompt(
        message.chat.id, replied.message_id, replied.text or "", from_bot=from_bot
    )
    if prompt is None:
        await not_understood(update, context)  # a reply to something else: never silence
        return
    if await officers.relay_answer(prompt, message.text.strip()[:1000], utc_now()):
        context.services.wake_outbox()
        await message.reply_text(texts.ANSWER_PASSED)
    else:
        await message.reply_text(texts.ANSWER_TOO_LATE)


async def _prompt(
    context: BotContext,
    purpose: Literal["note", "question"],
    card: Card,
    report_id: int,
    agency_id: str,
    officer_id: int,
    *,
    publishable: bool = False,
) -> None:
    """Ask the officer to reply with a note or a question, and remember the prompt's message
    so that the reply is matched to the report and its card (and, for a note, whether it may
    be published)."""
    note = purpose == "note"
    if note:
        prompt = texts.PUBLISHABLE_NOTE_PROMPT if publishable else texts.NOTE_PROMPT
    else:
        prompt = texts.QUESTION_PROMPT
    sent = await context.bot.send_message(
        card.chat_id,
        prompt,
        reply_markup=ForceReply(
            selective=True,
            input_field_placeholder=texts.NOTE_PLACEHOLDER if note else texts.QUESTION_PLACEHOLDER,
        ),
    )
    await context.services.officers.replies.prompt_sent(
        purpose,
        card.chat_id,
        sent.message_id,
        report_id=report_id,
        agency_id=agency_id,
        officer_id=officer_id,
        card_message_id=card.message_id,
        now=utc_now(),
        publishable=publishable,
    )
