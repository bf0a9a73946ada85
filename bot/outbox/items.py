"""What an outbox item is before it is stored: its kind, target, payload and dedupe key.

Domain code (no Telegram). Each channel's ``items`` module composes these from the stored
report; :mod:`bot.outbox.compose` writes them to the outbox; the sender of their kind (see
:mod:`bot.outbox.senders`) delivers them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.config import Config

# The kinds of outbox item, each delivered by one sender.
MESSAGE = "message"  # a Telegram text message
LOCATION = "location"  # a Telegram map pin
PHOTO = "photo"  # a Telegram photo, by file id
EMAIL = "email"  # an e-mail through the configured SMTP server
WEBHOOK = "webhook"  # a signed HTTP POST to an agency's back office
EDIT = "edit"  # new text for a message the bot sent before (a card, after an erasure)
DELETE = "delete"  # remove a message the bot sent (a pin or photo, within Telegram's 48 hours)
TELEGRAM_KINDS = (MESSAGE, LOCATION, PHOTO, EDIT, DELETE)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One item for the outbox: sent once per ``dedupe_key``, in the order enqueued; with
    ``erase_target``, its target (an anonymous reporter's chat) is erased once it is settled."""

    kind: str
    target: str
    payload: Mapping[str, Any]
    dedupe_key: str
    erase_target: bool = False


def admin_targets(config: Config) -> tuple[str, ...]:
    """Where notes for the admins go: their shared chat, or each admin when there is none."""
    admins = config.admins
    chats = [admins.chat_id] if admins.chat_id is not None else list(admins.user_ids)
    return tuple(str(chat) for chat in chats)
