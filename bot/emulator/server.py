"""The emulator's HTTP server: the Bot API, file downloads and the client API, on 127.0.0.1.

``/bot<token>/<method>`` takes GET query strings and POST bodies (form-urlencoded, JSON or
multipart) and answers ``{"ok": true, "result": ...}`` or Telegram's error objects.
``/file/bot<token>/<file_path>`` serves files. ``/client/...`` is documented in
:mod:`bot.emulator.client_api`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.emulator import client_api
from bot.emulator.errors import ApiError, bad_request, not_found
from bot.emulator.faults import Guard, RateLimits
from bot.emulator.methods import METHODS
from bot.emulator.params import Params, Upload
from bot.emulator.sending import Call
from bot.emulator.webhooks import WebhookHub
from bot.emulator.world import World

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,100}")
MAX_BODY = 64 * 1024 * 1024


def api_answer(result: Any) -> web.Response:
    """Return Telegram's success envelope."""
    return web.json_response({"ok": True, "result": result})


def api_error(error: ApiError) -> web.Response:
    """Return Telegram's error envelope with the matching HTTP status."""
    return web.json_response(error.to_api(), status=error.code)


async def read_params(request: web.Request) -> Params:
    """Collect a call's parameters from the query string and any body."""
    values: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON body") from None
            if not isinstance(body, dict):
                raise bad_request("JSON body must be an object")
            values.update(body)
        elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    values[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    values[key] = value
    return Params(values)


class EmulatorServer:
    """An emulated Telegram Bot API server; ``async with EmulatorServer() as server``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: RateLimits | None = None,
        *,
        webhook_backoff: float = 0.05,
    ) -> None:
        self.host = host
        self.port = port
        self.world = World()
        self.guard = Guard(limits)
        self.webhooks = WebhookHub(self.world, first_backoff=webhook_backoff)
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """Return the base URL, e.g. ``http://127.0.0.1:8081`` (after :meth:`start`)."""
        if self._url is None:
            raise RuntimeError("the emulator is not started")
        return self._url

    def make_app(self) -> web.Application:
        """Build the aiohttp application with every route."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        client_api.add_routes(app, self)
        return app

    async def start(self) -> None:
        """Listen on the host and port (port 0 picks a free one)."""
        runner = web.AppRunner(self.make_app(), shutdown_timeout=0.5, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        self._url = f"http://{self.host}:{self.port}"
        logger.info("Bot API emulator listening on %s", self._url)

    async def stop(self) -> None:
        """Stop delivery and the HTTP server."""
        await self.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def reset(self) -> None:
        """Forget every bot, user, chat, fault and webhook; the event seq keeps increasing."""
        for bot in self.world.bots.values():
            bot.webhook = None
            self.webhooks.sync(bot)
        self.world.reset()
        self.guard.clear_faults()
        self.guard.set_limits(self.guard.limits)

    def restore(self, snapshot: dict[str, Any]) -> int:
        """Replace the world with a snapshot (see :meth:`World.restore`), stopping webhook
        delivery and lifting faults first; return the seq of the ``restored`` event."""
        restored = World()
        restored.restore(snapshot)  # raises ValueError before anything here changes
        for bot in self.world.bots.values():
            bot.webhook = None
            self.webhooks.sync(bot)
        self.guard.clear_faults()
        self.guard.set_limits(self.guard.limits)
        return self.world.restore(snapshot)

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method_name = request.match_info["method"]
        try:
            if not TOKEN_RE.fullmatch(token):
                raise not_found()
            method = METHODS.get(method_name.lower())
            if method is None:
                raise not_found()
            bot = self.world.bot_for_token(token)
            params = await read_params(request)
            chat_id = params.maybe_chat_id()
            fault = self.guard.fault_for(bot.id, method_name, chat_id)
            if fault is not None:
                if fault.delay > 0:
                    await asyncio.sleep(fault.delay)
                error = fault.error()
                if error is not None:
                    raise error
            self.guard.check_rate(bot.id, method_name, chat_id, chat_id is not None and chat_id < 0)
            result = await method(Call(self.world, bot, params, self.webhooks))
        except ApiError as error:
            if error.code >= 500 or error.code == 429:
                logger.debug("%s answered %s", method_name, error.code)
            return api_error(error)
        except Exception:
            logger.exception("Bot API method %s failed", method_name)
            return api_error(ApiError(500, "Internal Server Error"))
        return api_answer(result)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN_RE.fullmatch(token):
            return api_error(not_found())
        stored = self.world.file_by_path(request.match_info["path"])
        if stored is None or stored.content is None:
            return api_error(not_found())
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )


def dumps(value: Any) -> str:
    """Serialise JSON compactly, as Telegram does."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
