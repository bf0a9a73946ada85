"""The e-mail and webhook senders against a local SMTP server and a local receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Smtp
from bot.outbox.dispatcher import Dispatcher, PermanentFailure, RetryLater
from bot.outbox.email.sender import EmailSender
from bot.outbox.senders import CompositeSender
from bot.outbox.webhook.sender import WebhookSender
from storage.outbox import OutboxItem, OutboxRepository
from tests.support.receivers import PATIENCE, SECRET, SECRET_ENV, MailBox, Receiver
from tests.support.settlements import FAST_BACKOFF, Settlements

ODD = 'Bags & "tyres" <b>by</b> the gate \u2014 caf\u00e9'


async def enqueued(outbox: OutboxRepository, kind: str, target: str, payload: Any) -> OutboxItem:
    """An item written to the outbox and read back, as the dispatcher would claim it."""
    item = await outbox.get(await outbox.enqueue(kind, target, payload))
    assert item is not None
    return item


async def test_email_reaches_the_smtp_server(
    smtp: tuple[MailBox, int], outbox: OutboxRepository
) -> None:
    """The message arrives from the configured sender, to the agency, logged in with the
    password from the environment, with its text intact."""
    box, port = smtp
    config = Smtp(
        host="127.0.0.1",
        port=port,
        starttls=False,
        username="bot",
        password_env="SMTP_PASSWORD",
        sender="safetybot@example.org",
    )
    sender = EmailSender(config, environ={"SMTP_PASSWORD": "pw-from-env"})
    payload = {"to": "waste@example.org", "subject": "Normal: new report K7QX4M", "body": ODD}
    item = await enqueued(outbox, "email", "waste@example.org", payload)
    result = await sender.send(item)
    assert len(box.messages) == 1
    message = box.messages[0]
    assert box.recipients == [["waste@example.org"]]
    assert box.logins == [("bot", "pw-from-env")]
    assert message["From"] == "safetybot@example.org"
    assert message["Subject"] == "Normal: new report K7QX4M"
    assert message["X-Safetybot-Delivery"] == str(item.id)
    assert message["Message-ID"] == result["message_id"]
    assert message.get_content().strip() == ODD


async def test_email_without_its_password_waits(outbox: OutboxRepository) -> None:
    """A password variable that is not set is a temporary failure naming the variable."""
    config = Smtp(host="127.0.0.1", username="bot", password_env="SMTP_PW", sender="a@b.org")
    item = await enqueued(outbox, "email", "x@b.org", {"to": "x@b.org", "subject": "s", "body": ""})
    with pytest.raises(RetryLater, match="SMTP_PW"):
        await EmailSender(config, environ={}).send(item)


@pytest.fixture
async def webhook_item(receiver: Receiver, outbox: OutboxRepository) -> OutboxItem:
    """A webhook item addressed to the local receiver."""
    body = {"service_request_id": "K7QX4M", "description": ODD, "attributes": {"a": "b"}}
    payload = {"url": receiver.url, "secret_env": SECRET_ENV, "body": body}
    return await enqueued(outbox, "webhook", receiver.url, payload)


SIGNING = {SECRET_ENV: SECRET}


async def test_webhook_is_signed_and_delivered(
    receiver: Receiver, webhook_item: OutboxItem
) -> None:
    """A 200 is delivery; the receiver verified the signature and saw the delivery id."""
    result = await WebhookSender(environ=SIGNING).send(webhook_item)
    assert result == {"status": 200}
    [call] = receiver.calls
    assert call.signed
    assert call.delivery == str(webhook_item.id)
    assert call.body == webhook_item.payload["body"]


@pytest.mark.parametrize(
    ("status", "retry_after", "verdict", "seconds"),
    [
        (503, "7", RetryLater, 7.0),
        (429, None, RetryLater, None),
        (400, None, PermanentFailure, None),
        (404, None, PermanentFailure, None),
    ],
)
async def test_webhook_answers_become_verdicts(
    receiver: Receiver,
    webhook_item: OutboxItem,
    status: int,
    retry_after: str | None,
    verdict: type[Exception],
    seconds: float | None,
) -> None:
    """429 and 5xx are temporary (Retry-After honoured); other 4xx are permanent."""
    receiver.answers, receiver.retry_after = [status], retry_after
    with pytest.raises(verdict, match=str(status)) as caught:
        await WebhookSender(environ=SIGNING).send(webhook_item)
    if isinstance(caught.value, RetryLater):
        assert caught.value.seconds == seconds


async def test_webhook_with_a_wrong_secret_is_refused(
    receiver: Receiver, webhook_item: OutboxItem
) -> None:
    """A receiver that cannot verify the signature refuses the call: permanent."""
    with pytest.raises(PermanentFailure, match="401"):
        await WebhookSender(environ={SECRET_ENV: "another"}).send(webhook_item)
    assert not receiver.calls[0].signed


async def test_unreachable_webhook_is_retried(outbox: OutboxRepository) -> None:
    """Nobody listening is a temporary failure."""
    url = "http://127.0.0.1:9/hook"
    item = await enqueued(outbox, "webhook", url, {"url": url, "secret_env": "K", "body": {}})
    with pytest.raises(RetryLater):
        await WebhookSender(environ={"K": "k"}).send(item)


@pytest.fixture
async def settled(outbox: OutboxRepository, receiver: Receiver) -> AsyncIterator[Settlements]:
    """A running dispatcher sending webhooks through the composite sender; its settlements."""
    seen = Settlements()
    sender = CompositeSender({"webhook": WebhookSender(environ=SIGNING)})
    dispatcher = Dispatcher(outbox, sender, backoff=FAST_BACKOFF, observer=seen)
    dispatcher.start()
    yield seen
    await dispatcher.stop()


async def test_dispatcher_retries_a_503_then_delivers_once(
    outbox: OutboxRepository, receiver: Receiver, settled: Settlements
) -> None:
    """A 503 is retried with the same delivery id; the 200 settles it; nothing more is sent."""
    receiver.answers, receiver.retry_after = [503], "0"
    body = {"service_request_id": "K7QX4M"}
    item_id = await outbox.enqueue(
        "webhook", receiver.url, {"url": receiver.url, "secret_env": SECRET_ENV, "body": body}
    )
    await settled.sent(item_id)
    assert [s.outcome for s in settled.of(item_id)] == ["retry", "sent"]
    assert [c.status for c in receiver.calls] == [503, 200]
    assert {c.delivery for c in receiver.calls} == {str(item_id)}
    assert all(c.signed for c in receiver.calls)


async def test_dispatcher_fails_a_400_for_good(
    outbox: OutboxRepository, receiver: Receiver, settled: Settlements
) -> None:
    """A 400 is a permanent failure: one call, the item failed."""
    receiver.answers = [400]
    payload = {"url": receiver.url, "secret_env": SECRET_ENV, "body": {}}
    item_id = await outbox.enqueue("webhook", receiver.url, payload)
    await settled.until(lambda seen: bool(seen), "the webhook to be settled")
    assert [s.outcome for s in settled.of(item_id)] == ["failed"]
    assert len(receiver.calls) == 1
    stored = await outbox.get(item_id)
    assert stored is not None
    assert stored.state == "failed"


async def test_composite_refuses_an_unknown_kind(outbox: OutboxRepository) -> None:
    """A kind with no sender is a permanent failure."""
    item = await enqueued(outbox, "fax", "01727", {})
    with pytest.raises(PermanentFailure, match="fax"):
        await asyncio.wait_for(CompositeSender({}).send(item), PATIENCE)
