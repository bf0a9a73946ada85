"""The server answers every request, however malformed, with Telegram's error envelope."""

from __future__ import annotations

import httpx
import pytest

from bot.emulator import EmulatorClient
from bot.emulator.methods import METHODS

from .helpers import TOKEN

JUNK: list[dict[str, object]] = [
    {},
    {"chat_id": "x", "message_id": "y", "text": 5, "offset": "z", "limit": [], "timeout": "t"},
    {"chat_id": 1, "reply_markup": 5, "media": {"a": 1}, "commands": "nope", "photo": 3},
    {"chat_id": 1, "reply_markup": {"inline_keyboard": "x"}, "entities": "[", "latitude": "n"},
    {"chat_id": 1, "reply_markup": {"keyboard": [[3]]}, "reply_parameters": [1], "scope": 3},
    {"chat_id": 1, "media": [{"type": "photo"}, 5], "allowed_updates": {"x": 1}, "url": 7},
    {"chat_id": -1, "callback_query_id": None, "file_id": {}, "user_id": "me", "action": None},
]


@pytest.mark.parametrize("params", JUNK)
async def test_junk_parameters_never_crash_a_method(
    http: httpx.AsyncClient, client: EmulatorClient, params: dict[str, object]
) -> None:
    """Every method answers junk with a 4xx envelope (or success), never a 500."""
    user = await client.create_user(user_id=1)
    await client.send_text(user, "/start")
    for method in METHODS:
        if method in {"close", "logout", "setwebhook", "deletewebhook"}:
            continue
        response = await http.post(f"/bot{TOKEN}/{method}", json=params)
        body = response.json()
        assert response.status_code < 500, (method, body)
        assert body["ok"] is (response.status_code == 200), (method, body)
        if not body["ok"]:
            assert body["error_code"] == response.status_code
            assert isinstance(body["description"], str)


async def test_broken_bodies_are_bad_requests(http: httpx.AsyncClient) -> None:
    """A body that is not JSON, or JSON that is not an object, is a 400."""
    url = f"/bot{TOKEN}/sendMessage"
    for content in (b"{not json", b"[1, 2]"):
        response = await http.post(
            url, content=content, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["description"].startswith("Bad Request:")
