"""Fixtures: a local SMTP server and a local webhook receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.receivers import MailBox, Receiver, smtp_server, webhook_receiver


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[MailBox, int]]:
    """A local SMTP server: what it received, and its port."""
    async with smtp_server() as running:
        yield running


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A local webhook receiver."""
    async with webhook_receiver() as running:
        yield running
