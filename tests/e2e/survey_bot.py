"""The real bot plus a small three-question conversation, run as its own process.

The restart test starts this with ``python -m tests.e2e.survey_bot --config PATH``, kills it
with SIGKILL mid-conversation and starts it again on the same database. Each step checkpoints
its next state before asking, as the product's flows do.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.config import load_config, read_token
from bot.context import BotContext
from bot.runner import serve
from handlers.report.checkpoint import checkpoint

NAME = "survey"
QUESTIONS = {"first": "Question 1: what is your street?", "second": "Question 2: which town?"}
STEPS = ["first", "second", "third"]


async def begin(update: Update, context: BotContext) -> str:
    """Starts the survey with no answers; asks the first question."""
    assert context.user_data is not None
    assert update.effective_message is not None
    context.user_data["answers"] = []
    await checkpoint(update, context, NAME, "first")
    await update.effective_message.reply_text(QUESTIONS["first"])
    return "first"


async def answer(update: Update, context: BotContext) -> str | int:
    """Stores an answer; asks the next question, or ends with all answers."""
    assert context.user_data is not None
    assert update.effective_message is not None
    answers: list[str] = context.user_data["answers"]
    answers.append(update.effective_message.text or "")
    step = STEPS[len(answers)]
    if step == "third":
        await checkpoint(update, context, NAME, ConversationHandler.END)
        await update.effective_message.reply_text("Thank you: " + ", ".join(answers))
        return ConversationHandler.END
    await checkpoint(update, context, NAME, step)
    await update.effective_message.reply_text(QUESTIONS[step])
    return step


def survey() -> BaseHandler[Update, BotContext, Any]:
    """The test conversation, persistent under the name 'survey'."""
    text = MessageHandler(filters.TEXT & ~filters.COMMAND, answer)
    return ConversationHandler(
        entry_points=[CommandHandler("survey", begin)],
        states={"first": [text], "second": [text]},
        fallbacks=[],
        name=NAME,
        persistent=True,
    )


async def _main(config_path: str) -> None:
    loaded = load_config(config_path)
    token = read_token()
    assert token is not None
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    ready = asyncio.Event()
    waiter = asyncio.create_task(ready.wait())
    waiter.add_done_callback(lambda _: print("survey bot ready", flush=True))
    await serve(loaded.config, token, stop, extra_handlers=[survey()], ready=ready)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(_main(parser.parse_args().config))
