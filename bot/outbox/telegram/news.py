"""News over Telegram: the broadcast engine's :class:`~bot.outbox.news.NewsSender` with PTB.

Parts go with ``rate_limit_args=NEWS``: last in the rate limiter's order and not retried there
(the engine retries). PTB's errors become the outcomes of :mod:`bot.outbox.news`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.outbox.news import Delivered, Moved, Rejected, TryAgain, Unreachable
from bot.outbox.telegram.limiter import NEWS, Retries
from bot.outbox.telegram.sender import retry_after_seconds

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Telegram's words for a chat that is gone for good (400s; a 403 is always one).
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "bot was kicked")
# An edit that changes nothing, or a copy already deleted: the work is already done.
_ALREADY = ("message is not modified", "message to delete not found")


class TelegramNewsSender:
    """Sends news parts with a rate-limited PTB bot."""

    def __init__(self, bot: ExtBot[Retries]) -> None:
        """Send with ``bot`` (the Application's, with the product's rate limiter)."""
        self._bot = bot

    async def send_text(self, chat_id: int, html: str, *, silent: bool) -> Delivered:
        """Send one text part."""
        message = await _translated(
            lambda: self._bot.send_message(
                chat_id=chat_id,
                text=html,
                parse_mode=ParseMode.HTML,
                disable_notification=silent,
                rate_limit_args=NEWS,
            )
        )
        return Delivered(message.message_id)

    async def send_photo(
        self, chat_id: int, photo: str | bytes, caption_html: str, *, silent: bool
    ) -> Delivered:
        """Send the photo with its caption; the answer carries the file id for next time."""
        message: Message = await _translated(
            lambda: self._bot.send_photo(
                chat_id=chat_id,
                photo=photo,
                caption=caption_html or None,
                parse_mode=ParseMode.HTML,
                disable_notification=silent,
                rate_limit_args=NEWS,
            )
        )
        file_id = message.photo[-1].file_id if message.photo else None
        return Delivered(message.message_id, file_id)

    async def edit_text(self, chat_id: int, message_id: int, html: str) -> None:
        """Replace a text part."""
        await _translated(
            lambda: self._bot.edit_message_text(
                html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                rate_limit_args=NEWS,
            ),
            already_done=True,
        )

    async def edit_caption(self, chat_id: int, message_id: int, html: str) -> None:
        """Replace a photo's caption."""
        await _translated(
            lambda: self._bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=html,
                parse_mode=ParseMode.HTML,
                rate_limit_args=NEWS,
            ),
            already_done=True,
        )

    async def delete(self, chat_id: int, message_id: int) -> None:
        """Delete a part (already gone counts as done)."""
        await _translated(
            lambda: self._bot.delete_message(
                chat_id=chat_id, message_id=message_id, rate_limit_args=NEWS
            ),
            already_done=True,
        )

    async def show_progress(self, chat_id: int, message_id: int, text: str) -> None:
        """Edit the admin's progress message with a reply's priority; a failure is logged."""
        try:
            await self._bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML
            )
        except TelegramError as error:
            if "message is not modified" not in error.message.lower():
                logger.warning("progress message not updated: %s", error.message)


async def _translated(call: Callable[[], Awaitable[T]], *, already_done: bool = False) -> T:
    """Run one Bot API call, PTB's errors turned into the engine's outcomes.

    With ``already_done``, an answer that says the work was done already returns None.
    """
    try:
        return await call()
    except RetryAfter as error:
        raise TryAgain("flood control (429)", retry_after_seconds(error)) from error
    except ChatMigrated as error:
        raise Moved(int(error.new_chat_id)) from error
    except Forbidden as error:
        raise Unreachable(error.message) from error
    except BadRequest as error:  # before NetworkError, which it extends
        text = error.message.lower()
        if already_done and any(words in text for words in _ALREADY):
            return None  # type: ignore[return-value]  # the callers of already_done ignore it
        if any(words in text for words in _GONE):
            raise Unreachable(error.message) from error
        raise Rejected(error.message) from error
    except TimedOut as error:
        raise TryAgain("timed out") from error
    except NetworkError as error:  # connection failures and 5xx answers
        raise TryAgain(f"network or server error: {error.message}") from error
    except TelegramError as error:
        raise TryAgain(f"{type(error).__name__}: {error.message}") from error
