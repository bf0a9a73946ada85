"""Webhook delivery: each bot's pending updates are POSTed in order to its webhook URL.

One task per bot sends one update at a time, with the ``X-Telegram-Bot-Api-Secret-Token`` header
when a secret was set. A 2xx answer confirms the update; anything else is recorded as the bot's
``last_error_*`` (shown by getWebhookInfo) and retried with exponential backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx

from bot.emulator.world import BotAccount, Webhook, World, now

logger = logging.getLogger(__name__)


class WebhookHub:
    """Runs webhook delivery for every bot that has a webhook."""

    def __init__(
        self, world: World, *, first_backoff: float = 0.05, max_backoff: float = 2.0
    ) -> None:
        self.world = world
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self._tasks: dict[int, tuple[Webhook, asyncio.Task[None]]] = {}
        self._http: httpx.AsyncClient | None = None

    def sync(self, bot: BotAccount) -> None:
        """Start, restart or stop delivery to match the bot's webhook settings."""
        current = self._tasks.get(bot.id)
        if current is not None and current[0] is bot.webhook:
            return
        if current is not None:
            current[1].cancel()
            del self._tasks[bot.id]
        if bot.webhook is not None:
            task = asyncio.create_task(self._deliver(bot, bot.webhook), name=f"webhook-{bot.id}")
            self._tasks[bot.id] = (bot.webhook, task)

    async def close(self) -> None:
        """Stop every delivery task and close the HTTP client."""
        tasks = [task for _, task in self._tasks.values()]
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _deliver(self, bot: BotAccount, hook: Webhook) -> None:
        failures = 0
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=10.0)
        http = self._http
        while bot.webhook is hook:
            if not bot.updates:
                await bot.wakeup.wait()
                continue
            update = bot.updates[0]
            error = await self._post(http, hook.url, update, headers)
            if error is None:
                failures = 0
                bot.updates = [u for u in bot.updates if u["update_id"] != update["update_id"]]
                continue
            failures += 1
            bot.last_error_date = now()
            bot.last_error_message = error
            self.world.emit("webhook_error", bot_id=bot.id, error=error)
            logger.info("webhook of bot %s failed (%s); retry %s", bot.id, error, failures)
            await asyncio.sleep(min(self.first_backoff * 2 ** (failures - 1), self.max_backoff))

    @staticmethod
    async def _post(
        http: httpx.AsyncClient, url: str, update: dict[str, object], headers: dict[str, str]
    ) -> str | None:
        """POST one update; return None on success, else the error as Telegram words it."""
        try:
            response = await http.post(url, json=update, headers=headers)
        except httpx.HTTPError as exc:
            return f"Connection error: {type(exc).__name__}"
        if 200 <= response.status_code < 300:
            return None
        return f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
