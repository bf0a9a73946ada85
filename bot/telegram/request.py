"""The bot's HTTP client for the Bot API: PTB's request interface over aiohttp.

PTB's default client (httpx) spends a large part of a busy bot's CPU in its layers; aiohttp,
which the project already uses, does the same work in about half the time. This is PTB's
documented extension point (``BaseRequest``), so the rest of PTB is unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

_FORM = "application/x-www-form-urlencoded"


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with a bounded connection pool."""

    __slots__ = ("_connections", "_read_timeout", "_session", "_timeouts")

    def __init__(
        self,
        connection_pool_size: int = 64,
        read_timeout: float = 5.0,
        write_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        pool_timeout: float = 5.0,
    ) -> None:
        self._connections = connection_pool_size
        self._read_timeout = read_timeout
        self._timeouts = (write_timeout, connect_timeout, pool_timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        """The read timeout used when a call gives none."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector)

    @property
    def closed(self) -> bool:
        """Whether no session is open (before initialising, or after shutting down)."""
        return self._session is None or self._session.closed

    async def shutdown(self) -> None:
        """Close the session."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one call; return the HTTP status and the body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        default_write, default_connect, default_pool = self._timeouts
        read = _seconds(read_timeout, self._read_timeout)
        write = _seconds(write_timeout, default_write)
        connect = _seconds(connect_timeout, default_connect)
        pool = _seconds(pool_timeout, default_pool)
        sock_read = None if read is None else read + (write or 0)
        timeout = aiohttp.ClientTimeout(
            total=None, connect=pool, sock_connect=connect, sock_read=sock_read
        )
        body = _body(request_data)
        headers = {"User-Agent": self.USER_AGENT}
        if isinstance(body, bytes):
            headers["Content-Type"] = _FORM
        try:
            async with self._session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


def _seconds(given: object, default: float) -> float | None:
    """A timeout a call gave (None: wait for ever), or the default when it gave none."""
    if given is BaseRequest.DEFAULT_NONE:
        return default
    if given is None or isinstance(given, int | float):
        return None if given is None else float(given)
    raise TypeError(f"a timeout must be a number of seconds, not {given!r}")


def _body(request_data: RequestData | None) -> Any:
    """The form fields url-encoded, or a multipart form when the call uploads files.

    Fields are encoded here rather than handed to aiohttp as a mapping, which builds a
    FormData (and a multipart writer it does not use) for every call.
    """
    if request_data is None:
        return None
    files = request_data.multipart_data
    if not files:
        return request_data.url_encoded_parameters().encode()
    fields = request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, part in files.items():
        filename, content, *rest = part
        content_type = rest[0] if rest else "application/octet-stream"
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form
