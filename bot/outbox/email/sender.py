"""The outbox's e-mail adapter: ``"email"`` items go out through the configured SMTP server.

Payload: ``to``, ``subject``, ``body`` (plain text). The password is read from the
environment variable that ``[smtp] password_env`` names, never from the file. SMTP's 4xx
answers and lost connections are temporary; 5xx answers (a refused recipient, say) are
permanent, except a refused login, which waits for the configuration to be fixed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import aiosmtplib

from bot.config import Smtp
from bot.outbox.dispatcher import PermanentFailure, RetryLater
from storage.outbox import OutboxItem

logger = logging.getLogger(__name__)

# How long one SMTP delivery (connect, log in, send) may take before it is retried.
SMTP_TIMEOUT_SECONDS = 30.0


class EmailSender:
    """Sends ``"email"`` outbox items through one SMTP server (a dispatcher ``Sender``)."""

    def __init__(
        self,
        smtp: Smtp,
        *,
        environ: Mapping[str, str] = os.environ,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        """Send through ``smtp``, with the password from ``environ``."""
        self._smtp = smtp
        self._environ = environ
        self._timeout = timeout

    async def send(self, item: OutboxItem) -> Mapping[str, Any]:
        """Deliver ``item``; return ``{"message_id": ...}``."""
        message = self._message(item)
        smtp = self._smtp
        try:
            await aiosmtplib.send(
                message,
                hostname=smtp.host,
                port=smtp.port,
                start_tls=smtp.starttls,
                username=smtp.username,
                password=self._password(),
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPAuthenticationError as error:
            raise RetryLater(None, f"the SMTP server refused the login ({error.code})") from error
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = sorted({refusal.code for refusal in error.recipients})
            if all(400 <= code < 500 for code in codes):
                raise RetryLater(None, f"recipient deferred ({codes})") from error
            raise PermanentFailure(f"the SMTP server refused the recipient ({codes})") from error
        except aiosmtplib.SMTPResponseException as error:
            if 400 <= error.code < 500:
                raise RetryLater(None, f"SMTP temporary error {error.code}") from error
            raise PermanentFailure(f"SMTP error {error.code}") from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise RetryLater(None, f"SMTP connection failed ({type(error).__name__})") from error
        logger.debug("outbox item %s e-mailed", item.id)
        return {"message_id": message["Message-ID"]}

    def _message(self, item: OutboxItem) -> EmailMessage:
        payload = item.payload
        try:
            message = EmailMessage()
            message["From"] = self._smtp.sender
            message["To"] = str(payload["to"])
            message["Subject"] = str(payload["subject"])
            message["Date"] = formatdate(localtime=False)
            message["Message-ID"] = make_msgid(f"safetybot.{item.id}")
            message["X-Safetybot-Delivery"] = str(item.id)
            message.set_content(str(payload["body"]))
        except KeyError as error:
            raise PermanentFailure(f"the email payload lacks {error.args[0]!r}") from error
        except ValueError as error:  # a header with a line break in it, say
            raise PermanentFailure("the email payload has a malformed header") from error
        return message

    def _password(self) -> str | None:
        name = self._smtp.password_env
        if name is None:
            return None
        password = self._environ.get(name, "")
        if not password:
            raise RetryLater(None, f"the environment variable {name} (SMTP password) is not set")
        return password
