"""getUpdates (offsets, limits, long polling, allowed_updates) and webhook delivery."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.emulator import EmulatorClient

from .helpers import BotApi

CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


async def test_offset_confirms_updates_and_limit_caps_them(
    api: BotApi, client: EmulatorClient
) -> None:
    """Updates stay until an offset above their id is sent; limit returns the first ones."""
    user = await client.create_user()
    for text in ("a", "b", "c"):
        await client.send_text(user, text)
    updates = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in updates] == ["a", "b"]
    assert updates[1]["update_id"] == updates[0]["update_id"] + 1
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["a", "b", "c"]
    confirmed = await api.ok("getUpdates", offset=updates[1]["update_id"] + 1)
    assert [u["message"]["text"] for u in confirmed] == ["c"]
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["c"]
    assert await api.ok("getUpdates", offset=confirmed[0]["update_id"] + 1) == []


async def test_negative_offset_keeps_the_last_updates(api: BotApi, client: EmulatorClient) -> None:
    """offset=-1 returns only the newest update and forgets the rest."""
    user = await client.create_user()
    for text in ("a", "b", "c"):
        await client.send_text(user, text)
    assert [u["message"]["text"] for u in await api.ok("getUpdates", offset=-1)] == ["c"]
    assert len(await api.ok("getUpdates")) == 1


async def test_long_poll_returns_when_an_update_arrives(
    api: BotApi, client: EmulatorClient
) -> None:
    """A getUpdates waiting 20 s answers as soon as a user writes."""
    user = await client.create_user()
    started = time.monotonic()
    poll = asyncio.create_task(api.ok("getUpdates", timeout=20))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await client.send_text(user, "wake up")
    updates = await asyncio.wait_for(poll, 10)
    assert [u["message"]["text"] for u in updates] == ["wake up"]
    assert time.monotonic() - started < 10


async def test_long_poll_times_out_empty(api: BotApi) -> None:
    """With nothing to deliver a long poll ends with an empty list."""
    assert await api.ok("getUpdates", timeout=0.2) == []


async def test_allowed_updates_persist_across_calls(api: BotApi, client: EmulatorClient) -> None:
    """allowed_updates given once keeps filtering until it is changed."""
    user = await client.create_user()
    await client.send_text(user, "before")
    await api.ok("getUpdates", allowed_updates=["callback_query"], offset=-1)
    await api.ok("getUpdates", offset=10**6)
    await client.send_text(user, "ignored")
    assert await api.ok("getUpdates") == []
    await api.ok("getUpdates", allowed_updates=["message"])
    await client.send_text(user, "heard")
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["heard"]


async def test_block_and_group_membership_send_my_chat_member(
    api: BotApi, client: EmulatorClient
) -> None:
    """Blocking the bot reaches it as my_chat_member with status kicked."""
    user = await client.create_user()
    await client.send_text(user, "hi")
    await api.ok("getUpdates", offset=10**6)
    await client.block(user)
    update = (await api.ok("getUpdates"))[0]["my_chat_member"]
    assert update["new_chat_member"]["status"] == "kicked"
    assert update["chat"]["id"] == user


@dataclass
class Receiver:
    """A local webhook endpoint recording what it is sent."""

    url: str = ""
    updates: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[str | None] = field(default_factory=list)
    failures_left: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """Run a small aiohttp server that takes webhook POSTs, failing the first ones on request."""
    state = Receiver()

    async def take(request: web.Request) -> web.Response:
        if state.failures_left > 0:
            state.failures_left -= 1
            return web.Response(status=500)
        state.updates.append(await request.json())
        state.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        state.arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", take)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield state
    await runner.cleanup()


async def wait_for_updates(receiver: Receiver, count: int) -> None:
    """Wait until the receiver holds ``count`` updates."""
    async with asyncio.timeout(10):
        while len(receiver.updates) < count:
            receiver.arrived.clear()
            await receiver.arrived.wait()


async def test_webhook_delivers_in_order_with_secret(
    api: BotApi, client: EmulatorClient, receiver: Receiver
) -> None:
    """Updates are POSTed in order with the secret header, and getUpdates is then a conflict."""
    user = await client.create_user()
    await client.send_text(user, "queued before")
    await api.ok("setWebhook", url=receiver.url, secret_token="s3cret_T-1")
    await client.send_text(user, "after")
    await wait_for_updates(receiver, 2)
    assert [u["message"]["text"] for u in receiver.updates] == ["queued before", "after"]
    assert receiver.secrets == ["s3cret_T-1", "s3cret_T-1"]
    assert await api.error("getUpdates", 409) == CONFLICT
    info = await api.ok("getWebhookInfo")
    assert info["url"] == receiver.url
    assert info["pending_update_count"] == 0
    assert info["has_custom_certificate"] is False
    assert await api.ok("deleteWebhook") is True
    assert await api.ok("getUpdates") == []


async def test_webhook_failure_is_recorded_and_retried(
    api: BotApi, client: EmulatorClient, receiver: Receiver
) -> None:
    """A failing endpoint shows in last_error_* and the update arrives once it recovers."""
    receiver.failures_left = 2
    user = await client.create_user()
    await api.ok("setWebhook", url=receiver.url)
    sent = await client.send_text(user, "persist")
    await wait_for_updates(receiver, 1)
    assert receiver.updates[0]["message"]["message_id"] == sent.message_id
    assert receiver.secrets == [None]
    info = await api.ok("getWebhookInfo")
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert isinstance(info["last_error_date"], int)


async def test_delete_webhook_can_drop_pending_updates(api: BotApi, client: EmulatorClient) -> None:
    """drop_pending_updates forgets what was queued."""
    user = await client.create_user()
    await api.ok("setWebhook", url="http://127.0.0.1:9/unreachable")
    await client.send_text(user, "lost")
    assert (await api.ok("getWebhookInfo"))["pending_update_count"] == 1
    await api.ok("deleteWebhook", drop_pending_updates=True)
    assert await api.ok("getUpdates") == []
    assert await api.error("setWebhook", 400, url="http://x", secret_token="bad secret!") == (
        "Bad Request: secret token contains unallowed characters"
    )
