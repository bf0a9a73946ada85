"""The outbox's webhook adapter: ``"webhook"`` items become signed HTTP POSTs.

Payload: ``url``, ``secret_env`` (the NAME of the environment variable holding the HMAC
secret) and ``body`` (the JSON object to send). Each request carries
``X-Safetybot-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` and
``X-Safetybot-Delivery: <outbox item id>``, the same on every attempt, so that a receiver can
check the sender and ignore a repeat. A 2xx answer is delivery; 429, 5xx, timeouts and lost
connections are temporary (``Retry-After`` is honoured); any other answer is permanent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from bot.outbox.dispatcher import PermanentFailure, RetryLater
from storage.outbox import OutboxItem

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Safetybot-Signature"
DELIVERY_HEADER = "X-Safetybot-Delivery"
# How long one webhook call may take before it is retried.
WEBHOOK_TIMEOUT_SECONDS = 15.0


def signature(secret: bytes, body: bytes) -> str:
    """The signature header's value for ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def encode(body: Mapping[str, Any]) -> bytes:
    """The exact bytes that are sent and signed."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookSender:
    """POSTs ``"webhook"`` outbox items (a :class:`bot.outbox.dispatcher.Sender`)."""

    def __init__(
        self, *, environ: Mapping[str, str] = os.environ, timeout: float = WEBHOOK_TIMEOUT_SECONDS
    ) -> None:
        """Sign with secrets from ``environ``; give up on a call after ``timeout`` seconds."""
        self._environ = environ
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(self, item: OutboxItem) -> Mapping[str, Any]:
        """Deliver ``item``; return ``{"status": ...}``."""
        try:
            url = str(item.payload["url"])
            secret_env = str(item.payload["secret_env"])
            body = encode(item.payload["body"])
        except KeyError as error:
            raise PermanentFailure(f"the webhook payload lacks {error.args[0]!r}") from error
        secret = self._environ.get(secret_env, "")
        if not secret:
            raise RetryLater(None, f"the environment variable {secret_env} is not set")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: signature(secret.encode("utf-8"), body),
            DELIVERY_HEADER: str(item.id),
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as session,
                session.post(url, data=body, headers=headers, allow_redirects=False) as answer,
            ):
                status = answer.status
                retry_after = answer.headers.get("Retry-After")
        except TimeoutError as error:
            raise RetryLater(None, "the webhook timed out") from error
        except aiohttp.ClientError as error:
            raise RetryLater(None, f"webhook connection failed ({type(error).__name__})") from error
        if 200 <= status < 300:
            logger.debug("outbox item %s delivered to its webhook", item.id)
            return {"status": status}
        if status == 429 or status >= 500:
            raise RetryLater(_seconds(retry_after), f"the webhook answered {status}")
        raise PermanentFailure(f"the webhook answered {status}")


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After as seconds, whether a number or an HTTP date; None when absent or odd."""
    if not retry_after:
        return None
    text = retry_after.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
