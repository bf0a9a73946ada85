"""What sending news to one chat can come to, and the sender the broadcast engine uses.

The engine (:mod:`bot.news.engine`) knows nothing of Telegram: it calls a :class:`NewsSender`
and reads its answers. The Telegram one is :class:`bot.outbox.telegram.news.TelegramNewsSender`;
it turns PTB's errors into the exceptions below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Delivered:
    """A message delivered: its id, and for an uploaded photo the file id to send it again."""

    message_id: int
    file_id: str | None = None


class NewsSendError(Exception):
    """A send that did not deliver; the message is a short reason (no personal data)."""


class Unreachable(NewsSendError):
    """The chat blocked the bot, was deleted or never existed: unsubscribe it."""


class Moved(NewsSendError):
    """The group became a supergroup: send to ``new_chat_id`` instead."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class TryAgain(NewsSendError):
    """Flood control (``after`` seconds, as Telegram asks) or a server or network fault
    (``after`` None: back off)."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class Rejected(NewsSendError):
    """Telegram refused this call for good (a bad request): do not try it again."""


class NewsSender(Protocol):
    """Sends, edits and deletes news messages, and keeps the admin's progress message."""

    async def send_text(self, chat_id: int, html: str, *, silent: bool) -> Delivered:
        """Send one text part."""
        ...

    async def send_photo(
        self, chat_id: int, photo: str | bytes, caption_html: str, *, silent: bool
    ) -> Delivered:
        """Send the photo (a file id, or bytes to upload) with its caption part."""
        ...

    async def edit_text(self, chat_id: int, message_id: int, html: str) -> None:
        """Replace the text of a delivered text part."""
        ...

    async def edit_caption(self, chat_id: int, message_id: int, html: str) -> None:
        """Replace the caption of a delivered photo."""
        ...

    async def delete(self, chat_id: int, message_id: int) -> None:
        """Delete a delivered part."""
        ...

    async def show_progress(self, chat_id: int, message_id: int, text: str) -> None:
        """Edit the admin's progress message (a reply's priority, not news')."""
        ...
