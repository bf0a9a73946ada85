"""What the page hears without asking: the emulator's events and the bot's status, fanned out
to every open page as Server-Sent Events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

from bot.emulator import EmulatorClient

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
KEEP_ALIVE_SECONDS = 15.0
_CHAT_EVENTS = {"user_message", "bot_message", "message_edited", "message_deleted"}


class Hub:
    """One long poll of the emulator's events, and a queue per listening page."""

    def __init__(self, client: EmulatorClient, status: str) -> None:
        self._client = client
        self._listeners: set[asyncio.Queue[JSONDict]] = set()
        self._task: asyncio.Task[None] | None = None
        self.status = status

    def start(self, after: int) -> None:
        """Start relaying the emulator's events after seq ``after``."""
        self._task = asyncio.create_task(self._relay(after), name="sandbox events")

    async def stop(self) -> None:
        """Stop relaying."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def publish(self, event: JSONDict) -> None:
        """Send an event to every listening page."""
        for queue in self._listeners:
            queue.put_nowait(event)

    def bot_status(self, status: str) -> None:
        """Tell every page the bot is running, restarting or stopped."""
        self.status = status
        self.publish({"kind": "status", "status": status})

    def inbox_changed(self) -> None:
        """Tell every page an e-mail or webhook call was caught for some agency's inbox."""
        self.publish({"kind": "inbox"})

    async def _relay(self, after: int) -> None:
        while True:
            try:
                events, _ = await self._client.events(after=after, timeout=25.0)
            except Exception:  # the emulator is in this process: only a bug ends up here
                logger.exception("Reading the emulator's events failed")
                await asyncio.sleep(1.0)
                continue
            for event in events:
                after = int(event["seq"])
                if event["type"] in _CHAT_EVENTS:
                    self.publish(
                        {
                            "kind": "chat",
                            "type": event["type"],
                            "chat_id": event.get("chat_id"),
                            "message_id": event.get("message_id"),
                        }
                    )

    async def stream(self, request: web.Request) -> web.StreamResponse:
        """GET /api/events: the status first, then every event, as Server-Sent Events."""
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        queue: asyncio.Queue[JSONDict] = asyncio.Queue()
        self._listeners.add(queue)
        try:
            await _write(response, {"kind": "status", "status": self.status})
            while True:
                try:
                    async with asyncio.timeout(KEEP_ALIVE_SECONDS):
                        event = await queue.get()
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                await _write(response, event)
        except ConnectionResetError:
            pass
        finally:
            self._listeners.discard(queue)
        return response


async def _write(response: web.StreamResponse, event: JSONDict) -> None:
    await response.write(f"data: {json.dumps(event)}\n\n".encode())
