"""What the admins are told about an outbox item that cannot be delivered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.outbox.dispatcher import undeliverable_note
from storage.outbox import OutboxItem

NOW = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)


def _item(kind: str, target: str, key: str | None) -> OutboxItem:
    return OutboxItem(
        id=7,
        kind=kind,
        target=target,
        payload={"text": "Mattress dumped outside 12 Holywell Hill"},
        dedupe_key=key,
        state="failed",
        attempts=5,
        next_attempt_at=NOW,
        last_error=None,
        created_at=NOW,
        sent_at=None,
        result=None,
    )


@pytest.mark.parametrize(
    ("item", "said", "unsaid"),
    [
        (
            _item("email", "waste@example.org", "email:3:waste"),
            "item 7 (email) to the e-mail address of agency 'waste': 550 no such user. "
            "Check the agency's email and [smtp]",
            "waste@example.org",
        ),
        (
            _item("webhook", "https://crm.example.org/hook?token=s3cret", "webhook:3:waste"),
            "item 7 (webhook) to the webhook address of agency 'waste': 550 no such user. "
            "Check the agency's webhook_url and its secret",
            "s3cret",
        ),
        (
            _item("message", "123456789", None),
            "item 7 (message) to a private chat: 550 no such user.",
            "123456789",
        ),
        (
            _item("message", "-1001000000001", None),
            "item 7 (message) to chat -1001000000001: 550 no such user. Check the chat id",
            "Holywell",
        ),
    ],
)
def test_notes_name_the_channel_never_the_contents_or_a_secret(
    item: OutboxItem, said: str, unsaid: str
) -> None:
    """E-mail and webhook failures name the agency and the setting to check; a resident's
    chat is not named; no note carries the item's contents or a URL's token."""
    note = undeliverable_note(item, "550 no such user")
    assert said in note
    assert unsaid not in note
    assert "Holywell" not in note
