"""The sandbox as a process on a free port in a temporary folder, driven over HTTP as its page
drives it: JSON routes to act and read, Server-Sent Events to hear that something changed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox import texts

# How long a test waits for what it expects before failing (a guard, not a measurement).
PATIENCE = 60.0
JSONDict = dict[str, Any]
ADDRESS_START = texts.ADDRESS.split("{url}")[0]


def sandbox_argv(config: Path, *extra: str) -> list[str]:
    """The command line of a sandbox on a free port, without a browser."""
    return [sys.executable, "-m", "bot", "sandbox", "--config", str(config), "--no-browser",
            *extra]  # fmt: skip


def quiet_environment() -> dict[str, str]:
    """This environment without a desktop, so no browser could open whatever the options."""
    return {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}


class Events:
    """The page's event stream, read in the background; ``changed`` is set on each event."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self.received: list[JSONDict] = []
        self.changed = asyncio.Event()
        self.connected = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async with self._http.stream("GET", "/api/events", timeout=None) as response:
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    self.received.append(json.loads(line.removeprefix("data: ")))
                    self.connected.set()
                    self.changed.set()

    async def close(self) -> None:
        """Stop reading."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await self._task

    async def until(self, done: Callable[[], Any], what: str) -> Any:
        """Wait until ``done()`` gives something true, checking after each event; return it."""
        try:
            async with asyncio.timeout(PATIENCE):
                while True:
                    self.changed.clear()
                    result = await done() if asyncio.iscoroutinefunction(done) else done()
                    if result:
                        return result
                    await self.changed.wait()
        except TimeoutError:
            pytest.fail(f"waited for {what}")


class Sandbox:
    """A running ``safetybot sandbox`` and an HTTP client for its page."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url
        self.http = httpx.AsyncClient(base_url=url, timeout=PATIENCE)
        self.events = Events(self.http)

    async def get(self, path: str) -> Any:
        """GET a JSON route, which must succeed."""
        response = await self.http.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    async def post(self, path: str, body: JSONDict) -> httpx.Response:
        """POST a JSON body to a route."""
        return await self.http.post(path, json=body)

    async def messages(self, person: int, chat: int) -> list[JSONDict]:
        """The chat as the person sees it on the page."""
        return list((await self.get(f"/api/people/{person}/chats/{chat}/messages"))["messages"])

    async def stop(self) -> int:
        """Stop it as Ctrl+C would; return its exit status."""
        await self.events.close()
        await self.http.aclose()
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        async with asyncio.timeout(PATIENCE):
            return await self.process.wait()


@contextlib.asynccontextmanager
async def running_sandbox(config: Path, *extra: str) -> AsyncIterator[Sandbox]:
    """Start a sandbox for ``config`` (state beside it), wait for its address, stop it after."""
    log = (config.parent / "sandbox-stderr.log").open("ab")
    process = await asyncio.create_subprocess_exec(
        *sandbox_argv(config, "--port", "0", *extra),
        cwd=config.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=log,
        env=quiet_environment(),
    )
    assert process.stdout is not None
    url = None
    try:
        async with asyncio.timeout(PATIENCE):
            while url is None:
                line = (await process.stdout.readline()).decode()
                if not line:
                    pytest.fail("the sandbox ended before printing its address")
                if line.startswith(ADDRESS_START):
                    url = line.removeprefix(ADDRESS_START).split()[0]
        sandbox = Sandbox(process, url)
        try:
            yield sandbox
        finally:
            await sandbox.stop()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log.close()


class PagePerson:
    """One person on the page: sends, presses and shares in one chat, waiting for the bot."""

    def __init__(self, sandbox: Sandbox, user_id: int, chat_id: int | None = None) -> None:
        self.sandbox = sandbox
        self.id = user_id
        self.chat = user_id if chat_id is None else chat_id

    async def messages(self) -> list[JSONDict]:
        """The chat's messages as the page shows them."""
        return await self.sandbox.messages(self.id, self.chat)

    async def wait_for(self, text: str, after: int = 0) -> JSONDict:
        """The first bot message after message id ``after`` whose HTML contains ``text``."""

        async def found() -> JSONDict | None:
            return next(
                (
                    m
                    for m in await self.messages()
                    if m["from_bot"] and m["message_id"] > after and text in m["html"]
                ),
                None,
            )

        result: JSONDict = await self.sandbox.events.until(found, f"{text!r} in {self.chat}")
        return result

    async def _sent(self, body: JSONDict) -> int:
        response = await self.sandbox.post(
            f"/api/people/{self.id}/send", {"chat_id": self.chat, **body}
        )
        assert response.status_code == 200, response.text
        return int(response.json()["message_id"])

    async def say(self, text: str, until: str) -> JSONDict:
        """Send text; return the bot's answer containing ``until``."""
        return await self.wait_for(until, await self._sent({"text": text}))

    async def share_place(self, place: str, until: str) -> JSONDict:
        """Share a gazetteer place as a location; return the bot's answer."""
        return await self.wait_for(until, await self._sent({"place": place}))

    async def press(self, button: str, until: str | None = None) -> JSONDict:
        """Press the button on the latest message having it (waiting for one); return the
        callback answer, and wait for a message or edit containing ``until`` if given."""

        async def holder() -> JSONDict | None:
            having = [
                m for m in await self.messages() if any(
                    b["text"] == button for row in m["inline_keyboard"] for b in row
                )
            ]  # fmt: skip
            return having[-1] if having else None

        message: JSONDict = await self.sandbox.events.until(holder, f"a {button!r} button")
        before = max(m["message_id"] for m in await self.messages())
        response = await self.sandbox.post(
            f"/api/people/{self.id}/press",
            {"chat_id": self.chat, "message_id": message["message_id"], "text": button},
        )
        assert response.status_code == 200, response.text
        if until is not None:

            async def shown() -> bool:
                return any(
                    until in m["html"]
                    and (m["message_id"] > before or m["message_id"] == message["message_id"])
                    for m in await self.messages()
                    if m["from_bot"]
                )

            await self.sandbox.events.until(shown, f"{until!r} after pressing {button!r}")
        result: JSONDict = response.json()
        return result
