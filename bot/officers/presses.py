"""Whether a press of an officers' button may do what it asks, decided at the moment of the
press. Domain logic over storage; no Telegram.

A press is allowed when three things hold, checked in this order:

1. the presser is an officer of the agency the button names, and the report is routed there
   (:meth:`bot.officers.service.OfficerService.authorised`, which records a refusal);
2. the message pressed is that agency's card for the report, as the outbox recorded it when
   it was sent, or, for the buttons of a prompt under the card (resolve now, write a note,
   refer to), a message replying to that card in its chat: a button's data pressed on any
   other message is refused and recorded;
3. the action still applies to the agency's state for the report (nothing is resolved,
   referred or asked about once the agency's part is over).

A refused press changes nothing: no message, no row (beyond the record of the refusal).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.config import Config
from bot.outbox.telegram.items import card_key
from storage.db import Database
from storage.outbox import OutboxRepository, SentMessage
from storage.reports import Report, ReportRepository
from storage.routings import AgencyState, RoutingRepository

logger = logging.getLogger(__name__)

Action = Literal["acknowledge", "resolve", "refer", "ask", "details"]
Refusal = Literal["not_officer", "wrong_card", "finished"]

# An agency's states in which the report is still its to deal with.
OPEN_STATES: tuple[AgencyState, ...] = ("sent", "acknowledged", "in_progress")
# The agency's states in which each action still applies; a sensitive report's details may
# be read again whatever its state (reading them changes nothing but the audit trail).
APPLIES: dict[Action, tuple[AgencyState, ...] | None] = {
    "acknowledge": ("sent",),
    "resolve": OPEN_STATES,
    "refer": OPEN_STATES,
    "ask": OPEN_STATES,
    "details": None,
}

Card = SentMessage
"""Where a report's card for an agency is: its chat and its message id."""


@dataclass(frozen=True, slots=True)
class Press:
    """One press of an officers' button: what it asks, what its data names, who pressed it,
    and where: the message pressed and, if its content is known (Telegram gives only the id
    of a message too old for the bot to see), the message that one replies to."""

    action: Action
    report_id: int
    agency_id: str
    officer_id: int
    chat_id: int | None
    message_id: int | None
    card_id: int | None = None  # a prompt's buttons name the card they were offered under
    replied_to: int | None = None
    message_known: bool = True


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the check found: the report and the card to act on, whether the message pressed
    is a prompt under that card (which may be taken away once it is answered), or why the
    press is refused (with the agency's state, for a report whose part here is over)."""

    report: Report | None
    card: Card | None
    refusal: Refusal | None
    state: AgencyState | None = None
    prompt: bool = False


NOT_OFFICER = Verdict(report=None, card=None, refusal="not_officer")


class Presses:
    """The card and state checks of a press by someone who may act on its report."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._outbox = OutboxRepository(db)
        self._routings = RoutingRepository(db)
        self._reports = ReportRepository(db)

    async def card_of(self, report_id: int, agency_id: str) -> Card | None:
        """The card the agency was sent for the report, once it was sent."""
        return await self._outbox.sent_message(card_key(report_id, agency_id))

    async def check(self, press: Press, report: Report, now: datetime) -> Verdict:
        """Whether the press came from the report's card for its agency (or from a prompt
        under it) and its action still applies; a press from elsewhere is recorded."""
        pressed = self._card_pressed(press, await self.card_of(report.id, press.agency_id))
        if pressed is None:
            await self._reports.add_event(
                report.id,
                actor=f"telegram:{press.officer_id}",
                kind="refused",
                detail={"action": press.action, "agency": press.agency_id, "reason": "wrong_card"},
                at=now,
            )
            logger.warning(
                "Refused %s on report %s for %s: pressed on a message that is not its card",
                press.action,
                report.ref,
                press.agency_id,
            )
            return Verdict(report=None, card=None, refusal="wrong_card")
        card, prompt = pressed
        states = {a.agency_id: a.state for a in await self._routings.agencies(report.id)}
        state = states.get(press.agency_id)
        applies = APPLIES[press.action]
        if applies is not None and state not in applies:
            return Verdict(report=report, card=card, refusal="finished", state=state)
        return Verdict(report=report, card=card, refusal=None, state=state, prompt=prompt)

    def _card_pressed(self, press: Press, stored: Card | None) -> tuple[Card, bool] | None:
        """The card the press acts on, and whether the message pressed is a prompt replying
        to it: a card button must be pressed on the card, a prompt's button on a message
        replying to the card it names (or one too old to tell). None if it came from anywhere
        else.

        Until the dispatcher has recorded the card as sent (an instant after Telegram's
        answer) it is not known by id: the press must then come from the agency's own chat.
        """
        if press.chat_id is None or press.message_id is None:
            return None
        if stored is None:
            chat = self._config.agency(press.agency_id).chat_id
            stored = Card(chat, press.message_id if press.card_id is None else press.card_id)
        if press.chat_id != stored.chat_id:
            return None
        if press.card_id is None:  # the card's own buttons
            return (stored, False) if press.message_id == stored.message_id else None
        if press.card_id != stored.message_id or press.message_id == stored.message_id:
            return None
        if not press.message_known:
            return stored, False
        return (stored, True) if press.replied_to == stored.message_id else None
