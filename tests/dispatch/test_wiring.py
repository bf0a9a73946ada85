"""The running bot starts a dispatcher that sends what waited in the outbox and tells the admins."""

from __future__ import annotations

from pathlib import Path

from bot.emulator import EmulatorClient, EmulatorServer
from storage.db import Database
from storage.outbox import OutboxRepository
from tests.support.harness import ADMINS_CHAT, BOT_ID, load, running_bot, write_config

WASTE_CHAT = -1001000000001  # the default config's sadc-waste agency


async def test_the_running_bot_sends_what_waited_and_reports_what_cannot_go(
    server: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> None:
    """Items enqueued while the bot was down reach the agency once it runs; one to a chat
    that does not exist becomes a note in the admins' chat, without its text."""
    await client.create_group("CSP admins", bots=[BOT_ID], chat_id=ADMINS_CHAT)
    await client.create_group("Waste team", bots=[BOT_ID], chat_id=WASTE_CHAT)
    config = load(write_config(tmp_path, server.url))
    async with await Database.open(config.storage.database) as db:
        outbox = OutboxRepository(db)
        await outbox.enqueue("message", str(WASTE_CHAT), {"text": "Fly tipping on Hatfield Road"})
        lost = await outbox.enqueue("message", "-1001000000777", {"text": "Sensitive details"})
    seq = await client.last_seq()
    async with running_bot(config):
        alert = await client.wait_for_message(WASTE_CHAT, after=seq)
        note = await client.wait_for_message(ADMINS_CHAT, after=seq)
    assert alert["text"] == "Fly tipping on Hatfield Road"
    assert note["text"].startswith(f"Could not deliver outbox item {lost} (message)")
    assert "Chat not found" in note["text"]
    assert "Sensitive" not in note["text"]
    assert len(await client.bot_messages(WASTE_CHAT)) == 1
