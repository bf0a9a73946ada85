"""One sender for the whole outbox: each item goes to the sender of its kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.config import Config
from bot.outbox.dispatcher import PermanentFailure, Sender
from bot.outbox.email.sender import EmailSender
from bot.outbox.items import EMAIL, TELEGRAM_KINDS, WEBHOOK
from bot.outbox.webhook.sender import WebhookSender
from storage.outbox import OutboxItem


class CompositeSender:
    """Chooses a sender by ``item.kind`` (a :class:`bot.outbox.dispatcher.Sender`)."""

    def __init__(self, senders: Mapping[str, Sender]) -> None:
        """Send each kind through ``senders[kind]``."""
        self._senders = dict(senders)

    @classmethod
    def for_config(cls, config: Config, telegram: Sender) -> CompositeSender:
        """Telegram's kinds through ``telegram``; e-mail when ``[smtp]`` is set; webhooks."""
        senders: dict[str, Sender] = dict.fromkeys(TELEGRAM_KINDS, telegram)
        if config.smtp is not None:
            senders[EMAIL] = EmailSender(config.smtp)
        senders[WEBHOOK] = WebhookSender()
        return cls(senders)

    async def send(self, item: OutboxItem) -> Mapping[str, Any]:
        """Deliver ``item`` through the sender of its kind."""
        sender = self._senders.get(item.kind)
        if sender is None:
            raise PermanentFailure(f"no sender for outbox item kind {item.kind!r}")
        return await sender.send(item)
