"""Conversation timeouts by PTB's ``conversation_timeout``: a real bot, timeouts run by hand.

Each update a conversation handles replaces its timeout job in the JobQueue. The tests look at
those jobs and run the one that would fire (``Job.run``) instead of waiting ten minutes, so
nothing depends on how fast the machine is. The report conversation's own timeout, with its
real wording and a real wait, is tested in ``test_report_input.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ConversationHandler,
    Job,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import BotContext
from bot.emulator import EmulatorClient
from tests.support.harness import load, running_bot

TIMEOUT = timedelta(minutes=10)
PUT_ASIDE = "Visit put aside after a silence."


class Visit:
    """A two-question conversation that times out after ten minutes, and the application it
    ran in (its JobQueue holds the timeouts)."""

    def __init__(self) -> None:
        self.application: Application[Any, BotContext, Any, Any, Any, Any] | None = None
        text = filters.TEXT & ~filters.COMMAND
        self.handler = ConversationHandler[BotContext](
            entry_points=[CommandHandler("visit", self._begin)],
            states={
                "street": [MessageHandler(text, self._street)],
                "day": [MessageHandler(text, self._day)],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, self._timed_out)],
            },
            fallbacks=[],
            conversation_timeout=TIMEOUT,
            name="visit",
        )

    def timeouts(self) -> list[Job[BotContext]]:
        """The timeout jobs waiting to fire, the soonest first (the bot's other jobs are its
        periodic passes: retention, the cluster scan, the weekly picture)."""
        assert self.application is not None
        assert self.application.job_queue is not None
        periodic = {"retention", "clusters", "weekly", "weekly-missed"}
        jobs = [job for job in self.application.job_queue.jobs() if job.name not in periodic]
        return sorted(jobs, key=lambda job: job.next_t or 0)

    async def fire(self, job: Job[BotContext]) -> None:
        """Run a timeout job now, as the JobQueue would at its time."""
        assert self.application is not None
        await job.run(self.application)
        if not job.removed:
            job.schedule_removal()

    async def _begin(self, update: Update, context: BotContext) -> str:
        assert update.effective_message is not None
        self.application = context.application
        await update.effective_message.reply_text("Which street?")
        return "street"

    async def _street(self, update: Update, context: BotContext) -> str:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Which day?")
        return "day"

    async def _day(self, update: Update, context: BotContext) -> int:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Visit booked.")
        return ConversationHandler.END

    async def _timed_out(self, update: object, context: BotContext) -> None:
        assert isinstance(update, Update)
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, PUT_ASIDE)


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


def _due_in(job: Job[BotContext]) -> timedelta:
    assert job.next_t is not None
    return job.next_t - datetime.now(UTC)


async def test_silence_past_the_timeout_ends_the_conversation_with_an_explanation(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Each answer moves the deadline on; silence past it runs the TIMEOUT handler once and
    ends the conversation, so the next command starts afresh."""
    visit = Visit()
    async with running_bot(load(config_path), extra_handlers=[visit.handler]):
        assert await _say(client, resident, "/visit") == "Which street?"
        [first] = visit.timeouts()
        assert TIMEOUT - timedelta(minutes=1) < _due_in(first) <= TIMEOUT
        assert await _say(client, resident, "Holywell Hill") == "Which day?"
        [second] = visit.timeouts()
        assert first.removed
        assert second is not first
        assert second.next_t is not None
        assert first.next_t is not None
        assert second.next_t >= first.next_t
        before = await client.last_seq()
        await visit.fire(first)  # the deadline the answer moved on: nothing happens
        assert await _texts_since(client, resident, before) == []
        await visit.fire(second)
        assert await _texts_since(client, resident, before) == [PUT_ASIDE]
        assert visit.timeouts() == []
        assert await _say(client, resident, "/visit") == "Which street?"


async def test_a_finished_conversation_never_times_out(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Once a conversation has ended, no timeout is left to fire."""
    visit = Visit()
    async with running_bot(load(config_path), extra_handlers=[visit.handler]):
        await _say(client, resident, "/visit")
        [pending] = visit.timeouts()
        await _say(client, resident, "Holywell Hill")
        assert await _say(client, resident, "Tuesday") == "Visit booked."
        assert visit.timeouts() == []
        before = await client.last_seq()
        await visit.fire(pending)
        assert await _texts_since(client, resident, before) == []


async def test_each_resident_has_their_own_deadline(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Only the resident who fell silent is timed out; another, who answered, carries on."""
    visit = Visit()
    other = await client.create_user("Alex")
    async with running_bot(load(config_path), extra_handlers=[visit.handler]):
        await _say(client, resident, "/visit")
        await _say(client, other, "/visit")
        await _say(client, other, "Holywell Hill")
        silent, answered = visit.timeouts()
        before = await client.last_seq()
        await visit.fire(silent)
        assert await _texts_since(client, resident, before) == [PUT_ASIDE]
        assert await _texts_since(client, other, before) == []
        assert visit.timeouts() == [answered]
        assert await _say(client, other, "Tuesday") == "Visit booked."
