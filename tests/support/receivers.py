"""Local stand-ins for the outer boundary: an SMTP server and a webhook receiver."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiohttp import web
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

# How long a test waits for what it expects before failing (a guard, not a measurement).
PATIENCE = 15.0
SECRET = "webhook-test-secret-not-a-real-one"
SECRET_ENV = "WASTE_WEBHOOK_SECRET"


async def eventually(done: Callable[[], bool], changed: asyncio.Event, what: str) -> None:
    """Wait until ``done()`` is true, checking each time ``changed`` is set; fail after
    PATIENCE seconds."""
    try:
        async with asyncio.timeout(PATIENCE):
            while not done():
                changed.clear()
                await changed.wait()
    except TimeoutError:
        pytest.fail(f"waited for {what}")


class MailBox:
    """What the local SMTP server received, and the logins it accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.logins: list[tuple[str, str]] = []
        self.changed = asyncio.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keep the message (aiosmtpd's hook for a message's content)."""
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        self.changed.set()
        return "250 OK"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        """Accept any login, remembering it."""
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)


@contextlib.asynccontextmanager
async def smtp_server() -> AsyncIterator[tuple[MailBox, int]]:
    """An SMTP server on 127.0.0.1 and a free port, in this event loop (AUTH without TLS)."""
    box = MailBox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(box, authenticator=box.authenticate, auth_require_tls=False),
        "127.0.0.1",
        0,
    )
    try:
        yield box, int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


@dataclass
class Received:
    """One call the receiver answered."""

    body: dict[str, Any]
    delivery: str
    signed: bool
    status: int


@dataclass
class Receiver:
    """A webhook receiver that checks signatures and answers with the statuses it is given."""

    answers: list[int] = field(default_factory=list)  # used in order; then 200
    retry_after: str | None = None
    calls: list[Received] = field(default_factory=list)
    url: str = ""
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        given = request.headers.get("X-Safetybot-Signature", "")
        signed = hmac.compare_digest(expected, given)
        status = self.answers.pop(0) if self.answers else 200
        if not signed:
            status = 401
        delivery = request.headers.get("X-Safetybot-Delivery", "")
        self.calls.append(Received(json.loads(raw), delivery, signed, status))
        self.changed.set()
        headers = {"Retry-After": self.retry_after} if self.retry_after else {}
        return web.Response(status=status, headers=headers)


@contextlib.asynccontextmanager
async def webhook_receiver() -> AsyncIterator[Receiver]:
    """A :class:`Receiver` listening on 127.0.0.1 and a free port."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/open311/requests", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    receiver.url = f"http://{host}:{port}/open311/requests"
    try:
        yield receiver
    finally:
        await runner.cleanup()
