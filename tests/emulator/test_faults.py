"""Rate limits with retry_after, and injected faults scoped by chat, method, time and hits."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator import EmulatorClient, RateLimits

from .helpers import BOT_ID, BotApi


async def started_users(client: EmulatorClient, count: int) -> list[int]:
    """Create users who have started the test bot."""
    users = [await client.create_user(f"U{i}") for i in range(count)]
    for user in users:
        await client.send_text(user, "/start")
    return users


async def test_per_chat_limit_answers_429_with_scaled_retry_after(
    api: BotApi, client: EmulatorClient
) -> None:
    """A second message to one chat within the scaled second waits for retry_after."""
    (user,) = await started_users(client, 1)
    await client.set_limits(RateLimits(time_scale=0.2))
    await api.ok("sendMessage", chat_id=user, text="1")
    response = await api.raw("sendMessage", chat_id=user, text="2")
    body = response.json()
    assert response.status_code == 429
    retry_after = body["parameters"]["retry_after"]
    assert 0 < retry_after <= 0.2
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }
    await asyncio.sleep(retry_after)
    await api.ok("sendMessage", chat_id=user, text="2")


async def test_unscaled_retry_after_is_whole_seconds(api: BotApi, client: EmulatorClient) -> None:
    """Without a time scale retry_after is an integer, as Telegram sends it."""
    (user,) = await started_users(client, 1)
    await client.set_limits(RateLimits())
    await api.ok("sendMessage", chat_id=user, text="1")
    response = await api.raw("sendMessage", chat_id=user, text="2")
    assert response.json()["parameters"] == {"retry_after": 1}


async def test_overall_limit_per_bot(api: BotApi, client: EmulatorClient) -> None:
    """More than per_second messages across chats within a second are refused."""
    users = await started_users(client, 4)
    await client.set_limits(RateLimits(per_second=3, time_scale=10))
    for user in users[:3]:
        await api.ok("sendMessage", chat_id=user, text="news")
    await api.error("sendMessage", 429, chat_id=users[3], text="news")
    await client.set_limits(None)
    await api.ok("sendMessage", chat_id=users[3], text="news")


async def test_group_limit_per_minute(api: BotApi, client: EmulatorClient) -> None:
    """A group takes per_group_per_minute messages per (scaled) minute."""
    user = await client.create_user()
    group = await client.create_group("Officers", members=[user], bots=[BOT_ID])
    await client.set_limits(
        RateLimits(per_chat_per_second=100, per_group_per_minute=2, time_scale=0.01)
    )
    await api.ok("sendMessage", chat_id=group, text="1")
    await api.ok("sendMessage", chat_id=group, text="2")
    response = await api.raw("sendMessage", chat_id=group, text="3")
    assert response.status_code == 429
    assert 0.3 < response.json()["parameters"]["retry_after"] <= 0.6


async def test_reading_methods_are_not_rate_limited(api: BotApi, client: EmulatorClient) -> None:
    """getMe and getUpdates do not count against the sending limits."""
    await client.set_limits(RateLimits(per_second=1, time_scale=10))
    for _ in range(5):
        await api.ok("getMe")
        await api.ok("getUpdates")


@pytest.mark.parametrize(
    ("kind", "extra", "code", "description"),
    [
        ("rate_limit", {"retry_after": 7}, 429, "Too Many Requests: retry after 7"),
        ("blocked", {}, 403, "Forbidden: bot was blocked by the user"),
        ("chat_not_found", {}, 400, "Bad Request: chat not found"),
        ("server_error", {"status": 502}, 502, "Bad Gateway"),
    ],
)
async def test_fault_kinds_apply_to_their_chat_and_methods_only(
    api: BotApi,
    client: EmulatorClient,
    kind: str,
    extra: dict[str, float],
    code: int,
    description: str,
) -> None:
    """A fault hits the chat and methods it names; other chats and methods are untouched."""
    hit, spared = await started_users(client, 2)
    await client.add_fault(kind, chat_id=hit, methods=["sendMessage"], **extra)  # type: ignore[arg-type]
    assert await api.error("sendMessage", code, chat_id=hit, text="x") == description
    await api.ok("sendMessage", chat_id=spared, text="x")
    await api.ok("sendLocation", chat_id=hit, latitude=1, longitude=1)
    await client.clear_faults()
    await api.ok("sendMessage", chat_id=hit, text="x")


async def test_fault_ends_after_its_duration(api: BotApi, client: EmulatorClient) -> None:
    """A fault with a fractional duration lifts by itself."""
    (user,) = await started_users(client, 1)
    await client.add_fault("server_error", duration=0.15)
    await api.error("sendMessage", 500, chat_id=user, text="x")
    await api.error("getMe", 500)
    await asyncio.sleep(0.2)
    await api.ok("sendMessage", chat_id=user, text="x")


async def test_fault_limited_by_hits(api: BotApi, client: EmulatorClient) -> None:
    """A fault with hits=2 fails exactly two calls."""
    (user,) = await started_users(client, 1)
    await client.add_fault("rate_limit", hits=2, retry_after=0.01)
    response = await api.raw("sendMessage", chat_id=user, text="x")
    assert response.json()["parameters"] == {"retry_after": 0.01}
    await api.error("sendMessage", 429, chat_id=user, text="x")
    await api.ok("sendMessage", chat_id=user, text="x")


async def test_delay_fault_slows_answers(api: BotApi, client: EmulatorClient) -> None:
    """A delay fault answers correctly but late."""
    (user,) = await started_users(client, 1)
    await client.add_fault("delay", delay=0.3, methods=["sendMessage"])
    started = time.monotonic()
    await api.ok("sendMessage", chat_id=user, text="slow")
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await api.ok("getMe")
    assert time.monotonic() - started < 0.3


async def test_bad_fault_requests_are_refused(client: EmulatorClient) -> None:
    """An unknown kind or a non-5xx server error is a client error, not a crash."""
    from bot.emulator.client import EmulatorError

    with pytest.raises(EmulatorError, match="kind must be one of"):
        await client.add_fault("gremlins")
    with pytest.raises(EmulatorError, match="status 5xx"):
        await client.add_fault("server_error", status=200)
