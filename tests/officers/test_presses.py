"""Whether a press may do what it asks, over a real SQLite file: who pressed it, on which
message (the card the outbox sent for that report and agency, or a prompt replying to it), and
whether its action still applies to the agency's state."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, default_config_text, parse_config
from bot.officers.presses import Action, Card, Press
from bot.officers.service import OfficerService
from bot.outbox.telegram.items import card_key
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.reports import NewReport, ReportRepository
from storage.routings import AgencyState, RoutingRepository

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
CONFIG: Config = parse_config(default_config_text(), base_dir=Path("."))
WASTE = CONFIG.agency("sadc-waste")
OFFICER = WASTE.officers[0]
CARD = 40  # the card's message id in the waste team's chat
OTHER_CHAT = CONFIG.agency("sadc-asb").chat_id


async def _report(db: Database, *, card_sent: bool, state: AgencyState = "sent") -> int:
    """A report routed to the waste team in ``state``, its card sent as message CARD (or still
    waiting in the outbox); its id."""
    report = await ReportRepository(db).create(
        NewReport(ref="K7M-4QR", category="fly-tipping", created_at=NOW), actor="resident"
    )
    routings = RoutingRepository(db)
    await routings.route_to(report.id, WASTE.id, at=NOW)
    await routings.set_agency_state(report.id, WASTE.id, state, at=NOW)
    outbox = OutboxRepository(db)
    item = await outbox.enqueue(
        "message", str(WASTE.chat_id), {"text": "card"}, dedupe_key=card_key(report.id, WASTE.id)
    )
    if card_sent:
        await outbox.mark_sent(item, now=NOW, result={"message_id": CARD})
    return report.id


def _press(
    report_id: int,
    *,
    action: Action = "acknowledge",
    chat: int = WASTE.chat_id,
    message: int = CARD,
    card: int | None = None,
    replied_to: int | None = None,
    known: bool = True,
    officer: int = OFFICER,
) -> Press:
    return Press(
        action,
        report_id,
        WASTE.id,
        officer,
        chat_id=chat,
        message_id=message,
        card_id=card,
        replied_to=replied_to,
        message_known=known,
    )


# (what is pressed, as keyword arguments of _press; whether the card was recorded as sent;
# the refusal expected, or None; whether the message pressed is a prompt to take away)
CASES = [
    ({}, True, None, False),
    ({"message": CARD + 1}, True, "wrong_card", False),
    ({"chat": OTHER_CHAT}, True, "wrong_card", False),
    ({"action": "resolve", "message": 41, "card": CARD, "replied_to": CARD}, True, None, True),
    (
        {"action": "resolve", "message": CARD, "card": CARD, "replied_to": None},
        True,
        "wrong_card",
        False,
    ),
    (
        {"action": "resolve", "message": 41, "card": CARD, "replied_to": 39},
        True,
        "wrong_card",
        False,
    ),
    (
        {"action": "resolve", "message": 41, "card": CARD, "replied_to": None},
        True,
        "wrong_card",
        False,
    ),
    ({"action": "refer", "message": 41, "card": 39, "replied_to": 39}, True, "wrong_card", False),
    ({"action": "refer", "message": 41, "card": CARD, "known": False}, True, None, False),
    ({"message": 77}, False, None, False),
    ({"chat": OTHER_CHAT}, False, "wrong_card", False),
    ({"action": "resolve", "message": 41, "card": 39, "replied_to": 39}, False, None, True),
    ({"officer": 5555}, True, "not_officer", False),
]


@pytest.mark.parametrize(("pressed", "card_sent", "refusal", "prompt"), CASES)
async def test_a_press_acts_only_from_its_card_or_a_prompt_under_it(
    tmp_path: Path, pressed: dict[str, Any], card_sent: bool, refusal: str | None, prompt: bool
) -> None:
    """A card's button counts on that card, a prompt's on a message replying to the card it
    names (or one too old to read); until the card is recorded as sent, the agency's chat is
    the card's. A press from anywhere else is refused and recorded; so is a non-officer's."""
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        report_id = await _report(db, card_sent=card_sent)
        verdict = await OfficerService(CONFIG, db).check(_press(report_id, **pressed), NOW)
        events = await ReportRepository(db).list_events(report_id)
    assert verdict.refusal == refusal
    assert verdict.prompt == prompt
    refused = [e for e in events if e.kind == "refused"]
    assert len(refused) == (refusal is not None)
    if refusal is None:
        assert verdict.card is not None
        assert verdict.card.chat_id == WASTE.chat_id
    if refusal is None and card_sent:
        assert verdict.card == Card(WASTE.chat_id, CARD)


@pytest.mark.parametrize(
    ("action", "state", "applies"),
    [
        ("acknowledge", "sent", True),
        ("acknowledge", "acknowledged", False),
        ("resolve", "acknowledged", True),
        ("resolve", "resolved", False),
        ("refer", "referred", False),
        ("ask", "resolved", False),
        ("ask", "in_progress", True),
        ("details", "resolved", True),
    ],
)
async def test_an_action_applies_only_while_the_agencys_part_is_open(
    tmp_path: Path, action: Action, state: AgencyState, applies: bool
) -> None:
    """Acknowledge only what is waiting; resolve, refer and ask only what is open here; a
    sensitive report's details may be read again. A refused one names the state, unrecorded."""
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        report_id = await _report(db, card_sent=True, state=state)
        verdict = await OfficerService(CONFIG, db).check(_press(report_id, action=action), NOW)
        events = await ReportRepository(db).list_events(report_id)
    assert verdict.refusal == (None if applies else "finished")
    assert verdict.state == state
    assert [e for e in events if e.kind == "refused"] == []
