"""Conversation timeouts by a periodic sweep: a real bot, a conversation on a clock the test moves.

The sweep's own job runs once an hour here, so each test calls ``sweep()`` itself after moving
the clock: nothing depends on how fast the machine is.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, TypeHandler, filters

from bot.context import BotContext
from bot.emulator import EmulatorClient
from bot.telegram.timeouts import SweptConversationHandler
from tests.support.harness import load, running_bot

TIMEOUT = timedelta(minutes=10)
PUT_ASIDE = "Visit put aside after a silence."


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta.total_seconds()


async def _begin(update: Update, context: BotContext) -> str:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Which street?")
    return "street"


async def _street(update: Update, context: BotContext) -> str:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Which day?")
    return "day"


async def _day(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Visit booked.")
    return ConversationHandler.END


async def _timed_out(update: object, context: BotContext) -> None:
    assert isinstance(update, Update)
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, PUT_ASIDE)


def visit(clock: Clock) -> SweptConversationHandler[BotContext]:
    """A two-question conversation that times out after ten minutes of the test's clock."""
    text = filters.TEXT & ~filters.COMMAND
    return SweptConversationHandler[BotContext](
        timeout=TIMEOUT,
        sweep_every=3600,
        clock=clock,
        entry_points=[CommandHandler("visit", _begin)],
        states={
            "street": [MessageHandler(text, _street)],
            "day": [MessageHandler(text, _day)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, _timed_out)],
        },
        fallbacks=[],
        name="visit",
    )


async def _texts_since(client: EmulatorClient, chat: int, seq: int) -> list[str]:
    events, _ = await client.events(after=seq)
    return [
        str(e["message"].get("text"))
        for e in events
        if e["type"] == "bot_message" and e["chat_id"] == chat
    ]


async def _say(client: EmulatorClient, chat: int, text: str) -> str:
    if text.startswith("/"):
        sent = await client.send_command(chat, text.removeprefix("/"))
    else:
        sent = await client.send_text(chat, text)
    reply: dict[str, Any] = await client.wait_for_message(chat, after=sent.seq)
    return str(reply["text"])


async def test_silence_past_the_timeout_ends_the_conversation_with_an_explanation(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Each answer moves the deadline on; silence past it runs the TIMEOUT handler once and
    ends the conversation, so the next command starts afresh."""
    clock = Clock()
    conversation = visit(clock)
    async with running_bot(load(config_path), extra_handlers=[conversation]):
        assert await _say(client, resident, "/visit") == "Which street?"
        clock.advance(TIMEOUT - timedelta(seconds=1))
        before = await client.last_seq()
        await conversation.sweep()
        assert await _texts_since(client, resident, before) == []
        assert await _say(client, resident, "Holywell Hill") == "Which day?"
        clock.advance(TIMEOUT - timedelta(seconds=1))  # 20 min after /visit, 10 after the answer
        await conversation.sweep()
        assert await _texts_since(client, resident, before) == ["Which day?"]
        clock.advance(timedelta(seconds=1))
        await conversation.sweep()
        await conversation.sweep()
        assert await _texts_since(client, resident, before) == ["Which day?", PUT_ASIDE]
        assert await _say(client, resident, "/visit") == "Which street?"


async def test_a_finished_conversation_never_times_out(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Once a conversation has ended, silence afterwards brings no message."""
    clock = Clock()
    conversation = visit(clock)
    async with running_bot(load(config_path), extra_handlers=[conversation]):
        await _say(client, resident, "/visit")
        await _say(client, resident, "Holywell Hill")
        assert await _say(client, resident, "Tuesday") == "Visit booked."
        before = await client.last_seq()
        clock.advance(TIMEOUT * 3)
        await conversation.sweep()
        assert await _texts_since(client, resident, before) == []


async def test_each_resident_has_their_own_deadline(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Only the resident who fell silent is timed out; another, who answered, carries on."""
    clock = Clock()
    conversation = visit(clock)
    other = await client.create_user("Alex")
    async with running_bot(load(config_path), extra_handlers=[conversation]):
        await _say(client, resident, "/visit")
        await _say(client, other, "/visit")
        clock.advance(TIMEOUT / 2)
        await _say(client, other, "Holywell Hill")
        clock.advance(TIMEOUT / 2)
        before = await client.last_seq()
        await conversation.sweep()
        assert await _texts_since(client, resident, before) == [PUT_ASIDE]
        assert await _texts_since(client, other, before) == []
        assert await _say(client, other, "Tuesday") == "Visit booked."
