"""python-telegram-bot 22's real Application works against the emulator, unchanged."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import EmulatorClient, EmulatorServer
from bot.emulator.images import make_png

from .helpers import BOT_ID, TOKEN


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with an inline keyboard."""
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Report", callback_data="report:v1")]])
    await update.effective_message.reply_text(
        f"Hello <b>{context.args[0] if context.args else 'there'}</b>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo text back."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the query and edit the message."""
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}")
    await query.edit_message_text("Choose a category")


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Download the largest photo and tell its size."""
    assert update.effective_message is not None
    file = await update.effective_message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await update.effective_message.reply_text(f"photo of {len(data)} bytes")


@pytest.fixture
async def app(server: EmulatorServer) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Run a real PTB Application, long polling the emulator."""
    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{server.url}/bot")
        .base_file_url(f"{server.url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    application.add_handler(MessageHandler(filters.PHOTO, photo))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=5)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_ptb_bot_replies_to_start_and_text(app: Application, client: EmulatorClient) -> None:  # type: ignore[type-arg]
    """A CommandHandler and a MessageHandler reply through the emulator."""
    assert app.bot.id == BOT_ID
    user = await client.create_user("Carol")
    sent = await client.send_command(user, "start", "Carol")
    reply = await client.wait_for_message(user, after=sent.seq)
    assert reply["text"] == "Hello Carol"
    assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "report:v1"
    sent = await client.send_text(user, "anyone there?")
    reply = await client.wait_for_message(user, after=sent.seq)
    assert reply["text"] == "echo: anyone there?"


async def test_ptb_callback_query_is_answered_and_message_edited(
    app: Application,
    client: EmulatorClient,  # type: ignore[type-arg]
) -> None:
    """Pressing an inline button reaches a CallbackQueryHandler, which answers and edits."""
    user = await client.create_user("Dan")
    sent = await client.send_command(user, "start")
    greeting = await client.wait_for_message(user, after=sent.seq)
    pressed_at = await client.press(user, None, "Report")
    assert pressed_at.message_id == greeting["message_id"]
    answer = await client.wait_for_callback_answer(
        pressed_at.callback_query_id, after=pressed_at.seq
    )
    assert answer["text"] == "got report:v1"
    edited = await client.wait_for_edit(user, greeting["message_id"], after=pressed_at.seq)
    assert edited["text"] == "Choose a category"
    assert "reply_markup" not in edited
    records = await client.messages(user)
    assert records[-1]["edits"][0]["text"] == "Hello there"


async def test_ptb_downloads_a_photo_with_get_file(
    app: Application, client: EmulatorClient
) -> None:  # type: ignore[type-arg]
    """A photo the user sends is fetched by PTB through getFile and the file URL."""
    user = await client.create_user("Eve")
    image = make_png(30, 20)
    sent = await client.send_photo(user, image)
    reply = await client.wait_for_message(user, after=sent.seq)
    assert reply["text"] == f"photo of {len(image)} bytes"


async def test_ptb_webhook_mode_receives_updates(
    server: EmulatorServer, client: EmulatorClient
) -> None:
    """PTB's own webhook server gets updates from the emulator, secret checked, and replies."""
    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{server.url}/bot")
        .base_file_url(f"{server.url}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="sandbox-secret",
        )
        try:
            info = await application.bot.get_webhook_info()
            assert info.url == f"http://127.0.0.1:{port}/hook"
            user = await client.create_user("Fay")
            sent = await client.send_text(user, "via webhook")
            reply = await client.wait_for_message(user, after=sent.seq)
            assert reply["text"] == "echo: via webhook"
        finally:
            await application.updater.stop()
            await application.stop()
