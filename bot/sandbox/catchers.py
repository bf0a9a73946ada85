"""Local catchers for what the bot sends agencies beyond Telegram: e-mail and webhook calls.

Nothing leaves the machine: the derived configuration points the bot's SMTP at
:class:`MailCatcher` and each agency's webhook at :class:`WebhookCatcher`, which keep what
arrives in the sandbox folder and calls ``on_caught``, so open pages refresh the agency's inbox
(read back by :mod:`bot.sandbox.inbox`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

logger = logging.getLogger(__name__)


class MailCatcher:
    """A local SMTP server keeping each message as an .eml file."""

    def __init__(self, folder: Path, on_caught: Callable[[], None] = lambda: None) -> None:
        self.folder = folder
        self._on_caught = on_caught
        self.count = len(list(folder.glob("*.eml")))
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: SMTP(self), "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keep the message (aiosmtpd's hook for a message's content)."""
        self.count += 1
        path = self.folder / f"{self.count:05d}.eml"
        path.write_bytes(envelope.original_content or b"")
        logger.info("Caught an e-mail for %d recipient(s)", len(envelope.rcpt_tos))
        self._on_caught()
        return "250 OK"


class WebhookCatcher:
    """Receives agencies' webhook calls on the page's server, one JSON line each."""

    def __init__(self, path: Path, on_caught: Callable[[], None] = lambda: None) -> None:
        self.path = path
        self._on_caught = on_caught

    async def receive(self, request: web.Request) -> web.Response:
        """POST /catch/webhooks/{agency}: keep the call and answer as a back office would."""
        body = await request.read()
        try:
            payload: Any = json.loads(body)
        except ValueError:
            payload = body.decode("utf-8", "replace")
        record = {
            "agency": request.match_info["agency"],
            "headers": {k: v for k, v in request.headers.items() if k.lower().startswith("x-")},
            "body": payload,
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        logger.info("Caught a webhook call for %s", record["agency"])
        self._on_caught()
        return web.json_response([{"service_request_id": "sandbox"}])
