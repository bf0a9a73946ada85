"""Helpers shared by the emulator tests."""

from __future__ import annotations

from typing import Any

import httpx

TOKEN = "123456:TEST-token"
BOT_ID = 123456


class BotApi:
    """Calls the Bot API as a bot would, keeping the raw HTTP response."""

    def __init__(self, http: httpx.AsyncClient, token: str = TOKEN) -> None:
        self.http = http
        self.token = token

    async def raw(self, method: str, **params: Any) -> httpx.Response:
        """POST a JSON body and return the response."""
        return await self.http.post(f"/bot{self.token}/{method}", json=params)

    async def ok(self, method: str, **params: Any) -> Any:
        """Call a method that must succeed and return its result."""
        response = await self.raw(method, **params)
        body = response.json()
        assert response.status_code == 200, body
        assert body["ok"] is True
        return body["result"]

    async def error(self, method: str, code: int, **params: Any) -> str:
        """Call a method that must fail with ``code`` and return the description."""
        response = await self.raw(method, **params)
        body = response.json()
        assert response.status_code == code, body
        assert body["ok"] is False
        assert body["error_code"] == code
        return str(body["description"])
