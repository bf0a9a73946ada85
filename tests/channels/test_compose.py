"""What the outbox composes for a report is what was composed before it moved there.

The recorded items (see :mod:`tests.channels.compose_cases`) came from the reporting service
composing the alerts, e-mails and webhook calls itself; the outbox now composes them from the
stored report. Same order, same dedupe keys, same stored payloads byte for byte, so nothing
queued across the upgrade is sent twice or changed; the one difference is the cards' button
data, now written by the button codec (``v2``), which must mean what the recorded ``v1`` data
meant; and a card or e-mail of a report without a description now says so (the recording left
the line out).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import buttons
from bot.outbox.compose import enqueue_new_report, new_report_items, referral_items
from bot.outbox.facts import NO_DESCRIPTION
from bot.outbox.items import Outgoing
from storage.db import Database
from storage.jsontext import dumps
from storage.outbox import OutboxRepository

from .compose_cases import NOW, RECORDED, REFERRED_TO, cases, config

CONFIG = config()
CASES = cases(CONFIG)
BEFORE = json.loads(RECORDED.read_text(encoding="utf-8"))


def _meaning(stored: list[list[str]]) -> list[list[str]]:
    """Stored items with each button's data replaced by what the codec reads it as."""
    read = []
    for kind, target, payload, key in stored:
        data = json.loads(payload)
        for row in data.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                button["callback_data"] = repr(buttons.decode(button["callback_data"]))
        read.append([kind, target, dumps(data), key])
    return read


def _as_stored(items: list[Outgoing]) -> list[list[str]]:
    return [[i.kind, i.target, dumps(dict(i.payload)), i.dedupe_key] for i in items]


def _as_recorded(stored: list[list[str]]) -> list[list[str]]:
    """Today's items as the recording had them: without the line saying that no description
    was given, which the recording left out."""
    recorded = []
    for kind, target, payload, key in stored:
        data = json.loads(payload)
        for field in ("text", "body"):
            if isinstance(data.get(field), str):
                data[field] = data[field].replace(f"\nDescription: {NO_DESCRIPTION}", "")
        recorded.append([kind, target, dumps(data), key])
    return recorded


def _button_data(stored: list[list[str]]) -> list[str]:
    return [
        button["callback_data"]
        for _, _, payload, _ in stored
        for row in json.loads(payload).get("reply_markup", {}).get("inline_keyboard", [])
        for button in row
    ]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_new_report_gets_the_items_it_got_before(name: str) -> None:
    """Every agency's card, pin and photos, then its e-mail and webhook call, unchanged."""
    report, category, routing = CASES[name]
    items = _as_stored(new_report_items(CONFIG, report, category, routing))
    assert _meaning(_as_recorded(items)) == _meaning(BEFORE["new"][name])
    assert all(data.startswith("v2:") for data in _button_data(items))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_referral_gets_the_items_it_got_before(name: str) -> None:
    """The agency referred to gets the Telegram alert it got before (it has no e-mail or
    webhook here: see tests/channels/test_items.py for one that has)."""
    report, category, routing = CASES[name]
    items = _as_stored(referral_items(CONFIG, report, category, routing, (REFERRED_TO,)))
    assert _meaning(_as_recorded(items)) == _meaning(BEFORE["referral"][name])


def test_the_cases_cover_every_channel_and_kind() -> None:
    """The recording exercises cards, pins, photos, e-mails and webhooks, sensitive or not."""
    kinds = {item[0] for items in BEFORE["new"].values() for item in items}
    assert kinds == {"message", "location", "photo", "email", "webhook"}


async def test_enqueueing_twice_writes_each_item_once(tmp_path: Path) -> None:
    """The outbox holds each composed item once, in order, however often it is enqueued."""
    name = "fly-tipping on railway land, with photos"
    report, category, routing = CASES[name]
    async with await Database.open(tmp_path / "bot.db") as db:
        outbox = OutboxRepository(db)
        for _ in range(2):
            async with db.transaction():
                await enqueue_new_report(outbox, CONFIG, report, category, routing, now=NOW)
        rows = await outbox.claim_due(now=NOW, limit=100)
    expected = BEFORE["new"][name]
    stored = [[r.kind, r.target, dumps(dict(r.payload)), r.dedupe_key] for r in rows]
    assert _meaning(_as_recorded(stored)) == _meaning(expected)
