"""The outbox's Telegram adapter: outbox items become Bot API calls, PTB errors become verdicts.

Item kinds and their payloads:

- ``"message"``: ``text``, optional ``parse_mode``, ``reply_markup`` (a Bot API dict, e.g.
  ``{"inline_keyboard": [...]}``) and ``disable_web_page_preview``;
- ``"location"``: ``latitude``, ``longitude``;
- ``"photo"``: ``file_id`` (or ``png``, a picture the bot drew, base64), optional ``caption``
  and ``parse_mode``;
- ``"edit"``: ``message_id``, ``text``, optional ``parse_mode`` and ``reply_markup`` (without
  one the message's buttons go);
- ``"delete"``: ``message_id``.

The target is the chat id as text. Calls go through the Application's rate-limited bot, so
they share Telegram's budget with every other call, but with ``rate_limit_args`` set to
:data:`~bot.outbox.telegram.limiter.OUTBOX_RETRIES` (none): a 429 comes straight back as
:class:`RetryLater`, and the dispatcher alone retries it, holding the later items to that chat
behind it.
"""

from __future__ import annotations

import base64
import logging
import warnings
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from telegram import LinkPreviewOptions, Message
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
from telegram.warnings import PTBDeprecationWarning

from bot.outbox.dispatcher import PermanentFailure, RetryLater
from bot.outbox.items import DELETE, EDIT, LOCATION, MESSAGE, PHOTO
from bot.outbox.telegram.limiter import OUTBOX_RETRIES, Retries
from storage.outbox import OutboxItem

logger = logging.getLogger(__name__)


class TelegramSender:
    """Sends outbox items with a PTB bot (a :class:`bot.outbox.dispatcher.Sender`)."""

    def __init__(self, bot: ExtBot[Retries]) -> None:
        """Send with ``bot``: one with a :class:`~bot.outbox.telegram.limiter.RateLimiter`,
        initialised by its owner."""
        self._bot = bot

    async def send(self, item: OutboxItem) -> Mapping[str, Any]:
        """Deliver ``item``; return ``{"message_id": ...}``.

        Raises :class:`RetryLater` (flood control, timeouts, network and server errors) or
        :class:`PermanentFailure` (no such chat, the bot blocked or removed, a bad request,
        an unknown kind or a payload that lacks a field).
        """
        try:
            if item.kind == DELETE:
                await self._bot.delete_message(
                    chat_id=int(item.target),
                    message_id=int(item.payload["message_id"]),
                    rate_limit_args=OUTBOX_RETRIES,
                )
                return {"message_id": int(item.payload["message_id"]), "deleted": True}
            message = await self._call(item)
        except (KeyError, ValueError) as error:  # a delete item's malformed field
            raise PermanentFailure(f"the {item.kind} item has a malformed field") from error
        except RetryAfter as error:
            raise RetryLater(retry_after_seconds(error), "flood control (429)") from error
        except ChatMigrated as error:
            reason = f"the group is now the supergroup {error.new_chat_id}"
            raise PermanentFailure(reason) from error
        except Forbidden as error:  # PTB's message begins "Forbidden: "
            raise PermanentFailure(error.message) from error
        except BadRequest as error:  # before NetworkError, which it extends
            raise PermanentFailure(f"Bad request: {error.message}") from error
        except TimedOut as error:
            raise RetryLater(None, "timed out") from error
        except NetworkError as error:  # connection failures and 5xx answers
            raise RetryLater(None, f"network or server error: {error.message}") from error
        except TelegramError as error:  # e.g. an invalid token: wait for it to be fixed
            raise RetryLater(None, f"{type(error).__name__}: {error.message}") from error
        if isinstance(message, bool):  # an edit of an inline message answers True
            return {"message_id": int(item.payload["message_id"])}
        return {"message_id": message.message_id}

    async def _call(self, item: OutboxItem) -> Message | bool:
        payload = item.payload
        try:
            chat_id = int(item.target)
            if item.kind == MESSAGE:
                return await self._bot.send_message(
                    chat_id=chat_id,
                    text=str(payload["text"]),
                    parse_mode=payload.get("parse_mode"),
                    link_preview_options=_link_preview(payload),
                    api_kwargs=_markup(payload),
                    rate_limit_args=OUTBOX_RETRIES,
                )
            if item.kind == LOCATION:
                return await self._bot.send_location(
                    chat_id=chat_id,
                    latitude=float(payload["latitude"]),
                    longitude=float(payload["longitude"]),
                    api_kwargs=_markup(payload),
                    rate_limit_args=OUTBOX_RETRIES,
                )
            if item.kind == EDIT:
                return await self._bot.edit_message_text(
                    chat_id=chat_id,
                    message_id=int(payload["message_id"]),
                    text=str(payload["text"]),
                    parse_mode=payload.get("parse_mode"),
                    link_preview_options=_link_preview(payload),
                    api_kwargs=_markup(payload),
                    rate_limit_args=OUTBOX_RETRIES,
                )
            if item.kind == PHOTO:
                photo: str | bytes = (
                    base64.b64decode(str(payload["png"]), validate=True)
                    if "png" in payload
                    else str(payload["file_id"])
                )
                return await self._bot.send_photo(
                    chat_id=chat_id,
                    photo=photo,
                    caption=payload.get("caption"),
                    parse_mode=payload.get("parse_mode"),
                    api_kwargs=_markup(payload),
                    rate_limit_args=OUTBOX_RETRIES,
                )
        except KeyError as error:
            raise PermanentFailure(f"the {item.kind} payload lacks {error.args[0]!r}") from error
        except ValueError as error:  # a target or coordinate that is not a number
            raise PermanentFailure(f"the {item.kind} item has a malformed field") from error
        raise PermanentFailure(f"unknown outbox item kind {item.kind!r}")


def _markup(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """The reply markup as the Bot API dict it already is (PTB sends it as JSON)."""
    markup = payload.get("reply_markup")
    return None if markup is None else {"reply_markup": markup}


def _link_preview(payload: Mapping[str, Any]) -> LinkPreviewOptions | None:
    if payload.get("disable_web_page_preview"):
        return LinkPreviewOptions(is_disabled=True)
    return None


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's retry_after in seconds, whether PTB gives an int, a float or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = error.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)
