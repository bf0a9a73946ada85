"""The demo's cards in their final state: a seeded report an officer already acknowledged,
resolved or referred must not show buttons it no longer has.

The demo acts through the officers' service before the bot starts, but a card is changed by
the officer's handler as it answers the press, and the seeded cards are only sent once the bot
runs. So, as each card is sent (its outbox item settled with the message's id), the sandbox
changes it as the handler would have, with the product's own words and buttons
(:mod:`bot.officers.texts`, :meth:`OfficerService.acknowledged_buttons`) through the Bot API:
the acknowledgement line and the buttons left after it; for a report resolved or referred, no
buttons and the handler's reply under the card.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.config import Config
from bot.emulator import EmulatorClient
from bot.officers import texts
from bot.officers.service import OfficerService
from bot.outbox.telegram.items import card_key
from bot.sandbox.demo import Acted
from bot.sandbox.render import message_html
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.reports import ReportRepository

logger = logging.getLogger(__name__)

PATIENCE = 120.0  # seconds the bot has to send the seeded cards before the sandbox gives up


async def finish_cards(
    config: Config,
    database: Path,
    client: EmulatorClient,
    token: str,
    acted: Sequence[Acted],
) -> None:
    """Bring each acted-on card to its final state as soon as the bot has sent it."""
    waiting = list(acted)
    after = 0
    async with Bot(token, base_url=f"{client.url}/bot") as bot:
        try:
            async with asyncio.timeout(PATIENCE):
                while waiting:
                    async with await Database.open(database) as db:
                        waiting = [
                            a for a in waiting if not await _finish(config, db, client, bot, a)
                        ]
                    if waiting:  # wait for the bot to send more
                        _, after = await client.events(after=after, timeout=10.0)
        except TimeoutError:
            logger.warning("%d demo card(s) were not sent in time to be updated", len(waiting))
    logger.info("The demo's cards show what the officers did")


async def _finish(
    config: Config, db: Database, client: EmulatorClient, bot: Bot, acted: Acted
) -> bool:
    """Change one card if it was sent; False while it waits to be sent."""
    sent = await OutboxRepository(db).sent_message(card_key(acted.report_id, acted.agency_id))
    if sent is None:
        return False
    report = await ReportRepository(db).get(acted.report_id)
    if report is None:
        return True
    zone = config.partnership.timezone
    line = texts.acknowledged_line(acted.officer, texts.when(acted.acknowledged_at, zone))
    markup = None
    if acted.fate == "acknowledged":
        keyboard = OfficerService(config, db).acknowledged_buttons(report, acted.agency_id)
        markup = InlineKeyboardMarkup.de_json(keyboard, bot)
    try:
        html = await _card_html(client, sent.chat_id, sent.message_id)
        await bot.edit_message_text(
            f"{html}\n\n{line}",
            chat_id=sent.chat_id,
            message_id=sent.message_id,
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
            reply_markup=markup,
        )
        closed = acted.closed_at and texts.when(acted.closed_at, zone)
        if acted.fate == "resolved" and closed:
            reply = texts.resolved_line(acted.officer, closed, acted.note)
        elif acted.fate == "referred" and closed:
            reply = texts.referred_line(acted.referred_to or "", acted.officer, closed)
        else:
            return True
        await bot.send_message(
            sent.chat_id, reply, parse_mode=ParseMode.HTML, reply_to_message_id=sent.message_id
        )
    except (TelegramError, LookupError) as exc:
        logger.warning("A demo card could not be updated: %s", exc)
    return True


async def _card_html(client: EmulatorClient, chat_id: int, message_id: int) -> str:
    """The card's text as sent, as Telegram's HTML (what the handler edits from)."""
    for record in await client.messages(chat_id):
        if record["message_id"] == message_id:
            return message_html(record["message"])
    raise LookupError(f"no message {message_id} in chat {chat_id}")
